// Keyboard-only flows of the intake form (issue 13 item 3) and the category search (item 9).
import { describe, expect, it } from "vitest";
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import Intake from "../pages/Intake";
import { REFERENCE } from "../bindings/reference.data";
import { categoryMatches } from "../lib/categories";
import { installBackend, renderRoute } from "./render";

function intake() {
  installBackend({ seed: "demo" });
  const { container } = renderRoute("/intake", "/intake", <Intake />);
  const field = (id: string) =>
    waitFor(() => {
      const el = container.querySelector<HTMLInputElement>(`#${id}`);
      if (!el) throw new Error(`no #${id} yet`);
      return el;
    });
  return { container, field };
}

const KEYS: Record<string, number> = { Enter: 13, ArrowDown: 40, ArrowUp: 38, Tab: 9, Escape: 27 };

/** A key as a browser sends it (with keyCode/which, which rc-select reads; user-event leaves it 0). */
export function press(el: Element, key: string) {
  act(() => {
    fireEvent.keyDown(el, { key, keyCode: KEYS[key], which: KEYS[key] });
    fireEvent.keyUp(el, { key, keyCode: KEYS[key], which: KEYS[key] });
  });
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
