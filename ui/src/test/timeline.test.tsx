// The timeline in the order things were done; a scheduled session shows its planned time as
// text and is recorded at that time by default (issue 13 item 7).
import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import CaseDetailPage from "../pages/CaseDetail";
import { byTimeDone } from "../pages/CaseDetail";
import { plannedOrNow } from "../pages/CaseActions";
import { dayjs, fmtDateTime } from "../lib/time";
import type { CaseEvent } from "../ipc/types";
import { installBackend, renderRoute } from "./render";

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function withSession(plannedMs: number) {
  const { backend, calls } = installBackend({ seed: "demo" });
  const c = backend.db.cases.find((x) => x.status === "accepted" && x.reg.case_type === "complaint")!;
  const act = (event: CaseEvent) => backend.dispatch("case_action", { req: { op_id: crypto.randomUUID(), case_id: c.id, event } });
  act({ kind: "case.session_scheduled", payload: { session: crypto.randomUUID(), at: iso(plannedMs), mode: "on_site" } });
  act({ kind: "case.note_added", payload: { text: "已电话通知双方" } });
  return { backend, calls, c };
}

describe("timeline", () => {
  it("sorts by the time each thing was done, ties in recorded order", () => {
    const e = (id: string, at: string) => ({ id, at });
    expect(
      byTimeDone([e("a", "2026-03-02T00:00:00Z"), e("b", "2026-03-01T00:00:00Z"), e("c", "2026-03-01T00:00:00Z")]).map((x) => x.id),
    ).toEqual(["b", "c", "a"]);
  });

  it("stamps a scheduled session when it was scheduled and says the planned time in its text", async () => {
    const planned = Date.now() + 3 * 86_400_000;
    const { c } = withSession(planned);
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const tl = await screen.findByTestId("timeline");
    const items = [...tl.querySelectorAll(".tl-item")];
    const texts = items.map((i) => i.querySelector(".tl-text")?.textContent ?? "");
    const si = texts.findIndex((x) => x.startsWith("安排调解"));
    const ni = texts.findIndex((x) => x.includes("已电话通知双方"));
    expect(si).toBeGreaterThanOrEqual(0);
    expect(si).toBeLessThan(ni); // scheduled before the note was written, though planned later
    expect(texts[si]).toContain(fmtDateTime(iso(planned)));
    expect(items[si].querySelector(".tl-meta")?.textContent).not.toContain(fmtDateTime(iso(planned)));
    // Every entry in order of its stamp.
    const stamps = items.map((i) => (i.querySelector(".tl-meta")?.textContent ?? "").slice(0, 16));
    expect([...stamps].sort()).toEqual(stamps);
  });

  it("recording a scheduled session starts from its planned time", async () => {
    const planned = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
    const { c } = withSession(planned);
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const bar = await screen.findByTestId("action-bar");
    await userEvent.click(await within(bar).findByTestId("act-case.session_recorded"));
    const dialog = await screen.findByRole("dialog");
    const at = dialog.querySelector<HTMLInputElement>("#action_at")!;
    await waitFor(() => expect(at).toHaveValue(dayjs(planned).format("YYYY-MM-DD HH:mm"))); // the picker is in local time
  });

  it("a planned time still ahead is not taken (a record cannot be in the future)", () => {
    const now = dayjs("2026-03-01T08:00:00Z");
    expect(plannedOrNow("2026-03-02T08:00:00Z", now).toISOString()).toBe(now.toISOString());
    expect(plannedOrNow("2026-03-01T07:00:00Z", now).toISOString()).toBe("2026-03-01T07:00:00.000Z");
    expect(plannedOrNow(undefined, now)).toBe(now);
  });
});
