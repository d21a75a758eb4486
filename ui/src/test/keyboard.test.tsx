// Keyboard-only flows of the intake form (issue 13 item 3) and the category search (item 9).
import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import Intake from "../pages/Intake";
import Roving from "../pages/Roving";
import { REFERENCE } from "../bindings/reference.data";
import { categoryMatches } from "../lib/categories";
import { installBackend, press, renderRoute } from "./render";

function intake() {
  const { backend } = installBackend({ seed: "demo" });
  const { container } = renderRoute("/intake", "/intake", <Intake />);
  const field = (id: string) =>
    waitFor(() => {
      const el = container.querySelector<HTMLInputElement>(`#${id}`);
      if (!el) throw new Error(`no #${id} yet`);
      return el;
    });
  return { container, field, backend };
}

const found = (q: string) => REFERENCE.categories.filter((c) => !c.group && categoryMatches(c, q)).map((c) => c.code);

describe("category search", () => {
  it("knows everyday words, like casedesk-domain", () => {
    expect(found("家电")).toContain("CCA-G01");
    expect(found("手机")).toEqual(expect.arrayContaining(["CCA-G01-01", "CCA-S06"]));
    expect(found("通信")).toContain("CCA-S06");
    expect(found("供暖")).toEqual(["CCA-S12"]);
    expect(found("暖气")).toEqual(["CCA-S12"]);
    expect(found("兽药")).toEqual(["CCA-G10"]);
    expect(found("饲料兽药")).toEqual(["CCA-G10"]);
    expect(found("heating")).toEqual(["CCA-S12"]);
    expect(found("手机 话费")).toEqual(["CCA-S06", "CCA-S06-01"]);
  });

  it("types 暖气, Enter picks 公共设施服务 (heating) and never a heading", async () => {
    const { field } = intake();
    const cat = await field("intake_category");
    await userEvent.click(cat);
    await userEvent.keyboard("暖气");
    await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).toHaveTextContent("公共设施服务"));
    press(cat, "Enter");
    const item = cat.closest(".ant-form-item") as HTMLElement;
    await waitFor(() => expect(item).toHaveTextContent("公共设施服务"));
    expect(document.activeElement).toBe(cat);
  });

  it("↓ from the top never rests on 商品类 or 服务类", async () => {
    const { field } = intake();
    const cat = await field("intake_category");
    await userEvent.click(cat);
    const seen: string[] = [];
    for (let i = 0; i < 80; i++) {
      press(cat, "ArrowDown");
      const active = document.querySelector(".ant-select-item-option-active");
      seen.push(active?.textContent ?? "");
    }
    expect(seen.filter(Boolean).length).toBe(80);
    expect(new Set(seen).size).toBeGreaterThan(40); // it moved through the list
    expect(seen).not.toContain("商品类");
    expect(seen).not.toContain("服务类");
    expect(seen).toContain("家用电子电器类");
    expect(document.querySelectorAll(".ant-select-item-group").length).toBeGreaterThanOrEqual(2);
    expect(screen.getAllByText("商品类").length).toBeGreaterThan(0); // shown as a label
  });
});

const formItem = (el: Element) => el.closest(".ant-form-item") as HTMLElement;
const marked = (el: Element) => !!formItem(el).querySelector(".ant-form-item-required");

describe("keyboard-only intake", () => {
  it("↓ in the respondent suggestions picks the first entry", async () => {
    const { field, backend } = intake();
    // A prefix several known businesses start with (the list used to make the first of them
    // active by itself, so ↓ went to the second).
    const names = [...new Set(backend.db.cases.flatMap((c) => c.reg.respondents.map((r) => r.name)))];
    const prefix = names
      .map((n) => n.slice(0, 2))
      .find((p) => names.filter((n) => n.startsWith(p)).length >= 2 && names.filter((n) => n.includes(p)).length >= 2)!;
    expect(prefix).toBeTruthy();
    const name = await field("intake_respondents_0_name");
    await userEvent.click(name);
    await userEvent.keyboard(prefix);
    const first = await waitFor(() => {
      const o = document.querySelector(".hint-option span");
      if (!o) throw new Error("no suggestions yet");
      return o.textContent ?? "";
    });
    press(name, "ArrowDown");
    press(name, "Enter");
    await waitFor(() => expect(name).toHaveValue(first));
  });

  it("the clear × of a select is no Tab stop: Tab goes on to the next field", async () => {
    const { field } = intake();
    const cat = await field("intake_category");
    await userEvent.click(cat);
    await userEvent.keyboard("暖气");
    await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).not.toBeNull());
    press(cat, "Enter");
    await waitFor(() => expect(formItem(cat)).toHaveTextContent("公共设施服务"));
    const clear = formItem(cat).querySelector<HTMLElement>(".ant-select-clear");
    expect(clear).not.toBeNull();
    expect(clear!.tabIndex).toBe(-1);
    await userEvent.tab();
    expect(document.activeElement?.id).toBe("intake_nature");
    expect(formItem(cat)).toHaveTextContent("公共设施服务");
  });

  it("after a failed submit the keyboard is in the first field with a problem", async () => {
    const { field } = intake();
    await field("intake_complainants_0_name");
    await userEvent.click(screen.getByTestId("intake-submit"));
    await waitFor(() => expect(document.activeElement?.id).toBe("intake_complainants_0_name"));
    expect(formItem(document.activeElement!)).toHaveClass("ant-form-item-has-error");
  });
});

describe("required marks agree with the domain", () => {
  it("marks 住址 and 请求事项 on a complaint, collective or not, and not on a suggestion", async () => {
    const { field } = intake();
    const address = await field("intake_complainants_0_address");
    expect(marked(address)).toBe(true);
    expect(marked(await field("intake_requests"))).toBe(true);
    expect(marked(await field("intake_complainants_0_id_number"))).toBe(false); // own mediation
    await userEvent.click(screen.getByRole("switch", { name: "集体投诉" }));
    expect(marked(await field("intake_complainants_0_address"))).toBe(true);
    expect(marked(screen.getByTestId("rep-count"))).toBe(true);
  });

  it("refuses a complaint with no request ticked, beside 请求事项, and the representatives count beside them", async () => {
    const { field } = intake();
    await field("intake_complainants_0_name");
    await userEvent.click(screen.getByRole("switch", { name: "集体投诉" }));
    await userEvent.click(screen.getByTestId("intake-submit"));
    const requests = await field("intake_requests");
    await waitFor(() => expect(formItem(requests)).toHaveClass("ant-form-item-has-error"));
    expect(formItem(screen.getByTestId("rep-count"))).toHaveTextContent("代表人数应为 2–5 人");
    // Every problem is shown where it is: none is left for the summary below the form.
    expect(screen.queryByTestId("form-problems")).toBeNull();
  });
});

describe("记一次咨询", () => {
  it("marks its required topic and shows the core's problem under it, not only a count", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const today = new Date().toISOString().slice(0, 10);
    backend.dispatch("roving_start", { req: { op_id: "r1", date: today, place: "柯鲁柯镇希望村", team: ["巴特尔"] } });
    renderRoute("/roving", "/roving", <Roving />);
    const add = await screen.findByTestId("consult-add");
    const topic = screen.getByTestId("consult-topic");
    expect(marked(topic)).toBe(true);
    await userEvent.click(add);
    await waitFor(() => expect(formItem(topic)).toHaveClass("ant-form-item-has-error"));
    expect(formItem(topic)).toHaveTextContent("必填项不能为空");
    expect(document.activeElement).toBe(topic);
    await userEvent.type(topic, "饲料兽药");
    await userEvent.click(add);
    await waitFor(() => expect(formItem(topic)).not.toHaveClass("ant-form-item-has-error"));
    expect(backend.db.consultations.at(-1)?.topic).toBe("饲料兽药");
  });
});
