"""Helpers shared by the desktop end-to-end test and scripts/measure-desktop.py.

The real CaseDesk binary is started by WebKitWebDriver (behind tauri-driver), which the runner
scripts start under Xvfb. The app inherits tauri-driver's environment; the database of each
session is chosen by a small launcher script (`CASEDESK_DB=... exec app "$@"`, same pid), so one
tauri-driver can start the app on different databases.

Environment (set by scripts/desktop-e2e.sh and scripts/measure-desktop.sh):
  CASEDESK_DESKTOP_BIN  absolute path of the casedesk-desktop binary (custom-protocol build)
  TAURI_DRIVER_URL      e.g. http://127.0.0.1:4444
  TAURI_DRIVER_PID      pid of tauri-driver (to find the app's process tree)
  DESKTOP_ARTIFACTS     where screenshots go (default: <repo>/test-artifacts/desktop)
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
# A WebDriver command that takes longer than this fails (rather than hanging the run).
COMMAND_TIMEOUT_S = 90
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env_or_fail(name: str) -> str:
    v = os.environ.get(name)
    if not v:
        raise RuntimeError(f"{name} is not set: run this through scripts/desktop-e2e.sh or scripts/measure-desktop.sh")
    return v


def artifacts_dir() -> Path:
    d = Path(os.environ.get("DESKTOP_ARTIFACTS") or REPO / "test-artifacts" / "desktop")
    d.mkdir(parents=True, exist_ok=True)
    return d


# ---------------------------------------------------------------------------------------------
# Processes (Linux /proc)


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may contain spaces and parentheses: split after the last ')'.
    rest = raw[raw.rindex(")") + 2 :].split()
    return rest  # rest[0] = state, rest[1] = ppid, rest[19] = starttime


def ppid_map() -> dict[int, int]:
    out = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            st = _stat(int(p.name))
            if st:
                out[int(p.name)] = int(st[1])
    return out


def children(pid: int, pmap: dict[int, int] | None = None) -> list[int]:
    pmap = pmap if pmap is not None else ppid_map()
    return sorted(c for c, pp in pmap.items() if pp == pid)


def descendants(pid: int) -> list[int]:
    pmap = ppid_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children(p, pmap):
            out.append(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def exe_name(pid: int) -> str:
    try:
        return Path(os.readlink(f"/proc/{pid}/exe")).name
    except OSError:
        return "?"


def start_epoch(pid: int) -> float:
    """When the process started (wall clock, seconds; kernel granularity 1/CLK_TCK)."""
    st = _stat(pid)
    if st is None:
        raise ProcessLookupError(pid)
    btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
    # btime is whole seconds: derive the boot time precisely from the uptime clock instead.
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    boot = time.time() - uptime
    if abs(boot - btime) > 2:
        boot = btime
    return boot + int(st[19]) / CLK_TCK


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def app_tree(app_pid: int) -> list[tuple[int, str, int]]:
    """(pid, exe, PSS kB) of the app and every process below it (WebKitWebProcess, WebKitNetworkProcess...)."""
    pids = [app_pid] + descendants(app_pid)
    return [(p, exe_name(p), pss_kb(p)) for p in pids if alive(p)]


def find_app_pid(binary: str, known: set[int] | None = None, timeout: float = 10.0) -> int:
    """The newest process below tauri-driver running `binary` (and not in `known`)."""
    driver_pid = int(env_or_fail("TAURI_DRIVER_PID"))
    name = Path(binary).name
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        cands = [p for p in descendants(driver_pid) if exe_name(p) == name and alive(p) and p not in (known or set())]
        if cands:
            return max(cands, key=lambda p: int(_stat(p)[19]))  # type: ignore[index]
        time.sleep(0.02)
    raise RuntimeError(f"no {name} process below tauri-driver ({driver_pid})")


def stop_tree(pid: int, grace: float = 5.0) -> None:
    """Waits for `pid` and its descendants to end; SIGTERM then SIGKILL exactly those that remain."""
    tree = [pid] + descendants(pid)
    end = time.monotonic() + grace
    while time.monotonic() < end and any(alive(p) for p in tree):
        time.sleep(0.05)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = [p for p in tree if alive(p)]
        if not left:
            return
        for p in left:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        time.sleep(0.5)


# ---------------------------------------------------------------------------------------------
# Sessions


def launcher(db: Path, binary: str, extra_env: dict[str, str] | None = None) -> Path:
    """A script next to the database that starts the app on it (exec: the app keeps its pid)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {"CASEDESK_DB": str(db), **(extra_env or {})}
    script = db.parent / f"launch-{db.stem}.sh"
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
    script.write_text(f"#!/bin/sh\n{exports}exec {shlex.quote(binary)} \"$@\"\n")
    script.chmod(0o755)
    return script


def new_session(db: Path, binary: str | None = None, extra_env: dict[str, str] | None = None) -> webdriver.Remote:
    """Starts the app on `db` through tauri-driver and returns the WebDriver session."""
    binary = binary or env_or_fail("CASEDESK_DESKTOP_BIN")
    opts = ArgOptions()
    opts.set_capability("browserName", "wry")
    opts.set_capability("tauri:options", {"application": str(launcher(db, binary, extra_env))})
    conn = RemoteConnection(client_config=ClientConfig(remote_server_addr=env_or_fail("TAURI_DRIVER_URL"), timeout=COMMAND_TIMEOUT_S))
    drv = webdriver.Remote(command_executor=conn, options=opts)
    drv.set_script_timeout(60)
    return drv


def end_session(drv: webdriver.Remote, app_pid: int | None) -> None:
    try:
        drv.quit()
    except WebDriverException:
        pass
    if app_pid:
        stop_tree(app_pid)


# ---------------------------------------------------------------------------------------------
# Page helpers

# Errors the page raises after we hook them (see install_error_hook).
ERROR_HOOK = """
if (!window.__deskErrors) {
  window.__deskErrors = [];
  window.addEventListener('error', (e) => window.__deskErrors.push('error: ' + (e.message || e)));
  window.addEventListener('unhandledrejection', (e) => {
    const r = e.reason; window.__deskErrors.push('rejection: ' + (r && (r.message || r.code) || String(r)));
  });
}
"""


def install_error_hook(drv) -> None:
    drv.execute_script(ERROR_HOOK)


def page_errors(drv) -> list[str]:
    errs = drv.execute_script("return window.__deskErrors || []") or []
    return [e for e in errs if "ResizeObserver" not in e]


def two_frames(drv, timeout_ms: int = 3000) -> bool:
    """Waits two animation frames so the next screenshot shows the current DOM.

    Returns False when the frames did not come within timeout_ms (a hidden window gets none)."""
    return bool(
        drv.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            const t = setTimeout(() => done(false), arguments[0]);
            requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(t); done(true); }));
            """,
            timeout_ms,
        )
    )


def wait_visible_window(drv, timeout: float = 10.0) -> float:
    """Waits until the page is visible (the window is shown); returns the seconds waited."""
    t0 = time.monotonic()
    WebDriverWait(drv, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.visibilityState") == "visible"
    )
    return time.monotonic() - t0


# WebKitWebDriver's Take Screenshot waits for the web process's next presentation update: on a
# page where nothing changes any more (seen on the intake success page) it waited forever. A
# 1-pixel, nearly transparent element repainted on every frame while the screenshot is taken
# keeps updates coming; it is removed right after.
TICK_START = """
const d = document.createElement('div');
d.id = '__desk_tick';
d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647;background:rgba(0,0,0,0.004)';
document.documentElement.appendChild(d);
let k = 0;
const step = () => { if (!d.isConnected) return; k ^= 1; d.style.background = k ? 'rgba(0,0,0,0.008)' : 'rgba(0,0,0,0.004)'; requestAnimationFrame(step); };
requestAnimationFrame(step);
"""
TICK_STOP = "const d = document.getElementById('__desk_tick'); if (d) d.remove();"


def shot(drv, name: str) -> Path:
    """Screenshot of the window after two animation frames (so it shows the current DOM)."""
    path = artifacts_dir() / f"{name}.png"
    drv.execute_script(TICK_START)
    try:
        framed = two_frames(drv)
        drv.save_screenshot(str(path))
    finally:
        drv.execute_script(TICK_STOP)
    if not framed:
        print(f"warning: no animation frame before screenshot {name}")
    return path


def wait(drv, cond, timeout: float = 10.0, what: str = ""):
    try:
        return WebDriverWait(drv, timeout, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,)).until(cond)
    except TimeoutException as e:
        raise AssertionError(f"timed out after {timeout}s waiting for {what or cond}") from e


def tid(test_id: str) -> tuple[str, str]:
    return (By.CSS_SELECTOR, f'[data-testid="{test_id}"]')


def find(drv, test_id: str, timeout: float = 10.0):
    return wait(drv, lambda d: d.find_element(*tid(test_id)), timeout, f"[data-testid={test_id}]")


def text_of(drv, test_id: str) -> str:
    els = drv.find_elements(*tid(test_id))
    # innerText, not WebDriver's visible text: that one leaves out text cut with an ellipsis.
    return (els[0].get_attribute("innerText") or "") if els else ""


def wait_text(drv, test_id: str, needle: str, timeout: float = 10.0) -> str:
    """Waits until the element with data-testid contains `needle`; returns its text."""

    def ok(d):
        t = text_of(d, test_id)
        return t if needle in t else False

    return wait(drv, ok, timeout, f"{needle!r} in [data-testid={test_id}] (now {text_of(drv, test_id)!r})")


def by_text(drv, xpath_tag: str, text: str, timeout: float = 10.0):
    """The first visible element `xpath_tag` whose normalized text is exactly `text`."""
    xp = f"//{xpath_tag}[normalize-space(.)={xpath_literal(text)}]"

    def ok(d):
        for el in d.find_elements(By.XPATH, xp):
            if el.is_displayed():
                return el
        return False

    return wait(drv, ok, timeout, f"{xpath_tag} with text {text!r}")


def xpath_literal(s: str) -> str:
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in s.split("'")) + ")"


CASE_NO = re.compile(r"[A-Z0-9]+-\d{4}-[A-Z0-9]+-\d{5}")
