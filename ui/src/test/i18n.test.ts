import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import zhCN from "../i18n/zh-CN";
import enUS from "../i18n/en-US";
import { CODES } from "../ipc/types";

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

const zh = leaves(zhCN as unknown as Tree);
const en = leaves(enUS as unknown as Tree);
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
      const ph = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort().join(",");
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

  it("translates every message code of casedesk-domain", () => {
    const rs = readFileSync(resolve(SRC, "../../crates/casedesk-domain/src/messages.rs"), "utf8");
    const codes = [...rs.matchAll(/^\s*\(\s*"([a-z0-9_.]+)",/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(30);
    const missing = codes.filter((c) => !["import.line"].includes(c) && !zh.has(`msg.${c}`));
    expect(missing).toEqual([]);
  });

  it("every literal t() key used in the code exists", () => {
    const missing: string[] = [];
    for (const f of files(SRC)) {
      if (f.includes(`${join("src", "test")}`) || f.endsWith(".test.ts") || f.endsWith(".test.tsx")) continue;
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z0-9_.\-]+)"/g)) {
        const key = m[1]!;
        if (!zh.has(key)) missing.push(`${f.slice(SRC.length + 1)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("no user-visible Chinese is hard-coded outside the resources and the mock data", () => {
    const allowed = [/i18n[\\/]/, /ipc[\\/]mock/, /ipc[\\/]domain/, /[\\/]test[\\/]/, /\.test\.tsx?$/];
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
