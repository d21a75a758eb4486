// The IPC types the UI uses. They are generated from the Rust types by ts-rs into
// ui/src/bindings/ (`UPDATE_GOLDEN=1 cargo test -p casedesk-ipc`; a test fails when they are
// stale) and re-exported here, with the few UI-side additions: the code lists (checked against
// the generated unions below), aliases under the names the screens use, and the action kinds.
import type * as G from "../bindings";

export type {
  AgreementRecorded,
  CaseDeadline,
  CaseDetail,
  CaseEvent,
  CaseRef,
  CaseRegistered,
  CaseRow,
  CaseState,
  CaseType,
  Channel,
  Closed,
  Complainant,
  Conflict,
  Consents,
  ContactMethod,
  Dashboard,
  DeadlineKind,
  DeadlineView,
  Decision,
  DuplicateHint,
  DuplicateQuery,
  Facts,
  FollowUp,
  IdType,
  IpcIssue,
  Language,
  ListQuery,
  Mode,
  Outcome,
  OwnRules,
  Page,
  Reference,
  RequestKind,
  Respondent,
  RespondentHint,
  RespondentKind,
  RovingSummary,
  RuleSet,
  Satisfaction,
  SessionMode,
  SessionRecorded,
  SessionResult,
  SessionScheduled,
  Settings,
  SetupStation,
  Staff,
  StaffRole,
  StationInfo,
  Status,
  SyncStatus,
  TimelineEntry,
  TransferKind,
  TransferReason,
  TransferView,
  Transferred,
  UiLang,
  UnitKind,
  // Statistics (casedesk-report).
  Adjustment,
  Alert,
  Change,
  Criterion,
  Derived,
  Dimension,
  ExportKind,
  Figures,
  HotSpots,
  Params,
  Period,
  PeriodKind,
  Report,
  Series,
  Share,
  StationRow,
  StaffFigures,
  SubjectKind,
  SubmissionView,
  Supervision,
  UnitItem,
  UnitRow,
  Delivery,
  DocFile,
  DocKind,
  DocOffer,
  DocPages,
  LedgerFormat,
  Recipient,
} from "../bindings";

export type ReferenceCategory = G.CategoryItem;
export type ReferenceReason = G.ReasonItem;
export type ReferenceUnit = G.UnitItem;
export type DashboardSession = G.SessionItem;
export type IpcErrorShape = G.IpcError;

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
  staff_role: ["head", "mediator", "liaison", "recorder", "clerk", "interpreter", "secretariat", "admin"],
  rule_set: ["order20", "order121", "own"],
  deadline_kind: ["acceptance", "mediation", "transfer_feedback", "performance"],
  doc_kind: [
    "registration",
    "acceptance",
    "non_acceptance",
    "correction",
    "mediation_notice",
    "mediation_record",
    "agreement",
    "termination",
    "transfer",
    "follow_up",
  ],
  recipient: ["complainant", "respondent", "parties", "unit", "archive"],
  delivery: ["in_person", "letter", "sms", "phone", "email", "online", "filed"],
} as const;

export type CodeTable = keyof typeof CODES;

// Each code list has exactly the values of its generated union (no more, no fewer).
type Exactly<List extends readonly string[], Union extends string> = [List[number]] extends [Union]
  ? [Union] extends [List[number]]
    ? true
    : false
  : false;
type Check<T extends true> = T;
export type CodeListsMatchRust = [
  Check<Exactly<(typeof CODES)["case_type"], G.CaseType>>,
  Check<Exactly<(typeof CODES)["mode"], G.Mode>>,
  Check<Exactly<(typeof CODES)["channel"], G.Channel>>,
  Check<Exactly<(typeof CODES)["id_type"], G.IdType>>,
  Check<Exactly<(typeof CODES)["respondent_kind"], G.RespondentKind>>,
  Check<Exactly<(typeof CODES)["request_kind"], G.RequestKind>>,
  Check<Exactly<(typeof CODES)["language"], G.Language>>,
  Check<Exactly<(typeof CODES)["status"], G.Status>>,
  Check<Exactly<(typeof CODES)["transfer_kind"], G.TransferKind>>,
  Check<Exactly<(typeof CODES)["transfer_reason"], G.TransferReason>>,
  Check<Exactly<(typeof CODES)["session_mode"], G.SessionMode>>,
  Check<Exactly<(typeof CODES)["session_result"], G.SessionResult>>,
  Check<Exactly<(typeof CODES)["outcome"], G.Outcome>>,
  Check<Exactly<(typeof CODES)["satisfaction"], G.Satisfaction>>,
  Check<Exactly<(typeof CODES)["contact_method"], G.ContactMethod>>,
  Check<Exactly<(typeof CODES)["unit_kind"], G.UnitKind>>,
  Check<Exactly<(typeof CODES)["staff_role"], G.StaffRole>>,
  Check<Exactly<(typeof CODES)["rule_set"], G.RuleSet>>,
  Check<Exactly<(typeof CODES)["deadline_kind"], G.DeadlineKind>>,
  Check<Exactly<(typeof CODES)["doc_kind"], G.DocKind>>,
  Check<Exactly<(typeof CODES)["recipient"], G.Recipient>>,
  Check<Exactly<(typeof CODES)["delivery"], G.Delivery>>,
];

export type CaseEventKind = G.CaseEvent["kind"];
/** The actions on a case that have an action form (`case.registered` starts a case; the
 *  correction `case.edited` has its own form, pages/EditCase.tsx; `case.anonymized` is written
 *  by the station when the retention period ends, never from a form; documents and evidence
 *  have their own panel). */
export type ActionKind = Exclude<
  CaseEventKind,
  "case.registered" | "case.edited" | "case.anonymized" | "case.document_issued" | "case.evidence_added"
>;

export const ACTION_KINDS: ActionKind[] = [
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
