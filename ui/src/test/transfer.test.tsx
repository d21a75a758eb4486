// 转办/协办/上报: the 接收单位 is picked by name from what the station knows, or typed as a code
// with its name when no unit is known (issue 13 item 1).
import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import CaseDetailPage from "../pages/CaseDetail";
import type { MockOptions } from "../ipc/mock";
import { installBackend, press, renderRoute } from "./render";

async function openTransfer(opts: MockOptions) {
  const { backend, calls } = installBackend(opts);
  const c = backend.db.cases.find((x) => x.status === "accepted" && x.reg.case_type === "complaint")!;
  renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
  const bar = await screen.findByTestId("action-bar");
  await userEvent.click(await within(bar).findByTestId("act-case.transferred"));
  const dialog = await screen.findByRole("dialog");
  return { backend, calls, c, dialog };
}

const sent = (calls: { cmd: string; args: Record<string, unknown> }[]) =>
  (calls.find((x) => x.cmd === "case_action")?.args.req as { event: { payload: Record<string, unknown> } } | undefined)?.event.payload;

/** The active option of the open dropdown (closed ones stay in the DOM, hidden). */
const activeOption = () =>
  [...document.querySelectorAll(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option-active")].at(-1) ?? null;

async function chooseKind(dialog: HTMLElement, label: string) {
  const kind = dialog.querySelector<HTMLInputElement>("#action_kind")!;
  await userEvent.click(kind);
  await userEvent.click(await screen.findByTitle(label));
}

describe("transfer target", () => {
  it("上报 lists the parent chain by name, found by typing its name", async () => {
    const { calls, dialog } = await openTransfer({ seed: "demo" });
    await chooseKind(dialog, "上报");
    const unit = await waitFor(() => {
      const el = dialog.querySelector<HTMLInputElement>("#action_to_unit");
      if (!el) throw new Error("no unit picker");
      return el;
    });
    await userEvent.click(unit);
    await userEvent.keyboard("德令哈市消费者协会");
    await waitFor(() => expect(activeOption()).toHaveTextContent("德令哈市消费者协会（HX02）"));
    expect(activeOption()).toHaveTextContent("上级");
    press(unit, "Enter");
    await userEvent.click(screen.getByTestId("action-ok"));
    await waitFor(() => expect(sent(calls)).toBeTruthy());
    expect(sent(calls)).toMatchObject({ kind: "up", to_unit: "HX02" });
    expect(sent(calls)).not.toHaveProperty("to_unit_name");
  });

  it("协办 offers the other units the hub sent, siblings first", async () => {
    const { dialog } = await openTransfer({ seed: "demo" });
    const unit = dialog.querySelector<HTMLInputElement>("#action_to_unit")!;
    await userEvent.click(unit);
    const options = await waitFor(() => {
      const o = [...document.querySelectorAll(".ant-select-item-option")].map((x) => x.textContent ?? "");
      if (o.length < 3) throw new Error("no options yet");
      return o;
    });
    expect(options[0]).toContain("德令哈市尕海镇维权服务站（HX0202）");
    expect(options.some((o) => o.includes("海西州消费者协会（HX）"))).toBe(true);
    expect(options.some((o) => o.includes("（HX0201）"))).toBe(false); // not the station itself
  });

  it("with no unit list yet, says why and takes a typed code with its name", async () => {
    const { calls, dialog } = await openTransfer({ seed: "demo", hubUnits: false });
    await chooseKind(dialog, "下转");
    expect(await within(dialog).findByTestId("no-units")).toHaveTextContent("还没有从协会同步到下级单位名录");
    const code = await within(dialog).findByTestId("to-unit-code");
    await userEvent.type(code, "海西");
    await userEvent.click(screen.getByTestId("action-ok"));
    expect(await within(dialog).findByText("单位代码只能包含字母、数字和下划线（最多 32 个）")).toBeInTheDocument();
    expect(await within(dialog).findByText("必填项不能为空")).toBeInTheDocument();
    expect(sent(calls)).toBeUndefined();
    await userEvent.clear(code);
    await userEvent.type(code, "hx020101");
    await userEvent.type(within(dialog).getByTestId("to-unit-name"), "柯鲁柯镇维权服务站");
    await userEvent.click(screen.getByTestId("action-ok"));
    await waitFor(() => expect(sent(calls)).toBeTruthy());
    expect(sent(calls)).toMatchObject({ kind: "down", to_unit: "HX020101", to_unit_name: "柯鲁柯镇维权服务站" });
  });
});
