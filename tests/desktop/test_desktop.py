"""End-to-end test of the real CaseDesk desktop app (Tauri + WebKitGTK) through WebDriver.

Run it with scripts/desktop-e2e.sh (it starts Xvfb and tauri-driver and sets the environment
that desk.py reads). One station is created on an empty database (demo data off, so every count
is known), one complaint goes through its whole life, and the app is then restarted on the same
database to check that everything was stored. Assertions are on the DOM; each step also leaves a
screenshot in test-artifacts/desktop/ (taken after two animation frames).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import desk
from desk import by_text, find, shot, tid, wait, wait_text

UNIT = "HX0201"
# The founder's password (set in the wizard; argon2id on this computer only).
PASSWORD = "qinghai-2026"
# The station passphrase of the unlock test's station (no keyring under the test's Xvfb session).
PASSPHRASE = "柴达木盆地的联络站"
UNIT_NAME = "德令哈市消费者投诉联络站"
RESPONDENT = "德令哈市高原牧业饲料店"
# How long after the process starts the window may stay hidden (it starts hidden, and is shown
# when the UI calls app_ready after its first render; Rust's fallback shows it after 5 s).
WINDOW_SHOWN_WITHIN_S = 3.0


def click(el) -> None:
    """Scrolls `el` to the middle of the view first: WebDriver's own scrolling puts it at the
    bottom edge, under the intake form's sticky footer, and the click is intercepted."""
    el.parent.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", el)
    el.click()


def menu(drv, label: str) -> None:
    click(by_text(drv, "li[@role='menuitem']", label))


def fill(drv, css_id: str, text: str) -> None:
    el = wait(drv, lambda d: d.find_element(By.ID, css_id), 10, f"#{css_id}")
    el.parent.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", el)
    el.clear()
    el.send_keys(text)


def replace_text(drv, css_id: str, text: str) -> None:
    """Replaces what a filled-in field holds. Element Clear changes the DOM value without an
    input event, so React would keep the old text; select-all and typing over it are seen."""
    el = wait(drv, lambda d: d.find_element(By.ID, css_id), 10, f"#{css_id}")
    el.parent.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", el)
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(Keys.BACKSPACE)
    el.send_keys(text)
    wait(drv, lambda d: el.get_attribute("value") == text, 5, f"#{css_id} holding {text!r}")


OPEN_DROPDOWN = ".ant-select-dropdown:not(.ant-select-dropdown-hidden)"


def close_dropdown(drv, css_id: str) -> None:
    """Escape in the field, then wait until no select/autocomplete dropdown is open (a closing
    one still covers the fields below it and takes their clicks)."""
    drv.find_element(By.ID, css_id).send_keys(Keys.ESCAPE)
    wait(drv, lambda d: not any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, OPEN_DROPDOWN)), 5, "dropdowns closed")


def open_select(drv, css_id: str) -> None:
    """Opens an antd Select/TreeSelect whose search input has id `css_id`.

    Focus + ArrowDown rather than a click: a click on the select box was sometimes taken by the
    field above it (its closing dropdown, or the dialog still scrolling), and the wrong field
    opened."""
    el = wait(drv, lambda d: d.find_element(By.ID, css_id), 10, f"#{css_id}")
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", el)
    el.send_keys(Keys.ARROW_DOWN)
    try:
        wait(drv, lambda d: el.get_attribute("aria-expanded") == "true", 2, f"#{css_id} expanded")
    except AssertionError:
        click(el.find_element(By.XPATH, "./ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' ant-select ')][1]"))


def pick_option(drv, css_id: str, title: str) -> None:
    # The option in this select's own dropdown (the one holding its listbox `<id>_list`).
    find_opt = """
      const list = document.getElementById(arguments[0] + '_list');
      const dd = list && list.closest('.ant-select-dropdown');
      return [...(dd || document).querySelectorAll('.ant-select-item-option')]
        .find(o => o.getAttribute('title') === arguments[1] && o.offsetParent !== null) || null;
    """

    def selected(d) -> bool:
        box = d.find_element(By.ID, css_id).find_element(By.XPATH, "./ancestor::div[contains(@class,'ant-select')][1]")
        return title in box.get_attribute("innerText")

    # Up to three tries: once in a few runs the click landed while the dropdown was still being
    # laid out, and nothing was selected.
    for attempt in range(3):
        open_select(drv, css_id)
        opt = wait(drv, lambda d: d.execute_script(find_opt, css_id, title), 5, f"option {title!r} of #{css_id}")
        click(opt)
        try:
            wait(drv, selected, 3, f"{title!r} selected")
            return
        except AssertionError:
            if attempt == 2:
                raise


def check_label(drv, label: str) -> None:
    """Ticks the antd checkbox whose label is exactly `label`."""
    wrapper = by_text(drv, "label[contains(@class,'ant-checkbox-wrapper')]", label)
    box = wrapper.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
    if not box.is_selected():
        click(wrapper)
    wait(drv, lambda d: box.is_selected(), 5, f"{label!r} ticked")


def to_top(drv) -> None:
    """Scrolls the page back to the top (the dialogs' scrollIntoView also scrolls the page)."""
    drv.execute_script(
        "window.scrollTo(0, 0);"
        "for (const e of document.querySelectorAll('*')) if (e.scrollTop > 0) e.scrollTop = 0;"
    )


def sign_in(drv, name: str, password: str, choose: bool = True) -> None:
    if choose:
        pick_option(drv, "sign_in_staff", name)
    box = find(drv, "sign-in-secret")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(password)
    click(find(drv, "sign-in-submit"))


def text_of_timeline(drv) -> str:
    return find(drv, "timeline").get_attribute("textContent")


def body_text(drv) -> str:
    """The page's innerText (WebDriver's element text leaves out text cut with an ellipsis)."""
    return drv.execute_script("return document.body.innerText")


def checkbox(el):
    """The <input> of an antd checkbox/radio whose data-testid may sit on the input or its label."""
    return el if el.tag_name.lower() == "input" else el.find_element(By.CSS_SELECTOR, "input")


def stat(drv, test_id: str) -> str:
    """The value of an antd Statistic (without its title)."""
    return find(drv, test_id).find_element(By.CSS_SELECTOR, ".ant-statistic-content").text.strip()


def rows(drv) -> list:
    """The case list's visible rows (the list stays mounted, hidden, behind other screens)."""
    return drv.execute_script(
        "return [...document.querySelectorAll('[data-testid=\"case-row\"]')].filter(r => r.offsetParent !== null);"
    )


def press_ctrl_enter(el) -> None:
    # Element Send Keys with a modifier (released at the end). An ActionChains key_down/key_up
    # sequence hung WebKitWebDriver here once the form had been replaced by the success page.
    el.send_keys(Keys.CONTROL, Keys.ENTER)


@pytest.fixture(scope="class")
def app(request):
    """The app on a fresh database; the session is kept on the class for the steps."""
    tmp = Path(tempfile.mkdtemp(prefix="casedesk-e2e-"))
    cls = request.cls
    cls.db = tmp / "station.db"
    cls.drv = desk.new_session(cls.db)
    cls.app_pid = desk.find_app_pid(desk.env_or_fail("CASEDESK_DESKTOP_BIN"))
    cls.started = desk.start_epoch(cls.app_pid)
    yield cls
    if cls.drv is not None:
        desk.end_session(cls.drv, cls.app_pid)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.incremental
@pytest.mark.usefixtures("app")
class TestCaseLifecycle:
    drv = None
    case_no = ""

    def test_01_setup_wizard_on_first_start(self):
        drv = self.drv
        by_text(drv, "h2", "欢迎使用投诉调解工作台", timeout=20)
        desk.install_error_hook(drv)
        assert "这台电脑还没有设置站点" in body_text(drv)
        assert find(drv, "setup-create").is_selected(), "'create a station' is the default"
        assert not checkbox(find(drv, "load-demo")).is_selected(), "demo data is off by default"
        # The window starts hidden; wait until it is shown so the screenshot has pixels.
        desk.wait_visible_window(drv, timeout=15)
        type(self).shown_after = time.time() - self.started
        shot(drv, "01-setup-wizard")

    @pytest.mark.not_a_step
    def test_02_window_shown_promptly(self):
        # Measured in step 1: from the app's process start to document.visibilityState "visible".
        assert self.shown_after <= WINDOW_SHOWN_WITHIN_S, (
            f"the window was shown {self.shown_after:.1f} s after start (fallback timer?): "
            "the UI should call the app_ready command after its first render"
        )

    def test_03_create_station_without_demo_data(self):
        drv = self.drv
        fill(drv, "unit", UNIT)
        fill(drv, "unit_name", UNIT_NAME)
        fill(drv, "staff_name", "马玉梅")
        fill(drv, "staff_secret", PASSWORD)
        fill(drv, "staff_secret2", PASSWORD)
        demo = checkbox(find(drv, "load-demo"))
        assert not demo.is_selected(), "a real station gets no demonstration data unless asked"
        # No keyring under the test's Xvfb session: the wizard requires the station passphrase
        # (twice, with the warning) instead of leaving the file unencrypted.
        find(drv, "setup-no-keyring")
        assert "无法找回" in find(drv, "setup-passphrase-warning").text
        fill(drv, "passphrase", PASSPHRASE)
        fill(drv, "passphrase2", PASSPHRASE)
        find(drv, "setup-passphrase-strength")
        shot(drv, "02-setup-filled")
        click(find(drv, "setup-submit"))
        find(drv, "dashboard", timeout=20)
        find(drv, "todo-overdue")
        assert b"SQLite format 3" not in self.db.read_bytes()[:16], "the new station file is encrypted"
        assert (self.db.parent / "station.db.key").exists(), "its key note names the passphrase"
        wait(drv, lambda d: stat(d, "stat-received") == "0", 10, "month received = 0 (no demo data)")
        assert stat(drv, "stat-closed") == "0"
        assert UNIT_NAME in body_text(drv), "the station's name is shown"
        shot(drv, "03-dashboard-empty")

    def test_04_fill_intake_form(self):
        drv = self.drv
        menu(drv, "投诉登记")
        fill(drv, "intake_complainants_0_name", "索南才让")
        fill(drv, "intake_complainants_0_phones_0", "13897712345")
        fill(drv, "intake_complainants_0_village", "德令哈市宗务隆乡团结牧委会")
        fill(drv, "intake_respondents_0_name", RESPONDENT)
        close_dropdown(drv, "intake_respondents_0_name")
        pick_option(drv, "intake_respondents_0_kind", "个体工商户")
        open_select(drv, "intake_category")
        drv.find_element(By.ID, "intake_category").send_keys("农用")
        node = '.ant-select-dropdown .ant-select-item-option[title="农用生产资料类"]'
        click(wait(drv, lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, node) if e.is_displayed()), False), 5, "category node"))
        pick_option(drv, "intake_nature", "质量")
        fill(drv, "intake_facts_content", "2026年11月在该店购买羊饲料10袋，开袋后发现霉变结块，店主拒绝退换。")
        check_label(drv, "退货")
        check_label(drv, "赔偿损失")
        fill(drv, "intake_claim", "1,234.56")
        click(drv.find_element(By.ID, "intake_request_text"))
        wait(drv, lambda d: "草稿已自动保存" in body_text(d), 6, "draft saved")
        assert not drv.find_elements(*tid("form-problems"))
        shot(drv, "04-intake-filled")

    def test_05_register_with_ctrl_enter(self):
        drv = self.drv
        box = drv.find_element(By.ID, "intake_request_text")
        click(box)
        press_ctrl_enter(box)
        text = wait_text(drv, "case-no", f"{UNIT}-", timeout=15)
        m = desk.CASE_NO.search(text)
        assert m, f"no case number in {text!r}"
        no = m.group(0)
        assert re.fullmatch(rf"{UNIT}-\d{{4}}-A1-\d{{5}}", no), no
        type(self).case_no = no
        assert "登记成功" in body_text(drv)
        shot(drv, "05-intake-success")

    def test_06_find_by_search(self):
        drv = self.drv
        menu(drv, "案件列表")
        wait(drv, lambda d: len(rows(d)) == 1, 10, "the one case in the list")
        box = find(drv, "list-search")
        # A term found nowhere first: the empty result proves the search is applied (the box
        # waits 300 ms before searching, and the unfiltered list has the same single row).
        box.send_keys("不存在的词语组合")
        wait(drv, lambda d: d.find_elements(By.CSS_SELECTOR, ".vtable-empty .ant-empty") and not rows(d), 10, "no rows for a term found nowhere")
        assert "没有符合条件的案件" in body_text(drv)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys("高原牧业")
        wait(drv, lambda d: len(rows(d)) == 1 and self.case_no in rows(d)[0].get_attribute("innerText"), 10, f"one row with {self.case_no}")
        # textContent: WebDriver's visible text leaves out cells cut with an ellipsis.
        row = rows(drv)[0].get_attribute("textContent")
        assert RESPONDENT in row and "索南才让" in row and "待受理" in row, row
        wait_text(drv, "list-total", "1")
        shot(drv, "06-list-search")

    def test_07_open_case(self):
        drv = self.drv
        click(rows(drv)[0])
        wait_text(drv, "detail-no", self.case_no)
        wait_text(drv, "detail-status", "待受理")
        find(drv, "act-case.accepted")
        assert not drv.find_elements(*tid("act-case.closed")), "closing must not be offered before acceptance"
        body = body_text(drv)
        for want in ("索南才让", RESPONDENT, "农用生产资料类", "质量", "1,234.56"):
            assert want in body, f"{want!r} not on the detail page"
        shot(drv, "07-detail-registered")

    def test_07b_numbers_masked_and_revealed_on_record(self):
        drv = self.drv
        body = body_text(drv)
        assert "13897712345" not in body, "the phone is masked on the case page"
        assert "138****2345" in body, body
        click(find(drv, "reveal-complainants[0].phones[0]"))
        wait_text(drv, "masked-complainants[0].phones[0]", "13897712345")
        wait_text(drv, "masked-complainants[0].phones[0]", "已记录查看")
        assert "马玉梅" in text_of_timeline(drv), "the timeline names who registered"
        shot(drv, "07b-revealed")

    def test_08_accept(self):
        drv = self.drv
        click(find(drv, "act-case.accepted"))
        click(find(drv, "action-ok"))
        wait_text(drv, "detail-status", "已受理")
        wait_text(drv, "timeline", "受理")
        find(drv, "act-case.session_recorded")
        to_top(drv)
        shot(drv, "08-accepted")

    def test_09_record_mediation_session(self):
        drv = self.drv
        click(find(drv, "act-case.session_recorded"))
        fill(drv, "action_mediator", "巴特尔")
        close_dropdown(drv, "action_mediator")
        pick_option(drv, "action_result", "达成协议")
        fill(drv, "action_record", "双方到场。店主同意退还货款并赔偿部分损失。")
        click(find(drv, "action-ok"))
        wait_text(drv, "detail-status", "调解中")
        wait_text(drv, "timeline", "巴特尔")
        to_top(drv)
        shot(drv, "09-session-recorded")

    def test_09b_correct_the_registration(self):
        """更正: a wrong credit code is refused by Rust beside its field; the right one is saved."""
        drv = self.drv
        click(find(drv, "act-case.edited"))
        find(drv, "edit-form")
        replace_text(drv, "edit_respondents_0_uscc", "91350100M000100Y44")
        click(find(drv, "edit-ok"))
        wait(
            drv,
            lambda d: "校验位错误" in d.execute_script(
                "const i = document.getElementById('edit_respondents_0_uscc');"
                "const item = i && i.closest('.ant-form-item');"
                "return item ? item.innerText : '';"
            ),
            10,
            "the check-digit problem beside the credit code",
        )
        shot(drv, "09b-correction-refused")
        replace_text(drv, "edit_respondents_0_uscc", "91350100M000100Y43")
        click(find(drv, "edit-ok"))
        wait(drv, lambda d: not d.find_elements(*tid("edit-form")), 10, "the correction dialog closed")
        wait_text(drv, "timeline", "更正：被投诉人 1 · 统一社会信用代码")
        assert "91350100M000100Y43" in body_text(drv)
        to_top(drv)
        shot(drv, "09c-corrected")

    def test_09d_record_the_agreement(self):
        """调解协议: closing as 调解成功 needs one (Rust refuses it beside the field otherwise)."""
        drv = self.drv
        click(find(drv, "act-case.agreement_recorded"))
        fill(drv, "action_terms", "店主退还货款 1,000.50 元，七日内付清。")
        replace_text(drv, "action_amount", "1,000.50")
        click(find(drv, "action-ok"))
        wait(drv, lambda d: not d.find_elements(By.CSS_SELECTOR, ".ant-modal-wrap:not([style*='display: none']) .ant-modal"), 10, "dialog closed")
        wait_text(drv, "timeline", "达成协议：店主退还货款")
        to_top(drv)
        shot(drv, "09d-agreement")

    def test_10_close_with_recovered_amount(self):
        drv = self.drv
        click(find(drv, "act-case.closed"))
        replace_text(drv, "action_recovered", "1,000.50")
        click(find(drv, "action-ok"))
        wait_text(drv, "detail-status", "已办结")
        wait_text(drv, "detail-recovered", "1,000.50")
        wait(drv, lambda d: not d.find_elements(By.CSS_SELECTOR, ".ant-modal-wrap:not([style*='display: none']) .ant-modal"), 5, "dialog closed")
        to_top(drv)
        shot(drv, "10-closed")

    def test_10b_issue_the_agreement_and_open_it(self):
        """文书: the 调解协议书 previewed with the number it will get, issued, and handed to the
        system's PDF viewer (xdg-open is a recorder here: scripts/desktop-lib.sh)."""
        drv = self.drv
        opened = Path(os.environ["DESK_OPENED"]) if os.environ.get("DESK_OPENED") else None
        panel = find(drv, "documents")
        drv.execute_script("arguments[0].scrollIntoView({block: 'start'})", panel)
        click(find(drv, "doc-preview-agreement"))
        number = wait(drv, lambda d: d.find_element(*tid("doc-next-number")).text, 30, "the number the agreement will get")
        wait(drv, lambda d: d.execute_script(
            "const i = document.querySelector('[data-testid=doc-pages] img');"
            "return i && i.complete && i.naturalWidth > 500;"), 30, "the first page rendered")
        shot(drv, "10b-agreement-preview")
        click(find(drv, "doc-issue-ok"))
        wait(drv, lambda d: not d.find_elements(*tid("doc-pages")), 30, "the preview closed")
        wait_text(drv, "documents", "调解协议书")
        issued = wait(drv, lambda d: [e.text for e in d.find_elements(*tid("doc-issued"))], 10, "the issued number")
        m = re.search(r"(\S+〔\d{4}〕第 \S+ 号)", number)
        assert m and any(m.group(1) in t for t in issued), (number, issued)
        wait_text(drv, "timeline", "出具调解协议书")
        if opened is not None:
            pdf = wait(drv, lambda d: opened.exists() and opened.read_text().strip(), 15, "xdg-open called")
            path = Path(pdf.splitlines()[-1])
            assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF-"), path
        shot(drv, "10c-agreement-issued")
        # The confirmations sit over the top bar until they fade.
        wait(drv, lambda d: not d.find_elements(By.CSS_SELECTOR, ".ant-message-notice"), 15, "the messages faded")

    def test_11_dashboard_counts_the_case(self):
        drv = self.drv
        menu(drv, "工作台")
        find(drv, "dashboard")
        wait(drv, lambda d: stat(d, "stat-received") == "1", 10, f"month received = 1 (now {stat(drv, 'stat-received')!r})")
        wait(drv, lambda d: stat(d, "stat-closed") == "1", 10, "month closed = 1")
        assert "1,000.50" in stat(drv, "stat-recovered")
        shot(drv, "11-dashboard-after")

    def test_11b_lock_wrong_pin_sign_in_again_and_the_access_log(self):
        drv = self.drv
        click(find(drv, "lock"))
        find(drv, "sign-in", timeout=10)
        assert not drv.find_elements(*tid("dashboard")), "nothing of the station behind the lock"
        shot(drv, "11b-locked")
        sign_in(drv, "马玉梅", "wrong-password")
        wait_text(drv, "sign-in-error", "再错 4 次")
        shot(drv, "11c-wrong-password")
        sign_in(drv, "马玉梅", PASSWORD, choose=False)
        find(drv, "dashboard", timeout=15)
        wait_text(drv, "signed-in-as", "马玉梅")
        menu(drv, "设置")
        log = wait_text(drv, "audit-log", "查看完整信息")
        assert self.case_no in log and "马玉梅" in log, log
        shot(drv, "11d-access-log")

    @pytest.mark.not_a_step
    def test_12_no_uncaught_page_errors(self):
        assert desk.page_errors(self.drv) == []

    def test_13_restart_keeps_everything(self):
        cls = type(self)
        desk.end_session(cls.drv, cls.app_pid)
        cls.drv = None
        known = {cls.app_pid}
        cls.drv = desk.new_session(cls.db)
        cls.app_pid = desk.find_app_pid(desk.env_or_fail("CASEDESK_DESKTOP_BIN"), known)
        drv = cls.drv
        # A restart asks for the station passphrase first, then who is working.
        find(drv, "unlock", timeout=20)
        find(drv, "unlock-passphrase").send_keys(PASSPHRASE)
        click(find(drv, "unlock-submit"))
        find(drv, "sign-in", timeout=20)
        assert not drv.find_elements(*tid("setup-submit")), "no wizard once the station exists"
        sign_in(drv, "马玉梅", PASSWORD)
        find(drv, "dashboard", timeout=20)
        wait(drv, lambda d: stat(d, "stat-closed") == "1", 10, "month closed = 1 after restart")
        menu(drv, "案件列表")
        find(drv, "list-search").send_keys(self.case_no)
        wait(drv, lambda d: len(rows(d)) == 1 and "已办结" in rows(d)[0].get_attribute("innerText"), 10, "the closed case after restart")
        desk.wait_visible_window(drv, timeout=15)
        shot(drv, "12-after-restart")

    def test_14_back_up_now_and_see_it_listed(self):
        drv = self.drv
        menu(drv, "设置")
        card = find(drv, "backup-card", timeout=10)
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
        click(find(drv, "backup-now"))
        wait_text(drv, "backup-result", "已备份（1 份）", timeout=20)
        listing = wait_text(drv, "backup-list", "手动")
        assert "本机" in listing, listing
        click(drv.find_elements(*tid("backup-check"))[0])
        wait_text(drv, "backup-check-result", "完好：1 件案件", timeout=20)
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", find(drv, "backup-card"))
        shot(drv, "13-backup-listed")

    def test_15_head_sets_the_idle_lock(self):
        drv = self.drv
        card = find(drv, "idle-lock", timeout=10)
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
        assert "可设为 1–120 分钟" in card.text, card.text
        box = find(drv, "idle-minutes")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.BACKSPACE)
        box.send_keys("15")
        click(find(drv, "idle-save"))
        # Saved: the button has nothing left to save, and the screen opened again reads 15 back
        # from the station file (the success toast is not waited for: the WebKit run did not
        # find it within 10 s, cause not found; the vitest test covers the call).
        wait(drv, lambda d: not find(d, "idle-save").is_enabled(), 10, "the idle lock saved")
        shot(drv, "14-idle-lock")
        menu(drv, "工作台")
        menu(drv, "设置")
        find(drv, "idle-minutes", timeout=10)
        wait(drv, lambda d: find(d, "idle-minutes").get_attribute("value") == "15", 10, "15 minutes read back")


def test_a_passphrase_station_opens_only_with_its_passphrase():
    """First start with CASEDESK_PASSPHRASE (no keyring here): the new file gets a passphrase key.
    Started again without it, the unlock screen shows; a wrong passphrase opens nothing."""
    tmp = Path(tempfile.mkdtemp(prefix="casedesk-e2e-unlock-"))
    db = tmp / "station.db"
    binary = desk.env_or_fail("CASEDESK_DESKTOP_BIN")
    drv = desk.new_session(db, extra_env={"CASEDESK_PASSPHRASE": PASSPHRASE})
    pid = desk.find_app_pid(binary)
    try:
        by_text(drv, "h2", "欢迎使用投诉调解工作台", timeout=20)
    finally:
        desk.end_session(drv, pid)
    assert (tmp / "station.db.key").exists(), "the key note beside the new file"
    assert b"SQLite format 3" not in db.read_bytes()[:16], "the new file is encrypted"
    drv = desk.new_session(db)
    pid2 = desk.find_app_pid(binary, {pid})
    try:
        find(drv, "unlock", timeout=20)
        assert not drv.find_elements(*tid("setup-submit")), "nothing opens before the passphrase"
        shot(drv, "20-unlock")
        find(drv, "unlock-passphrase").send_keys("not the passphrase")
        click(find(drv, "unlock-submit"))
        wait_text(drv, "unlock-error", "站点口令不对", timeout=20)
        assert not drv.find_elements(*tid("setup-submit")), "a wrong passphrase opens nothing"
        shot(drv, "21-unlock-wrong")
        find(drv, "unlock-passphrase").send_keys(PASSPHRASE)
        click(find(drv, "unlock-submit"))
        by_text(drv, "h2", "欢迎使用投诉调解工作台", timeout=20)
        shot(drv, "22-unlocked")
    finally:
        desk.end_session(drv, pid2)
        shutil.rmtree(tmp, ignore_errors=True)
