// The 统计 screen on the mock: the figures shown are the backend's, a figure opens the case
// list with the cases behind it (as many as the figure says), and submitting sends
// report_submit with an op_id and shows the submission.
import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import i18n from "../i18n";
import { Providers, makeQueryClient } from "../App";
import Statistics from "../pages/Statistics";
import CaseList from "../pages/CaseList";
import { installBackend } from "./render";
import { localDate } from "../ipc/domain";

function renderStats() {
  void i18n.changeLanguage("zh-CN");
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: Infinity, refetchOnWindowFocus: false } });
  return render(
    <Providers client={client}>
      <MemoryRouter initialEntries={["/statistics"]}>
        <Routes>
          <Route path="/statistics" element={<Statistics />} />
          <Route path="/cases" element={<CaseList />} />
        </Routes>
      </MemoryRouter>
    </Providers>,
  );
}

describe("statistics screen", () => {
  it("shows the month's report and opens a figure as its cases", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const month = localDate(new Date().toISOString()).slice(0, 7);
    const r = backend.report(null, month);
    renderStats();
    const received = await screen.findByTestId("fig-received");
    expect(received).toHaveTextContent(String(r.total.received));
    expect(screen.getByTestId("fig-accepted")).toHaveTextContent(String(r.total.accepted));
    expect(screen.getByTestId("period-code")).toHaveTextContent(month);
    fireEvent.click(screen.getByTestId("fig-accepted"));
    expect(await screen.findByTestId("report-filter")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("list-total")).toHaveTextContent(String(r.total.accepted)));
  });

  it("submits the report with an op_id and shows it as submitted", async () => {
    const { calls } = installBackend({ seed: "demo" });
    renderStats();
    fireEvent.click(await screen.findByTestId("submit-report"));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: /确\s*定|OK/ }));
    expect(await screen.findByTestId("stats-submitted")).toHaveTextContent("已于");
    const sent = calls.find((c) => c.cmd === "report_submit");
    expect((sent?.args.req as { op_id: string }).op_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
