// Screenshots of Settings' 备份 and U 盘 cards in browser mode (mock backend), at 1366×768 and
// 1024×768, in Chinese and English: the folder fields with 选择…, the warning where there is no
// system dialog, and a station file that stayed unencrypted with its passphrase form and the
// confirmation.
//
//   npm run build && node e2e/backup-shots.mjs      (the harness: shots.mjs)
import { runShots } from "./shots.mjs";

await runShots("ui-backup", async (page, { base, name, setLang }) => {
  // A real station (demonstration stations have no USB bundles), from the wizard.
  await page.goto(`${base}?fresh=1&plain=1`);
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
  await page.getByTestId("backup-plain").evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.getByTestId("encrypt-passphrase").fill("柴达木的新口令-2026");
  await page.getByTestId("encrypt-passphrase2").fill("柴达木的新口令-2026");
  await page.screenshot({ path: name("03-plain-station") });
  await page.getByTestId("encrypt-submit").click();
  await page.getByRole("dialog").waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: name("04-encrypt-confirm") });
});
