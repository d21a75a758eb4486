// The harness of the screenshot scripts (privacy-shots.mjs, backup-shots.mjs): the built UI in
// browser mode (mock backend) under `vite preview`, Chromium, and one page per language and
// width (1366×768 and 1024×768, Chinese and English); `shoot` drives the page and names the
// files. Exits 1 when any run failed (its page is kept as `<lang>-<width>-failed.png`).
//
//   E2E_ARTIFACTS (where the PNGs go), CHROMIUM, E2E_PORT as run.mjs
import { chromium } from "playwright-core";
import { preview } from "vite";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const uiDir = resolve(here, "..");

/** Runs `shoot(page, { base, lang, width, name, setLang })` for each language and width. */
export async function runShots(folder, shoot) {
  const artifacts = process.env.E2E_ARTIFACTS ?? resolve(uiDir, "..", "test-artifacts", folder);
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
  for (const lang of ["zh-CN", "en-US"])
    for (const width of [1366, 1024]) {
      const ctx = await browser.newContext({ viewport: { width, height: 768 }, locale: lang, timezoneId: "Asia/Shanghai" });
      const page = await ctx.newPage();
      const name = (n) => join(artifacts, `${lang}-${width}-${n}.png`);
      const setLang = async () => {
        if (lang === "en-US") await page.getByText("English", { exact: true }).first().click();
      };
      try {
        await shoot(page, { base, lang, width, name, setLang });
        console.log(`ok ${lang} ${width}`);
      } catch (e) {
        failed += 1;
        console.error(`FAILED ${lang} ${width}: ${e}`);
        await page.screenshot({ path: name("failed") }).catch(() => undefined);
      } finally {
        await ctx.close();
      }
    }
  await browser.close();
  await server.close();
  process.exit(failed ? 1 : 0);
}
