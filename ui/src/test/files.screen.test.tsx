// A file an event names but that has not reached this station yet (sync brings files after the
// events): the 证据材料 panel says so instead of a thumbnail and does not try to open it; once
// the file is here the thumbnail and the open action come back.
import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import CaseDetailPage from "../pages/CaseDetail";
import type { CaseDetail } from "../bindings";
import { installBackend, renderRoute } from "./render";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("files not yet here", () => {
  it("shows a file named by an event but not received as such, and opens it once it is here", async () => {
    let missing: string[] = [];
    const { backend, calls } = installBackend({ seed: "demo" }, (cmd, args) => {
      if (cmd !== "get_case") return undefined;
      const d = backend.dispatch(cmd, args) as CaseDetail;
      return { ...d, missing_files: missing };
    });
    const c = backend.db.cases.find((x) => x.status === "mediating")!;
    const added = backend.dispatch("evidence_add", {
      req: {
        op_id: crypto.randomUUID(),
        case: c.id,
        name: "receipt.png",
        data: PNG,
        description: "购物小票",
        original_returned: false,
        for_document: null,
      },
    }) as CaseDetail;
    const sha = added.case.evidence.at(-1)!.sha256;
    missing = [sha];
    const view = renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const item = await screen.findByTestId("evidence-item");
    expect(within(item).getByTestId("file-not-here")).toHaveTextContent("文件尚未收到，同步后到达");
    expect(item.querySelector("img")).toBeNull();
    await userEvent.click(item);
    expect(calls.some((x) => x.cmd === "evidence_file")).toBe(false);
    expect(calls.some((x) => x.cmd === "evidence_thumb")).toBe(false);
    view.unmount();

    // The file arrived with the next sync.
    missing = [];
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const here = await screen.findByTestId("evidence-item");
    expect(within(here).queryByTestId("file-not-here")).toBeNull();
    await waitFor(() => expect(here.querySelector("img")).not.toBeNull());
    await userEvent.click(here);
    await waitFor(() => expect(calls.some((x) => x.cmd === "evidence_file")).toBe(true));
  });
});
