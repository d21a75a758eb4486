// Scratch: CPU profile of dashboard -> case list in browser mode, 4x CPU throttling.
import { chromium } from "playwright-core";
import { preview } from "vite";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
const uiDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const server = await preview({ root: uiDir, preview: { port: 4198, strictPort: true, host: "127.0.0.1" }, logLevel: "warn" });
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "prof-")), {
  executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"], viewport: { width: 1280, height: 800 }, locale: "zh-CN",
});
const page = await ctx.newPage();
await page.goto("http://127.0.0.1:4198/?demo=1&fresh=1");
await page.waitForSelector('[data-testid="dashboard"]', { timeout: 60000 });
const cdp = await ctx.newCDPSession(page);
await cdp.send("Emulation.setCPUThrottlingRate", { rate: Number(process.env.RATE ?? 4) });
const times = [];
for (let i = 0; i < 6; i++) {
  if (i === 5) { await cdp.send("Profiler.enable"); await cdp.send("Profiler.setSamplingInterval", { interval: 200 }); await cdp.send("Profiler.start"); }
  const t = await page.evaluate(async () => {
    const menu = (txt) => [...document.querySelectorAll('li[role="menuitem"]')].find((e) => e.textContent.trim() === txt);
    menu("工作台").click();
    await new Promise((r) => { const iv = setInterval(() => { if (document.querySelector('[data-testid="dashboard"]')) { clearInterval(iv); r(); } }, 5); });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    menu("案件列表").click();
    await new Promise((r) => { const iv = setInterval(() => { if (document.querySelector('[data-testid="case-row"]')) { clearInterval(iv); r(); } }, 1); });
    return performance.now() - t0;
  });
  times.push(Math.round(t));
}
const { profile } = await cdp.send("Profiler.stop");
console.log("click -> rows (ms):", times.join(", "));
// self time by function
const self = new Map(); const dt = profile.timeDeltas; const byId = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); });
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k));
writeFileSync("/tmp/list.cpuprofile", JSON.stringify(profile));
await ctx.close(); await server.close();
