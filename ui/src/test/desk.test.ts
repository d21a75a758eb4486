// The mock backend over the fixture station Rust made (ui/fixtures/, casedesk-ipc's scenario):
// its home screen, a list page and the case pages must be what the real store gave.
import { describe, expect, it } from "vitest";
import closedFixture from "../../fixtures/case-closed.json";
import mediatingFixture from "../../fixtures/case-mediating.json";
import listFixture from "../../fixtures/list-page.json";
import { MockBackend } from "../ipc/mock";
import { DESK } from "../ipc/mockData";
import type { CaseDetail, Dashboard, Page } from "../ipc/types";

/** A mock backend holding exactly the fixture station's cases, at the fixture's time. */
function fixtureDesk(): MockBackend {
  const b = new MockBackend({ seed: "none", now: () => Date.parse(DESK.now) });
  b.db.station = {
    unit: DESK.unit,
    unit_name: "德令哈市消费者投诉联络站",
    unit_kind: "liaison_station",
    device: "00000000-0000-7000-8000-000000000000",
    device_code: "A2",
    parent: "HX02",
    admin_code: "632802",
    demo: false,
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

const withoutSync = ({ sync: _, ...rest }: Dashboard) => rest;

describe("the mock on the fixture station", () => {
  it("shows Rust's home screen: lists, month figures (voided cases left out), days, natures", () => {
    const b = fixtureDesk();
    const mine = withoutSync(b.dispatch("dashboard", {}) as Dashboard);
    expect(mine).toEqual(withoutSync(DESK.dashboard));
    // The fixture exercises every part of it.
    const d = DESK.dashboard;
    expect([d.overdue.length, d.due_soon.length, d.awaiting_acceptance.length, d.sessions.length].every((n) => n > 0)).toBe(true);
    expect(DESK.cases.some((c) => c.status === "voided" && c.reg.received_at.startsWith(DESK.now.slice(0, 7)))).toBe(true);
  });

  it("lists the first page like the store", () => {
    const page = fixtureDesk().dispatch("list_cases", { q: { limit: 5 } }) as Page;
    expect(page.rows).toEqual((listFixture as unknown as Page).rows);
  });

  it("shows the case pages of a case in mediation and of a closed case like Rust", () => {
    const b = fixtureDesk();
    for (const f of [mediatingFixture, closedFixture] as unknown as CaseDetail[]) {
      expect(b.dispatch("get_case", { id: f.case.id })).toEqual(f);
    }
  });
});
