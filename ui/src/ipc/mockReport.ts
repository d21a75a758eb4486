// The statistics of casedesk-report, for the mock backend: the same counting rules over the
// mock's cases (docs/statistics.md), tested against what Rust computed for the fixture station
// (fixtures/statistics.json, src/test/statistics.test.ts). Integers only, as in Rust: counts,
// fen, basis points.
import type {
  Alert,
  CaseState,
  Change,
  Derived,
  Dimension,
  Figures,
  HotSpots,
  ListQuery,
  Outcome,
  Params,
  Period,
  Report,
  Series,
  Share,
  Staff,
  StaffFigures,
  StationRow,
  Status,
  SubmissionView,
  Supervision,
  TransferKind,
  UnitItem,
  UnitRow,
} from "./types";
import { addDays, addWorkingDays, dayNum, deadlines, fromDayNum, isOpen, localDate } from "./domain";
import type { OwnRules } from "../bindings";

// ---- numbers --------------------------------------------------------------------------------

export function rateBp(num: number, den: number): number | null {
  if (den === 0) return null;
  return Math.floor((num * 20_000 + den) / (2 * den));
}

function wanHundredths(fen: number): number {
  const q = Math.trunc(fen / 10_000);
  const r = fen - q * 10_000;
  return r >= 5_000 ? q + 1 : r <= -5_000 ? q - 1 : q;
}

export function wan(fen: number): string {
  const h = wanHundredths(fen);
  const a = Math.abs(h);
  return `${h < 0 ? "-" : ""}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

function changeBp(now: number, before: number): number | null {
  if (before === 0) return null;
  const diff = now - before;
  return Math.trunc((diff * 20_000 + Math.sign(diff) * before) / (2 * before));
}

// ---- periods --------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, "0");
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
function monthEnd(y: number, m: number): string {
  return fromDayNum(dayNum(m === 12 ? ymd(y + 1, 1, 1) : ymd(y, m + 1, 1)) - 1);
}
const month = (y: number, m: number): Period => ({ code: `${y}-${pad(m)}`, kind: "month", from: ymd(y, m, 1), to: monthEnd(y, m) });
const quarter = (y: number, q: number): Period => ({
  code: `${y}-Q${q}`,
  kind: "quarter",
  from: ymd(y, 3 * q - 2, 1),
  to: monthEnd(y, 3 * q),
});
const half = (y: number, h: number): Period => ({ code: `${y}-H${h}`, kind: "half", from: ymd(y, 6 * h - 5, 1), to: monthEnd(y, 6 * h) });
const year = (y: number): Period => ({ code: `${y}`, kind: "year", from: ymd(y, 1, 1), to: ymd(y, 12, 31) });
const range = (from: string, to: string): Period => ({ code: `${from}..${to}`, kind: "range", from, to });

/** Reads a period code like casedesk-report's `Period::parse`; null when it is not one. */
export function parsePeriod(code: string): Period | null {
  const s = code.trim();
  let m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(s);
  if (m) return m[1] <= m[2] && validDate(m[1]) && validDate(m[2]) ? range(m[1], m[2]) : null;
  if ((m = /^(\d{4})$/.exec(s))) return year(Number(m[1]));
  if ((m = /^(\d{4})-[Qq]([1-4])$/.exec(s))) return quarter(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})-[Hh]([12])$/.exec(s))) return half(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})-(\d{2})$/.exec(s)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) return month(Number(m[1]), Number(m[2]));
  return null;
}

function validDate(d: string): boolean {
  return fromDayNum(dayNum(d)) === d;
}

const parts = (d: string) => d.split("-").map(Number) as [number, number, number];

export function previousPeriod(p: Period): Period {
  const [y, m] = parts(p.from);
  switch (p.kind) {
    case "month":
      return m === 1 ? month(y - 1, 12) : month(y, m - 1);
    case "quarter": {
      const q = Math.floor((m - 1) / 3) + 1;
      return q === 1 ? quarter(y - 1, 4) : quarter(y, q - 1);
    }
    case "half":
      return m === 1 ? half(y - 1, 2) : half(y, 1);
    case "year":
      return year(y - 1);
    case "range": {
      const days = dayNum(p.to) - dayNum(p.from) + 1;
      const to = dayNum(p.from) - 1;
      return range(fromDayNum(to - days + 1), fromDayNum(to));
    }
  }
}

export function yearBefore(p: Period): Period {
  const [y, m] = parts(p.from);
  const back = (d: string) => {
    const [yy, mm, dd] = parts(d);
    const c = ymd(yy - 1, mm, dd);
    return validDate(c) ? c : ymd(yy - 1, mm, 28);
  };
  switch (p.kind) {
    case "month":
      return month(y - 1, m);
    case "quarter":
      return quarter(y - 1, Math.floor((m - 1) / 3) + 1);
    case "half":
      return half(y - 1, m === 1 ? 1 : 2);
    case "year":
      return year(y - 1);
    case "range":
      return range(back(p.from), back(p.to));
  }
}

const holds = (p: Period, iso: string | null | undefined) => {
  if (!iso) return false;
  const d = localDate(iso);
  return p.from <= d && d <= p.to;
};

// ---- figures --------------------------------------------------------------------------------

export function emptyFigures(): Figures {
  return {
    received: 0,
    received_reports: 0,
    received_other: 0,
    not_accepted: 0,
    transferred_out: 0,
    transferred_in: 0,
    to_department: 0,
    co_handled: 0,
    accepted: 0,
    closed: 0,
    resolved: 0,
    mediated: 0,
    closed_on_time: 0,
    recovered_fen: 0,
    doubled_cases: 0,
    doubled_fen: 0,
    consultation_people: 0,
    consultations: 0,
  };
}

export function derived(f: Figures): Derived {
  return {
    resolution_rate_bp: rateBp(f.resolved, f.accepted),
    mediation_rate_bp: rateBp(f.mediated, f.closed),
    on_time_rate_bp: rateBp(f.closed_on_time, f.closed),
    recovered_wan: wan(f.recovered_fen),
    doubled_wan: wan(f.doubled_fen),
  };
}

function addFigures(a: Figures, b: Figures): Figures {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof Figures)[]) out[k] += b[k];
  return out;
}

const RESOLVED: Outcome[] = ["mediated", "settled", "department_handled"];

/** The last day of an accepted case's mediation period (casedesk-domain's `mediation_deadline`). */
function mediationDeadline(s: CaseState, own: OwnRules): string | null {
  if (!s.accepted_at) return null;
  const start = localDate(s.accepted_at);
  const d =
    s.rule_set === "order20"
      ? addWorkingDays(start, 45)
      : s.rule_set === "order121"
        ? addDays(start, 60)
        : own.mediation_in_working_days
          ? addWorkingDays(start, own.mediation_days)
          : addDays(start, own.mediation_days);
  return d.date;
}

export function closedOnTime(s: CaseState, own: OwnRules): boolean | null {
  if (!s.closure) return null;
  const end = mediationDeadline(s, own);
  return end === null ? null : localDate(s.closure.at) <= end;
}

export const subjectOf = (category: string | null | undefined) =>
  category?.startsWith("CCA-G") ? "goods" : category?.startsWith("CCA-S") ? "service" : "other";

export const majorCategory = (code: string) => code.split("-").slice(0, 2).join("-");

interface Breakdown {
  nature: Map<string, number>;
  subject: Map<string, number>;
  major: Map<string, number>;
  leaf: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export interface StatInput {
  cases: CaseState[];
  consultations: { at: string; people: number; unit?: string; by?: string }[];
  /** The station's own unit: the unit of consultations recorded here. */
  unit: string;
  own: OwnRules;
}

class Tally {
  byUnit = new Map<string, Figures>();
  breakdown: Breakdown = { nature: new Map(), subject: new Map(), major: new Map(), leaf: new Map() };
  constructor(
    private p: Period,
    private scope: Set<string>,
  ) {}
  private f(unit: string): Figures {
    let f = this.byUnit.get(unit);
    if (!f) this.byUnit.set(unit, (f = emptyFigures()));
    return f;
  }
  run(input: StatInput): this {
    const p = this.p;
    for (const c of input.cases) {
      if (c.status === "voided") continue;
      const type = c.reg.case_type;
      const received = holds(p, c.reg.received_at);
      if (type === "report") {
        if (received) this.f(c.reg.unit).received_reports += 1;
      } else if (type !== "complaint") {
        if (received) this.f(c.reg.unit).received_other += 1;
      } else {
        if (received) {
          this.f(c.reg.unit).received += 1;
          if (c.status === "not_accepted") this.f(c.home_unit).not_accepted += 1;
        }
        if (holds(p, c.accepted_at)) {
          const f = this.f(c.home_unit);
          f.accepted += 1;
          if (c.closure && RESOLVED.includes(c.closure.outcome) && localDate(c.closure.at) <= p.to) f.resolved += 1;
          if (this.scope.has(c.home_unit)) {
            const b = this.breakdown;
            if (c.reg.nature) bump(b.nature, c.reg.nature);
            bump(b.subject, subjectOf(c.reg.category));
            if (c.reg.category) {
              bump(b.major, majorCategory(c.reg.category));
              bump(b.leaf, c.reg.category);
            }
          }
        }
        if (c.accepted_at && c.closure && holds(p, c.closure.at)) {
          const f = this.f(c.home_unit);
          f.closed += 1;
          if (c.closure.outcome === "mediated") f.mediated += 1;
          if (closedOnTime(c, input.own) === true) f.closed_on_time += 1;
          f.recovered_fen += c.closure.recovered_fen;
          if (c.closure.doubled_fen > 0) {
            f.doubled_cases += 1;
            f.doubled_fen += c.closure.doubled_fen;
          }
        }
        for (const t of c.transfers) {
          if (!holds(p, t.at)) continue;
          const to = t.to_unit || t.to_department || "";
          if (t.kind === "down" || t.kind === "up") {
            this.f(t.from_unit).transferred_out += 1;
            this.f(to).transferred_in += 1;
          } else if (t.kind === "co_handle") this.f(to).co_handled += 1;
          else this.f(t.from_unit).to_department += 1;
        }
      }
    }
    for (const k of input.consultations) {
      if (!holds(p, k.at)) continue;
      const f = this.f(k.unit ?? input.unit);
      f.consultation_people += k.people;
      f.consultations += 1;
    }
    return this;
  }
  total(): Figures {
    let t = emptyFigures();
    for (const [u, f] of this.byUnit) if (this.scope.has(u)) t = addFigures(t, f);
    return t;
  }
}

function shares(now: Map<string, number>, before: Map<string, number>, total: number, lastTotal: number): Share[] {
  const codes = [...new Set([...now.keys(), ...before.keys()])].sort();
  const out = codes.map((code): Share => {
    const count = now.get(code) ?? 0;
    const last_year = before.get(code) ?? 0;
    const share_bp = rateBp(count, total);
    const last_year_share_bp = rateBp(last_year, lastTotal);
    return {
      code,
      count,
      share_bp,
      last_year,
      last_year_share_bp,
      change_bp: share_bp !== null && last_year_share_bp !== null ? share_bp - last_year_share_bp : null,
    };
  });
  return out.sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

const subjectMap = (b: Breakdown) => new Map(["goods", "service", "other"].map((k) => [k, b.subject.get(k) ?? 0]));
const leafOf = (b: Breakdown, kind: string) => new Map([...b.leaf].filter(([c]) => subjectOf(c) === kind));

function changes(now: Figures, yb: Figures, prev: Figures): Change[] {
  const count = (key: string, f: (x: Figures) => number): Change => ({
    key,
    rate: false,
    now: f(now),
    year_before: f(yb),
    previous: f(prev),
    yoy_bp: changeBp(Math.max(f(now), 0), Math.max(f(yb), 0)),
    mom_bp: changeBp(Math.max(f(now), 0), Math.max(f(prev), 0)),
  });
  const rate = (key: string, f: (d: Derived) => number | null): Change => {
    const [n, y, p] = [f(derived(now)), f(derived(yb)), f(derived(prev))];
    return {
      key,
      rate: true,
      now: n,
      year_before: y,
      previous: p,
      yoy_bp: n !== null && y !== null ? n - y : null,
      mom_bp: n !== null && p !== null ? n - p : null,
    };
  };
  return [
    count("received", (f) => f.received),
    count("accepted", (f) => f.accepted),
    count("closed", (f) => f.closed),
    count("resolved", (f) => f.resolved),
    rate("resolution_rate", (d) => d.resolution_rate_bp),
    rate("mediation_rate", (d) => d.mediation_rate_bp),
    rate("on_time_rate", (d) => d.on_time_rate_bp),
    count("recovered_fen", (f) => f.recovered_fen),
    count("doubled_cases", (f) => f.doubled_cases),
    count("doubled_fen", (f) => f.doubled_fen),
    count("consultation_people", (f) => f.consultation_people),
  ];
}

/** Every field of a list query at its default, as Rust serializes a `ListQuery`. */
export function blankQuery(): ListQuery {
  return {
    text: null,
    status: [],
    case_type: null,
    category: null,
    nature: null,
    unit: null,
    channel: null,
    received_from: null,
    received_to: null,
    overdue: false,
    due_within_days: null,
    collective: null,
    sort: "received",
    after: null,
    limit: 0,
    accepted_from: null,
    accepted_to: null,
    closed_from: null,
    closed_to: null,
    outcomes: [],
    units: [],
    receiving_units: [],
    doubled: null,
    on_time: null,
    subject: null,
    respondent: null,
    place: null,
    transfer_kinds: [],
    transfer_from_units: [],
    transfer_to_units: [],
    transferred_from: null,
    transferred_to: null,
  };
}

const COUNTED: Status[] = ["registered", "accepted", "mediating", "agreed", "transferred", "not_accepted", "terminated", "closed"];

/** The case-list query behind each figure (casedesk-report's `drill_queries`). */
export function drillQueries(scope: string[], p: Period): Record<string, ListQuery> {
  const base: ListQuery = { ...blankQuery(), case_type: "complaint", status: [...COUNTED], limit: 50 };
  const received = { ...base, receiving_units: [...scope], received_from: p.from, received_to: p.to };
  const accepted = { ...base, units: [...scope], accepted_from: p.from, accepted_to: p.to };
  const closed = { ...base, units: [...scope], accepted_to: p.to, closed_from: p.from, closed_to: p.to };
  const transfers = (kinds: TransferKind[], outgoing: boolean): ListQuery => ({
    ...base,
    transfer_kinds: kinds,
    transfer_from_units: outgoing ? [...scope] : [],
    transfer_to_units: outgoing ? [] : [...scope],
    transferred_from: p.from,
    transferred_to: p.to,
  });
  return {
    received_reports: { ...received, case_type: "report" },
    not_accepted: { ...received, receiving_units: [], units: [...scope], status: ["not_accepted"] },
    received,
    resolved: { ...accepted, outcomes: [...RESOLVED], closed_to: p.to },
    accepted,
    mediated: { ...closed, outcomes: ["mediated"] },
    closed_on_time: { ...closed, on_time: true },
    doubled_cases: { ...closed, doubled: true },
    closed,
    transferred_out: transfers(["down", "up"], true),
    transferred_in: transfers(["down", "up"], false),
    co_handled: transfers(["co_handle"], false),
    to_department: transfers(["to_department"], true),
  };
}

/** The units of `root`'s scope, depth first by code. */
export function scopeOf(units: UnitItem[], root: string): { unit: UnitItem; depth: number }[] {
  const out: { unit: UnitItem; depth: number }[] = [];
  const top = units.find((u) => u.code === root);
  if (!top) return out;
  const seen = new Set<string>();
  const stack: { unit: UnitItem; depth: number }[] = [{ unit: top, depth: 0 }];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x.unit.code)) continue;
    seen.add(x.unit.code);
    out.push(x);
    const kids = units.filter((u) => u.parent === x.unit.code).sort((a, b) => (a.code < b.code ? 1 : -1));
    for (const k of kids) stack.push({ unit: k, depth: x.depth + 1 });
  }
  return out;
}

export interface MockSubmission {
  id: string;
  unit: string;
  period: Period;
  at: string;
  total: Figures;
}

export function adjustments(submitted: Figures, now: Figures): SubmissionView["adjustments"] {
  return (Object.keys(submitted) as (keyof Figures)[])
    .sort()
    .filter((k) => submitted[k] !== now[k])
    .map((key) => ({ key, submitted: submitted[key], now: now[key], delta: now[key] - submitted[key] }));
}

/** casedesk-report's `report`. */
export function buildReport(
  input: StatInput,
  units: UnitItem[],
  root: string,
  period: Period,
  nowIso: string,
  submissions: MockSubmission[],
): Report | null {
  const scope = scopeOf(units, root);
  if (!scope.length) return null;
  const codes = scope.map((s) => s.unit.code);
  const set = new Set(codes);
  const yb = yearBefore(period);
  const prev = previousPeriod(period);
  const cur = new Tally(period, set).run(input);
  const last = new Tally(yb, set).run(input);
  const before = new Tally(prev, set).run(input);
  const total = cur.total();
  const lastTotal = last.total();
  const latest = (unit: string) =>
    [...submissions].reverse().find((s) => s.unit === unit && s.period.from === period.from && s.period.to === period.to);
  const rows: UnitRow[] = scope.map(({ unit, depth }, i) => {
    const own = cur.byUnit.get(unit.code) ?? emptyFigures();
    let sub = { ...own };
    for (const next of scope.slice(i + 1)) {
      if (next.depth <= depth) break;
      const f = cur.byUnit.get(next.unit.code);
      if (f) sub = addFigures(sub, f);
    }
    return {
      code: unit.code,
      name: unit.name,
      kind: unit.kind,
      parent: unit.parent,
      depth,
      own,
      own_derived: derived(own),
      total: sub,
      total_derived: derived(sub),
      submitted_at: latest(unit.code)?.at ?? null,
    };
  });
  const b = cur.breakdown;
  const lb = last.breakdown;
  const s = latest(root);
  return {
    unit: scope[0].unit.code,
    unit_name: scope[0].unit.name,
    period,
    computed_at: nowIso,
    total,
    derived: derived(total),
    rows,
    year_before: yb,
    year_before_total: lastTotal,
    previous: prev,
    previous_total: before.total(),
    changes: changes(total, lastTotal, before.total()),
    by_nature: shares(b.nature, lb.nature, total.accepted, lastTotal.accepted),
    by_subject: shares(subjectMap(b), subjectMap(lb), total.accepted, lastTotal.accepted),
    by_category: shares(b.major, lb.major, total.accepted, lastTotal.accepted),
    top_goods: shares(leafOf(b, "goods"), leafOf(lb, "goods"), total.accepted, lastTotal.accepted)
      .filter((x) => x.count > 0)
      .slice(0, 10),
    top_services: shares(leafOf(b, "service"), leafOf(lb, "service"), total.accepted, lastTotal.accepted)
      .filter((x) => x.count > 0)
      .slice(0, 10),
    drill: drillQueries(codes, period),
    submission: s
      ? {
          id: s.id,
          at: s.at,
          submitted: s.total,
          submitted_derived: derived(s.total),
          adjustments: adjustments(s.total, total),
        }
      : null,
  };
}

// ---- supervision ----------------------------------------------------------------------------

/** casedesk-report's `supervision` (criteria in docs/statistics.md). */
export function buildSupervision(
  input: StatInput,
  units: UnitItem[],
  root: string,
  period: Period,
  nowIso: string,
  staff: Staff[] = [],
): Supervision | null {
  const scope = scopeOf(units, root);
  if (!scope.length) return null;
  const set = new Set(scope.map((s) => s.unit.code));
  const cur = new Tally(period, set).run(input);
  const today = localDate(nowIso);
  const rows = scope.map(({ unit, depth }): StationRow => {
    const f = cur.byUnit.get(unit.code) ?? emptyFigures();
    const d = derived(f);
    let followed = 0;
    let satisfied = 0;
    let decided = 0;
    let open = 0;
    let overdue = 0;
    let last: string | null = null;
    for (const c of input.cases) {
      if (c.home_unit === unit.code) {
        // The mock knows event times, not the clock they were written at: its last activity
        // is the latest event time.
        for (const e of c.timeline) if (!last || e.at > last) last = e.at;
        if (isOpen(c.status)) {
          open += 1;
          const next = deadlines(c, input.own)[0];
          if (next && next.date < today) overdue += 1;
        }
      }
      if (c.status === "voided" || c.reg.case_type !== "complaint") continue;
      if (c.home_unit === unit.code && c.accepted_at && c.closure && holds(period, c.closure.at) && c.follow_ups.length) {
        followed += 1;
        const sat = c.follow_ups[c.follow_ups.length - 1].satisfaction;
        if (sat === "satisfied" || sat === "basic") satisfied += 1;
      }
      if (c.reg.unit === unit.code && holds(period, c.reg.received_at) && c.status !== "registered") decided += 1;
    }
    const followRate = rateBp(followed, f.closed);
    const satRate = rateBp(satisfied, followed);
    const days = last ? dayNum(today) - dayNum(localDate(last)) : null;
    const crit = (code: string, value: number | null, threshold: number, atLeast: boolean) => ({
      code,
      met: value === null ? null : atLeast ? value >= threshold : value <= threshold,
      value,
      threshold,
    });
    return {
      code: unit.code,
      name: unit.name,
      kind: unit.kind,
      depth,
      demonstration: false,
      figures: f,
      derived: d,
      open,
      overdue,
      handled: f.closed + f.co_handled,
      followed_up: followed,
      satisfied,
      follow_up_rate_bp: followRate,
      satisfaction_rate_bp: satRate,
      decided,
      last_activity: last,
      days_since_activity: days,
      checklist: [
        crit("on_time", d.on_time_rate_bp, 9000, true),
        crit("mediation", d.mediation_rate_bp, 6000, true),
        crit("follow_up", followRate, 5000, true),
        crit("satisfaction", satRate, 9000, true),
        crit("no_overdue", overdue, 0, false),
        crit("decided", rateBp(decided, f.received), 9500, true),
        crit("in_touch", days, 7, false),
      ],
      meets_criteria: false,
    };
  });
  for (const r of rows) {
    const judged = r.checklist.filter((c) => c.met !== null);
    r.meets_criteria = judged.length > 0 && judged.every((c) => c.met);
  }
  return {
    unit: scope[0].unit.code,
    unit_name: scope[0].unit.name,
    period,
    computed_at: nowIso,
    rows,
    staff: staffTable(input, set, period, today, staff),
  };
}

/** casedesk-report's `supervision::staff_table`: who gets credit for what (docs/statistics.md). */
function staffTable(input: StatInput, scope: Set<string>, period: Period, today: string, staff: Staff[]): StaffFigures[] {
  const empty = (): StaffFigures => ({
    staff: null,
    name: "",
    unit: null,
    inactive: false,
    registered: 0,
    accepted: 0,
    not_accepted: 0,
    sessions: 0,
    closed: 0,
    closed_on_time: 0,
    mediated: 0,
    on_time_rate_bp: null,
    mediation_rate_bp: null,
    followed_up: 0,
    satisfied: 0,
    satisfaction_rate_bp: null,
    overdue: 0,
    consultation_people: 0,
    consultations: 0,
  });
  // Keys: "s:<id>" a staff member, "m:<name>" a mediator not on the list, "-" no actor.
  const rows = new Map<string, StaffFigures>();
  for (const m of staff) if (scope.has(m.unit)) rows.set(`s:${m.id}`, empty());
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = empty()));
    return r;
  };
  const who = (actor: string | null | undefined) => (actor ? `s:${actor}` : "-");
  const last = (c: CaseState, kind: string) => {
    let found: { at: string; actor: string | null } | null = null;
    for (const e of c.timeline) if (e.kind === kind && (!found || e.at >= found.at)) found = e;
    return found?.actor ?? null;
  };
  const byName = new Map<string, string | null>();
  for (const m of staff) {
    const k = `${m.unit}|${m.name}`;
    byName.set(k, byName.has(k) ? null : m.id);
  }
  for (const c of input.cases) {
    if (isOpen(c.status) && scope.has(c.home_unit)) {
      const next = deadlines(c, input.own)[0];
      if (next && next.date < today) {
        let newest: { at: string; actor: string | null } | null = null;
        for (const e of c.timeline) if (e.actor && (!newest || e.at >= newest.at)) newest = e;
        row(who(newest?.actor)).overdue += 1;
      }
    }
    if (c.status === "voided" || c.reg.case_type !== "complaint") continue;
    if (holds(period, c.reg.received_at) && scope.has(c.reg.unit)) row(who(last(c, "case.registered"))).registered += 1;
    if (!scope.has(c.home_unit)) continue;
    if (c.accepted_at && holds(period, c.accepted_at)) row(who(last(c, "case.accepted"))).accepted += 1;
    if (holds(period, c.reg.received_at) && c.status === "not_accepted") row(who(last(c, "case.not_accepted"))).not_accepted += 1;
    if (c.accepted_at && c.closure && holds(period, c.closure.at)) {
      const r = row(who(last(c, "case.closed")));
      r.closed += 1;
      if (c.closure.outcome === "mediated") r.mediated += 1;
      if (closedOnTime(c, input.own) === true) r.closed_on_time += 1;
      if (c.follow_ups.length) {
        const f = row(who(last(c, "case.followed_up")));
        f.followed_up += 1;
        const sat = c.follow_ups[c.follow_ups.length - 1].satisfaction;
        if (sat === "satisfied" || sat === "basic") f.satisfied += 1;
      }
    }
    for (const v of c.sessions) {
      if (!v.recorded || !holds(period, v.recorded.held_at)) continue;
      const name = v.recorded.mediator.trim();
      const id = byName.get(`${c.home_unit}|${name}`);
      row(id ? `s:${id}` : name ? `m:${name}` : "-").sessions += 1;
    }
  }
  for (const k of input.consultations) {
    if (holds(period, k.at) && scope.has(k.unit ?? input.unit)) {
      const r = row(who(k.by));
      r.consultation_people += k.people;
      r.consultations += 1;
    }
  }
  const known = new Map(staff.map((m) => [m.id, m]));
  const out: [string, StaffFigures][] = [];
  for (const [key, f] of rows) {
    const isStaff = key.startsWith("s:");
    const nothing =
      !f.registered && !f.accepted && !f.not_accepted && !f.sessions && !f.closed && !f.followed_up && !f.overdue && !f.consultations;
    if (!isStaff && nothing) continue;
    if (isStaff) {
      const id = key.slice(2);
      f.staff = id;
      const m = known.get(id);
      if (m) {
        f.name = m.name;
        f.unit = m.unit;
        f.inactive = !m.active;
      } else f.name = id.slice(0, 8);
    } else if (key.startsWith("m:")) f.name = key.slice(2);
    f.on_time_rate_bp = rateBp(f.closed_on_time, f.closed);
    f.mediation_rate_bp = rateBp(f.mediated, f.closed);
    f.satisfaction_rate_bp = rateBp(f.satisfied, f.followed_up);
    out.push([key, f]);
  }
  const rank = (key: string, f: StaffFigures) => (key.startsWith("s:") ? (f.unit ? 0 : 1) : key.startsWith("m:") ? 2 : 3);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  out.sort(([ka, a], [kb, b]) => rank(ka, a) - rank(kb, b) || cmp(a.unit ?? "", b.unit ?? "") || cmp(a.name, b.name) || cmp(ka, kb));
  return out.map(([, f]) => f);
}

// ---- hot spots ------------------------------------------------------------------------------

export const PARAMS: Params = {
  method: "c2",
  baseline_weeks: 7,
  guard_weeks: 2,
  threshold: 3,
  sigma_floor: 1,
  min_count: 3,
  respondent_min: 3,
  respondent_days: 28,
};

/** EARS C2 statistic of the last week of `xs` (null without enough baseline). */
export function earsC2(xs: number[], p: Params = PARAMS): number | null {
  const n = xs.length;
  const end = n - 1 - p.guard_weeks;
  const start = end - p.baseline_weeks;
  if (start < 0) return null;
  const base = xs.slice(start, end);
  const mean = base.reduce((a, b) => a + b, 0) / p.baseline_weeks;
  const v = base.reduce((a, b) => a + (b - mean) ** 2, 0) / (p.baseline_weeks - 1);
  return (xs[n - 1] - mean) / Math.max(Math.sqrt(v), p.sigma_floor);
}

export function placeKey(place: string): string {
  const s = place.trim();
  let cut = -1;
  for (const m of ["市", "县", "区", "行委", "乡", "镇"]) {
    const i = s.indexOf(m);
    if (i >= 0 && (cut < 0 || i + m.length < cut)) cut = i + m.length;
  }
  return [...(cut >= 0 ? s.slice(0, cut) : s)].slice(0, 12).join("");
}

function cnDate(d: string): string {
  const [y, m, dd] = parts(d);
  return `${y}年${m}月${dd}日`;
}

export function draftWarning(
  unitName: string,
  dim: Dimension,
  label: string,
  from: string,
  to: string,
  count: number,
  expected: number,
): string {
  const subject =
    dim === "respondent"
      ? `针对“${label}”的投诉`
      : dim === "place"
        ? `发生在${label}的消费投诉`
        : dim === "nature"
          ? `涉及${label}问题的投诉`
          : `涉及${label}的投诉`;
  const before = expected > 0 ? `，明显多于此前每周平均${expected.toFixed(1)}件` : "";
  return (
    `消费提示\n\n${cnDate(from)}至${cnDate(to)}，${unitName}共接到${subject}${count}件${before}。主要问题是：（请根据案件情况填写）。\n\n` +
    `${unitName}提醒广大消费者：购买商品或接受服务时，选择证照齐全、信誉良好的经营者，索要并妥善保存发票、收据等消费凭证；` +
    `发生消费纠纷时，可先与经营者协商，协商不成的，可向当地消费者协会（分会、投诉联络站）投诉，或拨打12315热线。\n\n${unitName}\n${cnDate(to)}`
  );
}

/** casedesk-report's `hot_spots` (EARS C2 and repeated respondents). */
export function buildHotSpots(
  input: StatInput,
  units: UnitItem[],
  root: string,
  weeks: number,
  nowIso: string,
  label: (dim: Dimension, key: string) => string,
): HotSpots | null {
  const scope = scopeOf(units, root);
  if (!scope.length) return null;
  const codes = scope.map((s) => s.unit.code);
  const inScope = new Set(codes);
  const p = PARAMS;
  const today = localDate(nowIso);
  const w = Math.min(Math.max(weeks, 1), 104);
  const lead = p.baseline_weeks + p.guard_weeks + 2;
  const totalWeeks = w + lead;
  const wd = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const lastMonday = dayNum(today) - wd;
  const first = lastMonday - 7 * (totalWeeks - 1);
  const recentFrom = dayNum(today) - (p.respondent_days - 1);
  const counts = new Map<string, { dim: Dimension; key: string; xs: number[] }>();
  const recent = new Map<string, number>();
  for (const c of input.cases) {
    if (c.status === "voided" || c.reg.case_type !== "complaint" || !inScope.has(c.reg.unit)) continue;
    const day = dayNum(localDate(c.reg.received_at));
    if (day < first || day > dayNum(today)) continue;
    const week = Math.floor((day - first) / 7);
    const respondent = c.reg.respondents[0]?.name ?? "";
    if (day >= recentFrom && respondent) recent.set(respondent, (recent.get(respondent) ?? 0) + 1);
    const keys: [Dimension, string | null][] = [
      ["category", c.reg.category ? majorCategory(c.reg.category) : null],
      ["nature", c.reg.nature ?? null],
      ["respondent", respondent || null],
      ["place", placeKey(c.reg.facts.place ?? "") || null],
    ];
    for (const [dim, key] of keys) {
      if (!key) continue;
      const id = `${dim}\u0000${key}`;
      let e = counts.get(id);
      if (!e) counts.set(id, (e = { dim, key, xs: new Array<number>(totalWeeks).fill(0) }));
      e.xs[week] += 1;
    }
  }
  const DIMS: Dimension[] = ["category", "nature", "respondent", "place"];
  const query = (dim: Dimension, key: string, from: string, to: string): ListQuery => ({
    ...blankQuery(),
    case_type: "complaint",
    status: [...COUNTED],
    receiving_units: [...codes],
    received_from: from,
    received_to: to,
    limit: 50,
    ...(dim === "category"
      ? { category: key }
      : dim === "nature"
        ? { nature: key }
        : dim === "respondent"
          ? { respondent: key }
          : { place: key }),
  });
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const alerts: Alert[] = [];
  const sorted = [...counts.values()].sort(
    (a, b) => DIMS.indexOf(a.dim) - DIMS.indexOf(b.dim) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  for (const e of sorted) {
    for (let t = lead; t < totalWeeks; t++) {
      const upto = e.xs.slice(0, t + 1);
      const stat = earsC2(upto);
      if (!(upto[t] >= p.min_count && stat !== null && stat > p.threshold)) continue;
      const from = fromDayNum(first + 7 * t);
      const to = fromDayNum(Math.min(first + 7 * t + 6, dayNum(today)));
      const end = t - p.guard_weeks;
      const expected = upto.slice(end - p.baseline_weeks, end).reduce((a, b) => a + b, 0) / p.baseline_weeks;
      const l = label(e.dim, e.key);
      alerts.push({
        id: `${e.dim}:${e.key}:${from}`,
        dimension: e.dim,
        rule: "ears_c2",
        key: e.key,
        label: l,
        from,
        to,
        count: upto[t],
        expected: round2(expected),
        score: round2(stat),
        cases: query(e.dim, e.key, from, to),
        draft: draftWarning(scope[0].unit.name, e.dim, l, from, to, upto[t], expected),
      });
    }
  }
  const recentDay = fromDayNum(recentFrom);
  const repeat = [...recent].filter(([, n]) => n >= p.respondent_min).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [name, n] of repeat)
    alerts.push({
      id: `respondent_repeat:${name}:${recentDay}`,
      dimension: "respondent",
      rule: "respondent_repeat",
      key: name,
      label: name,
      from: recentDay,
      to: today,
      count: n,
      expected: 0,
      score: n,
      cases: query("respondent", name, recentDay, today),
      draft: draftWarning(scope[0].unit.name, "respondent", name, recentDay, today, n, 0),
    });
  alerts.sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  const series: Series[] = [];
  for (const dim of DIMS) {
    const list = [...counts.values()]
      .filter((e) => e.dim === dim)
      .map((e) => ({ e, n: e.xs.slice(lead).reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.n - a.n || (a.e.key < b.e.key ? -1 : 1))
      .slice(0, 8);
    for (const { e, n } of list) if (n > 0) series.push({ dimension: dim, key: e.key, label: label(dim, e.key), counts: e.xs.slice(lead) });
  }
  return {
    unit: scope[0].unit.code,
    unit_name: scope[0].unit.name,
    weeks: Array.from({ length: w }, (_, i) => fromDayNum(first + 7 * (lead + i))),
    params: p,
    series,
    alerts,
  };
}
