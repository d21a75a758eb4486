// The desktop's leftovers of staff, privacy and retention, over the mock backend: the retention
// screen (period, cases past it, anonymise after a confirmation), the head's idle lock, the first
// head of a station without passwords, and the wizard's choice of how the key is kept.
import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import App from "../App";
import SettingsPage from "../pages/Settings";
import SetupWizard, { passphraseStrength } from "../pages/SetupWizard";
import { installBackend, renderRoute } from "./render";

const DAY = 86_400_000;

function closedCases(backend: ReturnType<typeof installBackend>["backend"]) {
  return backend.db.cases.filter((c) => c.status === "closed" && c.closure);
}

describe("retention", () => {
  it("lists the closed cases past the period and anonymises the chosen one after a confirmation", { timeout: 60_000 }, async () => {
    const { backend, calls } = installBackend({ seed: "demo" });
    const closed = closedCases(backend);
    expect(closed.length).toBeGreaterThan(2);
    // A period of 30 days: the cases closed longer ago are due.
    backend.db.retention_days = 30;
    const due = closed.filter((c) => Date.parse(c.closure!.at) + 30 * DAY <= Date.now());
    expect(due.length).toBeGreaterThan(0);
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("retention");
    const table = within(card).getByTestId("retention-due");
    const oldest = [...due].sort((a, b) => a.closure!.at.localeCompare(b.closure!.at))[0];
    const row = (await within(table).findByText(oldest.reg.case_no)).closest("tr")!;
    const over = Math.floor((Date.now() - (Date.parse(oldest.closure!.at) + 30 * DAY)) / DAY);
    expect(row).toHaveTextContent(`${over} 天`);

    const user = userEvent.setup();
    await user.click(within(row).getByRole("checkbox"));
    await user.click(within(card).getByTestId("retention-anonymize"));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("删除 1 件案件的个人信息");
    expect(dialog).toHaveTextContent("证件号码");
    expect(dialog).toHaveTextContent("统计报表的数字不变");
    await user.click(within(dialog).getByTestId("retention-confirm"));
    expect(await within(card).findByTestId("retention-result")).toHaveTextContent("已删除 1 件案件的个人信息");
    expect(calls.filter((c) => c.cmd === "retention_apply")).toHaveLength(1);
    const after = backend.db.cases.find((c) => c.id === oldest.id)!;
    expect(after.anonymized_at).not.toBeNull();
    expect(after.reg.complainants[0].name).toBe("");
    await waitFor(() => expect(within(table).queryByText(oldest.reg.case_no)).toBeNull());
  });

  it("changes the period", { timeout: 30_000 }, async () => {
    const { backend } = installBackend({ seed: "demo" });
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("retention");
    const input = within(card).getByTestId("retention-days");
    await waitFor(() => expect(input).toHaveValue("1095"));
    const user = userEvent.setup();
    await user.clear(input);
    await user.type(input, "730");
    await user.click(within(card).getByTestId("retention-save"));
    await waitFor(() => expect(backend.db.retention_days).toBe(730));
  });

  it("is not shown to a clerk, and the core refuses them anyway", async () => {
    const { backend } = installBackend({ seed: "demo" });
    const head = backend.db.staff[0];
    backend.db.staff.push({ id: "clerk-1", unit: head.unit, name: "小王", roles: ["clerk"], phone: "", languages: ["zh"], active: true });
    backend.db.session = "clerk-1";
    renderRoute("/settings", "/settings", <SettingsPage />);
    await screen.findByTestId("idle-lock");
    expect(screen.queryByTestId("retention")).toBeNull();
    expect(() => backend.dispatch("retention_get", {})).toThrow();
    expect(screen.queryByTestId("idle-minutes")).toBeNull();
  });
});

describe("idle lock", () => {
  it("a head sets it in minutes within the bounds; the session carries it", { timeout: 30_000 }, async () => {
    const { backend } = installBackend({ seed: "demo" });
    renderRoute("/settings", "/settings", <SettingsPage />);
    const card = await screen.findByTestId("idle-lock");
    const input = await within(card).findByTestId("idle-minutes");
    await waitFor(() => expect(input).toHaveValue("10"));
    expect(card).toHaveTextContent("可设为 1–120 分钟");
    const user = userEvent.setup();
    await user.clear(input);
    await user.type(input, "3");
    await user.click(within(card).getByTestId("idle-save"));
    await waitFor(() => expect(backend.db.idle_lock_secs).toBe(180));
    expect((backend.dispatch("session_info", {}) as { idle_lock_secs: number }).idle_lock_secs).toBe(180);
    // Out of bounds: refused by the backend with the field's range.
    expect(() => backend.dispatch("idle_lock_set", { req: { secs: 10 } })).toThrow();
  });
});

describe("first head", () => {
  it("a station without passwords asks for its first head before anything else", { timeout: 60_000 }, async () => {
    const { backend } = installBackend({ seed: "demo" });
    // As a station set up before staff accounts: nobody has a password, nobody is signed in.
    backend.db.secrets = {};
    backend.db.session = null;
    render(<App />);
    expect(await screen.findByTestId("first-head")).toBeInTheDocument();
    expect(screen.queryByTestId("sign-in")).toBeNull();
    const user = userEvent.setup();
    await user.type(screen.getByTestId("first-head-name"), "卓玛");
    await user.type(screen.getByTestId("first-head-secret"), "德令哈-2026");
    await user.type(screen.getByTestId("first-head-secret2"), "德令哈-2027");
    await user.click(screen.getByTestId("first-head-submit"));
    expect(await screen.findByText("两次输入不一致")).toBeInTheDocument();
    expect(Object.keys(backend.db.secrets)).toHaveLength(0);
    await user.clear(screen.getByTestId("first-head-secret2"));
    await user.type(screen.getByTestId("first-head-secret2"), "德令哈-2026");
    await user.click(screen.getByTestId("first-head-submit"));
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    expect(screen.getByTestId("signed-in-as")).toHaveTextContent("卓玛");
    const me = backend.db.staff.find((s) => s.name === "卓玛")!;
    expect(me.roles).toContain("head");
    // From now on the station opens through sign-in only.
    expect(() => backend.dispatch("first_head", { req: { name: "别人", secret: "12345678" } })).toThrow();
  });
});

describe("setup wizard: the key", () => {
  async function fillStation(user: ReturnType<typeof userEvent.setup>) {
    await user.type(await screen.findByLabelText("单位代码"), "HX0209");
    await user.type(screen.getByLabelText("单位名称"), "测试联络站");
    await user.type(screen.getByLabelText("您的姓名"), "卓玛");
    await user.type(screen.getByTestId("setup-secret"), "德令哈-2026");
    await user.type(screen.getByTestId("setup-secret2"), "德令哈-2026");
  }

  it("offers the keyring by default, or a passphrase twice with the warning", { timeout: 60_000 }, async () => {
    const { calls } = installBackend({ seed: "none", keyring: true });
    renderRoute("/", "/", <SetupWizard />);
    const user = userEvent.setup();
    await fillStation(user);
    expect(await screen.findByTestId("setup-key-keyring")).toBeChecked();
    expect(screen.queryByTestId("setup-passphrase")).toBeNull();
    await user.click(screen.getByTestId("setup-key-passphrase"));
    expect(await screen.findByTestId("setup-passphrase-warning")).toHaveTextContent("无法找回");
    await user.type(screen.getByTestId("setup-passphrase"), "柴达木盆地的联络站");
    expect(screen.getByTestId("setup-passphrase-strength")).toHaveTextContent("强度");
    await user.type(screen.getByTestId("setup-passphrase2"), "柴达木盆地的联络站");
    await user.click(screen.getByTestId("setup-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "setup_station")).toBe(true));
    const req = calls.find((c) => c.cmd === "setup_station")!.args.req as { passphrase: string | null };
    expect(req.passphrase).toBe("柴达木盆地的联络站");
  });

  it("sends no passphrase when the keyring is kept", { timeout: 60_000 }, async () => {
    const { calls } = installBackend({ seed: "none", keyring: true });
    renderRoute("/", "/", <SetupWizard />);
    const user = userEvent.setup();
    await fillStation(user);
    await screen.findByTestId("setup-key-keyring");
    await user.click(screen.getByTestId("setup-submit"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "setup_station")).toBe(true));
    expect((calls.find((c) => c.cmd === "setup_station")!.args.req as { passphrase: unknown }).passphrase).toBeNull();
  });

  it("requires a passphrase where there is no keyring", { timeout: 60_000 }, async () => {
    const { calls } = installBackend({ seed: "none", keyring: false });
    renderRoute("/", "/", <SetupWizard />);
    const user = userEvent.setup();
    await fillStation(user);
    expect(await screen.findByTestId("setup-no-keyring")).toBeInTheDocument();
    expect(screen.queryByTestId("setup-key-choice")).toBeNull();
    await user.type(screen.getByTestId("setup-passphrase"), "short");
    await user.click(screen.getByTestId("setup-submit"));
    expect(await screen.findByText(/至少 8/)).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "setup_station")).toBe(false);
  });

  it("rates passphrases roughly", () => {
    expect(passphraseStrength("abc", 8)).toBe(0);
    expect(passphraseStrength("aaaaaaaa", 8)).toBe(1);
    expect(passphraseStrength("柴达木盆地的联络站", 8)).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength("Qinghai-2026-Delingha!", 8)).toBe(4);
  });
});
