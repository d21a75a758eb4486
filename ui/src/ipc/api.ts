// One typed function per IPC command of ui/IPC.md. Every rejection becomes an IpcError.
import { invoke } from "@tauri-apps/api/core";
import type {
  CaseDetail,
  CaseEvent,
  CaseRef,
  CaseRegistered,
  Dashboard,
  DuplicateHint,
  DuplicateQuery,
  IpcErrorShape,
  IpcIssue,
  ListQuery,
  Page,
  Reference,
  RespondentHint,
  RovingSummary,
  Settings,
  SetupStation,
  Staff,
  StationInfo,
  SyncStatus,
} from "./types";
import type { RecordConsultation, RovingEnd, RovingStart, StaffAdd, SyncEnroll } from "../bindings";

export class IpcError extends Error implements IpcErrorShape {
  code: string;
  issues: IpcIssue[];
  constructor(code: string, message: string, issues: IpcIssue[] = []) {
    super(message);
    this.name = "IpcError";
    this.code = code;
    this.issues = issues;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Turns whatever a rejected invoke gives (object, string, Error) into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (isRecord(e) && typeof e.code === "string") {
    const issues = Array.isArray(e.issues)
      ? e.issues.filter(isRecord).map((i) => ({
          path: String(i.path ?? ""),
          code: String(i.code ?? ""),
          arg: String(i.arg ?? ""),
          message: String(i.message ?? ""),
        }))
      : [];
    return new IpcError(e.code, typeof e.message === "string" ? e.message : e.code, issues);
  }
  if (e instanceof Error) return new IpcError("ipc.failed", e.message);
  if (typeof e === "string") return new IpcError("ipc.failed", e);
  return new IpcError("ipc.failed", "");
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

/** A fresh operation id (UUID v4) for one user action; reuse it when retrying that action. */
export function newOpId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const api = {
  stationInfo: () => call<StationInfo | null>("station_info"),
  setupStation: (req: SetupStation) => call<StationInfo>("setup_station", { req }),
  reference: () => call<Reference>("reference"),
  dashboard: () => call<Dashboard>("dashboard"),
  listCases: (q: ListQuery) => call<Page>("list_cases", { q }),
  countCases: (q: ListQuery) => call<number>("count_cases", { q }),
  getCase: (id: string) => call<CaseDetail>("get_case", { id }),
  registerCase: (op_id: string, reg: CaseRegistered) => call<CaseRef>("register_case", { req: { op_id, reg } }),
  caseAction: (op_id: string, case_id: string, event: CaseEvent) =>
    call<CaseDetail>("case_action", { req: { op_id, case_id, event } }),
  findDuplicates: (req: DuplicateQuery) => call<DuplicateHint[]>("find_duplicates", { req }),
  lookupRespondents: (prefix: string) => call<RespondentHint[]>("lookup_respondents", { prefix }),
  rovingStart: (req: RovingStart) => call<RovingSummary>("roving_start", { req }),
  rovingEnd: (req: RovingEnd) => call<RovingSummary>("roving_end", { req }),
  rovingList: () => call<RovingSummary[]>("roving_list"),
  recordConsultation: (req: RecordConsultation) => call<null>("record_consultation", { req }),
  staffList: () => call<Staff[]>("staff_list"),
  staffAdd: (req: StaffAdd) => call<Staff>("staff_add", { req }),
  settingsGet: () => call<Settings>("settings_get"),
  settingsSet: (req: Settings) => call<Settings>("settings_set", { req }),
  syncStatus: () => call<SyncStatus>("sync_status"),
  syncNow: () => call<SyncStatus>("sync_now"),
  syncEnroll: (req: SyncEnroll) => call<SyncStatus>("sync_enroll", { req }),
  draftSave: (key: string, json: string) => call<null>("draft_save", { key, json }),
  draftLoad: (key: string) => call<string | null>("draft_load", { key }),
  draftClear: (key: string) => call<null>("draft_clear", { key }),
};

export type Api = typeof api;
