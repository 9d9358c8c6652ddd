"""A section chief works a late task through the browser; the legal office accepts it."""

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.e2e

TITLE = "组织执法人员参加执法资格考试并申领执法证"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def current(task_id: int) -> Task:
    """The task as the server has it now (a fresh read transaction)."""
    db.session.rollback()
    return db.session.get(Task, task_id)


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "duban-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def settled(page) -> None:
    """Wait until no panel is sliding. A Bootstrap collapse moves everything below it for 0.35 s;
    a click aimed at a button while it moves lands beside it."""
    page.wait_for_function("() => !document.querySelector('.collapsing')")


def open_form(page, toggle: str, form: str):
    """Slide a form open (unless a refusal already showed it open), and wait until it is usable.
    Clicking the toggle of an open form would slide it shut again."""
    locator = page.locator(form)
    if not locator.is_visible():
        page.click(toggle)
    locator.wait_for(state="visible")
    settled(page)
    return locator


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def test_chief_reports_progress_and_applies_office_accepts(live_server, browser):
    task_id = db.session.scalar(sa.select(Task.id).where(Task.title == TITLE))
    db.session.rollback()
    chief = browser.new_context().new_page()
    login(chief, live_server, "chief-jiuzhu")

    # the late task is at the top of the chief's work list, red
    first_row = chief.locator("table.task-table tbody tr").first
    assert TITLE in first_row.inner_text()
    assert "text-bg-danger" in first_row.locator(".light-badge").get_attribute("class")
    with chief.expect_navigation():
        first_row.get_by_role("link", name=TITLE).click()
    assert chief.url == f"{live_server}/tasks/{task_id}"

    # a progress report without a note is refused; the number typed is kept
    progress = chief.locator("form[action$='/progress']")
    chief.fill("#progress", "65")
    submit(chief, progress)
    assert progress.locator(".invalid-feedback").count() == 1
    assert chief.input_value("#progress") == "65"
    chief.fill("#note", "已组织3名新入职人员报名参加执法资格考试。")
    submit(chief, progress)
    assert "已组织3名新入职人员报名参加执法资格考试。" in chief.locator(".timeline").inner_text()
    assert "65%" in chief.locator(".progress-bar").first.inner_text()

    # applying for completion needs proof
    apply = open_form(chief, "button[data-bs-target='#action-submit']", "#action-submit form")
    chief.fill("#result-submit", "3名执法人员通过执法资格考试并领取执法证。")
    submit(chief, apply)
    assert "佐证材料" in chief.locator(".alert-danger").inner_text()
    assert current(task_id).status == "in_progress"

    # the chief uploads the sign-up sheet as a PDF
    upload = open_form(
        chief,
        ".evidence-panel button[data-bs-target$='-add-file']",
        ".evidence-panel form[action$='/evidence/upload']",
    )
    upload.locator("input[type=file]").set_input_files(
        {"name": "执法资格考试报名表.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(chief, upload)
    assert "执法资格考试报名表.pdf" in chief.locator(".evidence-panel").inner_text()

    # a result statement is still required, then the application goes through
    apply = open_form(chief, "button[data-bs-target='#action-submit']", "#action-submit form")
    chief.fill("#result-submit", "")
    submit(chief, apply)
    assert chief.locator(".invalid-feedback, .alert-danger").count() >= 1
    apply = open_form(chief, "button[data-bs-target='#action-submit']", "#action-submit form")
    chief.fill("#result-submit", "3名执法人员通过执法资格考试并领取执法证。")
    # the task is late: applying needs the cause of the delay and the remedy
    chief.select_option("#cause-submit", index=1)
    chief.fill("#cause-explanation-submit", "考试安排在季度末，报名晚于计划。")
    chief.fill("#cause-remedy-submit", "提前对接考试安排，按月跟踪。")
    submit(chief, apply)
    assert current(task_id).status == "submitted"

    office = browser.new_context().new_page()
    login(office, live_server, "office")
    office.goto(f"{live_server}/tasks/{task_id}")
    # accepting waits until the evidence is reviewed
    accept = open_form(office, "button[data-bs-target='#action-accept']", "#action-accept form")
    submit(office, accept)
    assert "审核" in office.locator(".alert-danger").inner_text()
    assert current(task_id).status == "submitted"
    office.goto(f"{live_server}/tasks/{task_id}")
    review = open_form(
        office,
        ".evidence-panel button[data-bs-target*='-review-']",
        ".evidence-panel form[action$='/review']",
    )
    review.locator("select[name=verdict]").select_option("verified")
    submit(office, review)
    accept = open_form(office, "button[data-bs-target='#action-accept']", "#action-accept form")
    submit(office, accept)
    task = current(task_id)
    assert task.status == "done" and task.progress == 100
    assert "text-bg-secondary" in office.locator(".light-badge").first.get_attribute("class")


def test_chief_cannot_open_another_units_task(live_server, browser):
    other = db.session.scalar(sa.select(Task.id).where(Task.title == "开展行政执法文书制作评比"))
    db.session.rollback()
    page = browser.new_context().new_page()
    login(page, live_server, "chief-jiuzhu")
    response = page.goto(f"{live_server}/tasks/{other}")
    assert response.status == 403
