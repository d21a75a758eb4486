import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import zhCN from "../i18n/zh-CN";
import enUS from "../i18n/en-US";
import i18n from "../i18n";
import { CODES } from "../ipc/types";
import { IpcError } from "../ipc/api";
import { MESSAGES } from "../bindings/messages.data";
import { isMessageCode, messageText } from "../lib/messages";
import { errorText, issueMessage } from "../lib/labels";

type Tree = { [k: string]: string | Tree };

function leaves(t: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const zh = leaves(zhCN);
const en = leaves(enUS);
const SRC = resolve(__dirname, "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}

const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

describe("i18n resources", () => {
  it("zh-CN and en-US have exactly the same keys", () => {
    const onlyZh = [...zh.keys()].filter((k) => !en.has(k));
    const onlyEn = [...en.keys()].filter((k) => !zh.has(k));
    expect(onlyZh).toEqual([]);
    expect(onlyEn).toEqual([]);
  });

  it("has no empty values and the same placeholders in both languages", () => {
    const problems: string[] = [];
    for (const [k, v] of zh) {
      const e = en.get(k) ?? "";
      if (!v.trim()) problems.push(`zh-CN ${k} is empty`);
      if (!e.trim()) problems.push(`en-US ${k} is empty`);
      const ph = (s: string) =>
        [...s.matchAll(/\{\{(\w+)\}\}/g)]
          .map((m) => m[1])
          .sort()
          .join(",");
      if (ph(v) !== ph(e)) problems.push(`${k}: placeholders differ (${ph(v)} / ${ph(e)})`);
    }
    expect(problems).toEqual([]);
  });

  it("labels every code of every code table", () => {
    const missing: string[] = [];
    for (const [table, codes] of Object.entries(CODES))
      for (const c of codes) if (!zh.has(`code.${table}.${c}`)) missing.push(`code.${table}.${c}`);
    expect(missing).toEqual([]);
  });

  it("holds no copy of Rust's messages: those come from its table", () => {
    // Error and issue codes are translated from src/bindings/messages.data.ts (lib/messages.ts).
    expect([...zh.keys()].filter((k) => k.startsWith("msg."))).toEqual([]);
    const rust = new Set<string>(Object.values(MESSAGES).flatMap((m) => [m.zh, m.en]));
    const copies = [...zh, ...en].filter(([, v]) => rust.has(v.replaceAll("{{arg}}", "{0}"))).map(([k]) => k);
    expect(copies).toEqual([]);
  });

  it("has every message of casedesk-domain and of the shell in Rust's table, in both languages", () => {
    const rs = readFileSync(resolve(SRC, "../../crates/casedesk-domain/src/messages.rs"), "utf8");
    const codes = [...rs.matchAll(/^\s*\(\s*"([a-z0-9_.]+)",/gm)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(30);
    expect(codes.filter((c) => !isMessageCode(c))).toEqual([]);
    for (const code of ["op_id.invalid", "draft.too_large", "internal"]) expect(isMessageCode(code)).toBe(true);
    const problems = Object.entries(MESSAGES)
      .filter(([, m]) => !m.zh.trim() || !m.en.trim() || m.zh.includes("{0}") !== m.en.includes("{0}"))
      .map(([c]) => c);
    expect(problems).toEqual([]);
  });

  it("translates an error and an issue by code, in the UI language, and falls back to Rust's message", async () => {
    await i18n.changeLanguage("en-US");
    expect(errorText({ code: "not_found", arg: "HX0201-2026-A1-00001", message: "找不到：HX0201-2026-A1-00001" })).toBe(
      "not found: HX0201-2026-A1-00001",
    );
    expect(issueMessage({ code: "too_long", arg: "100", message: "" })).toBe("is too long (at most 100 characters)");
    expect(errorText({ code: "hub.said_no", arg: "", message: "the hub said no" })).toBe("the hub said no");
    expect(errorText(new IpcError("ipc.failed", "boom"))).toBe("The action did not complete: boom");
    await i18n.changeLanguage("zh-CN");
    expect(errorText({ code: "validation.failed", arg: "3", message: "the input has 3 problems" })).toBe("输入有 3 处问题");
    expect(messageText("required")).toBe("必填项不能为空");
  });

  it("every literal t() key used in the code exists", () => {
    const missing: string[] = [];
    for (const f of files(SRC)) {
      if (f.includes(`${join("src", "test")}`) || f.endsWith(".test.ts") || f.endsWith(".test.tsx")) continue;
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z0-9_.-]+)"/g)) {
        const key = m[1];
        if (!zh.has(key)) missing.push(`${f.slice(SRC.length + 1)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("no user-visible Chinese is hard-coded outside the resources and the mock data", () => {
    // Generated data (src/bindings/: Rust's message table, reference data, verdicts) is not UI text.
    const allowed = [/i18n[\\/]/, /ipc[\\/]mock/, /ipc[\\/]domain/, /[\\/]bindings[\\/]/, /[\\/]test[\\/]/, /\.test\.tsx?$/];
    const hits: string[] = [];
    for (const f of files(SRC)) {
      if (allowed.some((r) => r.test(f))) continue;
      const lines = stripComments(readFileSync(f, "utf8")).split("\n");
      lines.forEach((l, i) => {
        if (/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(l)) hits.push(`${f.slice(SRC.length + 1)}:${i + 1}: ${l.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it("no English sentence is hard-coded as JSX text", () => {
    const hits: string[] = [];
    for (const f of files(SRC).filter((x) => x.endsWith(".tsx") && !/test/.test(x))) {
      const text = stripComments(readFileSync(f, "utf8"));
      for (const m of text.matchAll(/>\s*([A-Za-z][A-Za-z ,.'!?]{2,})\s*</g)) hits.push(`${f.slice(SRC.length + 1)}: ${m[1]}`);
      for (const m of text.matchAll(/\b(?:title|placeholder|label|message|description|tip)="([A-Za-z][^"]{2,})"/g))
        hits.push(`${f.slice(SRC.length + 1)}: ${m[1]}`);
    }
    expect(hits).toEqual([]);
  });
});
