import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import SettingsPage from "../pages/Settings";
import { installBackend, renderRoute, rustError } from "./render";

function realStation(override?: (cmd: string, args: Record<string, unknown>) => unknown, plain = false) {
  const env = installBackend({ seed: "none", plain }, override);
  env.backend.handler("setup_station", {
    req: {
      op_id: "setup",
      unit: "HX0201",
      unit_name: "德令哈市消费者投诉联络站",
      unit_kind: "liaison_station",
      parent: "HX02",
      admin_code: "632802",
      device_code: "A1",
      device_name: "前台电脑",
      staff_name: "马玉梅",
      load_demo: false,
    },
  });
  return env;
}

describe("the 备份 card of Settings", () => {
  it("backs up now, to a chosen folder too, checks a backup and restores one after saying what happens", async () => {
    const { calls } = realStation();
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("backup-card");
    const user = userEvent.setup();
    await within(card).findByText("还没有备份");
    expect(card).toHaveTextContent("备份和数据库一样加密");

    await user.click(within(card).getByTestId("backup-now"));
    await waitFor(() => expect(within(card).getByTestId("backup-result")).toHaveTextContent("已备份（1 份）"));
    expect(within(card).getByTestId("backup-list")).toHaveTextContent("手动");
    expect(within(card).getByTestId("backup-list")).toHaveTextContent("本机");

    // A relative path is refused with the field named; a USB folder is kept.
    await user.type(within(card).getByTestId("backup-extra"), "usb");
    await user.click(within(card).getByTestId("backup-extra-save"));
    await screen.findByText("找不到这个文件夹（U 盘没插好？）");
    await user.clear(within(card).getByTestId("backup-extra"));
    await user.type(within(card).getByTestId("backup-extra"), "/media/usb");
    await user.click(within(card).getByTestId("backup-extra-save"));
    await screen.findByText("备份位置已保存");
    expect(calls.filter((c) => c.cmd === "backup_set_folder").at(-1)?.args).toEqual({ req: { folder: "/media/usb" } });

    await user.click(within(card).getByTestId("backup-now"));
    await waitFor(() => expect(within(card).getByTestId("backup-result")).toHaveTextContent("已备份（2 份）"));
    const rows = within(card).getByTestId("backup-list").querySelectorAll("tbody tr.ant-table-row");
    expect(rows).toHaveLength(3);
    expect(within(card).getByTestId("backup-list")).toHaveTextContent("另存位置");
    expect(within(card).getByTestId("backup-list")).toHaveTextContent("/media/usb");

    await user.click(within(card).getAllByTestId("backup-check")[0]);
    await waitFor(() => expect(within(card).getByTestId("backup-check-result")).toHaveTextContent("完好"));

    await user.click(within(card).getAllByTestId("backup-restore")[2]);
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("用这份备份恢复？");
    expect(dialog).toHaveTextContent("应用会关闭现在的数据库，改为打开恢复的副本");
    expect(dialog).toHaveTextContent("新的设备身份");
    expect(dialog).toHaveTextContent("已经同步到协会的内容都不会丢失");
    // Nothing happens before the confirmation.
    expect(calls.some((c) => c.cmd === "backup_restore")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "恢复" }));
    await screen.findByText(/已恢复：德令哈市消费者投诉联络站/);
    const restore = calls.find((c) => c.cmd === "backup_restore")?.args as { req: { path: string; op_id: string } };
    expect(restore.req.path).toMatch(/casedesk-\d{8}T\d{9}Z-manual\.cdkbak$/);
    expect(restore.req.op_id).toBeTruthy();
  });

  it("asks for the passphrase of a backup made with another one, checks with it and restores with it", async () => {
    // The Rust side answers `backup.other_passphrase` without the backup's passphrase and
    // `backup.wrong_key` with a wrong one; the mock takes the right one.
    const refuse = (cmd: string, args: Record<string, unknown>) => {
      if (cmd !== "backup_check" && cmd !== "backup_restore") return undefined;
      const given = cmd === "backup_check" ? args.passphrase : (args.req as { passphrase?: string | null }).passphrase;
      if (!given)
        throw rustError({
          code: "backup.other_passphrase",
          arg: "",
          message: "这个备份用另一个站点口令加密：请输入制作备份时的站点口令",
          issues: [],
        });
      if (given !== "旧口令-2025-海西")
        throw rustError({ code: "backup.wrong_key", arg: "", message: "这个备份用的不是本站的密钥或口令，无法打开", issues: [] });
      return undefined;
    };
    const { calls } = realStation(refuse);
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("backup-card");
    const user = userEvent.setup();
    await user.click(within(card).getByTestId("backup-now"));
    await waitFor(() => expect(within(card).getByTestId("backup-result")).toHaveTextContent("已备份（1 份）"));

    // 检查 without the passphrase: the row asks for it.
    await user.click(within(card).getByTestId("backup-check"));
    const field = await within(card).findByTestId("backup-check-passphrase");
    expect(within(card).getByTestId("backup-check-with")).toBeDisabled();
    await user.type(field, "错的口令");
    await user.click(within(card).getByTestId("backup-check-with"));
    await waitFor(() =>
      expect(within(card).getByTestId("backup-check-result")).toHaveTextContent("不能使用：这个备份用的不是本站的密钥或口令"),
    );
    // 重新输入口令 asks again; the right passphrase opens it.
    await user.click(within(card).getByTestId("backup-check-again"));
    const again = await within(card).findByTestId("backup-check-passphrase");
    await user.clear(again);
    await user.type(again, "旧口令-2025-海西");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(within(card).getByTestId("backup-check-result")).toHaveTextContent("完好"));
    expect(calls.filter((c) => c.cmd === "backup_check").map((c) => c.args.passphrase)).toEqual([null, "错的口令", "旧口令-2025-海西"]);

    // The restore dialog carries the passphrase field, filled from the check, and says what changes.
    await user.click(within(card).getByTestId("backup-restore"));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("本站改用这个口令解锁");
    const pass = within(dialog).getByTestId("backup-restore-passphrase");
    expect(pass).toHaveValue("旧口令-2025-海西");
    // Emptied, the dialog names what is missing and sends nothing.
    await user.clear(pass);
    await user.click(within(dialog).getByRole("button", { name: "恢复" }));
    await within(dialog).findByText("请输入这份备份的口令");
    expect(calls.some((c) => c.cmd === "backup_restore")).toBe(false);
    await user.type(pass, "旧口令-2025-海西");
    await user.click(within(dialog).getByRole("button", { name: "恢复" }));
    await screen.findByText(/已恢复：德令哈市消费者投诉联络站/);
    const restore = calls.find((c) => c.cmd === "backup_restore")?.args as { req: { passphrase: string } };
    expect(restore.req.passphrase).toBe("旧口令-2025-海西");
  });

  it("a restore that finds another passphrase opens the field in the dialog", async () => {
    const { calls } = realStation((cmd, args) => {
      if (cmd === "backup_restore" && !(args.req as { passphrase?: string | null }).passphrase)
        throw rustError({ code: "backup.other_passphrase", arg: "", message: "另一个口令", issues: [] });
      return undefined;
    });
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("backup-card");
    const user = userEvent.setup();
    await user.click(within(card).getByTestId("backup-now"));
    await waitFor(() => expect(within(card).getByTestId("backup-result")).toHaveTextContent("已备份（1 份）"));
    await user.click(within(card).getByTestId("backup-restore"));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).queryByTestId("backup-restore-passphrase")).toBeNull();
    await user.click(within(dialog).getByRole("button", { name: "恢复" }));
    const pass = await within(dialog).findByTestId("backup-restore-passphrase");
    expect(dialog).toHaveTextContent("请输入这份备份的口令");
    await user.type(pass, "旧口令{Enter}");
    await screen.findByText(/已恢复：德令哈市消费者投诉联络站/);
    expect(calls.filter((c) => c.cmd === "backup_restore").map((c) => (c.args.req as { passphrase: string | null }).passphrase)).toEqual([
      null,
      "旧口令",
    ]);
  });

  it("fills the USB folder from the system's dialog, and says to type it where there is none", async () => {
    let dialog = true;
    const { calls } = realStation((cmd) => (cmd === "pick_path" && dialog ? "/media/zhuoma/KINGSTON" : undefined));
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("backup-card");
    const user = userEvent.setup();
    await user.type(await within(card).findByTestId("backup-extra"), "/media/zhuoma");
    await user.click(within(card).getByTestId("backup-extra-browse"));
    await waitFor(() => expect(within(card).getByTestId("backup-extra")).toHaveValue("/media/zhuoma/KINGSTON"));
    // The dialog opens where the typed path is, as a folder dialog with the card's title.
    expect(calls.find((c) => c.cmd === "pick_path")?.args).toEqual({
      req: { title: "选择文件夹（U 盘）", start: "/media/zhuoma", extensions: [] },
    });
    await user.click(within(card).getByTestId("backup-extra-save"));
    await screen.findByText("备份位置已保存");
    expect(calls.filter((c) => c.cmd === "backup_set_folder").at(-1)?.args).toEqual({ req: { folder: "/media/zhuoma/KINGSTON" } });

    // No dialog (the mock answers as the desktop without a window): a warning, the field kept.
    dialog = false;
    await user.click(within(card).getByTestId("backup-extra-browse"));
    await screen.findByText(/请直接输入完整路径/);
    expect(within(card).getByTestId("backup-extra")).toHaveValue("/media/zhuoma/KINGSTON");
  });

  it("picks the return bundle as a .cdkb file", async () => {
    const { calls } = realStation((cmd) => (cmd === "pick_path" ? "/media/zhuoma/KINGSTON/casedesk-return-HX0201.cdkb" : undefined));
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("bundle-card");
    const user = userEvent.setup();
    await user.click(within(card).getByTestId("bundle-file-browse"));
    await waitFor(() => expect(within(card).getByTestId("bundle-file")).toHaveValue("/media/zhuoma/KINGSTON/casedesk-return-HX0201.cdkb"));
    expect(calls.find((c) => c.cmd === "pick_path")?.args).toEqual({ req: { title: "选择回执包文件", start: null, extensions: ["cdkb"] } });
    expect(within(card).getByTestId("bundle-import")).toBeEnabled();
  });

  it("a station that stayed unencrypted: the head sets a passphrase, confirms, and the plain backups go", async () => {
    const { calls } = realStation(undefined, true);
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("backup-card");
    const user = userEvent.setup();
    const plain = await within(card).findByTestId("backup-plain");
    expect(plain).toHaveTextContent("本站数据库没有加密");
    expect(card).toHaveTextContent("注意：本站数据库没有加密，备份也没有加密");
    await user.click(within(card).getByTestId("backup-now"));
    await waitFor(() => expect(within(card).getByTestId("backup-result")).toHaveTextContent("已备份（1 份）"));

    // Checked in the form first: too short, then two that differ.
    await user.type(within(plain).getByTestId("encrypt-passphrase"), "短口令");
    await user.type(within(plain).getByTestId("encrypt-passphrase2"), "短口令");
    await user.click(within(plain).getByTestId("encrypt-submit"));
    await within(plain).findByText("站点口令至少要 8 个字符");
    await user.clear(within(plain).getByTestId("encrypt-passphrase"));
    await user.type(within(plain).getByTestId("encrypt-passphrase"), "柴达木的新口令-2026");
    await user.click(within(plain).getByTestId("encrypt-submit"));
    await within(plain).findByText("两次输入的口令不一致");
    await user.clear(within(plain).getByTestId("encrypt-passphrase2"));
    await user.type(within(plain).getByTestId("encrypt-passphrase2"), "柴达木的新口令-2026");
    await user.click(within(plain).getByTestId("encrypt-submit"));

    // The confirmation says what changes; nothing is sent before it.
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("用这个口令加密数据库？");
    expect(dialog).toHaveTextContent("口令丢失后无法找回");
    expect(dialog).toHaveTextContent("旧的未加密备份会被删除");
    expect(calls.some((c) => c.cmd === "encrypt_station")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "设置口令并加密" }));
    await screen.findByText("数据库已加密，删除了 1 份未加密的旧备份");
    expect(calls.find((c) => c.cmd === "encrypt_station")?.args).toEqual({ req: { passphrase: "柴达木的新口令-2026" } });
    await waitFor(() => expect(within(card).queryByTestId("backup-plain")).toBeNull());
    expect(card).toHaveTextContent("备份和数据库一样加密");
    expect(within(card).getByTestId("backup-list").querySelectorAll("tbody tr.ant-table-row")).toHaveLength(1);
  });
});
