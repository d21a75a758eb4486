// The parts of casedesk-domain the mock backend needs, over data generated from Rust
// (src/bindings/*.data.ts): the holiday calendar (calendar.rs's `is_workday`, `add_working_days`,
// `add_days`), what the state machine allows (case.rs's `allowed_actions`, looked up in the
// generated transition table), the fold (`apply`), `check` (with its correction checks), the
// deadlines (deadline.rs) and the intake checks of validate/mod.rs and validate/ids.rs.
// src/test/verdicts.test.ts runs all of it over the verdict table Rust made and expects the
// same answers.
import type {
  CaseDeadline,
  CaseEvent,
  CaseEventKind,
  CaseRegistered,
  CaseRow,
  CaseState,
  DeadlineView,
  IdType,
  OwnRules,
  RuleSet,
  Status,
} from "./types";
import type { MessageCode } from "../lib/messages";
import { CALENDAR } from "../bindings/calendar.data";
import { REFERENCE } from "../bindings/reference.data";
import { TRANSITIONS } from "../bindings/transitions.data";

/** A problem with an input, as Rust reports it (the message comes from the code). */
export interface Problem {
  path: string;
  code: MessageCode;
  arg: string;
}

const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;

export function localDate(iso: string): string {
  return new Date(Date.parse(iso) + OFFSET).toISOString().slice(0, 10);
}

export function dayNum(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

export function fromDayNum(n: number): string {
  return new Date(n * DAY).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// The working-day calendar (calendar.rs), over the official table generated from holidays.csv.

const OFF = new Set(CALENDAR.off);
const MAKEUP = new Set(CALENDAR.makeup);
const DATA_YEARS = new Set(CALENDAR.data_years);
const FIXED_DAYS = new Set(CALENDAR.fixed_statutory_days);

function isWeekend(n: number): boolean {
  const wd = new Date(n * DAY).getUTCDay();
  return wd === 0 || wd === 6;
}

/** A makeup day, or Monday to Friday and not a day off (in a year without data: not a fixed-date holiday). */
export function isWorkday(date: string): boolean {
  if (MAKEUP.has(date)) return true;
  if (isWeekend(dayNum(date)) || OFF.has(date)) return false;
  return DATA_YEARS.has(Number(date.slice(0, 4))) || !FIXED_DAYS.has(date.slice(5));
}

/** Some year from the start's to the result's has no official data. */
function provisional(start: string, date: string): boolean {
  const [a, b] = [Number(start.slice(0, 4)), Number(date.slice(0, 4))].sort((x, y) => x - y) as [number, number];
  for (let y = a; y <= b; y++) if (!DATA_YEARS.has(y)) return true;
  return false;
}

/** "N 个工作日": the N-th working day after `start` (the start day is not counted). */
export function addWorkingDays(start: string, days: number): { date: string; provisional: boolean } {
  let n = dayNum(start);
  for (let left = days; left > 0;) {
    n += 1;
    if (isWorkday(fromDayNum(n))) left -= 1;
  }
  const date = fromDayNum(n);
  return { date, provisional: provisional(start, date) };
}

/** "N 日" (Civil Code Arts. 201–203): `start` + N, moved past rest days to the next working day. */
export function addDays(start: string, days: number): { date: string; provisional: boolean } {
  let n = dayNum(start) + days;
  while (!isWorkday(fromDayNum(n))) n += 1;
  const date = fromDayNum(n);
  return { date, provisional: provisional(start, date) };
}

export function ruleSetFor(reg: CaseRegistered): RuleSet {
  if (reg.mode === "own") return "own";
  return localDate(reg.received_at) < "2026-04-15" ? "order20" : "order121";
}

export const OPEN: Status[] = ["registered", "accepted", "mediating", "agreed", "transferred"];

export function isOpen(s: Status): boolean {
  return OPEN.includes(s);
}

// ---------------------------------------------------------------------------------------------
// The state machine: Rust's verdicts, looked up by the facts `allows` decides on.

function factKey(status: Status, caseType: string, confirmed: boolean, openTransfer: boolean): string {
  return `${status}|${caseType}|${confirmed ? 1 : 0}|${openTransfer ? 1 : 0}`;
}

const ALLOWED = new Map<string, CaseEventKind[]>(
  TRANSITIONS.map((t) => [factKey(t.status, t.case_type, t.performance_confirmed, t.open_transfer), t.allowed]),
);

/** Actions a person may take now (what `allowed` of CaseDetail holds), in Rust's order. */
export function allowedActions(s: CaseState): CaseEventKind[] {
  const key = factKey(
    s.status,
    s.reg.case_type,
    s.performance_confirmed_at !== null,
    s.transfers.some((t) => t.feedback === null),
  );
  return ALLOWED.get(key) ?? [];
}

/** The state machine: whether an event of `kind` may happen to a case in `s`'s state. */
export function allows(s: CaseState, kind: CaseEventKind): boolean {
  // Written by the station when the retention period after the end ends, never by a person.
  if (kind === "case.anonymized") return s.anonymized_at === null && ["closed", "not_accepted", "voided"].includes(s.status);
  if (s.anonymized_at !== null) return false;
  // Documents and evidence are not actions of the action bar: allowed whenever the case is not voided.
  if (kind === "case.document_issued" || kind === "case.evidence_added") return s.status !== "voided";
  return allowedActions(s).includes(kind);
}

export function newCaseState(
  id: string,
  reg: CaseRegistered,
  meta: { eventId: string; at: string; unit: string; actor: string | null },
): CaseState {
  return {
    id,
    reg,
    status: "registered",
    anonymized_at: null,
    rule_set: ruleSetFor(reg),
    home_unit: reg.unit,
    co_handlers: [],
    accepted_at: null,
    not_accepted: null,
    sessions: [],
    agreement: null,
    performance_confirmed_at: null,
    termination: null,
    transfers: [],
    closure: null,
    follow_ups: [],
    notes: [],
    documents: [],
    evidence: [],
    void_reason: null,
    conflicts: [],
    field_heads: {},
    timeline: [
      {
        id: meta.eventId,
        at: reg.received_at || meta.at,
        unit: meta.unit,
        actor: meta.actor,
        kind: "case.registered",
        payload: reg,
        anomaly: false,
      },
    ],
    last_hlc: String(Date.parse(meta.at) * 65536),
  };
}

/** Sets `path` ("respondents[0].phone") in `doc`; false when the path does not exist. */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown): boolean {
  const segs = path.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "");
  let cur: unknown = doc;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = /^\d+$/.test(segs[i]) ? Number(segs[i]) : segs[i];
    cur = (cur as Record<string | number, unknown> | null)?.[k];
    if (typeof cur !== "object" || cur === null) return false;
  }
  const last = segs[segs.length - 1];
  if (/^\d+$/.test(last)) {
    if (!Array.isArray(cur) || Number(last) >= cur.length) return false;
    cur[Number(last)] = value;
  } else (cur as Record<string, unknown>)[last] = value;
  return true;
}

/** case::event_time: the time in the payload (received, held, signed, at), except for a
 * scheduling, which is stamped when it was made (its `at` is the planned time). */
export function eventTime(ev: CaseEvent, recorded: string): string {
  if (ev.kind === "case.session_scheduled") return recorded;
  const p = ev.payload as Record<string, unknown>;
  for (const k of ["received_at", "held_at", "signed_at", "at"]) if (typeof p[k] === "string") return p[k];
  return recorded;
}

/** Applies one event like CaseState::apply (events that do not fit are kept as anomalies). */
export function applyEvent(s: CaseState, ev: CaseEvent, meta: { eventId: string; at: string; unit: string; actor: string | null }): void {
  const legal = allows(s, ev.kind);
  s.timeline.push({
    id: meta.eventId,
    at: eventTime(ev, meta.at),
    unit: meta.unit,
    actor: meta.actor,
    kind: ev.kind,
    payload: ev.payload,
    anomaly: !legal,
  });
  s.last_hlc = String(Date.parse(meta.at) * 65536);
  if (!legal) return;
  switch (ev.kind) {
    case "case.edited": {
      // Like CaseState::apply_edits, without conflicts (the browser backend has one writer).
      const doc = structuredClone(s.reg) as unknown as Record<string, unknown>;
      for (const e of ev.payload.edits) {
        if (setPath(doc, e.field, e.value)) s.field_heads[e.field] = meta.eventId;
      }
      s.reg = doc as unknown as CaseRegistered;
      break;
    }
    case "case.accepted":
      s.status = "accepted";
      s.accepted_at = ev.payload.at;
      break;
    case "case.not_accepted":
      s.status = "not_accepted";
      s.not_accepted = { at: ev.payload.at, reason: ev.payload.reason, note: ev.payload.note ?? "" };
      break;
    case "case.session_scheduled": {
      s.status = "mediating";
      const v = s.sessions.find((x) => x.id === ev.payload.session);
      if (v) v.scheduled = ev.payload;
      else s.sessions.push({ id: ev.payload.session, scheduled: ev.payload, recorded: null });
      break;
    }
    case "case.session_recorded": {
      s.status = "mediating";
      const v = s.sessions.find((x) => x.id === ev.payload.session);
      if (v) v.recorded = ev.payload;
      else s.sessions.push({ id: ev.payload.session, scheduled: null, recorded: ev.payload });
      break;
    }
    case "case.agreement_recorded":
      s.status = "agreed";
      s.agreement = ev.payload;
      break;
    case "case.performance_confirmed":
      s.performance_confirmed_at = ev.payload.at;
      break;
    case "case.mediation_terminated":
      s.status = "terminated";
      s.termination = { at: ev.payload.at, reason: ev.payload.reason, note: ev.payload.note ?? "" };
      break;
    case "case.transferred": {
      const t = ev.payload;
      if (t.kind === "down" || t.kind === "up") {
        s.home_unit = t.to_unit ?? s.home_unit;
        s.status = "registered";
        s.accepted_at = null;
      } else if (t.kind === "co_handle") {
        if (t.to_unit && !s.co_handlers.includes(t.to_unit)) s.co_handlers.push(t.to_unit);
      } else {
        s.status = "transferred";
      }
      s.transfers.push({ ...t, at: meta.at, from_unit: meta.unit, feedback: null });
      break;
    }
    case "case.transfer_feedback": {
      const t = s.transfers.find((x) => x.transfer === ev.payload.transfer);
      if (t) t.feedback = [ev.payload.at, ev.payload.text];
      break;
    }
    case "case.closed":
      s.status = "closed";
      s.closure = ev.payload;
      break;
    case "case.followed_up":
      s.follow_ups.push({ ...ev.payload, note: ev.payload.note ?? "" });
      break;
    case "case.note_added":
      s.notes.push([meta.at, ev.payload.text]);
      break;
    case "case.voided":
      s.status = "voided";
      s.void_reason = ev.payload.reason;
      break;
    case "case.document_issued":
      s.documents.push({ event: meta.eventId, unit: meta.unit, device: "", ...ev.payload });
      break;
    case "case.evidence_added":
      s.evidence.push({ event: meta.eventId, ...ev.payload });
      break;
  }
}

export function deadlines(s: CaseState, own: OwnRules): CaseDeadline[] {
  const out: CaseDeadline[] = [];
  if (!isOpen(s.status)) return out;
  // A suggestion (and a consultation registered by an older version) waits for no acceptance decision.
  const noDecision = s.reg.case_type === "consultation" || s.reg.case_type === "suggestion";
  if (s.status === "registered" && noDecision) {
    // no acceptance clock
  } else if (s.status === "registered") {
    const moved = [...s.transfers].reverse().find((t) => t.kind === "down" || t.kind === "up");
    const since = localDate(moved ? moved.at : s.reg.received_at);
    const days = s.rule_set === "own" ? own.accept_working_days : 7;
    out.push({ kind: "acceptance", ...addWorkingDays(since, days) });
  } else if ((s.status === "accepted" || s.status === "mediating") && s.accepted_at) {
    const start = localDate(s.accepted_at);
    const d =
      s.rule_set === "order20"
        ? addWorkingDays(start, 45)
        : s.rule_set === "order121"
          ? addDays(start, 60)
          : own.mediation_in_working_days
            ? addWorkingDays(start, own.mediation_days)
            : addDays(start, own.mediation_days);
    out.push({ kind: "mediation", ...d });
  } else if (s.status === "agreed" && !s.performance_confirmed_at && s.agreement?.performance_due) {
    out.push({ kind: "performance", date: s.agreement.performance_due, provisional: false });
  }
  for (const t of s.transfers) {
    if (t.feedback === null && t.due) out.push({ kind: "transfer_feedback", date: t.due, provisional: false });
  }
  out.sort((a, b) => a.date.localeCompare(b.date));
  return out;
}

export function deadlineView(d: CaseDeadline | undefined, today: string): DeadlineView | null {
  if (!d) return null;
  const left = dayNum(d.date) - dayNum(today);
  return {
    kind: d.kind,
    date: d.date,
    provisional: d.provisional,
    overdue: left < 0,
    days_left: left,
  };
}

export function toRow(s: CaseState, own: OwnRules, today: string): CaseRow {
  const flags = (s.timeline.some((e) => e.anomaly) ? 1 : 0) | (s.conflicts.length ? 2 : 0);
  return {
    id: s.id,
    no: s.reg.case_no,
    case_type: s.reg.case_type,
    mode: s.reg.mode,
    status: s.status,
    channel: s.reg.channel,
    received_at: s.reg.received_at,
    unit: s.home_unit,
    category: s.reg.category ?? null,
    nature: s.reg.nature ?? null,
    collective: !!s.reg.collective,
    households: s.reg.collective?.households ?? null,
    complainant: (s.reg.complainants.find((c) => !!s.reg.collective && c.representative) ?? s.reg.complainants[0])?.name ?? "",
    complainants: s.reg.complainants.length,
    respondents: s.reg.respondents.map((r) => r.name),
    claim_fen: s.reg.claim_fen ?? null,
    recovered_fen: s.closure?.recovered_fen ?? 0,
    outcome: s.closure?.outcome ?? null,
    deadline: deadlineView(deadlines(s, own)[0], today),
    flags,
    phone: (() => {
      const listed = s.reg.complainants.find((c) => !!s.reg.collective && c.representative) ?? s.reg.complainants[0];
      const p = listed?.phones[0];
      return p ? maskPhone(p) : null;
    })(),
  };
}

// ---------------------------------------------------------------------------------------------
// Masking, as casedesk_domain::mask does it (the browser-mode mock's stand-in for Rust; the
// desktop gets masked data from Rust and never masks itself).

function isDigitish(c: string): boolean {
  return (c >= "0" && c <= "9") || c === "*";
}

function keepLastDigits(s: string, keep: number): string {
  const total = [...s].filter(isDigitish).length;
  let seen = 0;
  return [...s]
    .map((c) => {
      if (!isDigitish(c)) return c;
      seen += 1;
      return seen + keep > total ? c : "*";
    })
    .join("");
}

export function maskPhone(raw: string): string {
  const s = raw.trim();
  const digits = [...s].filter(isDigitish).length;
  const dash = s.indexOf("-");
  if (dash >= 0) return `${s.slice(0, dash)}-${keepLastDigits(s.slice(dash + 1), 4)}`;
  if (digits === 11 && s.startsWith("1")) {
    let seen = 0;
    return [...s]
      .map((c) => {
        if (!isDigitish(c)) return c;
        seen += 1;
        return seen >= 4 && seen <= 7 ? "*" : c;
      })
      .join("");
  }
  return keepLastDigits(s, digits >= 7 ? 4 : 0);
}

export function maskIdNumber(raw: string): string {
  const chars = [...raw.trim()];
  const n = chars.length;
  const [head, tail] = n <= 4 ? [0, 0] : n <= 9 ? [1, 2] : [6, 4];
  return chars.map((c, i) => (i < head || i >= n - tail ? c : "*")).join("");
}

/** A copy of `s` with the complainants' ID and phone numbers masked, and the fields that may be
 *  revealed. */
export function maskedCase(s: CaseState): { case: CaseState; revealable: string[] } {
  const revealable: string[] = [];
  const complainants = s.reg.complainants.map((c, i) => {
    if (c.id_number) revealable.push(`complainants[${i}].id_number`);
    c.phones.forEach((p, j) => {
      if (p.trim()) revealable.push(`complainants[${i}].phones[${j}]`);
    });
    return { ...c, id_number: c.id_number ? maskIdNumber(c.id_number) : c.id_number, phones: c.phones.map(maskPhone) };
  });
  const reg = { ...s.reg, complainants };
  const timeline = s.timeline.map((e) => (e.kind === "case.registered" ? { ...e, payload: { ...e.payload, complainants } } : e));
  return { case: { ...s, reg, timeline }, revealable };
}

// ---------------------------------------------------------------------------------------------
// Identity numbers (GB 11643, GB 32100) and phones.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

export function residentIdCheck(prefix17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(prefix17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function checkResidentId(n: string): MessageCode | null {
  const t = n.trim().toUpperCase();
  if (t === "") return "id.empty";
  if (t.length !== 18) return "id.length";
  if (!/^\d{17}[\dX]$/.test(t)) return "id.chars";
  const y = Number(t.slice(6, 10));
  const m = Number(t.slice(10, 12));
  const d = Number(t.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > Date.now()) return "id.birth_date";
  if (residentIdCheck(t.slice(0, 17)) !== t[17]) return "id.checksum";
  return null;
}

const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheck(prefix17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(prefix17[i]) * USCC_WEIGHTS[i];
  const c = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[c];
}

export function checkUscc(u: string): MessageCode | null {
  const t = u.trim().toUpperCase();
  if (t === "") return "uscc.empty";
  if (t.length !== 18) return "uscc.length";
  if ([...t].some((c) => !USCC_ALPHABET.includes(c))) return "uscc.chars";
  if (usccCheck(t.slice(0, 17)) !== t[17]) return "uscc.checksum";
  return null;
}

export const MOBILE = /^1[3-9]\d{9}$/;
export const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

/** Accepts an 11-digit mobile (spaces, dashes or +86 allowed) or a landline with area code. */
export function checkPhone(p: string): MessageCode | null {
  const t = p.trim();
  if (t === "") return "phone.empty";
  const mobile = t.replace(/^\+?86/, "").replace(/[\s-]/g, "");
  if (MOBILE.test(mobile)) return null;
  if (LANDLINE.test(t.replace(/\s/g, ""))) return null;
  return "phone.format";
}

function issue(path: string, code: MessageCode, arg: string | number = ""): Problem {
  return { path, code, arg: String(arg) };
}

function isSubject(code: string): boolean {
  return REFERENCE.categories.some((c) => c.code === code);
}

/** casedesk-domain org::unit_code: letters, digits and _, at most 32. */
export const UNIT_CODE = /^[A-Za-z0-9_]{1,32}$/;

function isHeading(code: string): boolean {
  return REFERENCE.categories.some((c) => c.code === code && c.group);
}

function isNature(code: string): boolean {
  return REFERENCE.natures.some((c) => c.code === code);
}

/** validate_registration of casedesk-domain, for the form's problems. */
export function validateRegistration(reg: CaseRegistered, nowMs: number): Problem[] {
  const out: Problem[] = [];
  const complaint = reg.case_type === "complaint";
  const entrusted = reg.mode === "entrusted";
  const today = localDate(new Date(nowMs).toISOString());
  if (Number.isNaN(Date.parse(reg.received_at))) out.push(issue("received_at", "required"));
  else if (Date.parse(reg.received_at) > nowMs + 600_000) out.push(issue("received_at", "date.future"));
  const occ = reg.facts.occurred_on;
  if (occ) {
    if (occ > today) out.push(issue("facts.occurred_on", "date.future"));
    else if (!Number.isNaN(Date.parse(reg.received_at)) && occ > localDate(reg.received_at))
      out.push(issue("received_at", "date.before_occurrence"));
  }
  if (complaint && reg.complainants.length === 0) out.push(issue("complainants", "count.min", 1));
  reg.complainants.forEach((c, i) => {
    const p = `complainants[${i}]`;
    if (!c.name.trim()) out.push(issue(`${p}.name`, "required"));
    if (c.name.length > 100) out.push(issue(`${p}.name`, "too_long", 100));
    if (complaint && c.phones.length === 0 && !(c.contact_person ?? "").trim()) out.push(issue(`${p}.phones`, "required"));
    c.phones.forEach((ph, j) => {
      const e = checkPhone(ph);
      if (e) out.push(issue(`${p}.phones[${j}]`, e));
    });
    if (complaint && !(c.address ?? "").trim() && !(c.village ?? "").trim()) out.push(issue(`${p}.address`, "required"));
    const num = (c.id_number ?? "").trim();
    if (!num && entrusted && complaint) out.push(issue(`${p}.id_number`, "id.required"));
    else if (num && !c.id_type) out.push(issue(`${p}.id_type`, "required"));
    else if (num && c.id_type) {
      const e = checkId(c.id_type, num);
      if (e) out.push(issue(`${p}.id_number`, e));
    }
  });
  if (entrusted && complaint && !reg.complainants.some((c) => c.consents.entrust_mediation))
    out.push(issue("complainants[0].consents.entrust_mediation", "consent.entrust_required"));
  if (reg.collective) {
    if (reg.collective.households < 2) out.push(issue("collective.households", "households.min"));
    const reps = reg.complainants.filter((c) => c.representative).length;
    const [lo, hi] = entrusted ? [1, 2] : [2, 5];
    if (reps < lo || reps > hi) out.push(issue("collective.representatives", "representatives.count", `${lo}–${hi}`));
  }
  const needsRespondent = reg.case_type === "complaint" || reg.case_type === "report";
  if (needsRespondent && reg.respondents.length === 0) out.push(issue("respondents", "count.min", 1));
  if (reg.respondents.length > 2) out.push(issue("respondents", "count.max", 2));
  reg.respondents.forEach((r, i) => {
    const p = `respondents[${i}]`;
    if (!r.name.trim()) out.push(issue(`${p}.name`, "required"));
    if (r.uscc && r.uscc.trim()) {
      const e = checkUscc(r.uscc);
      if (e) out.push(issue(`${p}.uscc`, e));
    }
    if (r.phone && r.phone.trim()) {
      const e = checkPhone(r.phone);
      if (e) out.push(issue(`${p}.phone`, e));
    }
  });
  if (!reg.category) {
    if (complaint) out.push(issue("category", "required"));
  } else if (!isSubject(reg.category)) out.push(issue("category", "not_a_subject_category"));
  else if (isHeading(reg.category)) out.push(issue("category", "category.group"));
  if (!reg.nature) {
    if (complaint) out.push(issue("nature", "required"));
  } else if (!isNature(reg.nature)) out.push(issue("nature", "not_a_nature"));
  if (!reg.facts.content.trim()) out.push(issue("facts.content", "required"));
  if (reg.facts.content.length > 20000) out.push(issue("facts.content", "too_long", 20000));
  if (complaint && reg.requests.length === 0) out.push(issue("requests", "required"));
  for (const [path, v] of [
    ["facts.amount_fen", reg.facts.amount_fen],
    ["claim_fen", reg.claim_fen],
  ] as const) {
    if (v != null && v < 0) out.push(issue(path, "amount.negative"));
    if (v != null && v > 10_000_000_000) out.push(issue(path, "amount.too_large"));
  }
  return out;
}

function checkId(t: IdType, n: string): MessageCode | null {
  switch (t) {
    case "resident_id":
    case "hmt_residence":
      return checkResidentId(n);
    case "passport":
      return /^[A-Z0-9]{5,17}$/i.test(n.trim()) ? null : "id.chars";
    case "foreign_permanent":
      return /^[A-Z0-9]{15,18}$/i.test(n.trim()) ? null : "id.length";
    default:
      return n.trim().length > 40 ? "id.length" : null;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks of a command (case.rs `check` and `check_edits`).

/** The top-level fields of the registration a person may correct (case.rs `is_editable`). */
const EDITABLE = [
  "complainants",
  "respondents",
  "category",
  "nature",
  "facts",
  "requests",
  "request_text",
  "claim_fen",
  "collective",
  "channel",
];

export function isEditable(field: string): boolean {
  return EDITABLE.includes(field.split(/[.[]/)[0] ?? "");
}

/** Problems of a correction: no edits, fields that may not be corrected or do not exist, and
 *  what registration validation finds wrong in or under the corrected fields. */
export function checkEdits(reg: CaseRegistered, edits: { field: string; value: unknown }[], nowMs: number): Problem[] {
  const out: Problem[] = [];
  if (edits.length === 0) out.push(issue("edits", "required"));
  const doc = structuredClone(reg) as unknown as Record<string, unknown>;
  edits.forEach((e, i) => {
    if (!isEditable(e.field)) out.push(issue(`edits[${i}].field`, "field.not_editable"));
    else if (!setPath(doc, e.field, e.value)) out.push(issue(`edits[${i}].field`, "field.unknown", e.field));
  });
  if (out.length) return out;
  const under = (path: string, field: string) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
  return validateRegistration(doc as unknown as CaseRegistered, nowMs).filter((p) => edits.some((e) => under(p.path, e.field)));
}

/** Why `check` refuses a command: the state machine, or the problems of its details. */
export type Refused = { code: "case.illegal_transition"; issues: Problem[] } | { code: "validation.failed"; issues: Problem[] };

/** A command a person gives on this station, checked like case.rs `check`: the transition,
 *  then reason codes of the case's rule set, known transfers, targets, amounts, required texts
 *  and corrections. Null: accepted. */
export function check(s: CaseState, ev: CaseEvent, nowMs: number): Refused | null {
  if (!allows(s, ev.kind)) return { code: "case.illegal_transition", issues: [] };
  const out: Problem[] = [];
  const required = (path: string, v: string | undefined) => {
    if (!(v ?? "").trim()) out.push(issue(path, "required"));
  };
  const negative = (path: string, v: number) => {
    if (v < 0) out.push(issue(path, "amount.negative"));
  };
  const known = (code: string, list: { code: string }[] | undefined) => (list ?? []).some((r) => r.code === code);
  switch (ev.kind) {
    case "case.not_accepted":
      if (!known(ev.payload.reason, REFERENCE.not_accept_reasons[s.rule_set]))
        out.push(issue("reason", "reason.unknown", ev.payload.reason));
      break;
    case "case.mediation_terminated":
      if (!known(ev.payload.reason, REFERENCE.termination_reasons[s.rule_set]))
        out.push(issue("reason", "reason.unknown", ev.payload.reason));
      break;
    case "case.transfer_feedback":
      if (!s.transfers.some((t) => t.transfer === ev.payload.transfer)) out.push(issue("transfer", "transfer.unknown"));
      required("text", ev.payload.text);
      break;
    case "case.transferred": {
      const t = ev.payload;
      if (t.kind === "to_department") required("to_department", t.to_department);
      else {
        const code = t.to_unit ?? "";
        if (!code) out.push(issue("to_unit", "required"));
        else if (!UNIT_CODE.test(code)) out.push(issue("to_unit", "unit.code_format"));
        else if (code === s.home_unit) out.push(issue("to_unit", "transfer.to_self"));
        if ([...(t.to_unit_name ?? "")].length > 100) out.push(issue("to_unit_name", "too_long", 100));
      }
      break;
    }
    case "case.edited":
      out.push(...checkEdits(s.reg, ev.payload.edits, nowMs));
      break;
    case "case.closed":
      negative("recovered_fen", ev.payload.recovered_fen);
      negative("doubled_fen", ev.payload.doubled_fen);
      break;
    case "case.agreement_recorded":
      required("terms", ev.payload.terms);
      negative("amount_fen", ev.payload.amount_fen);
      break;
    case "case.session_recorded":
      required("mediator", ev.payload.mediator);
      break;
    case "case.voided":
      required("reason", ev.payload.reason);
      break;
    default:
      break;
  }
  return out.length ? { code: "validation.failed", issues: out } : null;
}
