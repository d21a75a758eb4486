// The UI's only way to Rust: `call`, typed by the command map generated from the command list of
// casedesk-ipc (src/bindings/commands.ts), and one function per command of ui/IPC.md. A renamed
// command or argument is a compile error here. Every rejection becomes an IpcError.
import { invoke } from "@tauri-apps/api/core";
import type { Command, Commands } from "../bindings/commands";
import type { CaseEvent, CaseRegistered, DuplicateQuery, IpcErrorShape, IpcIssue, ListQuery, Settings, SetupStation } from "./types";
import type {
  DocFileReq,
  DocIssue,
  DocPreview,
  EvidenceAdd,
  LedgerExport,
  BundleExport,
  BundleImport,
  PickPath,
  HotspotsQuery,
  RecordConsultation,
  ReportExport,
  ReportQuery,
  ReportSubmit,
  RovingEnd,
  RovingStart,
  StaffAdd,
  SyncEnroll,
  TransferKind,
} from "../bindings";

/** The code of a failure that never reached Rust (no IpcError came back). */
export const IPC_FAILED = "ipc.failed";

export class IpcError extends Error implements IpcErrorShape {
  code: string;
  arg: string;
  issues: IpcIssue[];
  constructor(code: string, message: string, issues: IpcIssue[] = [], arg = "") {
    super(message);
    this.name = "IpcError";
    this.code = code;
    this.arg = arg;
    this.issues = issues;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** A string or number field of a rejection, as text ("" for anything else). */
function text(v: unknown): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

/** Turns whatever a rejected invoke gives (object, string, Error) into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (isRecord(e) && typeof e.code === "string") {
    const issues = Array.isArray(e.issues)
      ? e.issues.filter(isRecord).map((i) => ({ path: text(i.path), code: text(i.code), arg: text(i.arg), message: text(i.message) }))
      : [];
    const message = typeof e.message === "string" ? e.message : e.code;
    return new IpcError(e.code, message, issues, text(e.arg));
  }
  if (e instanceof Error) return new IpcError(IPC_FAILED, e.message);
  if (typeof e === "string") return new IpcError(IPC_FAILED, e);
  return new IpcError(IPC_FAILED, "");
}

export type Args<K extends Command> = Commands[K]["args"];
export type Result<K extends Command> = Commands[K]["result"];
/** A command without arguments takes none; any other takes exactly its argument object. */
type ArgList<K extends Command> = Record<string, never> extends Args<K> ? [] : [args: Args<K>];

/** Calls command `cmd` with its argument object. */
export async function call<K extends Command>(cmd: K, ...args: ArgList<K>): Promise<Result<K>> {
  try {
    return await invoke<Result<K>>(cmd, args[0]);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** A fresh operation id (UUID v4) for one user action; reuse it when retrying that action. */
export function newOpId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const api = {
  stationInfo: () => call("station_info"),
  setupStation: (req: SetupStation) => call("setup_station", { req }),
  sessionInfo: () => call("session_info"),
  signInList: () => call("sign_in_list"),
  signIn: (staff: string, secret: string) => call("sign_in", { req: { staff, secret } }),
  lockSession: () => call("lock_session"),
  firstHead: (name: string, secret: string) => call("first_head", { req: { name, secret } }),
  keyOptions: () => call("key_options"),
  idleLockGet: () => call("idle_lock_get"),
  idleLockSet: (secs: number) => call("idle_lock_set", { req: { secs } }),
  retentionGet: () => call("retention_get"),
  retentionSet: (days: number) => call("retention_set", { req: { days } }),
  retentionApply: (opId: string, cases: string[]) => call("retention_apply", { req: { op_id: opId, cases } }),
  reveal: (op_id: string, case_id: string, field: string) => call("reveal", { req: { op_id, case_id, field } }),
  auditLog: () => call("audit_log"),
  reference: () => call("reference"),
  dashboard: () => call("dashboard"),
  listCases: (q: ListQuery) => call("list_cases", { q }),
  countCases: (q: ListQuery) => call("count_cases", { q }),
  getCase: (id: string) => call("get_case", { id }),
  registerCase: (op_id: string, reg: CaseRegistered) => call("register_case", { req: { op_id, reg } }),
  caseAction: (op_id: string, case_id: string, event: CaseEvent) => call("case_action", { req: { op_id, case_id, event } }),
  findDuplicates: (req: DuplicateQuery) => call("find_duplicates", { req }),
  lookupRespondents: (prefix: string) => call("lookup_respondents", { prefix }),
  transferTargets: (kind: TransferKind) => call("transfer_targets", { kind }),
  rovingStart: (req: RovingStart) => call("roving_start", { req }),
  rovingEnd: (req: RovingEnd) => call("roving_end", { req }),
  rovingList: () => call("roving_list"),
  recordConsultation: (req: RecordConsultation) => call("record_consultation", { req }),
  staffList: () => call("staff_list"),
  staffAdd: (req: StaffAdd) => call("staff_add", { req }),
  settingsGet: () => call("settings_get"),
  settingsSet: (req: Settings) => call("settings_set", { req }),
  syncStatus: () => call("sync_status"),
  syncNow: () => call("sync_now"),
  syncEnroll: (req: SyncEnroll) => call("sync_enroll", { req }),
  syncQuarantine: () => call("sync_quarantine"),
  bundleExport: (req: BundleExport) => call("bundle_export", { req }),
  bundleImport: (req: BundleImport) => call("bundle_import", { req }),
  dbLock: () => call("db_lock"),
  dbUnlock: (passphrase: string) => call("db_unlock", { req: { passphrase } }),
  backupList: () => call("backup_list"),
  backupNow: () => call("backup_now"),
  backupSetFolder: (folder: string | null) => call("backup_set_folder", { req: { folder } }),
  backupCheck: (path: string, passphrase: string | null = null) => call("backup_check", { path, passphrase }),
  pickPath: (req: PickPath) => call("pick_path", { req }),
  encryptStation: (passphrase: string) => call("encrypt_station", { req: { passphrase } }),
  backupRestore: (opId: string, path: string, passphrase: string | null = null) =>
    call("backup_restore", { req: { path, op_id: opId, passphrase } }),
  resetDemoStation: (opId: string) => call("reset_demo_station", { req: { op_id: opId } }),
  draftSave: (key: string, json: string) => call("draft_save", { key, json }),
  draftLoad: (key: string) => call("draft_load", { key }),
  draftClear: (key: string) => call("draft_clear", { key }),
  appReady: () => call("app_ready"),
  report: (q: ReportQuery) => call("report", { q }),
  reportSubmit: (req: ReportSubmit) => call("report_submit", { req }),
  reportExport: (req: ReportExport) => call("report_export", { req }),
  hotspots: (q: HotspotsQuery) => call("hotspots", { q }),
  supervision: (q: ReportQuery) => call("supervision", { q }),
  docPreview: (req: DocPreview) => call("doc_preview", { req }),
  docPages: (number: string) => call("doc_pages", { number }),
  docIssue: (req: DocIssue) => call("doc_issue", { req }),
  docFile: (req: DocFileReq) => call("doc_file", { req }),
  docOpen: (path: string) => call("doc_open", { path }),
  evidenceAdd: (req: EvidenceAdd) => call("evidence_add", { req }),
  evidenceThumb: (caseId: string, evidence: string) => call("evidence_thumb", { case: caseId, evidence }),
  evidenceFile: (caseId: string, evidence: string) => call("evidence_file", { case: caseId, evidence }),
  ledgerExport: (req: LedgerExport) => call("ledger_export", { req }),
};

export type Api = typeof api;
