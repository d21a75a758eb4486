// TypeScript mirror of ui/IPC.md (hand-written until ts-rs bindings land in ui/src/bindings/).
// Field names are the Rust serde names, exactly as in ui/fixtures/*.json.

export type CaseType = "complaint" | "report" | "consultation" | "suggestion";
export type Mode = "own" | "entrusted";
export type Channel = "visit" | "phone" | "letter" | "online" | "12315" | "superior" | "roving" | "email";
export type IdType = "resident_id" | "hmt_residence" | "foreign_permanent" | "passport" | "other";
export type RespondentKind =
  | "enterprise"
  | "individual"
  | "cooperative"
  | "unlicensed"
  | "public_pricing"
  | "platform"
  | "other";
export type RequestKind =
  | "repair"
  | "redo"
  | "replace"
  | "return"
  | "make_up_quantity"
  | "refund"
  | "compensation"
  | "apology"
  | "other";
export type Language = "zh" | "bo" | "mn" | "other";
export type Status =
  | "registered"
  | "accepted"
  | "mediating"
  | "agreed"
  | "transferred"
  | "not_accepted"
  | "terminated"
  | "closed"
  | "voided";
export type TransferKind = "down" | "up" | "co_handle" | "to_department";
export type TransferReason = "small_case_down" | "big_case_up" | "hard_case_joint" | "no_jurisdiction" | "other";
export type SessionMode = "on_site" | "phone" | "video" | "online";
export type SessionResult = "agreement" | "continue" | "no_agreement" | "absent";
export type Outcome = "mediated" | "settled" | "withdrawn" | "unresolved" | "answered" | "department_handled";
export type Satisfaction = "satisfied" | "basic" | "unsatisfied";
export type ContactMethod = "phone" | "visit" | "sms" | "letter" | "in_person";
export type UnitKind = "association" | "branch" | "liaison_station" | "service_station";
export type StaffRole = "head" | "mediator" | "liaison" | "recorder" | "clerk" | "interpreter";
export type RuleSet = "order20" | "order121" | "own";
export type DeadlineKind = "acceptance" | "mediation" | "transfer_feedback" | "performance";
export type UiLang = "zh-CN" | "en-US";

/** Every code table, by name, for label look-ups and completeness tests. */
export const CODES = {
  case_type: ["complaint", "report", "consultation", "suggestion"],
  mode: ["own", "entrusted"],
  channel: ["visit", "phone", "letter", "online", "12315", "superior", "roving", "email"],
  id_type: ["resident_id", "hmt_residence", "foreign_permanent", "passport", "other"],
  respondent_kind: ["enterprise", "individual", "cooperative", "unlicensed", "public_pricing", "platform", "other"],
  request_kind: ["repair", "redo", "replace", "return", "make_up_quantity", "refund", "compensation", "apology", "other"],
  language: ["zh", "bo", "mn", "other"],
  status: ["registered", "accepted", "mediating", "agreed", "transferred", "not_accepted", "terminated", "closed", "voided"],
  transfer_kind: ["down", "up", "co_handle", "to_department"],
  transfer_reason: ["small_case_down", "big_case_up", "hard_case_joint", "no_jurisdiction", "other"],
  session_mode: ["on_site", "phone", "video", "online"],
  session_result: ["agreement", "continue", "no_agreement", "absent"],
  outcome: ["mediated", "settled", "withdrawn", "unresolved", "answered", "department_handled"],
  satisfaction: ["satisfied", "basic", "unsatisfied"],
  contact_method: ["phone", "visit", "sms", "letter", "in_person"],
  unit_kind: ["association", "branch", "liaison_station", "service_station"],
  staff_role: ["head", "mediator", "liaison", "recorder", "clerk", "interpreter"],
  rule_set: ["order20", "order121", "own"],
  deadline_kind: ["acceptance", "mediation", "transfer_feedback", "performance"],
} as const;

export type CodeTable = keyof typeof CODES;

export interface IpcIssue {
  path: string;
  code: string;
  arg: string;
  message: string;
}

export interface IpcErrorShape {
  code: string;
  message: string;
  issues: IpcIssue[];
}

export interface Staff {
  id: string;
  unit: string;
  name: string;
  roles: StaffRole[];
  phone: string;
  languages: Language[];
  active: boolean;
}

export interface StationInfo {
  unit: string;
  unit_name: string;
  unit_kind: UnitKind;
  device: string;
  device_code: string;
  staff: Staff[];
}

export interface SetupStation {
  op_id: string;
  unit: string;
  unit_name: string;
  unit_kind: UnitKind;
  parent: string | null;
  admin_code: string;
  device_code: string;
  device_name: string;
  staff_name: string;
  load_demo: boolean;
}

export interface ReferenceCategory {
  code: string;
  parent: string | null;
  name_zh: string;
  name_en: string;
  kind: "goods" | "service";
}

export interface ReferenceReason {
  code: string;
  zh: string;
  en: string;
}

export interface ReferenceUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parent: string | null;
}

export interface Reference {
  categories: ReferenceCategory[];
  natures: { code: string; name_zh: string; name_en: string }[];
  not_accept_reasons: Record<RuleSet, ReferenceReason[]>;
  termination_reasons: Record<RuleSet, ReferenceReason[]>;
  units: ReferenceUnit[];
}

export interface ListQuery {
  text?: string | null;
  status?: Status[];
  case_type?: CaseType | null;
  category?: string | null;
  nature?: string | null;
  unit?: string | null;
  channel?: Channel | null;
  received_from?: string | null;
  received_to?: string | null;
  overdue?: boolean;
  collective?: boolean | null;
  sort?: "received" | "deadline";
  after?: string | null;
  limit: number;
}

export interface DeadlineView {
  kind: DeadlineKind;
  date: string;
  provisional: boolean;
  overdue: boolean;
  days_left: number;
}

export interface CaseRow {
  id: string;
  no: string;
  case_type: CaseType;
  mode: Mode;
  status: Status;
  channel: Channel;
  received_at: string;
  unit: string;
  category: string | null;
  nature: string | null;
  collective: boolean;
  households: number | null;
  complainant: string;
  respondent: string;
  claim_fen: number | null;
  recovered_fen: number;
  outcome: Outcome | null;
  deadline: DeadlineView | null;
  /** 1 anomaly, 2 conflict */
  flags: number;
}

export interface Page {
  rows: CaseRow[];
  next: string | null;
}

export interface Consents {
  personal_info: boolean;
  publish: boolean;
  entrust_mediation: boolean;
  share_with_parties: boolean;
}

export interface Complainant {
  name: string;
  id_type?: IdType;
  id_number?: string;
  phones: string[];
  contact_person?: string;
  address?: string;
  village?: string;
  language: Language;
  representative?: boolean;
  consents: Consents;
}

export interface Respondent {
  name: string;
  kind: RespondentKind;
  uscc?: string;
  legacy_reg_no?: string;
  address?: string;
  contact?: string;
  phone?: string;
}

export interface Facts {
  occurred_on?: string;
  place?: string;
  content: string;
  amount_fen?: number;
}

export interface CaseRegistered {
  case_no: string;
  case_type: CaseType;
  mode: Mode;
  received_at: string;
  channel: Channel;
  unit: string;
  staff?: string;
  roving_session?: string;
  complainants: Complainant[];
  collective?: { households: number };
  respondents: Respondent[];
  category?: string;
  nature?: string;
  facts: Facts;
  requests: RequestKind[];
  request_text?: string;
  claim_fen?: number;
}

export interface SessionScheduled {
  session: string;
  at: string;
  mode: SessionMode;
  place?: string;
  mediator?: string;
  note?: string;
}

export interface SessionRecorded {
  session: string;
  held_at: string;
  mode: SessionMode;
  place?: string;
  mediator: string;
  recorder?: string;
  interpreter?: string;
  language: Language;
  attendees: string[];
  record: string;
  result: SessionResult;
}

export interface AgreementRecorded {
  signed_at: string;
  terms: string;
  amount_fen: number;
  performance_due?: string;
}

export interface Transferred {
  transfer: string;
  kind: TransferKind;
  to_unit?: string;
  to_department?: string;
  reason: TransferReason;
  due?: string;
  note?: string;
}

export interface Closed {
  at: string;
  outcome: Outcome;
  recovered_fen: number;
  doubled_fen: number;
  note?: string;
}

export interface Decision {
  at: string;
  reason: string;
  note: string;
}

export interface TransferView extends Transferred {
  at: string;
  from_unit: string;
  feedback: [string, string] | null;
}

export interface FollowUp {
  at: string;
  method: ContactMethod;
  satisfaction: Satisfaction;
  note: string;
}

export interface Conflict {
  field: string;
  candidates: [string, unknown][];
}

export interface TimelineEntry {
  id: string;
  at: string;
  unit: string;
  actor: string | null;
  kind: string;
  payload: Record<string, unknown>;
  anomaly: boolean;
}

export interface CaseState {
  id: string;
  reg: CaseRegistered;
  status: Status;
  rule_set: RuleSet;
  home_unit: string;
  co_handlers: string[];
  accepted_at: string | null;
  not_accepted: Decision | null;
  sessions: { id: string; scheduled: SessionScheduled | null; recorded: SessionRecorded | null }[];
  agreement: AgreementRecorded | null;
  performance_confirmed_at: string | null;
  termination: Decision | null;
  transfers: TransferView[];
  closure: Closed | null;
  follow_ups: FollowUp[];
  notes: [string, string][];
  void_reason: string | null;
  conflicts: Conflict[];
  timeline: TimelineEntry[];
  last_hlc: string;
}

export interface CaseDeadline {
  kind: DeadlineKind | string;
  date: string;
  provisional: boolean;
}

export interface CaseDetail {
  case: CaseState;
  next_deadline: CaseDeadline | null;
  deadlines: CaseDeadline[];
  allowed: string[];
}

export type CaseEvent =
  | { kind: "case.accepted"; payload: { at: string; note?: string } }
  | { kind: "case.not_accepted"; payload: { at: string; reason: string; note?: string } }
  | { kind: "case.session_scheduled"; payload: SessionScheduled }
  | { kind: "case.session_recorded"; payload: SessionRecorded }
  | { kind: "case.agreement_recorded"; payload: AgreementRecorded }
  | { kind: "case.performance_confirmed"; payload: { at: string; note?: string } }
  | { kind: "case.mediation_terminated"; payload: { at: string; reason: string; note?: string } }
  | { kind: "case.transferred"; payload: Transferred }
  | { kind: "case.transfer_feedback"; payload: { transfer: string; at: string; text: string } }
  | { kind: "case.closed"; payload: Closed }
  | {
      kind: "case.followed_up";
      payload: { at: string; method: ContactMethod; satisfaction: Satisfaction; note?: string };
    }
  | { kind: "case.note_added"; payload: { text: string } }
  | { kind: "case.voided"; payload: { reason: string } }
  | { kind: "case.edited"; payload: { edits: { field: string; value: unknown; base?: string }[] } };

export type CaseEventKind = CaseEvent["kind"];

export const ACTION_KINDS: CaseEventKind[] = [
  "case.accepted",
  "case.not_accepted",
  "case.session_scheduled",
  "case.session_recorded",
  "case.agreement_recorded",
  "case.performance_confirmed",
  "case.mediation_terminated",
  "case.transferred",
  "case.transfer_feedback",
  "case.closed",
  "case.followed_up",
  "case.note_added",
  "case.voided",
];

export interface CaseRef {
  id: string;
  no: string;
}

export interface DuplicateQuery {
  complainant_names: string[];
  id_numbers: string[];
  phones: string[];
  respondent_names: string[];
  usccs: string[];
}

export interface DuplicateHint {
  case_id: string;
  no: string;
  status: Status;
  received_at: string;
  role: "complainant" | "respondent";
  matched: string;
  by: "name" | "id_number" | "phone" | "uscc";
}

export interface RespondentHint {
  name: string;
  kind: RespondentKind;
  uscc: string | null;
  address: string;
  contact: string;
  phone: string;
  cases: number;
}

export interface RovingSummary {
  id: string;
  unit: string;
  date: string;
  place: string;
  team: string[];
  ended_at: string | null;
  complaints: number;
  consultations: number;
  people: number;
}

export interface DashboardSession {
  case_id: string;
  no: string;
  at: string;
  place: string;
  mediator: string;
  mode: SessionMode;
}

export interface Dashboard {
  today: string;
  overdue: CaseRow[];
  due_soon: CaseRow[];
  awaiting_acceptance: CaseRow[];
  sessions: DashboardSession[];
  month: {
    received: number;
    accepted: number;
    closed: number;
    resolved: number;
    recovered_fen: number;
    consultations_people: number;
  };
  by_day: { date: string; received: number; closed: number }[];
  by_nature: { code: string; count: number }[];
  sync: SyncStatus;
}

export interface SyncStatus {
  enrolled: boolean;
  hub: string | null;
  waiting: number;
  last_attempt_ms: number | null;
  last_success_ms: number | null;
  last_error_code: string | null;
  last_error: string | null;
  hub_quarantined: number;
  clock_offset_ms: number | null;
  plain_error: string | null;
}

export interface OwnRules {
  accept_working_days: number;
  mediation_days: number;
  mediation_in_working_days: boolean;
}

export interface Settings {
  lang: UiLang;
  hub_url: string | null;
  own_rules: OwnRules;
}
