// The intake form's values, and their conversion to a CaseRegistered for register_case.
import type { Dayjs } from "dayjs";
import type {
  CaseRegistered,
  CaseType,
  Channel,
  Complainant,
  DuplicateQuery,
  IdType,
  Language,
  Mode,
  RequestKind,
  Respondent,
  RespondentKind,
} from "../ipc/types";
import { parseYuan } from "./money";
import { dayjs, pickerToDate, pickerToIso } from "./time";
import { issuePathToNamePath, type NamePath } from "./paths";
import { validateRegistration } from "../ipc/domain";

export interface ComplainantValues {
  name?: string;
  id_type?: IdType;
  id_number?: string;
  phones?: string[];
  contact_person?: string;
  address?: string;
  village?: string;
  language?: Language;
  representative?: boolean;
  consents?: { personal_info?: boolean; publish?: boolean; entrust_mediation?: boolean; share_with_parties?: boolean };
}

export interface RespondentValues {
  name?: string;
  kind?: RespondentKind;
  uscc?: string;
  address?: string;
  contact?: string;
  phone?: string;
}

export interface IntakeValues {
  case_type: CaseType;
  mode: Mode;
  channel: Channel;
  received_at?: Dayjs;
  complainants: ComplainantValues[];
  is_collective?: boolean;
  collective?: { households?: number };
  respondents: RespondentValues[];
  category?: string;
  nature?: string;
  facts?: { occurred_on?: Dayjs; place?: string; content?: string; amount?: string };
  requests?: RequestKind[];
  request_text?: string;
  claim?: string;
}

export function emptyComplainant(): ComplainantValues {
  return {
    phones: [""],
    id_type: "resident_id",
    language: "zh",
    consents: { personal_info: true, publish: false, entrust_mediation: false, share_with_parties: true },
  };
}

export function emptyRespondent(): RespondentValues {
  return { kind: "enterprise" };
}

export function emptyIntake(): IntakeValues {
  return {
    case_type: "complaint",
    mode: "own",
    channel: "visit",
    received_at: dayjs().second(0).millisecond(0),
    complainants: [emptyComplainant()],
    is_collective: false,
    collective: { households: 2 },
    respondents: [emptyRespondent()],
    facts: {},
    requests: [],
  };
}

const s = (v: string | undefined | null) => (v ?? "").trim();

/** Where an amount typed in yuan lands in the form, for each fen path of the registration. */
const ALIASES: Record<string, string> = {
  "facts.amount_fen": "facts.amount",
  claim_fen: "claim",
  // The form always holds one row of each: "at least one" is said at the first one's name.
  complainants: "complainants[0].name",
  respondents: "respondents[0].name",
};

/** Codes that say a field must be filled in (what earns its *). */
const REQUIRED_CODES = new Set(["required", "id.required", "representatives.count"]);

/**
 * The fields this registration requires, as issue paths ("complainants[0].address"): the
 * domain's own check (`validateRegistration`, tested against casedesk-domain) run on the form's
 * choices (case type, mode, collective, rows) with every field left empty. The form's * marks
 * come from here, so a field is marked exactly when the core would refuse it empty.
 */
export function requiredPaths(v: Partial<IntakeValues> | undefined): Set<string> {
  const rows = <T>(xs: T[] | undefined) => Math.max(1, xs?.length ?? 0);
  const reg: CaseRegistered = {
    case_no: "",
    case_type: v?.case_type ?? "complaint",
    mode: v?.mode ?? "own",
    received_at: "2000-01-01T00:00:00Z",
    channel: v?.channel ?? "visit",
    unit: "",
    complainants: Array.from({ length: rows(v?.complainants) }, () => ({
      name: "",
      phones: [],
      language: "zh" as const,
      consents: { personal_info: false, publish: false, entrust_mediation: true, share_with_parties: false },
    })),
    respondents: Array.from({ length: rows(v?.respondents) }, () => ({ name: "", kind: "enterprise" as const })),
    facts: { content: "" },
    requests: [],
  };
  if (v?.is_collective) reg.collective = { households: 2 };
  return new Set(
    validateRegistration(reg, Date.parse("2000-01-02T00:00:00Z"))
      .filter((p) => REQUIRED_CODES.has(p.code))
      .map((p) => p.path),
  );
}

/** Turns an issue path of the Rust core into the intake form's field name path. */
export function intakeNamePath(path: string): NamePath | null {
  const p = ALIASES[path] ?? path;
  if (/^complainants\[\d+\]\.phones$/.test(p)) return [...issuePathToNamePath(p), 0];
  if (
    /^complainants\[\d+\]\.(name|id_type|id_number|phones\[\d+\]|contact_person|address|village|language|representative|consents\.\w+)$/.test(
      p,
    ) ||
    /^respondents\[\d+\]\.(name|kind|uscc|address|contact|phone)$/.test(p) ||
    /^(case_type|mode|channel|received_at|category|nature|requests|request_text|claim|facts\.(occurred_on|place|content|amount)|collective\.(households|representatives))$/.test(
      p,
    )
  )
    return issuePathToNamePath(p);
  return null;
}

export class AmountError extends Error {
  constructor(
    public path: NamePath,
    public code: string,
  ) {
    super(code);
  }
}

function fen(path: NamePath, v: string | undefined): number | undefined {
  if (!s(v)) return undefined;
  const r = parseYuan(v!);
  if (!r.ok) throw new AmountError(path, r.code);
  return r.fen;
}

function complainant(c: ComplainantValues, collective: boolean): Complainant {
  const out: Complainant = {
    name: s(c.name),
    phones: (c.phones ?? []).map(s).filter(Boolean),
    language: c.language ?? "zh",
    consents: {
      personal_info: !!c.consents?.personal_info,
      publish: !!c.consents?.publish,
      entrust_mediation: !!c.consents?.entrust_mediation,
      share_with_parties: !!c.consents?.share_with_parties,
    },
  };
  if (s(c.id_number)) {
    out.id_type = c.id_type ?? "resident_id";
    out.id_number = s(c.id_number).toUpperCase();
  }
  if (s(c.contact_person)) out.contact_person = s(c.contact_person);
  if (s(c.address)) out.address = s(c.address);
  if (s(c.village)) out.village = s(c.village);
  if (collective && c.representative) out.representative = true;
  return out;
}

function respondent(r: RespondentValues): Respondent {
  const out: Respondent = { name: s(r.name), kind: r.kind ?? "enterprise" };
  if (s(r.uscc)) out.uscc = s(r.uscc).toUpperCase();
  if (s(r.address)) out.address = s(r.address);
  if (s(r.contact)) out.contact = s(r.contact);
  if (s(r.phone)) out.phone = s(r.phone);
  return out;
}

/** The registration to send. Throws AmountError when an amount cannot be read. */
export function toRegistration(v: IntakeValues, extra: Partial<CaseRegistered> = {}): CaseRegistered {
  const collective = !!v.is_collective;
  const reg: CaseRegistered = {
    case_no: "",
    case_type: v.case_type,
    mode: v.mode,
    received_at: pickerToIso(v.received_at) ?? "",
    channel: v.channel,
    unit: "",
    complainants: (v.complainants ?? [])
      .filter((c) => s(c.name) || (c.phones ?? []).some((p) => s(p)) || s(c.id_number))
      .map((c) => complainant(c, collective)),
    respondents: (v.respondents ?? []).filter((r) => s(r.name) || s(r.uscc)).map(respondent),
    facts: { content: s(v.facts?.content) },
    requests: v.requests ?? [],
    ...extra,
  };
  if (collective) reg.collective = { households: v.collective?.households ?? 0 };
  if (v.category) reg.category = v.category;
  if (v.nature) reg.nature = v.nature;
  const occurred = pickerToDate(v.facts?.occurred_on);
  if (occurred) reg.facts.occurred_on = occurred;
  if (s(v.facts?.place)) reg.facts.place = s(v.facts?.place);
  const amount = fen(["facts", "amount"], v.facts?.amount);
  if (amount !== undefined) reg.facts.amount_fen = amount;
  if (s(v.request_text)) reg.request_text = s(v.request_text);
  const claim = fen(["claim"], v.claim);
  if (claim !== undefined) reg.claim_fen = claim;
  return reg;
}

/** What to look for in open cases while the clerk types. */
export function duplicateQuery(v: Partial<IntakeValues>): DuplicateQuery {
  const cs = v.complainants ?? [];
  const rs = v.respondents ?? [];
  const uniq = (xs: string[]) => [...new Set(xs.map(s).filter((x) => x.length >= 2))];
  return {
    complainant_names: uniq(cs.map((c) => c?.name ?? "")),
    id_numbers: uniq(cs.map((c) => c?.id_number ?? "")),
    phones: uniq(cs.flatMap((c) => c?.phones ?? []).filter((p) => (p ?? "").replace(/\D/g, "").length >= 7)),
    respondent_names: uniq(rs.map((r) => r?.name ?? "")),
    usccs: uniq(rs.map((r) => r?.uscc ?? "")),
  };
}

export function isEmptyQuery(q: DuplicateQuery): boolean {
  return !q.complainant_names.length && !q.id_numbers.length && !q.phones.length && !q.respondent_names.length && !q.usccs.length;
}

/** Draft JSON (dayjs values become strings) back to form values. */
export function reviveDraft(values: Record<string, unknown>): Partial<IntakeValues> {
  const v = { ...values } as Record<string, unknown> & { facts?: Record<string, unknown> };
  if (typeof v.received_at === "string") v.received_at = dayjs(v.received_at);
  if (v.facts && typeof v.facts.occurred_on === "string") v.facts = { ...v.facts, occurred_on: dayjs(v.facts.occurred_on) };
  return v;
}

/** Whether a draft holds anything a clerk typed (not only the defaults). */
export function draftHasContent(values: Partial<IntakeValues>): boolean {
  const any = (x: unknown): boolean =>
    typeof x === "string"
      ? x.trim().length > 0
      : Array.isArray(x)
        ? x.some(any)
        : x && typeof x === "object"
          ? Object.values(x).some(any)
          : false;
  return (
    any(values.complainants?.map((c) => ({ n: c.name, p: c.phones, i: c.id_number, a: c.address, v: c.village }))) ||
    any(values.respondents?.map((r) => r.name)) ||
    any(values.facts?.content)
  );
}

/** Mobile `^1[3-9]\d{9}$` (spaces, dashes, +86 allowed) or landline `^0\d{2,3}-?\d{7,8}$`. */
export function isPhone(v: string): boolean {
  const t = v.replace(/\s/g, "");
  return /^1[3-9]\d{9}$/.test(t.replace(/^\+?86/, "").replace(/-/g, "")) || /^0\d{2,3}-?\d{7,8}$/.test(t);
}
