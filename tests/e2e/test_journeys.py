"""One working day per role, clicked through in the browser as its user would, at a desk
(1366 × 768) and on a phone (390 × 844), in the Chinese UI:

- a section chief finds the unit's new tasks, claims them in one go, reports progress, uploads
  proof and applies for completion;
- the legal office imports a plan, publishes it through the pre-flight check, urges a late task
  and issues its 督办通知单, reviews evidence in a batch, accepts one task and returns another,
  and downloads the annual report;
- the principal reads the dashboard, the duty list and the weekly briefing;
- the viewer exports the task list, the plan's workbook and the ranking;
- the administrator adds a user and a holiday and looks into the e-mail outbox.

Every journey fails on a console error, an uncaught script error, or any page or asset that
answers 4xx/5xx on the way. Navigation goes through the menu (behind the toggler on a phone),
as a user's would; what is asserted is what the user sees."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest

from tests.e2e.test_features import PLAN_TEXT
from tests.e2e.test_workflow import PDF, settled
from tracker.core import clock

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # a Friday, 10:00 in Shanghai
VIEWPORTS = {"desk": (1366, 768), "phone": (390, 844)}


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Set before the live server loads the demo, so its dates are those of NOW."""
    with clock.frozen_at(NOW):
        yield


class Journey:
    """A logged-in browser page at one size that records every problem a user could meet:
    console errors, script errors, and responses of 400 and above."""

    def __init__(self, browser, base: str, viewport: str, username: str):
        width, height = VIEWPORTS[viewport]
        self.base = base
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
        )
        # a journey is long and CI's two cores are shared by parallel workers: give each step
        # room, a real hang still fails
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"script: {e}"))
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.goto(f"{base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", "duban-demo")
        self.submit(self.page.locator("main form"))

    def close(self) -> None:
        self.context.close()
        assert not self.problems, "\n".join(self.problems)

    def submit(self, form) -> None:
        with self.page.expect_navigation():
            form.locator("button[type=submit]").first.click()

    def menu(self, path: str) -> None:
        """Follow the menu entry to `path`: open the collapsed menu on a phone and the dropdown
        that holds the entry, as a user would."""
        page = self.page
        link = page.locator(f"#mainnav a[href='{path}']").first
        if not link.is_visible() and page.locator(".navbar-toggler").is_visible():
            page.click(".navbar-toggler")
            page.locator("#mainnav.collapse.show").wait_for()  # slid fully open
        if not link.is_visible():
            entry = page.locator(f"a[href='{path}']")
            menu = page.locator("#mainnav .dropdown", has=entry)
            menu.locator(".dropdown-toggle").click()
            menu.locator(".dropdown-menu.show").wait_for()
        link.wait_for(state="visible")
        with page.expect_navigation():
            link.click()
        assert page.url.split("?")[0] == self.base + path

    def follow(self, locator) -> None:
        locator.scroll_into_view_if_needed()
        with self.page.expect_navigation():
            locator.click()

    def open_form(self, toggle: str, form: str):
        """Slide a collapsed form open and wait until it can be used."""
        locator = self.page.locator(form)
        if not locator.is_visible():
            self.page.locator(toggle).first.click()
        locator.wait_for(state="visible")
        settled(self.page)
        return locator

    def download(self, locator) -> tuple[str, bytes]:
        locator.scroll_into_view_if_needed()
        with self.page.expect_download() as info:
            locator.click()
        download = info.value
        with open(download.path(), "rb") as handle:
            return download.suggested_filename, handle.read()

    def flash(self) -> str:
        return self.page.locator(".alert").all_inner_texts().__str__()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def journey(live_server, browser, viewport):
    opened: list[Journey] = []

    def start(username: str) -> Journey:
        opened.append(Journey(browser, live_server, viewport, username))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


def test_chief_claims_reports_uploads_and_applies(journey):
    chief = journey("chief-shezu")
    page = chief.page

    # find the unit's new tasks (assigned, not yet claimed) and claim them from the list
    page.select_option("#f-status", "assigned")
    chief.submit(page.locator("form[role=search]"))
    rows = page.locator("table.task-table tbody tr")
    waiting = rows.count()
    assert waiting >= 1 and "2026年下半年" in rows.first.inner_text()
    page.check("[data-select-all=task]:visible")
    chief.submit(page.locator("form.batch-form"))
    assert str(waiting) in page.locator(".alert-success").inner_text()
    assert "没有符合条件的任务" in page.locator("table.task-table").inner_text()

    # the claimed spot check is among the unit's tasks in progress: report progress on it
    page.fill("#f-q", "双随机")
    page.select_option("#f-status", "in_progress")
    chief.submit(page.locator("form[role=search]"))
    chief.follow(rows.get_by_role("link", name="2026年下半年"))
    assert "2026年下半年" in page.locator("h1").inner_text()
    page.fill("#progress", "60")
    page.fill("#note", "已随机抽取12家社会组织，完成实地检查8家。")
    chief.submit(page.locator("form[action$='/progress']"))
    assert "已随机抽取12家社会组织" in page.locator(".timeline").inner_text()

    # upload the inspection record
    upload = chief.open_form(
        ".evidence-panel button[data-bs-target$='-add-file']",
        ".evidence-panel form[action$='/evidence/upload']",
    )
    upload.locator("input[type=file]").set_input_files(
        {"name": "抽查记录表.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    chief.submit(upload)
    assert "抽查记录表.pdf" in page.locator(".evidence-panel").inner_text()

    # apply for completion
    apply = chief.open_form("button[data-bs-target='#action-submit']", "#action-submit form")
    page.fill("#result-submit", "完成12家社会组织抽查，结果已在门户网站公开。")
    chief.submit(apply)
    assert "“申请办结”操作已完成" in page.locator(".alert-success").inner_text()
    assert "已申请办结" in page.locator("h1 + div, h1 ~ *").first.inner_text()


def test_office_imports_publishes_urges_reviews_and_downloads_the_report(journey):
    office = journey("office")
    page = office.page

    # import a plan pasted from its document and publish it through the pre-flight check
    office.menu("/plans/")
    office.follow(page.locator("main a[href='/plans/import']"))
    page.fill("#text", PLAN_TEXT)
    office.submit(page.locator("main form"))
    with page.expect_navigation():
        page.click("button[name=do][value=confirm]")
    assert "忻州市民政局2026年社会救助和养老服务重点工作安排" in page.locator("h1").inner_text()
    office.follow(page.locator("main a[href$='/publish']"))
    problems = page.locator("main table tbody tr")
    assert problems.count() >= 1  # deadlines already past are listed, to be confirmed one by one
    for box in page.locator("input[name=confirm]").all():
        box.check()
    office.submit(page.locator("main form"))
    assert "已发布" in page.locator("main").inner_text()

    # urge the late risk assessment and issue its 督办通知单
    office.menu("/")
    page.fill("#f-q", "风险评估")
    office.submit(page.locator("form[role=search]"))
    office.follow(page.locator("table.task-table tbody a").first)
    urged = int(page.locator("[data-urge-count]").get_attribute("data-urge-count"))
    page.fill("#urge-note", "请于本周内完成专家论证并报送材料。")
    office.submit(page.locator("#supervision form[action$='/urge']"))
    assert "已催办养老服务科" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-urge-count]").get_attribute("data-urge-count") == str(urged + 1)
    office.submit(page.locator("#supervision form[action$='/notice']"))
    assert "督办" in page.locator("h1").inner_text()
    name, docx = office.download(page.locator("a[href$='.docx']").first)
    assert name.endswith(".docx") and zipfile.is_zipfile(io.BytesIO(docx))

    # review the evidence waiting for the office in one batch
    office.menu("/review")
    waiting = page.locator("input[name=evidence]")
    assert waiting.count() >= 1
    page.check("[data-select-all=evidence]:visible")
    page.select_option("#batch-verdict", "verified")
    office.submit(page.locator("form[action$='/review']").last)
    assert page.locator("input[name=evidence]").count() == 0

    # accept one application and return the other
    office.follow(page.get_by_role("link", name="开展行政执法文书制作评比"))
    accept = office.open_form("button[data-bs-target='#action-accept']", "#action-accept form")
    office.submit(accept)
    assert "已办结" in page.locator("main").inner_text()
    office.menu("/review")
    office.follow(page.get_by_role("link", name="完成社会组织年报公示工作"))
    back = office.open_form("button[data-bs-target='#action-return']", "#action-return form")
    back.locator("textarea").first.fill("请补充公示截图。")
    office.submit(back)
    assert "请补充公示截图。" in page.locator(".timeline").inner_text()

    # download the 2020 annual report
    office.menu("/plans/")
    office.follow(page.get_by_role("link", name="2020年法治建设工作要点"))
    office.follow(page.locator("main a[href$='/report']").first)
    name, docx = office.download(page.locator("main a[href$='.docx']").first)
    assert name.endswith(".docx") and zipfile.is_zipfile(io.BytesIO(docx))


def test_principal_reads_dashboard_duties_and_briefing(journey):
    director = journey("director")
    page = director.page
    director.menu("/dashboard")
    assert page.locator("[data-col=urged]").count() >= 1
    director.menu("/duties")
    assert "第一责任人" in page.locator("main").inner_text()
    director.menu("/dashboard")
    director.follow(page.locator("main a[href='/briefing']"))
    assert "预警" in page.locator("main").inner_text()


def test_viewer_exports_the_list_the_workbook_and_the_ranking(journey):
    viewer = journey("viewer")
    page = viewer.page
    name, data = viewer.download(page.locator("[data-export=xlsx]"))
    assert name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row > 10
    name, data = viewer.download(page.locator("[data-export=csv]"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == sheet.max_row

    viewer.menu("/plans/")
    viewer.follow(page.get_by_role("link", name="2020年法治建设工作要点"))
    name, data = viewer.download(page.locator("main a[href$='.xlsx']").first)
    assert name.endswith(".xlsx") and len(openpyxl.load_workbook(io.BytesIO(data)).sheetnames) > 5

    viewer.menu("/dashboard")
    viewer.follow(page.locator("main a[href^='/dashboard/ranking']").first)
    name, data = viewer.download(page.locator("main a[href*='ranking.xlsx']").first)
    assert name.endswith(".xlsx")


def test_admin_adds_a_user_and_a_holiday_and_reads_the_outbox(journey):
    admin = journey("admin")
    page = admin.page
    admin.menu("/admin/users")
    admin.follow(page.locator("main a[href='/admin/users/new']"))
    page.fill("#username", "chief-new")
    page.fill("#display_name", "李新")
    page.fill("#email", "li.xin@example.gov.cn")
    page.select_option("#role", "chief")
    page.select_option("#unit_id", label="社会救助科")
    page.fill("#password", "a-long-enough-pass-2026")
    admin.submit(page.locator("main form"))
    assert "李新" in page.locator("main").inner_text()

    admin.menu("/admin/holidays/")
    page.fill("#day", "2026-12-28")
    page.select_option("#kind", "off")
    page.fill("#note", "单位统一调休")
    admin.submit(page.locator("main form[method=post][action='/admin/holidays/']"))
    assert "2026-12-28" in page.locator("main").inner_text()

    admin.menu("/admin/outbox")
    assert page.locator("h1").count() == 1
