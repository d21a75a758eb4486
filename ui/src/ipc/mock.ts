// An in-memory backend implementing every command of ui/IPC.md. Used by the tests (through
// mockIPC) and by "browser mode" (vite dev / vite preview without Tauri). Its handlers are typed
// by the command map generated from Rust (src/bindings/commands.ts): a renamed command or
// argument is a compile error. Domain rules come from domain.ts over Rust's generated data, and
// every message from Rust's message table (lib/messages.ts).
import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import i18n from "../i18n";
import type { Command, Commands } from "../bindings/commands";
import type {
  DbLock,
  IdleLock,
  RetentionApplied,
  RetentionRow,
  RetentionView,
  BackupChecked,
  BackupMade,
  BackupOverview,
  BackupRestored,
  BackupRow,
  BundleExported,
  BundleImported,
  AuditEntry,
  DocFile,
  DocIssue,
  DocKind,
  EvidenceAdd,
  RecordConsultation,
  RovingStart,
  StaffAdd,
  Permission,
  SessionInfo,
  StaffLogin,
  StaffRole,
  TransferKind,
  TransferTarget,
  TransferTargets,
  UnitRelation,
} from "../bindings";
import { availableDocuments, docNumber, mockPage } from "./mockDocs";
import { REFERENCE } from "../bindings/reference.data";
import { messageText, type MessageCode } from "../lib/messages";
import type {
  CaseDetail,
  CaseEvent,
  CaseRegistered,
  CaseRow,
  CaseState,
  Dashboard,
  DuplicateHint,
  DuplicateQuery,
  IpcErrorShape,
  ListQuery,
  Page,
  Reference,
  RespondentHint,
  RovingSummary,
  Settings,
  SetupStation,
  Staff,
  StationInfo,
  Status,
  SyncStatus,
} from "./types";
import {
  type Problem,
  allowedActions,
  applyEvent,
  check,
  dayNum,
  deadlines,
  isOpen,
  localDate,
  maskedCase,
  newCaseState,
  toRow,
  validateRegistration,
} from "./domain";
import { DEMO_STAFF, HUB_UNITS, caseFromRow, dateMinus, generateDemo, rng, uuidFrom } from "./mockData";
import {
  type MockSubmission,
  type StatInput,
  buildHotSpots,
  buildReport,
  buildSupervision,
  closedOnTime,
  parsePeriod,
  subjectOf,
} from "./mockReport";
import type { Dimension, HotSpots, Period, Report, Supervision } from "./types";

export interface MockDb {
  station: (Omit<StationInfo, "staff"> & { parent: string | null; admin_code: string }) | null;
  staff: Staff[];
  cases: CaseState[];
  seq: number;
  roving: RovingSummary[];
  consultations: { at: string; people: number; topic: string; roving_session?: string; by?: string }[];
  settings: Settings;
  sync: SyncStatus;
  drafts: Record<string, string>;
  ops: Record<string, unknown>;
  /** Who is signed in (a staff id). */
  session?: string | null;
  /** Passwords and PINs by staff id (browser mode only; Rust keeps argon2id hashes). */
  secrets?: Record<string, string>;
  failures?: Record<string, number>;
  audit?: AuditEntry[];
  /** Reports submitted (报送), figures frozen (absent in states saved by older versions). */
  submissions?: MockSubmission[];
  /** Backups made (browser mode: only their list) and the extra folder. */
  backups?: BackupRow[];
  backup_folder?: string | null;
  /** The station file stayed plain (absent: encrypted). */
  plain?: boolean;
  /** The head's settings kept in the station file (absent: the defaults). */
  retention_days?: number;
  idle_lock_secs?: number;
  /** How the station file's key is kept (set by the wizard). */
  key?: "keyring" | "passphrase";
}

/** casedesk_domain::access's idle lock bounds and casedesk_domain::retention's longest period. */
const IDLE_LOCK = { default: 600, min: 60, max: 7200 };
const RETENTION = { default: 1095, max: 36500 };
const DAY_MS = 86_400_000;

/** casedesk_domain::access::grants, for the mock. */
const GRANTS: Record<StaffRole, Permission[]> = {
  clerk: ["register", "correct", "note"],
  liaison: ["register", "correct", "note"],
  mediator: ["register", "correct", "note", "mediate", "close", "reveal"],
  head: [
    "register",
    "decide_acceptance",
    "mediate",
    "close",
    "void",
    "correct",
    "note",
    "reveal",
    "export",
    "audit",
    "manage_staff",
    "configure",
    "enroll",
    "anonymize",
  ],
  secretariat: ["register", "correct", "note", "decide_acceptance", "mediate", "close", "void", "reveal", "export", "audit"],
  admin: ["audit", "manage_staff", "configure", "enroll", "anonymize"],
  recorder: [],
  interpreter: [],
};

function permissionsOf(roles: StaffRole[]): Permission[] {
  const all = new Set(roles.flatMap((r) => GRANTS[r] ?? []));
  return GRANTS.head.filter((p) => all.has(p));
}

/** Commands Rust answers without a signed-in member. */
const OPEN_COMMANDS = new Set<string>([
  "db_lock",
  "db_unlock",
  "station_info",
  "setup_station",
  "session_info",
  "sign_in_list",
  "sign_in",
  "lock_session",
  "first_head",
  "key_options",
  "reference",
  "settings_get",
  "sync_status",
  "sync_now",
  "draft_save",
  "draft_load",
  "draft_clear",
  "app_ready",
]);

export interface MockOptions {
  /** "none": first start (station_info is null); "demo": a station with the demo desk. */
  seed?: "none" | "demo";
  /** Extra synthetic cases for list performance (browser mode `?bulk=100000`). */
  bulk?: number;
  /** localStorage key to keep the state across reloads (browser mode). */
  persistKey?: string;
  /** Whether the hub has sent its unit list (default true; false: a station not yet synced). */
  hubUnits?: boolean;
  /** Simulated latency of each command, in ms. */
  latency?: number;
  /** The clock (tests may fix it). */
  now?: () => number;
  /** The station passphrase of a file that waits for it (the unlock screen shows first). */
  passphrase?: string;
  /** Whether this computer has an OS secret store for the key (default true). */
  keyring?: boolean;
  /** A station set up before staff accounts: no one has a password, nobody is signed in. */
  noPasswords?: boolean;
  /** A station file from before encryption that stayed plain (no keyring): `encrypt_station`. */
  plain?: boolean;
}

export type Handler = (cmd: string, args?: unknown) => unknown;

/** One function per command, with the command's argument object and result. */
type Handlers = { [K in Command]: (args: Commands[K]["args"]) => Commands[K]["result"] };

/** A rejection as Rust makes it: a code of Rust's message table, its argument, the texts. */
function ipcError(code: MessageCode, arg = "", issues: Problem[] = []): IpcErrorShape {
  const full = issues.map((i) => ({ ...i, message: messageText(i.code, i.arg) }));
  return { code, arg, message: messageText(code, arg), issues: full };
}

function invalid(issues: Problem[]): IpcErrorShape {
  return ipcError("validation.failed", String(issues.length), issues);
}

function emptySync(): SyncStatus {
  return {
    enrolled: false,
    hub: null,
    waiting: 0,
    last_attempt_ms: null,
    last_success_ms: null,
    last_error_code: null,
    last_error: null,
    hub_quarantined: 0,
    quarantined_here: 0,
    duplicate_numbers: 0,
    clock_offset_ms: null,
    plain_error: null,
    files: { to_upload: 0, to_download: 0, problems: [] },
  };
}

function defaultSettings(): Settings {
  return {
    lang: "zh-CN",
    hub_url: null,
    own_rules: { accept_working_days: 7, mediation_days: 60, mediation_in_working_days: false },
  };
}

export function emptyDb(): MockDb {
  return {
    station: null,
    staff: [],
    cases: [],
    seq: 1,
    roving: [],
    consultations: [],
    settings: defaultSettings(),
    sync: emptySync(),
    drafts: {},
    ops: {},
  };
}

const DEMO_STATION: SetupStation = {
  op_id: "demo",
  unit: "HX0201",
  unit_name: "德令哈市消费者投诉联络站",
  unit_kind: "liaison_station",
  parent: "HX02",
  admin_code: "632802",
  device_code: "A1",
  device_name: "前台电脑",
  staff_name: "马玉梅",
  staff_secret: "demo-2026",
  load_demo: true,
  passphrase: null,
};

export class MockBackend {
  db: MockDb;
  private bulkRows: CaseRow[] = [];
  private sorted: { key: string; rows: CaseRow[] } | null = null;
  private version = 0;
  private r = rng(7);
  private opts: MockOptions;
  /** Every command received, for tests. */
  calls: { cmd: string; args: Record<string, unknown> | undefined }[] = [];

  constructor(opts: MockOptions = {}) {
    this.opts = opts;
    this.locked = !!opts.passphrase;
    const saved = opts.persistKey ? loadSaved(opts.persistKey) : null;
    this.db = saved ?? emptyDb();
    if (!saved && opts.seed === "demo") this.setup(DEMO_STATION);
    if (opts.noPasswords) {
      this.db.secrets = {};
      this.db.session = null;
    }
    if (opts.bulk && opts.bulk > 0) this.makeBulk(opts.bulk);
    if (opts.plain) this.db.plain = true;
  }

  now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  today(): string {
    return localDate(new Date(this.now()).toISOString());
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  private changed(caseId?: string) {
    this.version += 1;
    this.sorted = null;
    this.db.sync.waiting += 1;
    if (this.opts.persistKey) saveDb(this.opts.persistKey, this.db);
    const payload = caseId ? { case_id: caseId } : {};
    setTimeout(() => void emit("db-changed", payload).catch(() => undefined), 0);
  }

  handler: Handler = (cmd, args) => {
    const a = (args && typeof args === "object" && !Array.isArray(args) ? args : {}) as Record<string, unknown>;
    this.calls.push({ cmd, args: a });
    const run = () => this.dispatch(cmd, a);
    const latency = this.opts.latency ?? 0;
    if (latency <= 0) {
      try {
        return Promise.resolve(run());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(run());
        } catch (e) {
          reject(e);
        }
      }, latency),
    );
  };

  private once<T>(opId: unknown, f: () => T): T {
    if (typeof opId === "string" && opId in this.db.ops) return this.db.ops[opId] as T;
    const out = f();
    if (typeof opId === "string") this.db.ops[opId] = out;
    return out;
  }

  dispatch(cmd: string, a: Record<string, unknown>): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.handlers, cmd)) throw ipcError("not_found", cmd);
    if (this.locked && cmd !== "db_lock" && cmd !== "db_unlock") throw ipcError("db.open_failed", messageText("db.locked_no_key"));
    if (this.db.station && !OPEN_COMMANDS.has(cmd) && !this.me()) throw ipcError("auth.required");
    const handler = this.handlers[cmd as Command] as (args: Record<string, unknown>) => unknown;
    return handler(a);
  }

  private saved<T>(v: T): T {
    if (this.opts.persistKey) saveDb(this.opts.persistKey, this.db);
    return v;
  }

  private readonly handlers: Handlers = {
    db_lock: () => this.dbLock(),
    db_unlock: ({ req }) => this.dbUnlock(req.passphrase),
    station_info: () => this.stationInfo(),
    session_info: () => this.sessionInfo(),
    sign_in_list: () =>
      this.db.staff
        .filter((s) => s.active)
        .map((s): StaffLogin => ({
          id: s.id,
          name: s.name,
          roles: s.roles,
          has_credential: !!this.db.secrets?.[s.id],
          locked_until: null,
        })),
    sign_in: ({ req }) => this.signIn(req.staff, req.secret),
    lock_session: () => {
      this.db.session = null;
      return this.saved(null);
    },
    first_head: ({ req }) => this.firstHead(req.name, req.secret),
    key_options: () => ({
      keyring: this.opts.keyring ?? true,
      existing: this.db.station ? (this.db.key ?? null) : null,
      min_passphrase_chars: 8,
    }),
    idle_lock_get: () => this.idleLock(),
    idle_lock_set: ({ req }) => {
      this.requirePermission("configure");
      if (!Number.isInteger(req.secs) || req.secs < IDLE_LOCK.min || req.secs > IDLE_LOCK.max)
        throw invalid([{ path: "idle_lock_secs", code: "range", arg: `${IDLE_LOCK.min}–${IDLE_LOCK.max}` }]);
      this.db.idle_lock_secs = req.secs;
      return this.saved(this.idleLock());
    },
    retention_get: () => {
      this.requirePermission("anonymize");
      return this.retentionView();
    },
    retention_set: ({ req }) => {
      this.requirePermission("anonymize");
      this.requirePermission("configure");
      if (!Number.isInteger(req.days) || req.days < 0 || req.days > RETENTION.max)
        throw invalid([{ path: "retention_days", code: "range", arg: `0–${RETENTION.max}` }]);
      this.db.retention_days = req.days;
      return this.saved(this.retentionView());
    },
    retention_apply: ({ req }) => this.once(req.op_id, () => this.retentionApply(req.cases)),
    reveal: ({ req }) => this.reveal(req.case_id, req.field),
    audit_log: () => {
      this.requirePermission("audit");
      return [...(this.db.audit ?? [])].reverse();
    },
    setup_station: ({ req }) => this.once(req.op_id, () => this.setup(req)),
    reference: () => this.reference(),
    dashboard: () => this.dashboard(),
    list_cases: ({ q }) => this.list(q),
    count_cases: ({ q }) => this.count(q),
    get_case: ({ id }) => this.detail(this.find(id)),
    register_case: ({ req }) => this.once(req.op_id, () => this.register(req.reg)),
    case_action: ({ req }) => this.once(req.op_id, () => this.action(req.case_id, req.event)),
    find_duplicates: ({ req }) => this.duplicates(req),
    lookup_respondents: ({ prefix }) => this.lookup(prefix ?? ""),
    transfer_targets: ({ kind }) => this.transferTargets(kind),
    roving_start: ({ req }) => this.once(req.op_id, () => this.rovingStart(req)),
    roving_end: ({ req }) => this.once(req.op_id, () => this.rovingEnd(req.id)),
    roving_list: () => [...this.db.roving].sort((x, y) => y.date.localeCompare(x.date) || (y.ended_at ? 0 : 1) - (x.ended_at ? 0 : 1)),
    record_consultation: ({ req }) => this.once(req.op_id, () => this.consultation(req)),
    staff_list: () => this.db.staff,
    staff_add: ({ req }) => this.once(req.op_id, () => this.staffAdd(req)),
    settings_get: () => this.db.settings,
    settings_set: ({ req }) => {
      this.db.settings = req;
      this.sorted = null;
      return this.saved(this.db.settings);
    },
    sync_status: () => this.db.sync,
    sync_now: () => this.syncNow(),
    sync_enroll: ({ req }) => this.enroll(req.code ?? "", req.hub_url ?? undefined),
    sync_quarantine: () => [],
    bundle_export: ({ req }) => this.bundleExport(req.folder, req.code ?? undefined),
    bundle_import: ({ req }) => this.bundleImport(req.file),
    backup_list: () => this.backupOverview(),
    backup_now: () => this.backupNow(),
    backup_set_folder: ({ req }) => this.backupSetFolder(req.folder),
    backup_check: ({ path }) => this.backupCheck(path),
    encrypt_station: ({ req }) => {
      this.requirePermission("configure");
      if (!this.db.plain) throw invalid([{ path: "passphrase", code: "key.already_encrypted", arg: "" }]);
      if ([...req.passphrase].length < 8) throw invalid([{ path: "passphrase", code: "key.passphrase_short", arg: "8" }]);
      this.db.plain = false;
      const before = this.db.backups ?? [];
      this.db.backups = before.filter((b) => b.encrypted);
      const removed = before.length - this.db.backups.length;
      this.backupNow();
      return { removed_plain_backups: removed, overview: this.backupOverview() };
    },
    // A browser has no system dialog (as the desktop without its window): type the path.
    pick_path: () => {
      if (!this.me()) throw ipcError("auth.required");
      throw ipcError("dialog.unavailable");
    },
    backup_restore: ({ req }) => this.once(req.op_id, () => this.backupRestore(req.path)),
    reset_demo_station: ({ req }) =>
      this.once(req.op_id, () => {
        if (!this.db.station?.demo) throw ipcError("reset.not_demo");
        this.db = emptyDb();
        this.sorted = null;
        return this.saved(null);
      }),
    draft_save: ({ key, json }) => {
      this.db.drafts[key] = json;
      return this.saved(null);
    },
    draft_load: ({ key }) => this.db.drafts[key] ?? null,
    draft_clear: ({ key }) => {
      delete this.db.drafts[key];
      return this.saved(null);
    },
    app_ready: () => null,
    report: ({ q }) => this.report(q.unit, q.period),
    report_submit: ({ req }) => this.once(req.op_id, () => this.submit(req.period)),
    report_export: ({ req }) => {
      // Browser mode writes no files: it answers with the name the desktop would write.
      this.report(req.unit, req.period);
      const what = req.kind === "report" || req.kind === "report_pdf" ? "report" : "handled";
      const ext = req.kind === "remuneration_csv" ? "csv" : req.kind === "report_pdf" ? "pdf" : "xlsx";
      return `exports/${what}-${req.unit ?? this.requireStation().unit}-${req.period}.${ext}`;
    },
    hotspots: ({ q }) => this.hotspots(q.unit, q.weeks),
    supervision: ({ q }) => this.supervision(q.unit, q.period),
    doc_preview: ({ req }) => {
      const s = this.find(req.case);
      const number = this.nextDocNumber(req.kind);
      return { number, pages: [mockPage(req.kind, number, s.reg.case_no, this.requireStation().unit_name)] };
    },
    doc_pages: ({ number }) => {
      const { s, d } = this.findDocument(number);
      return { number, pages: [mockPage(d.kind, number, s.reg.case_no, this.requireStation().unit_name)] };
    },
    doc_issue: ({ req }) => this.once(req.op_id, () => this.issueDocument(req)),
    doc_file: ({ req }) => {
      const { s, d } = this.findDocument(req.number);
      // Browser mode writes no files: it answers with the path the desktop would write.
      return { number: d.number, path: `documents/${s.reg.case_no}/${d.number}.${req.format}`, bytes: d.bytes };
    },
    doc_open: () => null,
    evidence_add: ({ req }) => this.once(req.op_id, () => this.addEvidence(req)),
    evidence_thumb: ({ case: id, evidence }) => {
      const e = this.find(id).evidence.find((x) => x.evidence === evidence);
      if (!e) throw ipcError("not_found", evidence);
      return e.media_type.startsWith("image/") ? (this.files[e.sha256] ?? null) : null;
    },
    evidence_file: ({ case: id, evidence }) => {
      const s = this.find(id);
      const e = s.evidence.find((x) => x.evidence === evidence);
      if (!e) throw ipcError("not_found", evidence);
      return `evidence/${s.reg.case_no}/${e.name}`;
    },
    ledger_export: ({ req }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(req.from)) throw invalid([{ path: "from", code: "date.invalid", arg: req.from }]);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(req.to)) throw invalid([{ path: "to", code: "date.invalid", arg: req.to }]);
      if (req.to < req.from) throw invalid([{ path: "to", code: "date.before_start", arg: "" }]);
      return `exports/ledger-${this.requireStation().unit}-${req.from}_${req.to}.${req.format}`;
    },
  };

  // ---- documents and evidence (mockDocs.ts) ----------------------------------------------------

  /** Photos attached in browser mode, by hash (data URLs, shown as their own thumbnails). */
  private files: Record<string, string> = {};

  private nextDocNumber(kind: DocKind): string {
    const st = this.requireStation();
    const year = this.today().slice(0, 4);
    const mine = this.db.cases.flatMap((c) => c.documents).filter((d) => d.kind === kind && d.number.includes(`〔${year}〕`));
    return docNumber("消协", kind, year, st.device_code, mine.length + 1);
  }

  private findDocument(number: string): { s: CaseState; d: CaseState["documents"][number] } {
    for (const s of this.db.cases) {
      const d = s.documents.find((x) => x.number === number);
      if (d) return { s, d };
    }
    throw ipcError("not_found", number);
  }

  private issueDocument(req: DocIssue): DocFile {
    const st = this.requireStation();
    const s = this.find(req.case);
    const offer = availableDocuments(s).find((o) => o.kind === req.kind && (req.subject ? o.subject === req.subject : true));
    if (!offer) throw invalid([{ path: "kind", code: "doc.not_available", arg: req.kind }]);
    const number = this.nextDocNumber(req.kind);
    const at = this.nowIso();
    const payload = {
      kind: req.kind,
      number,
      template: `${req.kind}@1`,
      sha256: uuidFrom(this.r).replace(/-/g, "").padEnd(64, "0"),
      bytes: 48_000,
      issued_at: at,
      recipient: req.recipient ?? offer.recipients[0] ?? "archive",
      delivery: req.delivery,
      subject: offer.subject,
    };
    applyEvent(
      s,
      { kind: "case.document_issued", payload },
      { eventId: uuidFrom(this.r), at, unit: st.unit, actor: this.db.staff[0]?.id ?? null },
    );
    this.changed(s.id);
    return { number, path: `documents/${s.reg.case_no}/${number}.pdf`, bytes: payload.bytes };
  }

  private addEvidence(req: EvidenceAdd): CaseDetail {
    const st = this.requireStation();
    const s = this.find(req.case);
    const head = atob(req.data.slice(0, 16));
    const media = head.startsWith("\xFF\xD8\xFF")
      ? "image/jpeg"
      : head.startsWith("\x89PNG")
        ? "image/png"
        : head.startsWith("%PDF-")
          ? "application/pdf"
          : null;
    if (!req.data) throw invalid([{ path: "file", code: "evidence.empty", arg: "" }]);
    if (!media) throw invalid([{ path: "file", code: "evidence.media_type", arg: req.name }]);
    const sha256 = uuidFrom(this.r).replace(/-/g, "").padEnd(64, "0");
    if (media.startsWith("image/")) this.files[sha256] = `data:${media};base64,${req.data}`;
    const at = this.nowIso();
    const payload = {
      evidence: uuidFrom(this.r),
      sha256,
      size: Math.floor((req.data.length * 3) / 4),
      media_type: media,
      name: req.name.trim(),
      description: req.description.trim(),
      original_returned: req.original_returned,
      for_document: req.for_document ?? null,
      added_at: at,
    };
    applyEvent(
      s,
      { kind: "case.evidence_added", payload },
      { eventId: uuidFrom(this.r), at, unit: st.unit, actor: this.db.staff[0]?.id ?? null },
    );
    this.changed(s.id);
    return this.detail(s);
  }

  // ---- statistics (mockReport.ts: casedesk-report's rules) -------------------------------------

  private statInput(): StatInput {
    const st = this.requireStation();
    return { cases: this.db.cases, consultations: this.db.consultations, unit: st.unit, own: this.db.settings.own_rules };
  }

  private period(code: string): Period {
    const p = parsePeriod(code);
    if (!p) throw invalid([{ path: "period", code: "report.period", arg: code }]);
    return p;
  }

  private rootUnit(unit: string | null | undefined): string {
    return unit?.trim() || this.requireStation().unit;
  }

  report(unit: string | null | undefined, code: string): Report {
    const root = this.rootUnit(unit);
    const r = buildReport(this.statInput(), this.reference().units, root, this.period(code), this.nowIso(), this.db.submissions ?? []);
    if (!r) throw invalid([{ path: "unit", code: "report.unit_unknown", arg: root }]);
    return r;
  }

  private submit(code: string): Report {
    const st = this.requireStation();
    const r = this.report(st.unit, code);
    (this.db.submissions ??= []).push({ id: uuidFrom(this.r), unit: st.unit, period: r.period, at: this.nowIso(), total: r.total });
    this.changed();
    return this.report(st.unit, code);
  }

  private supervision(unit: string | null | undefined, code: string): Supervision {
    const root = this.rootUnit(unit);
    const s = buildSupervision(this.statInput(), this.reference().units, root, this.period(code), this.nowIso(), this.db.staff);
    if (!s) throw invalid([{ path: "unit", code: "report.unit_unknown", arg: root }]);
    return s;
  }

  private hotspots(unit: string | null | undefined, weeks: number): HotSpots {
    const root = this.rootUnit(unit);
    const cat = (code: string) => REFERENCE.categories.find((c) => c.code === code) ?? REFERENCE.natures.find((c) => c.code === code);
    const label = (dim: Dimension, key: string) => (dim === "category" || dim === "nature" ? (cat(key)?.name_zh ?? key) : key);
    const h = buildHotSpots(this.statInput(), this.reference().units, root, weeks, this.nowIso(), label);
    if (!h) throw invalid([{ path: "unit", code: "report.unit_unknown", arg: root }]);
    return h;
  }

  // -------------------------------------------------------------------------------------------

  private stationInfo(): StationInfo | null {
    const s = this.db.station;
    if (!s) return null;
    return {
      unit: s.unit,
      unit_name: s.unit_name,
      unit_kind: s.unit_kind,
      device: s.device,
      device_code: s.device_code,
      staff: this.db.staff,
      demo: s.demo,
    };
  }

  setup(req: SetupStation): StationInfo {
    if (this.db.station) throw ipcError("station.already_initialized", this.db.station.unit);
    const issues: Problem[] = [];
    if (!/^[A-Z0-9]{2,12}$/.test(req.unit ?? ""))
      issues.push({ path: "unit", code: req.unit ? "unknown_code" : "required", arg: req.unit ?? "" });
    if (!(req.unit_name ?? "").trim()) issues.push({ path: "unit_name", code: "required", arg: "" });
    if (!/^[A-Z0-9]{1,4}$/.test(req.device_code ?? ""))
      issues.push({ path: "device_code", code: req.device_code ? "unknown_code" : "required", arg: req.device_code ?? "" });
    if (!(req.staff_name ?? "").trim()) issues.push({ path: "staff_name", code: "required", arg: "" });
    // The key of the new file: the OS secret store, or the station passphrase (required
    // without a secret store), as the desktop's `setup_station` decides.
    const passphrase = req.passphrase ?? null;
    if (passphrase !== null && [...passphrase].length < 8) issues.push({ path: "passphrase", code: "key.passphrase_short", arg: "8" });
    if (passphrase === null && this.opts.keyring === false) issues.push({ path: "passphrase", code: "key.passphrase_needed", arg: "" });
    if (issues.length) throw invalid(issues);
    this.db.key = passphrase === null ? "keyring" : "passphrase";
    this.db.station = {
      unit: req.unit,
      unit_name: req.unit_name,
      unit_kind: req.unit_kind,
      device: uuidFrom(this.r),
      device_code: req.device_code,
      parent: req.parent,
      admin_code: req.admin_code,
      demo: req.load_demo,
    };
    const first: Staff = {
      id: uuidFrom(this.r),
      unit: req.unit,
      name: req.staff_name.trim(),
      roles: ["head", "mediator", "clerk"],
      phone: "",
      languages: ["zh"],
      active: true,
    };
    this.db.staff = [first];
    this.db.secrets = { [first.id]: req.staff_secret };
    this.db.session = first.id;
    if (req.load_demo) {
      for (const s of DEMO_STAFF) if (s.name !== first.name) this.db.staff.push({ ...s, id: uuidFrom(this.r), unit: req.unit });
      const g = generateDemo({ unit: req.unit, device: req.device_code, nowMs: this.now(), staff: this.db.staff });
      this.db.cases = g.cases;
      this.db.seq = g.nextSeq;
      const today = this.today();
      this.db.roving = [
        {
          id: uuidFrom(this.r),
          unit: req.unit,
          date: dateMinus(today, 19),
          place: "宗务隆乡夏季牧场",
          team: ["巴特尔", "拉毛措"],
          ended_at: new Date(this.now() - 19 * 86_400_000).toISOString(),
          complaints: 3,
          consultations: 11,
          people: 26,
        },
        {
          id: uuidFrom(this.r),
          unit: req.unit,
          date: dateMinus(today, 41),
          place: "柯鲁柯镇希望村",
          team: ["才让东智", "马玉梅"],
          ended_at: new Date(this.now() - 41 * 86_400_000).toISOString(),
          complaints: 2,
          consultations: 7,
          people: 15,
        },
      ];
      this.db.consultations = [
        { at: new Date(this.now() - 3 * 86_400_000).toISOString(), people: 4, topic: "预付卡退费" },
        { at: new Date(this.now() - 1 * 86_400_000).toISOString(), people: 2, topic: "网购退货" },
      ];
      this.db.sync.waiting = this.db.cases.reduce((n, c) => n + c.timeline.length, 0);
    }
    this.changed();
    return this.stationInfo()!;
  }

  private requireStation() {
    if (!this.db.station) throw ipcError("station.not_initialized");
    return this.db.station;
  }

  private find(id: string): CaseState {
    const c = this.db.cases.find((x) => x.id === id);
    if (c) return c;
    const b = this.bulkRows.find((x) => x.id === id);
    if (b) {
      const s = caseFromRow(b, this.r);
      this.db.cases.push(s);
      this.bulkRows = this.bulkRows.filter((x) => x.id !== id);
      this.sorted = null;
      return s;
    }
    throw ipcError("case.not_found", id);
  }

  private detail(s: CaseState): CaseDetail {
    const d = deadlines(s, this.db.settings.own_rules);
    const m = maskedCase(s);
    const actors: Record<string, string> = {};
    for (const e of s.timeline) {
      const who = e.actor ? this.db.staff.find((p) => p.id === e.actor) : undefined;
      if (e.actor && who) actors[e.actor] = who.name;
    }
    return {
      case: m.case,
      next_deadline: d[0] ?? null,
      deadlines: d,
      allowed: allowedActions(s),
      revealable: m.revealable,
      actors,
      documents: availableDocuments(s),
      // Browser mode has no sync: every file a case names is "here".
      missing_files: [],
    };
  }

  private me(): Staff | undefined {
    const id = this.db.session;
    return id ? this.db.staff.find((s) => s.id === id && s.active) : undefined;
  }

  private sessionInfo(): SessionInfo | null {
    const me = this.me();
    return me ? { staff: me, permissions: permissionsOf(me.roles), idle_lock_secs: this.db.idle_lock_secs ?? IDLE_LOCK.default } : null;
  }

  private idleLock(): IdleLock {
    if (!this.me()) throw ipcError("auth.required");
    return { secs: this.db.idle_lock_secs ?? IDLE_LOCK.default, min_secs: IDLE_LOCK.min, max_secs: IDLE_LOCK.max, overridden: null };
  }

  /** Store::found_first_head: only while no one has a password here. */
  private firstHead(name: string, secret: string): SessionInfo {
    const st = this.requireStation();
    if (Object.keys(this.db.secrets ?? {}).length > 0) throw ipcError("auth.first_head_done");
    const n = String(name ?? "").trim();
    const issues: Problem[] = [];
    if (!n) issues.push({ path: "name", code: "required", arg: "" });
    const pin = /^\d{4,8}$/.test(secret);
    if (!secret) issues.push({ path: "secret", code: "auth.password_required", arg: "" });
    else if (!pin && [...secret].length < 8) issues.push({ path: "secret", code: "auth.password_weak", arg: "" });
    if (issues.length) throw invalid(issues);
    let s = this.db.staff.find((x) => x.active && x.name === n);
    const perm: Permission = "manage_staff";
    if (s && !permissionsOf(s.roles).includes(perm)) throw ipcError("access.denied", i18n.t(`auth.perm.${perm}`, { defaultValue: perm }));
    if (!s) {
      s = {
        id: uuidFrom(this.r),
        unit: st.unit,
        name: n,
        roles: ["head", "mediator", "clerk"],
        phone: "",
        languages: ["zh"],
        active: true,
      };
      this.db.staff.push(s);
    }
    (this.db.secrets ??= {})[s.id] = secret;
    this.db.session = s.id;
    this.changed();
    const info = this.sessionInfo();
    if (!info) throw ipcError("auth.required");
    return info;
  }

  private retentionDue(): RetentionRow[] {
    const days = this.db.retention_days ?? RETENTION.default;
    const now = this.now();
    const out: RetentionRow[] = [];
    for (const s of this.db.cases) {
      if (s.anonymized_at) continue;
      const ended = s.status === "closed" ? s.closure?.at : s.status === "not_accepted" ? s.not_accepted?.at : undefined;
      if (!ended) continue;
      const due = Date.parse(ended) + days * DAY_MS;
      if (due > now) continue;
      out.push({
        id: s.id,
        no: s.reg.case_no,
        status: s.status,
        ended_at: ended,
        due_at: new Date(due).toISOString().replace(/\.\d{3}Z$/, "Z"),
        days_over: Math.floor((now - due) / DAY_MS),
        events: s.timeline.length,
      });
    }
    return out.sort((a, b) => a.due_at.localeCompare(b.due_at));
  }

  private retentionView(): RetentionView {
    return { days: this.db.retention_days ?? RETENTION.default, max_days: RETENTION.max, due: this.retentionDue() };
  }

  /** Store::anonymize_op for each case: the personal fields go, the figures stay. */
  private retentionApply(ids: string[]): RetentionApplied {
    this.requirePermission("anonymize");
    const due = new Map(this.retentionDue().map((d) => [d.id, d]));
    const anonymized: string[] = [];
    const failed: RetentionApplied["failed"] = [];
    for (const id of ids) {
      const d = due.get(id);
      const s = this.db.cases.find((c) => c.id === id);
      if (!d || !s) {
        failed.push({ id, no: s?.reg.case_no ?? id, code: "retention.not_due", message: messageText("retention.not_due") });
        continue;
      }
      for (const c of s.reg.complainants) {
        c.name = "";
        c.id_number = null;
        c.phones = [];
        c.address = "";
      }
      s.anonymized_at = this.nowIso();
      anonymized.push(d.no);
    }
    if (anonymized.length) this.changed();
    return { anonymized, failed, view: this.retentionView() };
  }

  private requirePermission(p: Permission): Staff {
    const me = this.me();
    if (!me) throw ipcError("auth.required");
    if (!permissionsOf(me.roles).includes(p)) throw ipcError("access.denied", i18n.t(`auth.perm.${p}`, { defaultValue: p }));
    return me;
  }

  private signIn(staff: string, secret: string): SessionInfo {
    const s = this.db.staff.find((x) => x.id === staff && x.active);
    if (!s) throw ipcError("auth.unknown_staff", staff);
    const want = this.db.secrets?.[s.id];
    if (!want) throw ipcError("auth.no_credential", s.name);
    if (!secret) throw ipcError("auth.password_required");
    const failures = (this.db.failures ??= {});
    if ((failures[s.id] ?? 0) >= 5) throw ipcError("auth.locked", "30");
    if (secret !== want) {
      failures[s.id] = (failures[s.id] ?? 0) + 1;
      this.saved(null);
      const left = 5 - failures[s.id];
      throw left > 0 ? ipcError("auth.failed_left", String(left)) : ipcError("auth.locked", "30");
    }
    failures[s.id] = 0;
    this.db.session = s.id;
    this.saved(null);
    const info = this.sessionInfo();
    if (!info) throw ipcError("auth.required");
    return info;
  }

  private reveal(caseId: string, field: string): string {
    const me = this.requirePermission("reveal");
    const s = this.find(caseId);
    const m = /^complainants\[(\d+)\]\.(?:id_number|phones\[(\d+)\])$/.exec(field);
    const c = m ? s.reg.complainants[Number(m[1])] : undefined;
    const value = c ? (m?.[2] !== undefined ? c.phones[Number(m[2])] : c.id_number) : undefined;
    if (!value) throw invalid([{ path: "field", code: "reveal.not_masked", arg: field }]);
    (this.db.audit ??= []).push({
      id: uuidFrom(this.r),
      at: this.nowIso(),
      unit: s.home_unit,
      actor: me.id,
      actor_name: me.name,
      action: "reveal",
      case_id: s.id,
      case_no: s.reg.case_no,
      detail: field,
      count: 0,
    });
    this.saved(null);
    return value;
  }

  private row(s: CaseState): CaseRow {
    return toRow(s, this.db.settings.own_rules, this.today());
  }

  private register(reg: CaseRegistered): { id: string; no: string } {
    const st = this.requireStation();
    const issues = validateRegistration(reg, this.now());
    if (issues.length) throw invalid(issues);
    const year = localDate(reg.received_at).slice(0, 4);
    const no = `${st.unit}-${year}-${st.device_code}-${String(this.db.seq).padStart(5, "0")}`;
    this.db.seq += 1;
    const id = uuidFrom(this.r);
    const full: CaseRegistered = { ...reg, case_no: no, unit: st.unit, staff: this.db.staff[0]?.id };
    const s = newCaseState(id, full, { eventId: uuidFrom(this.r), at: this.nowIso(), unit: st.unit, actor: this.db.staff[0]?.id ?? null });
    this.db.cases.push(s);
    if (reg.roving_session) {
      const rs = this.db.roving.find((x) => x.id === reg.roving_session);
      if (rs) {
        rs.complaints += 1;
        rs.people += reg.complainants.length || 1;
      }
    }
    this.changed(id);
    return { id, no };
  }

  private action(caseId: string, ev: CaseEvent): CaseDetail {
    const st = this.requireStation();
    const s = this.find(caseId);
    if (!ev || typeof ev.kind !== "string") throw ipcError("json.invalid", "event");
    const refused = check(s, ev, this.now());
    if (refused?.code === "case.illegal_transition") throw ipcError(refused.code, i18n.t(`code.status.${s.status}`));
    if (refused) throw invalid(refused.issues);
    applyEvent(s, ev, { eventId: uuidFrom(this.r), at: this.nowIso(), unit: st.unit, actor: this.db.staff[0]?.id ?? null });
    this.changed(caseId);
    return this.detail(s);
  }

  /** The reference data: Rust's tables, with the units a hub would have sent beside this station's. */
  private reference(): Reference {
    const s = this.db.station;
    const own = s ? [{ code: s.unit, name: s.unit_name, kind: s.unit_kind, parent: s.parent }] : [];
    const hub = this.opts.hubUnits === false ? [] : HUB_UNITS;
    const units = [...own, ...hub.filter((u) => u.code !== s?.unit)].sort((a, b) => a.code.localeCompare(b.code));
    return { ...REFERENCE, units };
  }

  /** Store::transfer_targets: the parent chain, the units below, siblings first for 协办. */
  private transferTargets(kind: TransferKind): TransferTargets {
    const st = this.requireStation();
    const units = this.reference().units;
    const own = st.unit;
    const find = (c: string) => units.find((u) => u.code === c);
    const target = (code: string, relation: UnitRelation): TransferTarget => {
      const u = find(code);
      return { code, name: u?.name ?? null, kind: u?.kind ?? null, relation };
    };
    const chain: TransferTarget[] = [];
    let next = find(own)?.parent ?? null;
    while (next && next !== own && !chain.some((t) => t.code === next)) {
      chain.push(target(next, chain.length ? "ancestor" : "parent"));
      next = find(next)?.parent ?? null;
    }
    const below: TransferTarget[] = [];
    const frontier = [own];
    while (frontier.length) {
      const code = frontier.pop()!;
      for (const u of units.filter((x) => x.parent === code))
        if (u.code !== own && !below.some((t) => t.code === u.code)) {
          below.push(target(u.code, "below"));
          frontier.unshift(u.code);
        }
    }
    const parent = chain[0]?.code ?? null;
    let targets: TransferTarget[] = [];
    let reason: string | null = null;
    if (kind === "up") [targets, reason] = [chain, "transfer.no_parent"];
    else if (kind === "down") [targets, reason] = [below, "transfer.no_units_below"];
    else if (kind === "co_handle") {
      targets = units.filter((u) => u.code !== own && parent && u.parent === parent).map((u) => target(u.code, "sibling"));
      for (const t of [...chain, ...below]) if (!targets.some((o) => o.code === t.code)) targets.push(t);
      for (const u of units) if (u.code !== own && !targets.some((o) => o.code === u.code)) targets.push(target(u.code, "other"));
      reason = "transfer.no_units";
    }
    return { targets, none_reason: targets.length ? null : reason };
  }

  // ---- lists --------------------------------------------------------------------------------

  private makeBulk(n: number) {
    const r = rng(99);
    const names = ["张伟", "王芳", "李娜", "刘洋", "才让", "卓玛", "巴图", "其其格", "马俊", "韩梅"];
    const resp = ["商贸有限公司", "超市", "手机店", "餐饮店", "农资店", "汽车服务有限公司", "宾馆", "装饰公司"];
    const towns = ["德令哈市", "格尔木市", "乌兰县", "都兰县", "天峻县"];
    const statuses: Status[] = [
      "closed",
      "closed",
      "closed",
      "closed",
      "not_accepted",
      "terminated",
      "voided",
      "registered",
      "accepted",
      "mediating",
    ];
    const cats = REFERENCE.categories.filter((c) => c.parent !== null).map((c) => c.code);
    const start = Date.parse("2026-11-20T00:00:00Z");
    const rows = new Array<CaseRow>(n);
    for (let i = 0; i < n; i++) {
      const received = new Date(start - i * 900_000 - r.int(0, 800_000)).toISOString().replace(/\.\d{3}Z$/, "Z");
      const status = r.pick(statuses);
      const year = received.slice(0, 4);
      rows[i] = {
        id: `bulk-${i}`,
        no: `HX0201-${year}-B${(i % 9) + 1}-${String(n - i).padStart(6, "0")}`,
        case_type: "complaint",
        mode: "own",
        status,
        channel: r.pick(["visit", "phone", "online", "12315"] as const),
        received_at: received,
        unit: "HX0201",
        category: r.pick(cats),
        nature: `CCA-N0${r.int(1, 9)}`,
        collective: false,
        households: null,
        complainant: `${r.pick(names)}${i % 97}`,
        complainants: 1,
        respondents: [`${r.pick(towns)}${r.pick(["兴", "盛", "达", "源", "隆"])}${r.pick(resp)}`],
        claim_fen: r.int(1000, 900000),
        recovered_fen: status === "closed" ? r.int(1000, 500000) : 0,
        outcome: status === "closed" ? "mediated" : null,
        deadline: null,
        flags: 0,
        phone: "138****2345",
      };
    }
    this.bulkRows = rows;
  }

  private allSorted(sort: "received" | "deadline"): CaseRow[] {
    const key = `${sort}:${this.version}`;
    if (this.sorted?.key === key) return this.sorted.rows;
    let rows = [...this.db.cases.map((c) => this.row(c)), ...this.bulkRows];
    if (sort === "deadline") {
      // Like the store: only cases with a running deadline, earliest first, then in the order
      // they were registered.
      rows = rows.filter((r) => r.deadline);
      rows.sort((a, b) => a.deadline!.date.localeCompare(b.deadline!.date) || a.no.localeCompare(b.no));
    } else {
      rows.sort((a, b) => b.received_at.localeCompare(a.received_at) || b.no.localeCompare(a.no));
    }
    this.sorted = { key, rows };
    return rows;
  }

  private matcher(q: ListQuery): (row: CaseRow) => boolean {
    const text = (q.text ?? "").trim().toLowerCase();
    const byId = new Map(this.db.cases.map((c) => [c.id, c]));
    const catPrefix = q.category ?? null;
    return (row) => {
      if (q.status?.length && !q.status.includes(row.status)) return false;
      if (q.case_type && row.case_type !== q.case_type) return false;
      if (catPrefix && !(row.category ?? "").startsWith(catPrefix)) return false;
      if (q.nature && row.nature !== q.nature) return false;
      if (q.channel && row.channel !== q.channel) return false;
      if (q.unit && row.unit !== q.unit) return false;
      const day = localDate(row.received_at);
      if (q.received_from && day < q.received_from) return false;
      if (q.received_to && day > q.received_to) return false;
      if (q.overdue && !row.deadline?.overdue) return false;
      if (!this.matchesReportFilters(q, byId.get(row.id), row)) return false;
      if (q.collective === true && !row.collective) return false;
      if (q.collective === false && row.collective) return false;
      if (text) {
        const hay = [row.no, row.complainant, ...row.respondents];
        const c = byId.get(row.id);
        if (c) {
          hay.push(c.reg.facts.content, c.reg.request_text ?? "");
          for (const p of c.reg.complainants) hay.push(...p.phones, p.id_number ?? "", p.village ?? "", p.address ?? "");
          for (const p of c.reg.respondents) hay.push(p.uscc ?? "", p.phone ?? "");
        }
        if (!hay.some((h) => h.toLowerCase().includes(text))) return false;
      }
      return true;
    };
  }

  /** The filters of the lists behind report figures (casedesk-store's `plan`). */
  private matchesReportFilters(q: ListQuery, c: CaseState | undefined, row: CaseRow): boolean {
    const inDays = (iso: string | null | undefined, from?: string | null, to?: string | null) => {
      if (!from && !to) return true;
      if (!iso) return false;
      const d = localDate(iso);
      return (!from || d >= from) && (!to || d <= to);
    };
    const any = <T>(xs: T[] | undefined, v: T) => !xs?.length || xs.includes(v);
    if (!any(q.units, row.unit)) return false;
    if (!c) {
      // Synthetic bulk rows (browser mode) know only their row.
      return !(
        q.accepted_from ||
        q.accepted_to ||
        q.closed_from ||
        q.closed_to ||
        q.outcomes?.length ||
        q.receiving_units?.length ||
        q.transfer_kinds?.length
      );
    }
    if (!inDays(c.accepted_at, q.accepted_from, q.accepted_to)) return false;
    if (!inDays(c.closure?.at, q.closed_from, q.closed_to)) return false;
    if (q.outcomes?.length && !(c.closure && q.outcomes.includes(c.closure.outcome))) return false;
    if (!any(q.receiving_units, c.reg.unit)) return false;
    if (q.doubled != null && (c.closure?.doubled_fen ?? 0) > 0 !== q.doubled) return false;
    if (q.on_time != null && closedOnTime(c, this.db.settings.own_rules) !== q.on_time) return false;
    if (q.subject && subjectOf(c.reg.category) !== q.subject) return false;
    if (q.respondent && !c.reg.respondents.some((p) => p.name === q.respondent)) return false;
    if (q.place && !(c.reg.facts.place ?? "").startsWith(q.place)) return false;
    const transfer =
      q.transfer_kinds?.length || q.transfer_from_units?.length || q.transfer_to_units?.length || q.transferred_from || q.transferred_to;
    if (
      transfer &&
      !c.transfers.some(
        (t) =>
          any(q.transfer_kinds, t.kind) &&
          any(q.transfer_from_units, t.from_unit) &&
          any(q.transfer_to_units, t.to_unit || t.to_department || "") &&
          inDays(t.at, q.transferred_from, q.transferred_to),
      )
    )
      return false;
    return true;
  }

  list(q: ListQuery): Page {
    const limit = Math.min(Math.max(q.limit || 50, 1), 500);
    const rows = this.allSorted(q.sort ?? "received");
    const match = this.matcher(q);
    let start = 0;
    if (q.after) {
      const m = /^(\d+):/.exec(q.after);
      start = m ? Number(m[1]) + 1 : 0;
    }
    const out: CaseRow[] = [];
    let i = start;
    for (; i < rows.length && out.length < limit; i++) if (match(rows[i])) out.push(rows[i]);
    let next: string | null = null;
    if (out.length === limit) {
      // Is there anything left? Look ahead for one more match.
      let more = false;
      for (let j = i; j < rows.length; j++)
        if (match(rows[j])) {
          more = true;
          break;
        }
      if (more) next = `${i - 1}:${out[out.length - 1].id}`;
    }
    return { rows: out, next };
  }

  count(q: ListQuery): number {
    const match = this.matcher(q);
    return this.allSorted(q.sort ?? "received").filter(match).length;
  }

  // ---- dashboard ----------------------------------------------------------------------------

  /** The home screen, counted like casedesk-store's `dashboard` (voided cases count nowhere). */
  dashboard(): Dashboard {
    this.requireStation();
    const today = this.today();
    const byDeadline = this.allSorted("deadline");
    const overdue = byDeadline.filter((r) => r.deadline!.overdue).slice(0, 20);
    const dueSoon = byDeadline
      .slice(0, 60)
      .filter((r) => !r.deadline!.overdue && r.deadline!.days_left <= 3)
      .slice(0, 20);
    const awaiting = byDeadline.filter((r) => r.status === "registered").slice(0, 20);
    const sessions: Dashboard["sessions"] = [];
    const from = dayNum(today);
    for (const c of this.db.cases) {
      if (c.status !== "accepted" && c.status !== "mediating") continue;
      for (const s of c.sessions) {
        if (!s.scheduled || s.recorded) continue;
        const d = dayNum(localDate(s.scheduled.at));
        if (d >= from && d < from + 14)
          sessions.push({
            case_id: c.id,
            no: c.reg.case_no,
            at: s.scheduled.at,
            place: s.scheduled.place ?? "",
            mediator: s.scheduled.mediator ?? "",
            mode: s.scheduled.mode,
          });
      }
    }
    sessions.sort((a, b) => a.at.localeCompare(b.at));
    // The month's figures as casedesk-report counts them (解决 of the month's accepted cohort).
    const st = this.requireStation();
    const mine = this.report(st.unit, today.slice(0, 7)).rows[0].own;
    const real = this.db.cases.filter((c) => c.status !== "voided");
    const by_day: Dashboard["by_day"] = [];
    for (let i = 29; i >= 0; i--) {
      const d = dateMinus(today, i);
      by_day.push({
        date: d,
        received: real.filter((c) => localDate(c.reg.received_at) === d).length,
        closed: real.filter((c) => c.closure && localDate(c.closure.at) === d).length,
      });
    }
    const year = today.slice(0, 4);
    const natureCount = new Map<string, number>();
    for (const c of real)
      if (c.reg.nature && localDate(c.reg.received_at).startsWith(year))
        natureCount.set(c.reg.nature, (natureCount.get(c.reg.nature) ?? 0) + 1);
    return {
      today,
      overdue,
      due_soon: dueSoon,
      awaiting_acceptance: awaiting,
      sessions: sessions.slice(0, 20),
      month: {
        received: mine.received,
        accepted: mine.accepted,
        closed: mine.closed,
        resolved: mine.resolved,
        recovered_fen: mine.recovered_fen,
        consultations_people: mine.consultation_people,
      },
      by_day,
      by_nature: [...natureCount.entries()]
        .map(([code, count]) => ({ code, count }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
      sync: this.db.sync,
    };
  }

  // ---- intake helpers -----------------------------------------------------------------------

  private duplicates(q: DuplicateQuery): DuplicateHint[] {
    const clean = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => x.trim()).filter((x) => x.length >= 2));
    const names = clean(q.complainant_names);
    const ids = clean(q.id_numbers);
    const phones = clean(q.phones);
    const rnames = clean(q.respondent_names);
    const usccs = clean(q.usccs);
    const out: DuplicateHint[] = [];
    for (const c of this.db.cases) {
      if (!isOpen(c.status)) continue;
      const base = { case_id: c.id, no: c.reg.case_no, status: c.status, received_at: c.reg.received_at };
      const seen = new Set<string>();
      const push = (h: Omit<DuplicateHint, keyof typeof base>) => {
        const k = `${h.role}:${h.by}:${h.matched}`;
        if (!seen.has(k)) {
          seen.add(k);
          out.push({ ...base, ...h });
        }
      };
      for (const p of c.reg.complainants) {
        if (names.has(p.name)) push({ role: "complainant", matched: p.name, by: "name" });
        if (p.id_number && ids.has(p.id_number)) push({ role: "complainant", matched: p.id_number, by: "id_number" });
        for (const ph of p.phones) if (phones.has(ph)) push({ role: "complainant", matched: ph, by: "phone" });
      }
      for (const r of c.reg.respondents) {
        if (rnames.has(r.name)) push({ role: "respondent", matched: r.name, by: "name" });
        if (r.uscc && usccs.has(r.uscc)) push({ role: "respondent", matched: r.uscc, by: "uscc" });
      }
    }
    return out.slice(0, 20);
  }

  private lookup(prefix: string): RespondentHint[] {
    const p = prefix.trim().toLowerCase();
    if (!p) return [];
    const map = new Map<string, RespondentHint>();
    for (const c of this.db.cases)
      for (const r of c.reg.respondents) {
        if (!r.name.toLowerCase().includes(p)) continue;
        const h = map.get(r.name);
        if (h) h.cases += 1;
        else
          map.set(r.name, {
            name: r.name,
            kind: r.kind,
            uscc: r.uscc ?? null,
            address: r.address ?? "",
            contact: r.contact ?? "",
            phone: r.phone ?? "",
            cases: 1,
          });
      }
    return [...map.values()].sort((a, b) => b.cases - a.cases || a.name.localeCompare(b.name)).slice(0, 10);
  }

  // ---- roving, staff, sync ------------------------------------------------------------------

  private rovingStart(req: RovingStart): RovingSummary {
    const st = this.requireStation();
    const issues: Problem[] = [];
    if (!String(req.place ?? "").trim()) issues.push({ path: "place", code: "required", arg: "" });
    if (!String(req.date ?? "").trim()) issues.push({ path: "date", code: "required", arg: "" });
    if (issues.length) throw invalid(issues);
    const s: RovingSummary = {
      id: uuidFrom(this.r),
      unit: st.unit,
      date: String(req.date),
      place: String(req.place),
      team: req.team ?? [],
      ended_at: null,
      complaints: 0,
      consultations: 0,
      people: 0,
    };
    this.db.roving.push(s);
    this.changed();
    return s;
  }

  private rovingEnd(id: string): RovingSummary {
    const s = this.db.roving.find((x) => x.id === id);
    if (!s) throw ipcError("not_found", id);
    if (!s.ended_at) s.ended_at = this.nowIso();
    this.changed();
    return s;
  }

  private consultation(req: RecordConsultation): null {
    this.requireStation();
    // org::check_org of casedesk-domain: a topic, 1–1000 people.
    const people = Number(req.people ?? 1);
    const problems: { path: string; code: MessageCode; arg: string }[] = [];
    if (!String(req.topic ?? "").trim()) problems.push({ path: "topic", code: "required", arg: "" });
    if (!Number.isInteger(people) || people < 1 || people > 1000) problems.push({ path: "people", code: "range", arg: "1–1000" });
    if (problems.length) throw invalid(problems);
    const rs = req.roving_session ? this.db.roving.find((x) => x.id === req.roving_session) : undefined;
    this.db.consultations.push({
      at: this.nowIso(),
      people,
      topic: String(req.topic ?? ""),
      ...(rs ? { roving_session: rs.id } : {}),
      ...(this.db.session ? { by: this.db.session } : {}),
    });
    if (rs) {
      rs.consultations += 1;
      rs.people += people;
    }
    this.changed();
    return null;
  }

  private staffAdd(req: StaffAdd): Staff {
    const st = this.requireStation();
    const issues: Problem[] = [];
    const name = String(req.name ?? "").trim();
    if (!name) issues.push({ path: "name", code: "required", arg: "" });
    const phone = String(req.phone ?? "").trim();
    if (phone && !/^1[3-9]\d{9}$/.test(phone) && !/^0\d{2,3}-?\d{7,8}$/.test(phone))
      issues.push({ path: "phone", code: "phone.format", arg: "" });
    if (!Array.isArray(req.roles) || req.roles.length === 0) issues.push({ path: "roles", code: "count.min", arg: "1" });
    if (issues.length) throw invalid(issues);
    const s: Staff = {
      id: uuidFrom(this.r),
      unit: st.unit,
      name,
      roles: req.roles,
      phone,
      languages: req.languages ?? ["zh"],
      active: true,
    };
    this.db.staff.push(s);
    if (req.secret) (this.db.secrets ??= {})[s.id] = req.secret;
    this.changed();
    return s;
  }

  private syncNow(): SyncStatus {
    const s = this.db.sync;
    s.last_attempt_ms = this.now();
    if (!s.enrolled) {
      s.last_error_code = "not_enrolled";
      s.last_error = "not enrolled";
      s.plain_error = messageText("sync.not_enrolled");
    } else {
      s.waiting = 0;
      s.last_success_ms = this.now();
      s.last_error_code = null;
      s.last_error = null;
      s.plain_error = null;
      s.clock_offset_ms = 120;
    }
    if (this.opts.persistKey) saveDb(this.opts.persistKey, this.db);
    setTimeout(() => void emit("sync-status", { ...s }).catch(() => undefined), 0);
    return { ...s };
  }

  /** The file waits for its passphrase (Rust: `AppState::unlock`). */
  private locked = false;
  private unlockFailures = 0;

  private dbLock(): DbLock {
    return { locked: this.locked, tries_left: 5 - (this.unlockFailures % 5), wait_secs: this.unlockFailures >= 5 ? 30 : 0 };
  }

  private dbUnlock(passphrase: string): DbLock {
    if (!passphrase) throw invalid([{ path: "passphrase", code: "required", arg: "" }]);
    if (!this.locked) return this.dbLock();
    if (this.unlockFailures >= 5) throw ipcError("db.unlock_wait", "30");
    if (passphrase !== this.opts.passphrase) {
      this.unlockFailures += 1;
      if (this.unlockFailures >= 5) throw ipcError("db.unlock_wait", "30");
      throw ipcError("db.wrong_passphrase", String(5 - this.unlockFailures));
    }
    this.locked = false;
    this.unlockFailures = 0;
    return this.dbLock();
  }

  /** The data folder's backup folder (as the desktop names it). */
  static readonly BACKUP_DIR = "/home/zhan/.local/share/cn.casedesk.desk/backups/station";

  private backupOverview(): BackupOverview {
    this.requireStation();
    const extra = this.db.backup_folder ?? null;
    const backups = [...(this.db.backups ?? [])].sort((a, b) => b.created_ms - a.created_ms);
    return { folder: MockBackend.BACKUP_DIR, extra_folder: extra, extra_missing: false, keep: 10, encrypted: !this.db.plain, backups };
  }

  private backupNow(): BackupMade {
    this.requireStation();
    const at = this.now();
    const stamp = new Date(at).toISOString().replace(/[-:.]/g, "");
    const dirs = [MockBackend.BACKUP_DIR, ...(this.db.backup_folder ? [this.db.backup_folder] : [])];
    const bytes = 4096 * (40 + this.db.cases.length * 3);
    const written = dirs.map((folder): BackupRow => ({
      path: `${folder}/casedesk-${stamp}-manual.cdkbak`,
      folder,
      created_ms: at,
      reason: "manual",
      bytes,
      encrypted: !this.db.plain,
    }));
    const keep = (list: BackupRow[]) => {
      // Each folder keeps its newest 10, as the store rotates.
      const out: BackupRow[] = [];
      for (const d of new Set(list.map((b) => b.folder)))
        out.push(
          ...list
            .filter((b) => b.folder === d)
            .sort((a, b) => b.created_ms - a.created_ms)
            .slice(0, 10),
        );
      return out;
    };
    this.db.backups = keep([...(this.db.backups ?? []), ...written]);
    this.saved(null);
    return { written, failed: [], overview: this.backupOverview() };
  }

  private backupSetFolder(folder: string | null): BackupOverview {
    this.requirePermission("configure");
    const f = folder?.trim() || null;
    if (f && !f.startsWith("/")) throw invalid([{ path: "folder", code: "backup.folder_missing", arg: "" }]);
    this.db.backup_folder = f;
    this.saved(null);
    return this.backupOverview();
  }

  private backupFind(path: string): BackupRow {
    const b = (this.db.backups ?? []).find((x) => x.path === path);
    if (!b) throw ipcError("backup.not_found", path);
    return b;
  }

  private backupCheck(path: string): BackupChecked {
    this.requireStation();
    const b = this.backupFind(path);
    const st = this.db.station;
    return { path: b.path, unit: st?.unit ?? "", unit_name: st?.unit_name ?? "", cases: this.db.cases.length, events: this.db.seq };
  }

  private backupRestore(path: string): BackupRestored {
    this.requirePermission("configure");
    const b = this.backupFind(path);
    const made = this.backupNow().written[0];
    if (made) made.reason = "pre-restore";
    const st = this.db.station;
    const enrolled = this.db.sync.enrolled;
    this.db.sync.enrolled = false;
    this.db.session = null;
    this.saved(null);
    setTimeout(() => void emit("db-changed", {}).catch(() => undefined), 0);
    return {
      unit_name: st?.unit_name ?? "",
      cases: this.db.cases.length,
      events: this.db.seq,
      replaced: made?.path ?? null,
      needs_enrollment: enrolled && b.encrypted,
    };
  }

  /** Bundles written in this session (file → whether it carried the enrollment). */
  private bundles = new Map<string, boolean>();

  private bundleExport(folder: string, code?: string): BundleExported {
    this.requireStation();
    if (!folder.trim()) throw invalid([{ path: "folder", code: "required", arg: "" }]);
    const enrolling = !this.db.sync.enrolled;
    if (enrolling) {
      if (!code?.trim()) throw ipcError("sync.not_enrolled");
      if (this.db.station?.demo) throw ipcError("sync.demo_station");
      if (!/^CDE1-[0-9A-F]+$/i.test(code.trim())) throw ipcError("sync.enroll_code_invalid");
    }
    const file = `${folder.trim().replace(/\/+$/, "")}/casedesk-${this.db.station?.unit ?? ""}-${this.bundles.size + 1}.cdkb`;
    this.bundles.set(file, enrolling);
    // The files this station attached that the hub has not acknowledged travel in the bundle.
    const files = new Map<string, number>();
    for (const c of this.db.cases) for (const e of c.evidence) if (!this.filesAtHub.has(e.sha256)) files.set(e.sha256, e.size);
    for (const sha of files.keys()) this.filesInBundles.add(sha);
    const file_bytes = [...files.values()].reduce((a, b) => a + b, 0);
    return { file, events: this.db.sync.waiting, enrolling, files: files.size, file_bytes, files_waiting: 0 };
  }

  /** Files carried in bundles written in this session, and those the hub acknowledged. */
  private filesInBundles = new Set<string>();
  private filesAtHub = new Set<string>();

  private bundleImport(file: string): BundleImported {
    this.requireStation();
    if (!file.trim()) throw invalid([{ path: "file", code: "required", arg: "" }]);
    if (!file.trim().endsWith(".cdkb")) throw ipcError("bundle.not_a_bundle");
    if (this.bundles.size === 0) throw ipcError("bundle.wrong", "this station has written no bundle, so no return bundle can be for it");
    const enrolled = !this.db.sync.enrolled;
    this.db.sync.enrolled = true;
    this.db.sync.hub ??= "https://hub.haixi-xiehui.cn:8443";
    const acked = this.db.sync.waiting;
    this.db.sync.waiting = 0;
    const delivered = [...this.filesInBundles].filter((f) => !this.filesAtHub.has(f)).length;
    for (const f of this.filesInBundles) this.filesAtHub.add(f);
    this.db.sync.last_success_ms = this.now();
    this.saved(null);
    return {
      enrolled,
      receipts: acked ? 1 : 0,
      receipts_known: acked ? 0 : 1,
      acked_seq: acked,
      pulled: 0,
      applied: 0,
      quarantined_here: 0,
      pages_skipped: false,
      refused: [],
      files_received: 0,
      files_known: 0,
      files_discarded: [],
      files_delivered: delivered,
      files_refused: [],
      files_waiting: 0,
    };
  }

  private enroll(code: string, hub?: string): SyncStatus {
    this.requireStation();
    if (this.db.station?.demo) throw ipcError("sync.demo_station");
    const c = code.trim().toUpperCase();
    if (!/^[A-Z0-9]{2,6}(-[A-Z0-9]{4}){2,3}$/.test(c)) throw ipcError("sync.enroll_code_invalid");
    this.db.sync.enrolled = true;
    this.db.sync.hub = hub?.trim() || "https://hub.haixi-xiehui.cn:8443";
    this.db.settings.hub_url = this.db.sync.hub;
    return this.syncNow();
  }
}

function loadSaved(key: string): MockDb | null {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    if (!raw) return null;
    const db = JSON.parse(raw) as MockDb;
    return db && typeof db === "object" && Array.isArray(db.cases) ? db : null;
  } catch {
    return null;
  }
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;
function saveDb(key: string, db: MockDb) {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    try {
      globalThis.localStorage?.setItem(key, JSON.stringify(db));
    } catch {
      // Storage full or unavailable: browser mode simply forgets.
    }
  }, 200);
}

/** Installs a mock backend through @tauri-apps/api/mocks and returns it. */
export function installMockBackend(opts: MockOptions = {}): MockBackend {
  const backend = new MockBackend(opts);
  mockIPC(backend.handler, { shouldMockEvents: true });
  return backend;
}

export const BROWSER_MODE_KEY = "casedesk-browser-mode-v1";
