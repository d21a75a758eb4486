import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import SettingsPage from "../pages/Settings";
import { installBackend, renderRoute } from "./render";

function realStation() {
  const env = installBackend({ seed: "none" });
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
});
