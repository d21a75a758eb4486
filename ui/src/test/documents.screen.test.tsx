// The case page's 文书 and 证据材料 panels on the mock: the documents the state offers, a
// preview with the number it will get, issuing with an op_id (the number then listed with its
// files), attaching a photo (base64 to evidence_add, listed with its thumbnail), and a file of
// the wrong type refused beside the file field.
import { describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import CaseDetailPage from "../pages/CaseDetail";
import { installBackend, renderRoute } from "./render";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A 1×1 PNG.
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) =>
  c.charCodeAt(0),
);

describe("documents and evidence on the case page", () => {
  it("offers the documents of the state, previews one with its number and issues it", async () => {
    const { backend, calls } = installBackend({ seed: "demo" });
    const c = backend.db.cases.find((x) => x.status === "accepted" && x.documents.length === 0)!;
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const panel = await screen.findByTestId("documents");
    expect(within(panel).getByTestId("doc-registration")).toHaveTextContent("投诉登记表");
    expect(within(panel).getByTestId("doc-acceptance")).toHaveTextContent("受理通知书");
    expect(within(panel).queryByTestId("doc-agreement")).toBeNull();
    await userEvent.click(within(panel).getByTestId("doc-preview-acceptance"));
    expect(await screen.findByTestId("doc-next-number")).toHaveTextContent("受〔");
    expect(within(screen.getByTestId("doc-pages")).getAllByRole("img").length).toBeGreaterThan(0);
    await userEvent.click(screen.getByTestId("doc-issue-ok"));
    await waitFor(() => expect(calls.some((x) => x.cmd === "doc_issue")).toBe(true));
    const req = calls.find((x) => x.cmd === "doc_issue")!.args.req as { op_id: string; kind: string; recipient: string };
    expect(req.op_id).toMatch(UUID);
    expect(req.kind).toBe("acceptance");
    expect(req.recipient).toBe("complainant");
    const issued = await within(await screen.findByTestId("doc-acceptance")).findByTestId("doc-issued");
    expect(issued).toHaveTextContent(c.documents[0].number);
    // Issued documents open with the system's program.
    await waitFor(() => expect(calls.some((x) => x.cmd === "doc_open")).toBe(true));
    await userEvent.click(within(issued).getByTestId("doc-open-pdf"));
    await waitFor(() => expect(calls.some((x) => x.cmd === "doc_file")).toBe(true));
  });

  it("attaches a photo and refuses a file of another type beside the file field", async () => {
    const { backend, calls } = installBackend({ seed: "demo" });
    const c = backend.db.cases.find((x) => x.status === "mediating")!;
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    await userEvent.click(await screen.findByTestId("evidence-add"));
    const dialog = await screen.findByRole("dialog");
    const input = dialog.querySelector<HTMLInputElement>("input[type=file]")!;
    // A text file is refused by the backend, named beside the file.
    fireEvent.change(input, { target: { files: [new File(["hello"], "note.txt", { type: "image/png" })] } });
    await userEvent.type(within(dialog).getByLabelText("说明"), "购物小票");
    await userEvent.click(within(dialog).getByTestId("evidence-ok"));
    expect(
      await within(dialog).findByText(/note\.txt/, { selector: ".ant-form-item-explain-error, .ant-form-item-explain-error *" }),
    ).toBeInTheDocument();
    // rc-upload puts a fresh input in place after each choice.
    const again = dialog.querySelector<HTMLInputElement>("input[type=file]")!;
    fireEvent.change(again, { target: { files: [new File([PNG], "receipt.png", { type: "image/png" })] } });
    await userEvent.click(within(dialog).getByTestId("evidence-ok"));
    const item = await screen.findByTestId("evidence-item");
    expect(item).toHaveTextContent("购物小票");
    expect(item).toHaveTextContent("receipt.png");
    const sent = calls.filter((x) => x.cmd === "evidence_add").map((x) => x.args.req as { data: string; op_id: string; name: string });
    expect(sent.at(-1)!.name).toBe("receipt.png");
    expect(atob(sent.at(-1)!.data).startsWith("\x89PNG")).toBe(true);
    // The photo is shown as its thumbnail.
    await waitFor(() => expect(item.querySelector("img")).not.toBeNull());
  });
});
