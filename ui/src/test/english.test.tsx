// Every screen rendered in English shows no Chinese outside the data it displays (names,
// places, facts typed by clerks): a string left untranslated fails here (issue 13 item 10).
import { describe, expect, it, onTestFinished } from "vitest";
import { act, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import i18n from "../i18n";
import Dashboard from "../pages/Dashboard";
import Intake from "../pages/Intake";
import CaseList from "../pages/CaseList";
import CaseDetailPage from "../pages/CaseDetail";
import Roving from "../pages/Roving";
import SettingsPage from "../pages/Settings";
import SetupWizard from "../pages/SetupWizard";
import { HUB_UNITS } from "../ipc/mockData";
import { installBackend, renderRoute } from "./render";

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** Every string held in the mock's database: what clerks typed and what came from a hub. */
function dataStrings(db: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      if (CJK.test(v)) out.add(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(db);
  walk(HUB_UNITS);
  return [...out].sort((a, b) => b.length - a.length);
}

/** The page's text with the data taken out; what Chinese is left, with some context. */
function untranslated(root: HTMLElement, data: string[]): string[] {
  const texts: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n.textContent ?? "");
  for (const el of root.querySelectorAll("[title],[placeholder],[aria-label]"))
    for (const a of ["title", "placeholder", "aria-label"]) texts.push(el.getAttribute(a) ?? "");
  // The language switch names each language in itself (中文), as it must.
  let text = texts.join(" ¦ ").split("中文").join(" ");
  for (const s of data) text = text.split(s).join(" ");
  // Names of data put together (a complainant, a case's facts) can show in parts.
  for (const s of data) for (const part of s.split(/[\s，。、；：,.;:（）()]+/)) if (part.length >= 2) text = text.split(part).join(" ");
  const hits: string[] = [];
  const re = new RegExp(`.{0,16}${CJK.source}+.{0,16}`, "g");
  for (const m of text.matchAll(re)) hits.push(m[0].trim());
  return hits;
}

async function english(path: string, pattern: string, element: React.ReactElement, ready: () => Promise<unknown>) {
  const { backend } = installBackend({ seed: "demo" });
  const view = renderRoute(path, pattern, element);
  await i18n.changeLanguage("en-US");
  await ready();
  await new Promise((r) => setTimeout(r, 300));
  const hits = untranslated(view.container, dataStrings(backend.db));
  await i18n.changeLanguage("zh-CN");
  return { hits, backend };
}

describe("the screens in English", () => {
  it("home screen", async () => {
    const { hits } = await english("/", "/", <Dashboard />, () => screen.findByTestId("stat-received"));
    expect(hits).toEqual([]);
  });
  it("new complaint", async () => {
    const { hits } = await english("/intake", "/intake", <Intake />, () => screen.findByTestId("intake-submit"));
    expect(hits).toEqual([]);
  });
  it("case list, and its collective complaints", async () => {
    // jsdom has no layout: give elements a size so the virtualizer renders a window of rows.
    const proto = HTMLElement.prototype;
    const saved = [Object.getOwnPropertyDescriptor(proto, "clientHeight"), Object.getOwnPropertyDescriptor(proto, "clientWidth")] as const;
    Object.defineProperty(proto, "clientHeight", { configurable: true, get: () => 600 });
    Object.defineProperty(proto, "clientWidth", { configurable: true, get: () => 1000 });
    onTestFinished(() => {
      if (saved[0]) Object.defineProperty(proto, "clientHeight", saved[0]);
      if (saved[1]) Object.defineProperty(proto, "clientWidth", saved[1]);
    });
    for (const path of ["/cases", "/cases?collective=1"]) {
      const { hits } = await english(path, "/cases", <CaseList />, () => screen.findAllByTestId("case-row"));
      expect(hits).toEqual([]);
      document.body.innerHTML = "";
    }
  });
  it("case details of every state", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const seen = new Set<string>();
    const all: string[] = [];
    for (const c of backend.db.cases) {
      if (seen.has(c.status) || seen.size >= 6) continue;
      seen.add(c.status);
      const { hits } = await english(`/cases/${c.id}`, "/cases/:id", <CaseDetailPage />, () => screen.findByTestId("detail-status"));
      all.push(...hits.map((h) => `${c.status}: ${h}`));
      document.body.innerHTML = "";
    }
    expect(all).toEqual([]);
  });
  it("roving intake", async () => {
    const { hits } = await english("/roving", "/roving", <Roving />, () => screen.findAllByRole("button"));
    expect(hits).toEqual([]);
  });
  it("settings", async () => {
    const { hits } = await english("/settings", "/settings", <SettingsPage />, () => screen.findByTestId("settings"));
    expect(hits).toEqual([]);
  });
  it("setup wizard", async () => {
    const { hits } = await english("/", "/", <SetupWizard />, () => screen.findByTestId("setup-submit"));
    expect(hits).toEqual([]);
  });
});

describe("after registering", () => {
  it("shows the new case number large and copyable, in both languages", async () => {
    installBackend({ seed: "demo" }, (cmd) =>
      cmd === "register_case" ? { id: "00000000-0000-7000-8000-000000000001", no: "HX0201-2026-A1-00042" } : undefined,
    );
    renderRoute("/intake", "/intake", <Intake />);
    (await screen.findByTestId("intake-submit")).click();
    const no = await screen.findByTestId("case-no");
    expect(no).toHaveClass("new-case-no");
    expect(no).toHaveTextContent("HX0201-2026-A1-00042");
    expect(no.querySelector(".ant-typography-copy")).not.toBeNull();
    await i18n.changeLanguage("en-US");
    expect(await screen.findByText("Case number (tell the complainant)")).toBeInTheDocument();
    await i18n.changeLanguage("zh-CN");
  });

  it("one success message at a time: a new one replaces the last", async () => {
    installBackend({ seed: "demo" });
    let api: ReturnType<typeof AntApp.useApp> | null = null;
    const Probe = () => {
      api = AntApp.useApp();
      return null;
    };
    renderRoute("/", "/", <Probe />);
    await waitFor(() => expect(api).not.toBeNull());
    act(() => {
      for (const n of [1, 2, 3, 4]) void api!.message.success(`saved ${n}`);
    });
    await waitFor(() => expect(document.querySelectorAll(".ant-message-notice").length).toBe(1));
    expect(document.querySelector(".ant-message-notice")).toHaveTextContent("saved 4");
  });
});

describe("the home screen's 解决率", () => {
  it("never exceeds 100% and its tooltip says what it counts", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const m = backend.dashboard().month;
    expect(m.resolved).toBeLessThanOrEqual(m.accepted);
    renderRoute("/", "/", <Dashboard />);
    const rate = await screen.findByTestId("stat-rate");
    const pct = parseFloat(rate.textContent ?? "");
    if (!Number.isNaN(pct)) expect(pct).toBeLessThanOrEqual(100);
    expect(i18n.t("dashboard.resolution_rate_help")).toContain("本月受理的投诉中");
  });
});
