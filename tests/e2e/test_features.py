"""What a user notices of three features, in the browser: importing a plan from pasted text,
the dashboard's charts and drill-down, and reminders in the notification inbox.

The demo bureau is loaded on a frozen clock (Friday 2026-11-20, 10:00 in Shanghai), and the UI
is in English here, like the other tests (the Chinese UI is checked by test_login.py)."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.db import write_intent
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.inbox import unread_count
from tracker.reminders.sweep import run_reminders
from tracker.tasks import service as tasks
from tracker.tasks.models import Task
from tracker.units.models import Unit

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # a Friday, 10:00 in Shanghai

PLAN_TEXT = """忻州市民政局2026年社会救助和养老服务重点工作安排

一、规范社会救助
1．开展低保专项治理。全面排查低保对象家庭经济状况，清退不符合条件的对象。（牵头单位：社会救助科；完成时限：2026年6月底前）
2．建立低收入人口动态监测机制。与相关部门共享数据，及时发现需要救助的困难群众。（牵头单位：社会救助科；配合单位：市大数据中心；完成时限：2026年9月底前）
二、推进养老服务
1．完善养老机构消防安全检查制度。对全市养老机构开展全覆盖检查。（牵头单位：养老服务科；完成时限：2026年10月底前）
2．开展养老服务领域非法集资风险排查整治。（牵头单位：养老服务科；配合单位：社会救助科；完成时限：2026年12月底前）
"""
EDITED = "开展城乡低保专项治理"
OTHER_TITLES = [
    "建立低收入人口动态监测机制",
    "完善养老机构消防安全检查制度",
    "开展养老服务领域非法集资风险排查整治",
]


@pytest.fixture
def app_config(app_config):
    app_config.update(BABEL_DEFAULT_LOCALE="en")
    return app_config


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Set before the live server loads the demo, so its dates are those of NOW."""
    with clock.frozen_at(NOW):
        yield


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "duban-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def console_errors(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions (CSP violations included)."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def unread_badge(page) -> int:
    """The count on Notifications in the navigation (no badge: none unread)."""
    badge = page.locator("nav a[href$='/notifications/'] .badge")
    return int(badge.inner_text()) if badge.count() else 0


def write(work):
    """Run `work` in a writing transaction of the test's own and commit it (the live server
    fixture leaves the test reading only)."""
    db.session.rollback()
    token = write_intent.set(True)
    try:
        result = work()
        db.session.commit()
    finally:
        write_intent.reset(token)
    return result


def by_name(model, column, value):
    return db.session.scalar(sa.select(model).where(column == value))


def plan_count() -> int:
    count = db.session.scalar(sa.select(sa.func.count(Plan.id)))
    db.session.rollback()
    return count


def test_office_imports_a_pasted_plan_and_corrects_a_title(live_server, browser):
    plans_before = plan_count()
    page = browser.new_context().new_page()
    errors = console_errors(page)
    login(page, live_server, "office")
    page.goto(f"{live_server}/plans/import")
    page.fill("#text", PLAN_TEXT)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # the preview: two sections, four tasks, nothing saved yet
    assert page.locator("h1").inner_text() == "Check the imported plan"
    summary = page.locator(".import-summary").inner_text()
    assert "2 sections" in summary and "4 tasks" in summary
    assert page.input_value("#title") == "忻州市民政局2026年社会救助和养老服务重点工作安排"
    titles = page.locator(".import-task-row input[name$='-title']")
    assert [titles.nth(i).input_value() for i in range(titles.count())] == [
        "开展低保专项治理",
        *OTHER_TITLES,
    ]
    first = page.locator(".import-task-row").first
    assert first.locator("input[name$='-lead']").input_value() == "社会救助科"
    assert first.locator("input[name$='-due']").input_value() == "2026-06-30"

    # a body outside the bureau (市大数据中心, the city's) is kept as written and labelled as
    # external on its row and above the table: never an error, never one of our units
    assert page.locator(".import-task-row input[name$='-co'].is-invalid").count() == 0
    badge = page.locator(".import-task-row [data-external]").first
    assert badge.is_visible()
    row_text = page.locator(
        ".import-task-row", has=page.locator("[data-external]")
    ).first.inner_text()
    assert "External unit" in row_text and "市大数据中心" in row_text
    assert "市大数据中心" in page.locator("[data-external-units]").inner_text()
    assert plan_count() == plans_before  # nothing saved yet

    # the office corrects a title and creates the draft plan
    titles.first.fill(EDITED)
    with page.expect_navigation():
        page.click("button[name=do][value=confirm]")
    assert re.fullmatch(rf"{re.escape(live_server)}/plans/\d+", page.url)
    assert plan_count() == plans_before + 1
    assert "4 tasks" in page.locator(".alert-success").inner_text()
    assert page.locator("h1").inner_text() == "忻州市民政局2026年社会救助和养老服务重点工作安排"
    plan_page = page.locator("main").inner_text()
    assert EDITED in plan_page and "开展低保专项治理" not in plan_page
    assert all(title in plan_page for title in OTHER_TITLES)
    assert "规范社会救助" in plan_page and "推进养老服务" in plan_page  # the sections
    plan = db.session.get(Plan, int(page.url.rsplit("/", 1)[1]))
    assert plan.status == "draft"
    saved = db.session.scalars(
        sa.select(Task.title)
        .where(Task.plan_id == plan.id)
        .order_by(Task.section_id, Task.position)
    )
    assert list(saved) == [EDITED, *OTHER_TITLES]
    db.session.rollback()
    assert errors == []


def test_principal_reads_the_dashboard_and_drills_down_to_a_unit(live_server, browser):
    relief = by_name(Unit, Unit.name, "社会救助科")
    relief_id = relief.id
    relief_task = db.session.scalar(
        sa.select(Task.title)
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.year == 2026,
            Plan.status == "active",
            Task.lead_unit_id == relief_id,
            Task.status.in_(("assigned", "in_progress")),
        )
        .order_by(Task.id)
    )
    db.session.rollback()
    assert relief_task is not None

    page = browser.new_context().new_page()
    errors = console_errors(page)
    login(page, live_server, "director")
    page.goto(f"{live_server}/dashboard")
    assert "As of 2026-11-20" in page.locator("main").inner_text()  # the frozen clock

    # the three charts are drawn by Chart.js, at a real size
    charts = ["chart-completion", "chart-progress", "chart-age"]
    page.wait_for_function(
        "ids => window.Chart && ids.every(id => Chart.getChart(document.getElementById(id)))",
        arg=charts,
    )
    for chart in charts:
        size = page.locator(f"canvas#{chart}").bounding_box()
        assert size["width"] > 50 and size["height"] > 50, chart
        drawn = page.evaluate(
            "id => { const c = Chart.getChart(document.getElementById(id));"
            " return c.width > 0 && c.height > 0 && c.data.labels.length > 0; }",
            chart,
        )
        assert drawn, chart

    # "Show as table" opens the completion chart's figures as a table of numbers
    table = page.locator("#chart-completion-table")
    assert not table.is_visible()
    page.click("button[data-bs-target='#chart-completion-table']")
    page.locator("#chart-completion-table.collapse.show").wait_for()
    relief_row = table.locator("tbody tr", has_text="社会救助科")
    figures = relief_row.locator("td.text-end").all_inner_texts()
    assert figures and all(re.fullmatch(r"\d+(\.\d+)?%?", f.strip()) for f in figures)

    # the unit's link in the by-unit table opens its tasks
    row = page.locator(f"table.unit-table tbody tr[data-unit='{relief_id}']")
    total = int(row.locator("td[data-col=total]").inner_text())
    assert total > 0
    with page.expect_navigation():
        row.get_by_role("link", name="社会救助科", exact=True).click()
    assert f"lead={relief_id}" in page.url
    assert "lead unit 社会救助科" in page.locator(".drill-down-note").inner_text()
    rows = page.locator("table.task-table tbody tr")
    assert relief_task in page.locator("table.task-table").inner_text()
    assert rows.count() == total
    assert set(rows.locator("td:nth-child(3)").all_inner_texts()) == {"社会救助科"}
    assert errors == []


def test_staff_reads_reminders_after_the_sweep(live_server, browser):
    def add_tasks_and_sweep():
        office = by_name(User, User.username, "office")
        staff = by_name(User, User.username, "staff-jiuzhu")
        relief = by_name(Unit, Unit.name, "社会救助科")
        # the demo bureau's plan (the city's other bureaus have active plans too)
        plan = db.session.scalar(
            sa.select(Plan).where(
                Plan.year == 2026, Plan.status == "active", Plan.bureau_id == relief.bureau_id
            )
        )
        overdue, due_soon = [
            tasks.create_task(
                office,
                plan,
                tasks.TaskData(title=title, lead_unit=relief, owner=staff, due_date=due),
            )
            for title, due in [
                ("报送低保专项治理排查台账", date(2026, 11, 17)),  # 3 working days late
                ("核对特困人员供养名单", date(2026, 11, 23)),  # due next working day
            ]
        ]
        before = unread_count(staff)
        run_reminders(NOW)
        return overdue.id, before, unread_count(staff)

    overdue_id, before, unread = write(add_tasks_and_sweep)
    assert unread == before + 2  # one overdue, one due soon

    page = browser.new_context().new_page()
    errors = console_errors(page)
    login(page, live_server, "staff-jiuzhu")
    assert unread_badge(page) == unread

    with page.expect_navigation():
        page.locator("nav a[href$='/notifications/']").click()
    assert page.locator("h1").inner_text() == "Notifications"
    notices = page.locator(".notification-unread")
    assert notices.count() == unread
    soon = notices.filter(has_text="核对特困人员供养名单")
    assert "Due in 1 working day" in soon.inner_text()
    late = notices.filter(has_text="报送低保专项治理排查台账")
    assert "Overdue by 3 working days" in late.inner_text()

    # marking one read takes one off the count
    with page.expect_navigation():
        soon.get_by_role("button", name="Mark as read").click()
    assert unread_badge(page) == unread - 1
    assert page.locator(".notification-unread", has_text="核对特困人员供养名单").count() == 0

    # opening a notice opens its task, which lists the reminder as read
    with page.expect_navigation():
        late.locator("a").first.click()
    assert page.url == f"{live_server}/tasks/{overdue_id}"
    sent = page.locator("#reminders-sent")
    assert sent.locator("h2").inner_text() == "Reminders sent"
    line = sent.locator(".reminder-sent", has_text="杨帆")
    assert line.count() == 1
    assert "overdue" in line.inner_text() and "✓ read" in line.inner_text()
    assert "刘红梅" in sent.inner_text()  # the unit's chief was reminded too
    assert unread_badge(page) == unread - 2
    assert errors == []
