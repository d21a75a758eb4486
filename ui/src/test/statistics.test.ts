// The mock's statistics (ipc/mockReport.ts) against what casedesk-report computed for the
// fixture station (fixtures/statistics.json, made by casedesk-ipc's scenario): the same
// figures, ratios, breakdowns, comparisons and case-list queries; and the lists behind the
// figures hold as many cases as the figures say.
import { describe, expect, it } from "vitest";
import stats from "../../fixtures/statistics.json";
import { MockBackend } from "../ipc/mock";
import { DESK } from "../ipc/mockData";
import { parsePeriod, previousPeriod, rateBp, wan, yearBefore, earsC2 } from "../ipc/mockReport";
import type { HotSpots, Report, Supervision } from "../ipc/types";

const RUST = stats as unknown as { reports: Report[]; supervision: Supervision; hotspots: HotSpots };

function fixtureDesk(): MockBackend {
  const b = new MockBackend({ seed: "none", now: () => Date.parse(DESK.now) });
  b.db.station = {
    unit: DESK.unit,
    unit_name: "德令哈市消费者投诉联络站",
    unit_kind: "liaison_station",
    device: "00000000-0000-7000-8000-000000000000",
    device_code: "A2",
    demo: false,
    parent: "HX02",
    admin_code: "632802",
  };
  b.db.cases = structuredClone(DESK.cases);
  // The fixture station's founder wrote every event; they are signed in.
  const founder = DESK.cases[0]?.timeline[0]?.actor ?? "founder";
  b.db.staff = [
    { id: founder, unit: DESK.unit, name: "马站长", roles: ["head", "mediator", "clerk"], phone: "", languages: ["zh"], active: true },
  ];
  b.db.session = founder;
  return b;
}

describe("the mock's statistics are casedesk-report's", () => {
  it("gives Rust's report for a month, a quarter, a year and a date range", () => {
    const b = fixtureDesk();
    expect(RUST.reports.length).toBe(4);
    for (const rust of RUST.reports) {
      const mine = b.dispatch("report", { q: { unit: null, period: rust.period.code } }) as Report;
      expect(mine).toEqual(rust);
    }
  });

  it("opens every figure as a list of exactly that many cases", () => {
    const b = fixtureDesk();
    const r = RUST.reports[1];
    for (const [key, q] of Object.entries(r.drill)) {
      const n = b.dispatch("count_cases", { q }) as number;
      expect(n, key).toBe(r.total[key as keyof Report["total"]]);
    }
  });

  it("gives Rust's supervision figures and checklist", () => {
    const mine = fixtureDesk().dispatch("supervision", { q: { unit: null, period: "2026-11" } }) as Supervision;
    // The last activity is the one thing the mock counts differently (event times; Rust
    // reads the clock each event was written at).
    const strip = (s: Supervision) =>
      s.rows.map(({ last_activity: _a, days_since_activity: _d, checklist, meets_criteria: _m, ...rest }) => ({
        ...rest,
        checklist: checklist.filter((c) => c.code !== "in_touch"),
      }));
    expect(strip(mine)).toEqual(strip(RUST.supervision));
    // Per staff member, by the same rules (a mediator not on the staff list keeps a row).
    expect(mine.staff).toEqual(RUST.supervision.staff);
    expect(mine.staff.some((r) => r.staff === null && r.sessions > 0)).toBe(true);
  });

  it("gives Rust's hot spots and alerts", () => {
    const mine = fixtureDesk().dispatch("hotspots", { q: { unit: null, weeks: 12 } }) as HotSpots;
    expect(mine).toEqual(RUST.hotspots);
  });

  it("counts with Rust's integer rules", () => {
    expect(rateBp(449_786, 551_780)).toBe(8152);
    expect(rateBp(112, 173)).toBe(6474);
    expect(rateBp(0, 0)).toBeNull();
    expect(wan(460_000_000)).toBe("460.00");
    expect(wan(1_309_900)).toBe("1.31");
    expect(wan(4_999)).toBe("0.00");
    const q = parsePeriod("2026-Q1")!;
    expect([previousPeriod(q).code, yearBefore(q).code]).toEqual(["2025-Q4", "2025-Q1"]);
    expect(parsePeriod("2026-03-10..2026-03-16") && previousPeriod(parsePeriod("2026-03-10..2026-03-16")!).code).toBe(
      "2026-03-03..2026-03-09",
    );
    expect(parsePeriod("2026-Q5")).toBeNull();
    expect(earsC2([1, 0, 2, 1, 0, 1, 1, 0, 0, 9])).toBeGreaterThan(3);
  });

  it("freezes a submission and shows later changes as adjustments", () => {
    const b = fixtureDesk();
    const submitted = b.dispatch("report_submit", {
      req: { op_id: "00000000-0000-4000-8000-000000000001", period: "2026-11", note: "" },
    }) as Report;
    expect(submitted.submission?.adjustments).toEqual([]);
    expect(submitted.rows[0].submitted_at).not.toBeNull();
    b.db.consultations.push({ at: "2026-11-20T02:00:00Z", people: 3, topic: "x" });
    const after = b.dispatch("report", { q: { unit: null, period: "2026-11" } }) as Report;
    expect(after.submission?.submitted).toEqual(submitted.total);
    expect(after.submission?.adjustments).toEqual([
      { key: "consultation_people", submitted: 0, now: 3, delta: 3 },
      { key: "consultations", submitted: 0, now: 1, delta: 1 },
    ]);
  });
});
