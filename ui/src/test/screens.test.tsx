import { describe, expect, it, onTestFinished } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import App from "../App";
import Intake from "../pages/Intake";
import CaseList, { PAGE_SIZE } from "../pages/CaseList";
import CaseDetailPage from "../pages/CaseDetail";
import Dashboard from "../pages/Dashboard";
import SettingsPage from "../pages/Settings";
import type { CaseRow, ListQuery } from "../ipc/types";
import { installBackend, renderRoute, rustError } from "./render";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("setup wizard", () => {
  it("appears when station_info returns null", async () => {
    installBackend({ seed: "none" });
    render(<App />);
    expect(await screen.findByText("欢迎使用投诉调解工作台")).toBeInTheDocument();
    expect(screen.getByText("载入演示数据")).toBeInTheDocument();
  });

  it("does not appear when the station exists", async () => {
    installBackend({ seed: "demo" });
    render(<App />);
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    expect(screen.queryByText("欢迎使用投诉调解工作台")).toBeNull();
  });
});

describe("dashboard", () => {
  it("renders this month's counts from the backend", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const m = backend.dashboard().month;
    renderRoute("/", "/", <Dashboard />);
    const received = await screen.findByTestId("stat-received");
    expect(received).toHaveTextContent(String(m.received));
    expect(screen.getByTestId("stat-accepted")).toHaveTextContent(String(m.accepted));
    expect(screen.getByTestId("stat-closed")).toHaveTextContent(String(m.closed));
    const rate = m.accepted ? `${((m.resolved / m.accepted) * 100).toFixed(1)}%` : "—";
    expect(screen.getByTestId("stat-rate")).toHaveTextContent(rate);
    expect(within(screen.getByTestId("todo-overdue")).getAllByTestId("todo-item").length).toBeGreaterThan(0);
  });
});

describe("intake form", () => {
  it("leaves the keyboard where the clerk started typing when the draft check ends", async () => {
    let answer: (v: null) => void = () => undefined;
    installBackend({ seed: "demo" }, (cmd) => (cmd === "draft_load" ? new Promise<null>((r) => (answer = r)) : undefined));
    const { container } = renderRoute("/intake", "/intake", <Intake />);
    const name = await waitFor(() => {
      const el = container.querySelector<HTMLInputElement>("#intake_complainants_0_name");
      if (!el) throw new Error("no name field yet");
      return el;
    });
    await userEvent.click(name);
    await userEvent.keyboard("索南");
    answer(null); // the draft check ends while the clerk is typing
    await new Promise((r) => setTimeout(r, 50));
    await userEvent.keyboard("才让");
    expect(document.activeElement).toBe(name);
    expect(name).toHaveValue("索南才让");
  });

  it("shows a backend issue beside complainants[0].phones[0]", async () => {
    const { calls } = installBackend({ seed: "demo" }, (cmd) => {
      if (cmd === "register_case")
        throw rustError({
          code: "validation.failed",
          arg: "1",
          message: "输入有 1 处问题",
          issues: [{ path: "complainants[0].phones[0]", code: "phone.format", arg: "", message: "电话号码格式不正确" }],
        });
      return undefined;
    });
    const { container } = renderRoute("/intake", "/intake", <Intake />);
    const phone = await waitFor(() => {
      const el = container.querySelector<HTMLInputElement>("#intake_complainants_0_phones_0");
      if (!el) throw new Error("no phone field yet");
      return el;
    });
    fireEvent.change(phone, { target: { value: "13912345678" } });
    fireEvent.click(screen.getByTestId("intake-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "register_case")).toBe(true));
    const item = phone.closest(".ant-form-item") as HTMLElement;
    await waitFor(() => expect(within(item).getByText("电话号码格式不正确（手机 11 位，或区号-号码）")).toBeInTheDocument());
    // The register call carried an op_id and the fen amounts.
    const req = calls.find((c) => c.cmd === "register_case")!.args.req as { op_id: string };
    expect(req.op_id).toMatch(UUID);
  });

  it("warns about open cases of the same complainant while typing", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const open = backend.db.cases.find((c) => c.status === "registered" && c.reg.complainants.length)!;
    const { container } = renderRoute("/intake", "/intake", <Intake />);
    const name = await waitFor(() => {
      const el = container.querySelector<HTMLInputElement>("#intake_complainants_0_name");
      if (!el) throw new Error("no name field yet");
      return el;
    });
    fireEvent.change(name, { target: { value: open.reg.complainants[0].name } });
    const alert = await screen.findByTestId("duplicate-warning");
    expect(alert).toHaveTextContent(open.reg.case_no);
  });
});

describe("case detail", () => {
  it("offers only the allowed actions and accepts with case.accepted and an op_id", async () => {
    const { backend, calls } = installBackend({ seed: "demo" });
    const c = backend.db.cases.find((x) => x.status === "registered" && x.reg.case_type === "complaint")!;
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    const bar = await screen.findByTestId("action-bar");
    await within(bar).findByTestId("act-case.accepted");
    const shown = within(bar)
      .getAllByRole("button")
      .map((b) => b.getAttribute("data-testid"))
      .filter(Boolean)
      .map((x) => x!.replace(/^act-/, ""));
    expect(shown).toContain("case.not_accepted");
    for (const k of shown)
      expect(["case.accepted", "case.not_accepted", "case.transferred", "case.note_added", "case.edited", "case.voided"]).toContain(k);
    expect(within(bar).queryByTestId("act-case.closed")).toBeNull();
    expect(within(bar).queryByTestId("act-case.session_recorded")).toBeNull();

    await userEvent.click(within(bar).getByTestId("act-case.accepted"));
    await userEvent.click(await screen.findByTestId("action-ok"));
    await waitFor(() => expect(calls.some((x) => x.cmd === "case_action")).toBe(true));
    const req = calls.find((x) => x.cmd === "case_action")!.args.req as {
      op_id: string;
      case_id: string;
      event: { kind: string; payload: { at: string } };
    };
    expect(req.event.kind).toBe("case.accepted");
    expect(req.case_id).toBe(c.id);
    expect(req.op_id).toMatch(UUID);
    expect(req.event.payload.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await waitFor(() => expect(screen.getByTestId("detail-status")).toHaveTextContent("已受理"));
    // After acceptance the state machine offers mediation and no longer acceptance.
    await within(screen.getByTestId("action-bar")).findByTestId("act-case.session_scheduled");
    expect(within(screen.getByTestId("action-bar")).queryByTestId("act-case.accepted")).toBeNull();
  });
});

describe("correction (更正)", () => {
  it("sends only the changed fields, shows Rust's problems beside them, then saves", async () => {
    let reject = true;
    const { backend, calls } = installBackend({ seed: "demo" }, (cmd) => {
      if (cmd === "case_action" && reject) {
        reject = false;
        throw rustError({
          code: "validation.failed",
          arg: "1",
          message: "输入有 1 处问题",
          issues: [{ path: "respondents[0].phone", code: "phone.format", arg: "", message: "电话号码格式不正确" }],
        });
      }
      return undefined;
    });
    const c = backend.db.cases.find((x) => x.status === "registered" && x.reg.respondents.length > 0)!;
    const { container } = renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    await userEvent.click(await within(await screen.findByTestId("action-bar")).findByTestId("act-case.edited"));
    const phone = await waitFor(() => {
      const el = container.ownerDocument.querySelector<HTMLInputElement>("#edit_respondents_0_phone");
      if (!el) throw new Error("no respondent phone field yet");
      return el;
    });
    expect(phone.value).toBe(c.reg.respondents[0].phone ?? "");
    await userEvent.clear(phone);
    await userEvent.type(phone, "0977-8221234");
    await userEvent.click(screen.getByTestId("edit-ok"));
    // The problem Rust reports appears beside the field, in the form still open.
    const problem = await screen.findByText(/^电话号码格式不正确/);
    expect(problem.closest(".ant-form-item")?.contains(phone)).toBe(true);
    const sent = calls.filter((x) => x.cmd === "case_action");
    const req = sent[0].args.req as {
      op_id: string;
      event: { kind: string; payload: { edits: { field: string; value: unknown; base: unknown }[] } };
    };
    expect(req.event.kind).toBe("case.edited");
    expect(req.event.payload.edits).toEqual([{ field: "respondents[0].phone", value: "0977-8221234", base: null }]);
    // Retried as the same operation, now accepted.
    await userEvent.click(screen.getByTestId("edit-ok"));
    await waitFor(() => expect(calls.filter((x) => x.cmd === "case_action").length).toBe(2));
    const again = calls.filter((x) => x.cmd === "case_action")[1].args.req as { op_id: string };
    expect(again.op_id).toBe(req.op_id);
    await waitFor(() => expect(screen.queryByTestId("edit-form")).toBeNull());
    expect(backend.db.cases.find((x) => x.id === c.id)!.reg.respondents[0].phone).toBe("0977-8221234");
  });

  it("says so when nothing was changed", async () => {
    const { backend, calls } = installBackend({ seed: "demo" });
    const c = backend.db.cases.find((x) => x.status === "registered")!;
    renderRoute(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />);
    await userEvent.click(await within(await screen.findByTestId("action-bar")).findByTestId("act-case.edited"));
    await userEvent.click(await screen.findByTestId("edit-ok"));
    expect(await screen.findByTestId("edit-error")).toHaveTextContent("没有改动任何内容");
    expect(calls.some((x) => x.cmd === "case_action")).toBe(false);
  });
});

describe("case list search", () => {
  it("searches as you type, but not pinyin still being composed in an input method", async () => {
    const texts: (string | null)[] = [];
    installBackend({ seed: "demo" }, (cmd, args) => {
      if (cmd === "list_cases") texts.push((args.q as ListQuery).text ?? null);
      return undefined;
    });
    renderRoute("/cases", "/cases", <CaseList />);
    const box = await screen.findByTestId("list-search");
    await waitFor(() => expect(texts).toContain(null));
    fireEvent.compositionStart(box);
    fireEvent.change(box, { target: { value: "si" } });
    fireEvent.change(box, { target: { value: "siliao" } });
    fireEvent.change(box, { target: { value: "饲料" } });
    fireEvent.compositionEnd(box);
    await waitFor(() => expect(texts).toContain("饲料"));
    expect(texts.filter((x) => x !== null && x !== "饲料")).toEqual([]);
    // Plain typing (digits of a case number) searches at once.
    fireEvent.change(box, { target: { value: "HX02" } });
    await waitFor(() => expect(texts).toContain("HX02"));
  });
});

describe("case list kept between visits", () => {
  it("keeps its search across screens; a link with filters replaces them", async () => {
    // Enough overdue cases for the dashboard to offer "查看全部".
    const { backend } = installBackend({ seed: "demo" }, (cmd) => {
      if (cmd !== "dashboard") return undefined;
      const d = backend.dashboard();
      const row = d.overdue[0] ?? d.awaiting_acceptance[0];
      return { ...d, overdue: Array.from({ length: 8 }, (_, i) => ({ ...row, id: `${row.id}-${i}` })) };
    });
    window.location.hash = "#/";
    render(<App />);
    await screen.findByTestId("dashboard");
    const menu = (name: string) => within(document.querySelector<HTMLElement>(".app-menu")!).getByText(name);
    await userEvent.click(menu("案件列表"));
    const box = await screen.findByTestId("list-search");
    await userEvent.type(box, "饲料");
    await waitFor(() => expect(window.location.hash).toBe(`#/cases?q=${encodeURIComponent("饲料")}`));
    // Away and back through the menu: the search is still there.
    await userEvent.click(menu("工作台"));
    await screen.findByTestId("dashboard");
    await userEvent.click(menu("案件列表"));
    await waitFor(() => expect(screen.getByTestId("list-search")).toHaveValue("饲料"));
    // (Going back from a case to the same search: the Chromium test's back-to-search step.)
    // A link that carries filters (the dashboard's "show all overdue") replaces them.
    await userEvent.click(menu("工作台"));
    const overdue = await screen.findByTestId("todo-overdue");
    await userEvent.click(within(overdue).getByText("查看全部"));
    await waitFor(() => expect(screen.getByTestId("list-search")).toHaveValue(""));
    expect(screen.getByRole("checkbox", { name: "只看超期" })).toBeChecked();
  });
});

describe("case list", () => {
  it("requests the next page with the cursor when scrolled near the bottom", async () => {
    const row = (i: number): CaseRow => ({
      id: `id-${i}`,
      no: `HX0201-2026-A1-${String(i).padStart(5, "0")}`,
      case_type: "complaint",
      mode: "own",
      status: "registered",
      channel: "visit",
      received_at: "2026-11-20T02:00:00Z",
      unit: "HX0201",
      category: null,
      nature: null,
      collective: false,
      households: null,
      complainant: `投诉人${i}`,
      complainants: 1,
      respondents: [`经营者${i}`],
      claim_fen: null,
      recovered_fen: 0,
      outcome: null,
      deadline: null,
      flags: 0,
      phone: null,
    });
    const queries: ListQuery[] = [];
    installBackend({ seed: "demo" }, (cmd, args) => {
      if (cmd === "list_cases") {
        const q = args.q as ListQuery;
        queries.push(q);
        if (!q.after) return { rows: Array.from({ length: PAGE_SIZE }, (_, i) => row(i)), next: "cursor-1" };
        return { rows: Array.from({ length: 10 }, (_, i) => row(PAGE_SIZE + i)), next: null };
      }
      if (cmd === "count_cases") return 110;
      return undefined;
    });
    // jsdom has no layout: give elements a size so the virtualizer renders a window of rows.
    const proto = HTMLElement.prototype;
    const saved = [Object.getOwnPropertyDescriptor(proto, "clientHeight"), Object.getOwnPropertyDescriptor(proto, "clientWidth")] as const;
    Object.defineProperty(proto, "clientHeight", { configurable: true, get: () => 600 });
    Object.defineProperty(proto, "clientWidth", { configurable: true, get: () => 1000 });
    onTestFinished(() => {
      if (saved[0]) Object.defineProperty(proto, "clientHeight", saved[0]);
      if (saved[1]) Object.defineProperty(proto, "clientWidth", saved[1]);
    });
    renderRoute("/cases", "/cases", <CaseList />);
    await screen.findAllByTestId("case-row");
    expect(queries).toHaveLength(1);
    expect(queries[0].limit).toBe(PAGE_SIZE);
    expect(queries[0].after ?? null).toBeNull();
    // Only a window of rows is in the DOM.
    expect(screen.getAllByTestId("case-row").length).toBeLessThan(60);

    const scroller = screen.getByTestId("list-scroll");
    Object.defineProperty(scroller, "scrollHeight", { configurable: true, value: PAGE_SIZE * 52 });
    Object.defineProperty(scroller, "clientHeight", { configurable: true, value: 600 });
    scroller.scrollTop = PAGE_SIZE * 52 - 700;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(queries.some((q) => q.after === "cursor-1")).toBe(true));
    await waitFor(() => expect(screen.getByTestId("list-total")).toHaveTextContent("110"));
  });
});

describe("USB bundles in the sync settings", () => {
  it("exports with the enrollment code before joining, then imports the return bundle", async () => {
    // A real station (no demonstration data), not joined yet.
    const { backend, calls } = installBackend({ seed: "none" });
    backend.handler("setup_station", {
      req: {
        op_id: "setup",
        unit: "HX0201",
        unit_name: "德令哈市消费者投诉联络站",
        unit_kind: "liaison_station",
        parent: "HX02",
        admin_code: "632802",
        device_code: "A1",
        device_name: "前台电脑",
        staff_name: "马玉梅",
        load_demo: false,
      },
    });
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("bundle-card");
    const user = userEvent.setup();
    await user.type(within(card).getByTestId("bundle-folder"), "/media/usb");
    await user.type(within(card).getByTestId("bundle-code"), "CDE1-7B22");
    await user.click(within(card).getByTestId("bundle-export"));
    const done = await within(card).findByTestId("bundle-result");
    expect(done).toHaveTextContent("已导出同步包");
    expect(done).toHaveTextContent("/media/usb/casedesk-HX0201-1.cdkb");
    expect(done).toHaveTextContent("同步包中含本站的注册申请");
    expect(calls.find((c) => c.cmd === "bundle_export")?.args).toEqual({ req: { folder: "/media/usb", code: "CDE1-7B22" } });

    await user.type(within(card).getByTestId("bundle-file"), "/media/usb/notes.txt");
    await user.click(within(card).getByTestId("bundle-import"));
    await waitFor(() => expect(within(card).getByTestId("bundle-result")).toHaveTextContent("同步包没有处理成功"));
    expect(within(card).getByTestId("bundle-result")).toHaveTextContent("这不是 CaseDesk 同步包文件");

    await user.clear(within(card).getByTestId("bundle-file"));
    await user.type(within(card).getByTestId("bundle-file"), "/media/usb/casedesk-return-HX0201.cdkb");
    await user.click(within(card).getByTestId("bundle-import"));
    await waitFor(() => expect(within(card).getByTestId("bundle-result")).toHaveTextContent("已导入回执包"));
    expect(within(card).getByTestId("bundle-result")).toHaveTextContent("本站已通过同步包加入协会同步");
    expect(calls.filter((c) => c.cmd === "bundle_import").at(-1)?.args).toEqual({
      req: { file: "/media/usb/casedesk-return-HX0201.cdkb" },
    });
  });

  it("says how many files went out in the bundle and reached the association", async () => {
    // Cases from the demonstration data, on a station that is not a demonstration one (those
    // offer no sync), joined already.
    const { backend } = installBackend({ seed: "demo" });
    backend.db.station!.demo = false;
    backend.db.sync.enrolled = true;
    const c = backend.db.cases.find((x) => x.status === "mediating")!;
    backend.dispatch("evidence_add", {
      req: {
        op_id: crypto.randomUUID(),
        case: c.id,
        name: "receipt.png",
        data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        description: "购物小票",
        original_returned: false,
        for_document: null,
      },
    });
    const files = new Set(backend.db.cases.flatMap((x) => x.evidence.map((e) => e.sha256))).size;
    renderRoute("/settings", "/settings", <SettingsPage />);
    await screen.findByTestId("bundle-card");
    const user = userEvent.setup();
    // The settings page settles after its queries (the card may be drawn again): type until the
    // text stays.
    const fill = async (id: string, text: string) =>
      waitFor(async () => {
        const input = screen.getByTestId(id);
        if ((input as HTMLInputElement).value !== text) {
          await user.clear(input);
          await user.type(input, text);
        }
        expect(screen.getByTestId(id)).toHaveValue(text);
      });
    await fill("bundle-folder", "/media/usb");
    await user.click(screen.getByTestId("bundle-export"));
    const done = await screen.findByTestId("bundle-result");
    expect(done).toHaveTextContent(`含材料文件 ${files} 个`);
    expect(done).toHaveTextContent("另有 0 个超出本包容量");
    await fill("bundle-file", "/media/usb/casedesk-return-HX0201.cdkb");
    await user.click(screen.getByTestId("bundle-import"));
    await waitFor(() => expect(screen.getByTestId("bundle-result")).toHaveTextContent("已导入回执包"));
    expect(screen.getByTestId("bundle-result")).toHaveTextContent(`协会已收到本机文件 ${files} 个`);
  });
});
