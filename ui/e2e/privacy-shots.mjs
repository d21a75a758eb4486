// Screenshots of the privacy screens in browser mode (mock backend), at 1366×768 and 1024×768,
// in Chinese and English: the wizard's key choice (with and without a keyring), the first-head
// screen, and Settings' idle lock and retention cards with the confirmation.
//
//   npm run build && node e2e/privacy-shots.mjs      (the harness: shots.mjs)
import { runShots } from "./shots.mjs";

await runShots("ui-privacy", async (page, { base, name, setLang }) => {
  // The wizard, keyring offered, passphrase chosen.
  await page.goto(`${base}?fresh=1`);
  await page.getByTestId("setup-submit").waitFor();
  await setLang();
  await page.getByTestId("setup-key-passphrase").click();
  await page.getByTestId("setup-passphrase").fill("柴达木盆地的联络站");
  await page.getByTestId("setup-passphrase2").fill("柴达木盆地的联络站");
  await page.getByTestId("setup-passphrase-warning").scrollIntoViewIfNeeded();
  await page.screenshot({ path: name("01-wizard-key-choice") });
  // No keyring: the passphrase is required.
  await page.goto(`${base}?fresh=1&nokeyring=1`);
  await page.getByTestId("setup-no-keyring").waitFor();
  await setLang();
  await page.getByTestId("setup-no-keyring").scrollIntoViewIfNeeded();
  await page.screenshot({ path: name("02-wizard-no-keyring") });
  // A station without passwords: the first head.
  await page.goto(`${base}?fresh=1&demo=1&nopasswords=1`);
  await page.getByTestId("first-head").waitFor();
  await setLang();
  await page.screenshot({ path: name("03-first-head") });
  await page.getByTestId("first-head-name").fill("卓玛");
  await page.getByTestId("first-head-secret").fill("德令哈-2026");
  await page.getByTestId("first-head-secret2").fill("德令哈-2026");
  await page.getByTestId("first-head-submit").click();
  await page.getByTestId("dashboard").waitFor({ timeout: 20000 });
  // Settings: idle lock and retention.
  await page.goto(`${base}#/settings`);
  await page.getByTestId("idle-lock").waitFor();
  await setLang();
  await page.waitForTimeout(300);
  await page.getByTestId("idle-lock").scrollIntoViewIfNeeded();
  await page.screenshot({ path: name("04-idle-lock") });
  const card = page.getByTestId("retention");
  await card.scrollIntoViewIfNeeded();
  await page.getByTestId("retention-days").fill("30");
  await page.getByTestId("retention-save").click();
  await page.waitForTimeout(400);
  await card.evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.screenshot({ path: name("05-retention-list") });
  const box = card.locator("tr.ant-table-row").first().locator("input[type=checkbox]");
  await box.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await box.check({ force: true });
  await page.getByTestId("retention-anonymize").click();
  await page.getByTestId("retention-confirm").waitFor();
  await page.screenshot({ path: name("06-retention-confirm") });
  await page.getByTestId("retention-confirm").click();
  await page.getByTestId("retention-result").waitFor();
  await page.getByTestId("retention-result").scrollIntoViewIfNeeded();
  await page.screenshot({ path: name("07-retention-done") });
});
