// The unlock screen of a passphrase station: nothing opens before the right passphrase.
import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import App from "../App";
import { installBackend } from "./render";

describe("the unlock screen", () => {
  it("refuses a wrong passphrase with the tries left, opens nothing, then opens with the right one", { timeout: 30_000 }, async () => {
    const { calls } = installBackend({ seed: "demo", passphrase: "祁连山下的联络站" });
    render(<App />);
    expect(await screen.findByTestId("unlock")).toHaveTextContent("本站的数据库已加密");
    expect(screen.getByTestId("unlock")).toHaveTextContent("忘记口令，数据无法找回");
    const user = userEvent.setup();
    await user.type(screen.getByTestId("unlock-passphrase"), "wrong passphrase");
    await user.click(screen.getByTestId("unlock-submit"));
    expect(await screen.findByTestId("unlock-error")).toHaveTextContent("站点口令不对，数据库没有打开（还可以再试 4 次）");
    // Nothing of the station was asked for, nor shown.
    expect(calls.some((c) => c.cmd === "station_info")).toBe(false);
    expect(screen.queryByTestId("sign-in")).toBeNull();
    expect(screen.getByTestId("unlock-passphrase")).toHaveValue("");

    await user.type(screen.getByTestId("unlock-passphrase"), "祁连山下的联络站");
    await user.click(screen.getByTestId("unlock-submit"));
    // The database is open: the desk (the demo station's founder is signed in) or sign-in.
    expect(await screen.findByTestId("dashboard")).toBeInTheDocument();
    expect(screen.queryByTestId("unlock")).toBeNull();
  });

  it("makes one wait after five wrong passphrases", { timeout: 30_000 }, async () => {
    installBackend({ seed: "demo", passphrase: "祁连山下的联络站" });
    render(<App />);
    await screen.findByTestId("unlock");
    const user = userEvent.setup();
    for (let i = 0; i < 5; i++) {
      await user.type(screen.getByTestId("unlock-passphrase"), `wrong ${i}`);
      await user.click(screen.getByTestId("unlock-submit"));
      await screen.findByTestId("unlock-error");
    }
    expect(screen.getByTestId("unlock-error")).toHaveTextContent("请 30 秒后再试");
    await user.type(screen.getByTestId("unlock-passphrase"), "祁连山下的联络站");
    await user.click(screen.getByTestId("unlock-submit"));
    expect(await screen.findByTestId("unlock-error")).toHaveTextContent("请 30 秒后再试");
    expect(screen.queryByTestId("dashboard")).toBeNull();
  });
});
