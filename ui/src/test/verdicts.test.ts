// The mock's domain.ts against the verdicts Rust wrote (src/bindings/verdicts.data.ts, made by
// casedesk-ipc's fixture station through casedesk_domain::case::{allows, allowed_actions, check},
// deadline::deadlines and the calendar): the same cases must get the same answers.
import { describe, expect, it } from "vitest";
import { VERDICTS } from "../bindings/verdicts.data";
import { addDays, addWorkingDays, allowedActions, allows, check, deadlines } from "../ipc/domain";
import type { CaseEventKind } from "../ipc/types";

const KINDS = Object.keys(VERDICTS.states[0].allows) as CaseEventKind[];
const NOW = Date.parse(VERDICTS.now);
const state = (name: string) => {
  const s = VERDICTS.states.find((x) => x.name === name);
  if (!s) throw new Error(`no state ${name} in the verdict table`);
  return structuredClone(s.state);
};

describe("the mock's domain rules give Rust's verdicts", () => {
  it("has a table to compare with", () => {
    expect(KINDS).toHaveLength(18);
    expect(VERDICTS.states.length).toBeGreaterThanOrEqual(15);
    expect(new Set(VERDICTS.states.map((s) => s.state.status)).size).toBe(9);
    expect(VERDICTS.checks.filter((c) => c.refused === null).length).toBeGreaterThan(5);
    expect(VERDICTS.checks.filter((c) => c.refused !== null).length).toBeGreaterThan(20);
  });

  it("allows what the state machine allows, for every status and kind of event", () => {
    const wrong: string[] = [];
    for (const v of VERDICTS.states)
      for (const k of KINDS)
        if (allows(v.state, k) !== v.allows[k]) wrong.push(`${v.name} (${v.state.status}) ${k}: Rust says ${String(v.allows[k])}`);
    expect(wrong).toEqual([]);
  });

  it("offers the actions of CaseDetail.allowed in Rust's order", () => {
    for (const v of VERDICTS.states)
      expect({ case: v.name, allowed: allowedActions(v.state) }).toEqual({ case: v.name, allowed: v.allowed });
  });

  it("checks commands like case::check", () => {
    const got = VERDICTS.checks.map((c) => ({ command: c.name, refused: check(state(c.state), c.event, NOW) }));
    const want = VERDICTS.checks.map((c) => ({ command: c.name, refused: c.refused }));
    expect(got).toEqual(want);
  });

  it("runs the same deadlines, holidays and 调休 included", () => {
    for (const v of VERDICTS.states)
      expect({ case: v.name, deadlines: deadlines(v.state, VERDICTS.own_rules) }).toEqual({ case: v.name, deadlines: v.deadlines });
  });

  it("counts working days and calendar days like the calendar", () => {
    const got = VERDICTS.days.map((d) => ({ ...d, ...(d.working ? addWorkingDays(d.start, d.days) : addDays(d.start, d.days)) }));
    expect(got).toEqual(VERDICTS.days);
    // The table reaches into years without holiday data, where deadlines are provisional.
    expect(VERDICTS.days.some((d) => d.provisional)).toBe(true);
  });
});
