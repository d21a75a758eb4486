// Browser end-to-end test: vite preview (browser mode, mock backend) + Debian's Chromium driven by
// playwright-core (no browser download). Screenshots of every step go to test-artifacts/ui/.
//
//   npm run build && npm run test:e2e
//
// Env: CHROMIUM (default /usr/bin/chromium), E2E_PORT (default 4173), E2E_ARTIFACTS.
import { chromium } from "playwright-core";
import { preview } from "vite";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const uiDir = resolve(here, "..");
const artifacts = process.env.E2E_ARTIFACTS ?? resolve(uiDir, "..", "test-artifacts", "ui");
const port = Number(process.env.E2E_PORT ?? 4173);
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

if (!existsSync(join(uiDir, "dist", "index.html"))) {
  console.error("ui/dist is missing: run `npm run build` first");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const server = await preview({ root: uiDir, preview: { port, strictPort: true, host: "127.0.0.1" }, logLevel: "warn" });
const base = `http://127.0.0.1:${port}/`;
const userDataDir = mkdtempSync(join(tmpdir(), "casedesk-e2e-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
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

async function step(page, name, fn, opts = {}) {
  n += 1;
  const file = join(artifacts, `${String(n).padStart(2, "0")}-${name}.png`);
  const t0 = Date.now();
  try {
    await fn();
    await page.waitForTimeout(150);
    await page.screenshot({ path: file, fullPage: !!opts.full });
    passed += 1;
    console.log(`ok   ${name} (${Date.now() - t0} ms) -> ${file}`);
  } catch (e) {
    failed += 1;
    await page.screenshot({ path: file.replace(/\.png$/, "-FAILED.png") }).catch(() => undefined);
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
    if (consoleErrors.length) console.log("     console errors:\n       " + consoleErrors.slice(-5).join("\n       ").slice(0, 3000));
    throw e;
  }
}

async function pickSelect(page, inputSelector, optionText) {
  await page.locator(inputSelector).click();
  const opt = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${optionText}"]`).first();
  await opt.click();
}

async function waitCount(locator, want, timeout = 5000) {
  const end = Date.now() + timeout;
  let got = -1;
  while (Date.now() < end) {
    got = await locator.count();
    if (got === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${want} elements, got ${got}`);
}

const expectText = async (locator, text, timeout = 5000) => {
  await locator.filter({ hasText: text }).first().waitFor({ state: "visible", timeout });
};

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(8000);

  await step(page, "setup-wizard", async () => {
    await page.goto(`${base}?fresh=1`);
    await page.getByText("欢迎使用投诉调解工作台").waitFor();
  });

  await step(page, "dashboard", async () => {
    await page.fill("#unit", "HX0201");
    await page.fill("#unit_name", "德令哈市消费者投诉联络站");
    await page.fill("#staff_name", "马玉梅");
    await page.fill("#staff_secret", "qinghai-2026");
    await page.fill("#staff_secret2", "qinghai-2026");
    await page.getByTestId("setup-submit").click();
    await page.getByTestId("dashboard").waitFor();
    await page.getByTestId("todo-overdue").waitFor();
    const received = await page.getByTestId("stat-received").innerText();
    if (!/\d/.test(received)) throw new Error(`no month count: ${received}`);
  });

  await step(
    page,
    "intake-filled",
    async () => {
      await page.getByRole("menuitem", { name: "投诉登记" }).click();
      await page.locator("#intake_complainants_0_name").waitFor();
      await page.fill("#intake_complainants_0_name", "索南才让");
      await page.fill("#intake_complainants_0_phones_0", "13897712345");
      await page.fill("#intake_complainants_0_village", "德令哈市宗务隆乡团结牧委会");
      await page.fill("#intake_respondents_0_name", "德令哈市高原牧业饲料店");
      await page.keyboard.press("Escape");
      await pickSelect(page, "#intake_respondents_0_kind", "个体工商户");
      await page.locator("#intake_category").click();
      await page.keyboard.type("农用");
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="农用生产资料类"]').first().click();
      await pickSelect(page, "#intake_nature", "质量");
      await page.fill("#intake_facts_content", "2026年11月在该店购买羊饲料10袋，开袋后发现霉变结块，店主拒绝退换。");
      await page.getByRole("checkbox", { name: "退货", exact: true }).check();
      await page.getByRole("checkbox", { name: "赔偿损失", exact: true }).check();
      await page.fill("#intake_claim", "1,234.56");
      await page.locator("#intake_request_text").click();
      await page.getByText("草稿已自动保存", { exact: false }).waitFor({ timeout: 4000 });
    },
    { full: true },
  );

  let caseNo = "";
  await step(page, "intake-success", async () => {
    await page.keyboard.press("Control+Enter");
    const no = page.getByTestId("case-no");
    await no.waitFor();
    caseNo = ((await no.innerText()).match(/HX0201-\d{4}-A1-\d{5}/) ?? [""])[0];
    if (!caseNo) throw new Error("no case number shown");
  });

  await step(page, "list-search", async () => {
    await page.getByRole("menuitem", { name: "案件列表" }).click();
    await page.getByTestId("list-search").fill("高原牧业");
    await waitCount(page.getByTestId("case-row"), 1);
    await expectText(page.getByTestId("case-row"), caseNo);
    await page.getByTestId("list-total").filter({ hasText: "1" }).waitFor();
  });

  await step(page, "detail-registered", async () => {
    await page.getByTestId("case-row").first().click();
    await page.getByTestId("detail-no").filter({ hasText: caseNo }).waitFor();
    await expectText(page.getByTestId("detail-status"), "待受理");
    await page.getByTestId("act-case.accepted").waitFor();
    if (await page.getByTestId("act-case.closed").count()) throw new Error("close must not be offered before acceptance");
  });

  await step(page, "accepted", async () => {
    await page.getByTestId("act-case.accepted").click();
    await page.getByTestId("action-ok").click();
    await expectText(page.getByTestId("detail-status"), "已受理");
    await expectText(page.getByTestId("timeline"), "受理");
  });

  // Small screens (issue 13 item 4): the 记录调解情况 dialog fits with its 确定 button in view;
  // the list keeps 类别 and 期限 in view; the side menu collapses on a narrow window.
  const inView = async (locator, what) => {
    const box = await locator.boundingBox();
    const vp = page.viewportSize();
    if (!box) throw new Error(`${what} is not shown`);
    if (box.y < 0 || box.y + box.height > vp.height || box.x < 0 || box.x + box.width > vp.width)
      throw new Error(`${what} is outside the ${vp.width}×${vp.height} window: ${JSON.stringify(box)}`);
  };
  for (const [lang, w, h] of [
    ["zh", 1366, 768],
    ["zh", 1280, 800],
    ["zh", 1024, 768],
    ["en", 1024, 768],
    ["en", 1366, 768],
  ]) {
    await step(page, `dialog-${lang}-${w}x${h}`, async () => {
      await page.setViewportSize({ width: w, height: h });
      if (lang === "en") await page.getByTestId("lang-switch").getByText("English").click();
      await page.getByTestId("act-case.session_recorded").click();
      const ok = page.getByTestId("action-ok");
      await ok.waitFor();
      await page.waitForTimeout(200);
      await inView(ok, "the 确定 button");
      const sider = await page.locator(".app-sider").boundingBox();
      if (w < 1200 && sider.width > 80) throw new Error(`the side menu is ${sider.width} px wide at ${w} px`);
      if (w >= 1200 && sider.width < 150) throw new Error(`the side menu collapsed at ${w} px`);
    });
    await page.keyboard.press("Escape");
    await page
      .getByTestId("action-ok")
      .waitFor({ state: "detached" })
      .catch(() => undefined);
    await step(page, `list-${lang}-${w}x${h}`, async () => {
      await page.getByRole("menuitem", { name: lang === "en" ? "Cases" : "案件列表" }).click();
      await page.getByTestId("case-row").first().waitFor();
      await page.waitForTimeout(200);
      for (const col of ["no", "status", "category", "deadline"]) await inView(page.getByTestId(`col-${col}`), `column ${col}`);
      await inView(page.getByTestId("case-row").first().locator(".deadline-cell"), "the first row's deadline");
      // Headers do not run into each other: each ends before the next begins.
      const heads = await page
        .locator(".vtable-head > div")
        .evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().right, e.scrollWidth > e.clientWidth]));
      const boxes = await page.locator(".vtable-head > div").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
      for (let i = 1; i < boxes.length; i++) if (heads[i - 1][0] > boxes[i]) throw new Error(`header ${i} overlaps header ${i + 1}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) throw new Error(`the page is ${overflow} px wider than the window`);
    });
    await page.goBack();
    await page.getByTestId("act-case.session_recorded").waitFor();
    if (lang === "en") await page.getByTestId("lang-switch").getByText("中文").click();
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  await step(page, "session-recorded", async () => {
    await page.getByTestId("act-case.session_recorded").click();
    await page.locator("#action_mediator").fill("巴特尔");
    await page.keyboard.press("Escape");
    await pickSelect(page, "#action_result", "达成协议");
    await page.fill("#action_record", "双方到场。店主同意退还货款并赔偿部分损失。");
    await page.getByTestId("action-ok").click();
    await expectText(page.getByTestId("detail-status"), "调解中");
    await expectText(page.getByTestId("timeline"), "巴特尔");
  });

  await step(page, "correction", async () => {
    await page.getByTestId("act-case.edited").click();
    await page.getByTestId("edit-form").waitFor();
    await page.fill("#edit_respondents_0_phone", "12");
    await page.getByTestId("edit-ok").click();
    // The problem is shown beside the field, and nothing is saved.
    await page.locator(".ant-form-item-explain-error").filter({ hasText: "电话号码格式不正确" }).first().waitFor();
    await page.fill("#edit_respondents_0_phone", "0977-8221234");
    await page.getByTestId("edit-ok").click();
    await page.getByTestId("edit-form").waitFor({ state: "detached" });
    await expectText(page.getByTestId("case-detail"), "0977-8221234");
    await expectText(page.getByTestId("timeline"), "更正：被投诉人 1 · 联系电话");
  });

  await step(page, "closed", async () => {
    await page.getByTestId("act-case.closed").click();
    await page.fill("#action_recovered", "1,000.50");
    await page.getByTestId("action-ok").click();
    await expectText(page.getByTestId("detail-status"), "已办结");
    await expectText(page.getByTestId("detail-recovered"), "1,000.50");
  });

  await step(page, "back-to-search", async () => {
    // Back from the case: the list comes back with the search that found it.
    await page.locator(".back-link").click();
    await page.getByTestId("case-list").waitFor();
    const q = await page.getByTestId("list-search").inputValue();
    if (q !== "高原牧业") throw new Error(`search box after going back: ${JSON.stringify(q)}`);
    await waitCount(page.getByTestId("case-row"), 1);
    await expectText(page.getByTestId("case-row"), caseNo);
  });

  await step(
    page,
    "dashboard-after",
    async () => {
      await page.getByRole("menuitem", { name: "工作台" }).click();
      await page.getByTestId("dashboard").waitFor();
    },
    { full: true },
  );

  await step(page, "roving", async () => {
    await page.getByRole("menuitem", { name: "流动受理" }).click();
    await page.fill("#roving_start_place", "柯鲁柯镇希望村");
    await page.getByTestId("roving-start").click();
    await page.getByTestId("roving-current").waitFor();
    await page.getByTestId("consult-add").click();
    // Without a topic the core refuses it, and says so under the topic.
    await page.locator(".ant-form-item-has-error").filter({ hasText: "必填项不能为空" }).first().waitFor();
    await page.getByTestId("consult-topic").fill("饲料兽药");
    await page.getByTestId("consult-add").click();
    await page.locator(".ant-form-item-has-error").waitFor({ state: "detached" });
    await expectText(page.getByTestId("roving-current"), "柯鲁柯镇希望村");
  });

  // 统计: the month's report, a figure opened as its cases, hot spots and supervision; looked
  // at in the two window sizes clerks have (1366×768 laptops, 1024×768 old screens).
  for (const [w, h] of [
    [1366, 768],
    [1024, 768],
  ]) {
    await step(
      page,
      `statistics-${w}`,
      async () => {
        await page.setViewportSize({ width: w, height: h });
        await page.getByRole("menuitem", { name: "统计" }).click();
        await page.getByTestId("fig-accepted").waitFor();
        await page.getByTestId("stats-report").getByText("按投诉性质").waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) throw new Error(`the page is ${overflow} px wider than the window`);
      },
      { full: true },
    );
  }
  await step(page, "statistics-drill", async () => {
    const accepted = (await page.getByTestId("fig-accepted").locator(".ant-statistic-content-value").innerText()).trim();
    await page.getByTestId("fig-accepted").click();
    await page.getByTestId("report-filter").waitFor();
    await page.getByTestId("list-total").filter({ hasText: accepted }).waitFor();
  });
  await step(page, "statistics-hotspots", async () => {
    await page.getByRole("menuitem", { name: "统计" }).click();
    await page.getByRole("tab", { name: "投诉热点" }).click();
    await page.getByTestId("stats-hotspots").waitFor();
    const drafts = page.getByTestId("draft-warning");
    if ((await drafts.count()) > 0) {
      await drafts.first().click();
      await expectText(page.getByTestId("draft-text"), "消费提示");
      await page.keyboard.press("Escape");
    }
  });
  await step(
    page,
    "statistics-supervision",
    async () => {
      // At 1024×768 (the loop above left it there): the stations and the staff table fit.
      await page.getByRole("tab", { name: "站点督导" }).click();
      await page.getByTestId("stats-supervision").getByText("示范站条件").first().waitFor();
      await page.getByTestId("stats-staff").getByText("马玉梅").first().waitFor();
      await page.getByTestId("stats-supervision").getByText("按工作人员").first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) throw new Error(`the page is ${overflow} px wider than the window`);
    },
    { full: true },
  );
  await page.setViewportSize({ width: 1280, height: 800 });

  await step(page, "settings", async () => {
    await page.getByRole("menuitem", { name: "设置" }).click();
    await page.getByTestId("settings").waitFor();
    await page.getByTestId("enroll-code").fill("bad code");
    await page.getByTestId("enroll-submit").click();
    await page.getByTestId("enroll-result").waitFor();
  });

  await step(page, "english", async () => {
    await page.getByTestId("lang-switch").getByText("English").click();
    await page.getByRole("menuitem", { name: "Cases" }).waitFor();
    await page.getByRole("menuitem", { name: "Cases" }).click();
    await page.getByTestId("list-search").fill(caseNo);
    await waitCount(page.getByTestId("case-row"), 1);
    await expectText(page.getByTestId("case-row"), "Closed");
  });

  await step(page, "english-detail", async () => {
    await page.getByTestId("case-row").first().click();
    await expectText(page.getByTestId("detail-status"), "Closed");
    await page.getByText("Recovered").first().waitFor();
    await page.getByText("Resolved by mediation").first().waitFor();
  });

  // Back to Chinese for the next run's defaults.
  await page.getByTestId("lang-switch").getByText("中文").click();

  const big = await context.newPage();
  big.setDefaultTimeout(15000);
  await step(big, "list-100k", async () => {
    await big.setViewportSize({ width: 1280, height: 800 });
    await big.goto(`${base}?demo=1&bulk=100000#/cases`);
    await big.getByTestId("case-row").first().waitFor();
    await big.getByTestId("list-total").filter({ hasText: "100" }).waitFor();
    const scroller = big.getByTestId("list-scroll");
    const t0 = Date.now();
    for (let i = 0; i < 12; i++) {
      await scroller.evaluate((el) => el.scrollBy(0, el.scrollHeight));
      await big.waitForTimeout(120);
    }
    const dt = Date.now() - t0;
    const dom = await big.getByTestId("case-row").count();
    const loaded = await big.locator(".vtable-foot").innerText();
    console.log(`     100k list: ${dom} row elements in the DOM, ${loaded}, ${dt} ms for 12 scrolls`);
    if (dom > 80) throw new Error(`too many rows in the DOM: ${dom}`);
    if (!/\d/.test(loaded)) throw new Error("no rows loaded");
  });
  await big.close();

  // The home screen in English, at both window sizes: case numbers on one line.
  const desk = await context.newPage();
  desk.setDefaultTimeout(15000);
  await desk.goto(`${base}?fresh=1&demo=1#/`);
  await desk.getByTestId("dashboard").waitFor();
  await desk.getByTestId("lang-switch").getByText("English").click();
  for (const [w, h] of [
    [1024, 768],
    [1366, 768],
  ]) {
    await step(
      desk,
      `dashboard-en-${w}`,
      async () => {
        await desk.setViewportSize({ width: w, height: h });
        await desk.getByRole("menuitem", { name: "Desk" }).click();
        await desk.getByTestId("dashboard").waitFor();
        await desk.getByTestId("todo-item").first().waitFor();
        const wrapped = await desk
          .locator(".todo-item .case-no")
          .evaluateAll((els) =>
            els
              .filter((e) => e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).lineHeight) * 1.5)
              .map((e) => e.textContent),
          );
        if (wrapped.length) throw new Error(`case numbers wrap: ${wrapped.join(", ")}`);
        const bar = await desk.locator(".app-header").boundingBox();
        if (bar.height > 66) throw new Error(`the top bar is ${bar.height} px high (it wrapped)`);
        const name = await desk.locator(".station-name").evaluate((e) => e.getBoundingClientRect().height);
        if (name > 30) throw new Error(`the station name wraps (${name} px high)`);
      },
      { full: true },
    );
  }
  await desk.getByTestId("lang-switch").getByText("中文").click();
  await desk.close();

  const real = consoleErrors.filter((e) => !/favicon|ResizeObserver|Download the React DevTools/.test(e));
  if (real.length) {
    console.log("console errors:\n  " + real.slice(0, 10).join("\n  "));
  }
} catch {
  // reported above
} finally {
  await context.close();
  await new Promise((r) => server.httpServer.close(r));
  rmSync(userDataDir, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
