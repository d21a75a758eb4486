// A TypeScript port of the parts of casedesk-core the mock backend needs: the case state machine
// (crates/casedesk-domain/src/case.rs `transition` and `apply`), deadlines (deadline.rs,
// without the holiday table: weekends only, so dates after 2026 are provisional), and the checks
// of validate/mod.rs and validate/ids.rs that a clerk meets on the intake form.
import type {
  CaseDeadline,
  CaseEvent,
  CaseRegistered,
  CaseRow,
  CaseState,
  DeadlineView,
  IdType,
  IpcIssue,
  OwnRules,
  RuleSet,
  Status,
} from "./types";
import { REFERENCE } from "./mockReference";

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

/** The last year with holiday data in casedesk-domain/data/holidays.csv. */
const LAST_CALENDAR_YEAR = 2026;

function isWeekend(n: number): boolean {
  const wd = new Date(n * DAY).getUTCDay();
  return wd === 0 || wd === 6;
}

export function addWorkingDays(start: string, days: number): { date: string; provisional: boolean } {
  let n = dayNum(start);
  let left = days;
  while (left > 0) {
    n += 1;
    if (!isWeekend(n)) left -= 1;
  }
  const date = fromDayNum(n);
  return { date, provisional: Number(date.slice(0, 4)) > LAST_CALENDAR_YEAR };
}

export function addDays(start: string, days: number): { date: string; provisional: boolean } {
  const date = fromDayNum(dayNum(start) + days);
  return { date, provisional: Number(date.slice(0, 4)) > LAST_CALENDAR_YEAR };
}

export function ruleSetFor(reg: CaseRegistered): RuleSet {
  if (reg.mode === "own") return "own";
  return localDate(reg.received_at) < "2026-04-15" ? "order20" : "order121";
}

export const OPEN: Status[] = ["registered", "accepted", "mediating", "agreed", "transferred"];

export function isOpen(s: Status): boolean {
  return OPEN.includes(s);
}

/** The state machine: whether `ev` may happen to a case in `s`'s status. */
export function transition(s: CaseState, ev: Pick<CaseEvent, "kind"> & { payload?: unknown }): boolean {
  const st = s.status;
  switch (ev.kind) {
    case "case.edited":
    case "case.note_added":
      return st !== "voided";
    case "case.accepted":
    case "case.not_accepted":
      return st === "registered";
    case "case.session_scheduled":
    case "case.session_recorded":
    case "case.agreement_recorded":
    case "case.mediation_terminated":
      return st === "accepted" || st === "mediating";
    case "case.performance_confirmed":
      return st === "agreed" && s.performance_confirmed_at === null;
    case "case.transferred":
      return st === "registered" || st === "accepted" || st === "mediating";
    case "case.transfer_feedback":
      return st !== "voided";
    case "case.closed":
      if (["accepted", "mediating", "agreed", "terminated", "transferred"].includes(st)) return true;
      return st === "registered" && (s.reg.case_type === "consultation" || s.reg.case_type === "suggestion");
    case "case.followed_up":
      return st === "closed" || st === "terminated" || st === "not_accepted" || st === "agreed";
    case "case.voided":
      return st !== "voided";
    default:
      return false;
  }
}

/** Actions a person may take now (what `allowed` of CaseDetail holds). */
export function allowedActions(s: CaseState): string[] {
  const kinds = [
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
    "case.edited",
  ] as const;
  return kinds.filter((k) => {
    if (k === "case.transfer_feedback" && !s.transfers.some((t) => t.feedback === null)) return false;
    return transition(s, { kind: k });
  });
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
    void_reason: null,
    conflicts: [],
    field_heads: {},
    timeline: [
      {
        id: meta.eventId,
        at: meta.at,
        unit: meta.unit,
        actor: meta.actor,
        kind: "case.registered",
        payload: reg as unknown as Record<string, unknown>,
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
    const k = /^\d+$/.test(segs[i]!) ? Number(segs[i]) : segs[i]!;
    cur = (cur as Record<string | number, unknown> | null)?.[k];
    if (typeof cur !== "object" || cur === null) return false;
  }
  const last = segs[segs.length - 1]!;
  if (/^\d+$/.test(last)) {
    if (!Array.isArray(cur) || Number(last) >= cur.length) return false;
    cur[Number(last)] = value;
  } else (cur as Record<string, unknown>)[last] = value;
  return true;
}

/** Applies one event like CaseState::apply (events that do not fit are kept as anomalies). */
export function applyEvent(
  s: CaseState,
  ev: CaseEvent,
  meta: { eventId: string; at: string; unit: string; actor: string | null },
): void {
  const legal = transition(s, ev);
  s.timeline.push({
    id: meta.eventId,
    at: meta.at,
    unit: meta.unit,
    actor: meta.actor,
    kind: ev.kind,
    payload: ev.payload as unknown as Record<string, unknown>,
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
  }
}

export function deadlines(s: CaseState, own: OwnRules): CaseDeadline[] {
  const out: CaseDeadline[] = [];
  if (!isOpen(s.status)) return out;
  if (s.status === "registered") {
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
    kind: d.kind as DeadlineView["kind"],
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
  };
}

// ---------------------------------------------------------------------------------------------
// Identity numbers (GB 11643, GB 32100) and phones.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

export function residentIdCheck(prefix17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(prefix17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export function checkResidentId(n: string): string | null {
  const t = n.trim().toUpperCase();
  if (t === "") return "id.empty";
  if (t.length !== 18) return "id.length";
  if (!/^\d{17}[\dX]$/.test(t)) return "id.chars";
  const y = Number(t.slice(6, 10));
  const m = Number(t.slice(10, 12));
  const d = Number(t.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > Date.now())
    return "id.birth_date";
  if (residentIdCheck(t.slice(0, 17)) !== t[17]) return "id.checksum";
  return null;
}

const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheck(prefix17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(prefix17[i]!) * USCC_WEIGHTS[i]!;
  const c = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[c]!;
}

export function checkUscc(u: string): string | null {
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
export function checkPhone(p: string): string | null {
  const t = p.trim();
  if (t === "") return "phone.empty";
  const mobile = t.replace(/^\+?86/, "").replace(/[\s-]/g, "");
  if (MOBILE.test(mobile)) return null;
  if (LANDLINE.test(t.replace(/\s/g, ""))) return null;
  return "phone.format";
}

function issue(path: string, code: string, arg: string | number = ""): Omit<IpcIssue, "message"> {
  return { path, code, arg: String(arg) };
}

function isSubject(code: string): boolean {
  return REFERENCE.categories.some((c) => c.code === code);
}

function isNature(code: string): boolean {
  return REFERENCE.natures.some((c) => c.code === code);
}

/** validate_registration of casedesk-core, for the form's problems. */
export function validateRegistration(reg: CaseRegistered, nowMs: number): Omit<IpcIssue, "message">[] {
  const out: Omit<IpcIssue, "message">[] = [];
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
    if (complaint && c.phones.length === 0 && !(c.contact_person ?? "").trim())
      out.push(issue(`${p}.phones`, "required"));
    c.phones.forEach((ph, j) => {
      const e = checkPhone(ph);
      if (e) out.push(issue(`${p}.phones[${j}]`, e));
    });
    if (complaint && !(c.address ?? "").trim() && !(c.village ?? "").trim())
      out.push(issue(`${p}.address`, "required"));
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
    if (reps < lo || reps > hi) out.push(issue("complainants", "representatives.count", `${lo}–${hi}`));
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
  if (!reg.nature) {
    if (complaint) out.push(issue("nature", "required"));
  } else if (!isNature(reg.nature)) out.push(issue("nature", "not_a_nature"));
  if (!reg.facts.content.trim()) out.push(issue("facts.content", "required"));
  if (reg.facts.content.length > 20000) out.push(issue("facts.content", "too_long", 20000));
  if (complaint && reg.requests.length === 0 && !(reg.request_text ?? "").trim())
    out.push(issue("requests", "required"));
  for (const [path, v] of [
    ["facts.amount_fen", reg.facts.amount_fen],
    ["claim_fen", reg.claim_fen],
  ] as const) {
    if (v != null && v < 0) out.push(issue(path, "amount.negative"));
    if (v != null && v > 10_000_000_000) out.push(issue(path, "amount.too_large"));
  }
  return out;
}

function checkId(t: IdType, n: string): string | null {
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
