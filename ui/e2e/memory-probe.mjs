// Memory probe of the UI alone: opens cases one by one in browser mode (mock backend) in
// Chromium, the way scripts/measure-desktop.py does in the real window (list -> row -> detail ->
// list), and prints the JS heap after a forced garbage collection and the DOM counters after
// each round. A leak in the UI (unmounted pages kept alive, listeners never removed) shows as
// DOM nodes or listeners growing from round to round; WebKit's own caches do not show here.
//
//   npm run build && N=200 node e2e/memory-probe.mjs       (N cases per round, default 60)
//
// Keeps no element handles (they would keep the DOM they point to alive).
import { chromium } from "playwright-core";
import { preview } from "vite";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const server = await preview({
  root: uiDir,
  preview: { port: Number(process.env.PROBE_PORT ?? 4199), strictPort: true, host: "127.0.0.1" },
  logLevel: "warn",
});
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "leak-")), {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--js-flags=--expose-gc"],
  viewport: { width: 1280, height: 800 },
  locale: "zh-CN",
});
const page = await ctx.newPage();
console.log("JS heap after GC (MB) and DOM counters, per round of N cases opened:");
await page.goto(`http://127.0.0.1:${process.env.PROBE_PORT ?? 4199}/?demo=1&fresh=1`);
await page.waitForFunction(() => !!document.querySelector('[data-testid="dashboard"]'), null, { timeout: 60000 });
const cdp = await ctx.newCDPSession(page);
const heap = async () => {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const m = await cdp.send("Runtime.getHeapUsage");
  return (m.usedSize / 1048576).toFixed(1);
};
const nodes = async () => await cdp.send("Memory.getDOMCounters");
await page.click('li[role="menuitem"]:has-text("案件列表")');
await page.waitForFunction(() => !!document.querySelector('[data-testid="case-row"]'));
console.log("start", await heap(), JSON.stringify(await nodes()));
const N = Number(process.env.N ?? 60);
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < N; i++) {
    const idx = (round === 1 ? N : 0) + i;
    await page.evaluate((idx) => {
      const s = document.querySelector('[data-testid="list-scroll"]');
      s.scrollTop = idx * 52;
      s.dispatchEvent(new Event("scroll"));
    }, idx);
    await page.waitForTimeout(30);
    await page.evaluate(() => {
      const r = [...document.querySelectorAll('[data-testid="case-row"]')].find((e) => e.getBoundingClientRect().top > 250);
      r.click();
    });
    await page.waitForFunction(() => !!document.querySelector('[data-testid="timeline"]'));
    await page.evaluate(() =>
      [...document.querySelectorAll('li[role="menuitem"]')].find((e) => e.textContent.trim() === "案件列表").click(),
    );
    await page.waitForFunction(() => !!document.querySelector('[data-testid="case-row"]'));
  }
  await page.waitForTimeout(11000);
  console.log("round", round + 1, await heap(), JSON.stringify(await nodes()));
}
if (process.env.SNAP) {
  const chunks = [];
  cdp.on("HeapProfiler.addHeapSnapshotChunk", (e) => chunks.push(e.chunk));
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  writeFileSync(process.env.SNAP, chunks.join(""));
}
await ctx.close();
await server.close();
