// The association's console (casedesk-hub serve --console) in Debian's Chromium, driven by
// playwright-core, against the real hub that scripts/console-e2e.sh starts with stations that
// really enrolled and pushed. Screenshots of every step go to test-artifacts/console/.
//
//   bash scripts/console-e2e.sh
//
// Env (set by the script): CONSOLE_URL, CONSOLE_ADMIN, CONSOLE_PASSWORD, SILENT_DEVICE (the
// station last seen ten days ago), FROZEN_DEVICE, REVOKE_DEVICE, CODE_OUT (the enrollment code
// made in the console is written there, for the script to enroll a station with it), CHROMIUM,
// E2E_ARTIFACTS.
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set: run scripts/console-e2e.sh`);
    process.exit(2);
  }
  return v;
};
const base = env("CONSOLE_URL");
const admin = env("CONSOLE_ADMIN");
const password = env("CONSOLE_PASSWORD");
const silentDevice = env("SILENT_DEVICE");
const frozenDevice = env("FROZEN_DEVICE");
const revokeDevice = env("REVOKE_DEVICE");
const codeOut = env("CODE_OUT");
const artifacts = env("E2E_ARTIFACTS");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });

const userDataDir = mkdtempSync(join(tmpdir(), "casedesk-console-e2e-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 800 },
  locale: "zh-CN",
  timezoneId: "Asia/Shanghai",
});

let passed = 0;
let failed = 0;
let n = 0;
const consoleErrors = [];

async function step(page, name, fn) {
  n += 1;
  const file = join(artifacts, `${String(n).padStart(2, "0")}-${name}.png`);
  try {
    await fn();
    await page.screenshot({ path: file, fullPage: true });
    passed += 1;
    console.log(`ok   ${name} -> ${file}`);
  } catch (e) {
    failed += 1;
    await page.screenshot({ path: file.replace(/\.png$/, "-FAILED.png"), fullPage: true }).catch(() => undefined);
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
    if (consoleErrors.length) console.log("     console errors:\n       " + consoleErrors.slice(-5).join("\n       "));
    throw e;
  }
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

const row = (page, device) => page.locator(`tr[data-device="${device}"]`);

async function logIn(page, name, pass) {
  await page.goto(`${base}/login`);
  await page.getByLabel("用户名").fill(name);
  await page.getByLabel("密码").fill(pass);
  await page.getByRole("button", { name: "登录" }).click();
}

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(8000);

  await step(page, "pages-need-login", async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/login`);
    await page.getByRole("heading", { name: "管理员登录" }).waitFor();
  });

  await step(page, "login-wrong-password", async () => {
    await logIn(page, admin, `${password}-wrong`);
    await page.getByRole("alert").filter({ hasText: "用户名或密码不正确" }).waitFor();
    const cookies = await context.cookies(base);
    check(!cookies.some((c) => c.name === "cdk_console"), "a session cookie after a wrong password");
  });

  await step(page, "stations", async () => {
    await logIn(page, admin, password);
    await page.getByRole("heading", { name: "站点与设备" }).waitFor();
    const session = (await context.cookies(base)).find((c) => c.name === "cdk_console");
    check(session, "no session cookie");
    check(session.httpOnly && session.secure && session.sameSite === "Strict", `session cookie flags: ${JSON.stringify(session)}`);
    check((await page.locator("table.devices tbody tr[data-device]").count()) >= 3, "fewer than 3 devices");
    const silent = row(page, silentDevice);
    check((await silent.getAttribute("class"))?.includes("silent"), "the silent station is not flagged");
    await silent.getByText("超过 7 天未联系").waitFor();
    const active = row(page, revokeDevice);
    check(!(await active.getAttribute("class"))?.includes("silent"), "a station in contact is flagged silent");
    const received = Number(await active.locator("td.num").first().innerText());
    check(received > 0, `no events received from the station: ${received}`);
    await page.getByText("1 台超过 7 天未联系").waitFor();
    await row(page, frozenDevice).getByText("已冻结").waitFor();
  });

  await step(page, "quarantine-and-refusals", async () => {
    await page.getByRole("link", { name: "隔离与拒收" }).click();
    await page.getByRole("heading", { name: "拒收的上传" }).waitFor();
    const refused = page.locator("table.refusals tbody tr");
    check((await refused.count()) >= 1, "no refused push listed");
    await refused.filter({ hasText: "tampered" }).first().waitFor();
  });

  await step(page, "enrollment-code-with-qr", async () => {
    await page.getByRole("link", { name: "注册码" }).click();
    await page.getByLabel("单位").selectOption("HX0201");
    await page.getByLabel("有效期（小时）").fill("24");
    await page.getByRole("button", { name: "制作" }).click();
    await page.getByRole("heading", { name: /新注册码/ }).waitFor();
    const code = (await page.locator("textarea.code").inputValue()).trim();
    check(code.startsWith("CDE1-"), `not a code: ${code.slice(0, 20)}`);
    const qr = page.locator(".qr svg");
    const box = await qr.boundingBox();
    check(box && box.width >= 200 && box.height >= 200, `QR code too small: ${JSON.stringify(box)}`);
    check((await qr.locator("path, rect").count()) > 0, "QR code has no modules");
    await page.locator("table.codes tbody tr").filter({ hasText: "未使用" }).first().waitFor();
    writeFileSync(codeOut, code);
  });

  await step(page, "post-without-csrf-refused", async () => {
    const r = await page.request.post(`${base}/devices/${revokeDevice}/revoke`, { form: { csrf: "forged" }, maxRedirects: 0 });
    check(r.status() === 403, `forged POST answered ${r.status()}`);
  });

  await step(page, "revoke-confirm", async () => {
    await page.getByRole("link", { name: "站点与设备" }).click();
    await row(page, revokeDevice).getByRole("link", { name: "吊销" }).click();
    await page.getByRole("heading", { name: "吊销设备" }).waitFor();
    await page.getByText("吊销后此设备不能再同步").waitFor();
  });

  await step(page, "revoked-and-recorded", async () => {
    await page.getByRole("button", { name: "确认吊销" }).click();
    await page.getByRole("heading", { name: "操作记录" }).waitFor();
    const entry = page.locator("table.actions-log tbody tr").filter({ hasText: revokeDevice });
    await entry.filter({ hasText: "吊销" }).filter({ hasText: admin }).waitFor();
    await page.getByRole("link", { name: "站点与设备" }).click();
    await row(page, revokeDevice).getByText("已吊销").waitFor();
    check((await row(page, revokeDevice).getByRole("link", { name: "吊销" }).count()) === 0, "revoke still offered");
  });

  await step(page, "unfreeze-confirm", async () => {
    await row(page, frozenDevice).getByRole("link", { name: "解冻" }).click();
    await page.getByRole("heading", { name: "解冻设备" }).waitFor();
    await page.getByText("冻结原因").waitFor();
  });

  await step(page, "unfrozen-and-recorded", async () => {
    await page.getByRole("button", { name: "确认解冻" }).click();
    await page.getByRole("heading", { name: "操作记录" }).waitFor();
    await page.locator("table.actions-log tbody tr").filter({ hasText: frozenDevice }).filter({ hasText: "解冻" }).waitFor();
    await page.locator("table.actions-log tbody tr").filter({ hasText: "制作注册码" }).waitFor();
    await page.getByRole("link", { name: "站点与设备" }).click();
    await row(page, frozenDevice).getByText("正常").waitFor();
  });

  await step(page, "english", async () => {
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { name: "Stations and devices" }).waitFor();
    await row(page, silentDevice).getByText("silent > 7 days").waitFor();
    await page.getByRole("link", { name: "Enrollment codes" }).click();
    await page.getByRole("heading", { name: "Make an enrollment code" }).waitFor();
    const chinese = await page.locator("main").evaluate((el) => {
      // Text of the page outside unit names (which are Chinese data, not interface).
      const clone = el.cloneNode(true);
      clone.querySelectorAll("select, td").forEach((e) => e.remove());
      return clone.textContent.match(/[\u4e00-\u9fff]+/g) ?? [];
    });
    check(chinese.length === 0, `untranslated: ${chinese.join(" ")}`);
  });

  await step(page, "logout", async () => {
    await page.getByRole("link", { name: "中文" }).click();
    await page.getByRole("heading", { name: "注册码", exact: true }).waitFor();
    await page.getByRole("button", { name: "退出" }).click();
    await page.waitForURL(`${base}/login`);
    await page.goto(`${base}/actions`);
    await page.waitForURL(`${base}/login`);
  });

  await step(page, "login-attempts-limited", async () => {
    // Ten attempts per address in ten minutes; three were made above.
    let limited = false;
    for (let i = 0; i < 12 && !limited; i++) {
      await logIn(page, admin, `wrong-${i}-password`);
      limited = (await page.getByRole("alert").filter({ hasText: "登录尝试过多" }).count()) > 0;
    }
    check(limited, "login attempts are not limited");
    await logIn(page, admin, password);
    await page.getByRole("alert").filter({ hasText: "登录尝试过多" }).waitFor();
  });

  // The wrong passwords, the forged POST and the limited logins are answered 401, 403 and 429.
  const real = consoleErrors.filter((e) => !/status of (401|403|429)/.test(e));
  if (real.length) {
    failed += 1;
    console.log("FAIL console errors:\n  " + real.slice(0, 10).join("\n  "));
  }
} catch {
  // reported above
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
