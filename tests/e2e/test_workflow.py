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
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_chief_reports_progress_and_applies_office_accepts(live_server, browser):
    task_id = db.session.scalar(sa.select(Task.id).where(Task.title == TITLE))
    db.session.rollback()
    chief = browser.new_context().new_page()
    login(chief, live_server, "chief-jiuzhu")

    # the late task is at the top of the chief's work list, red
    first_row = chief.locator("table.task-table tbody tr").first
    assert TITLE in first_row.inner_text()
    assert "text-bg-danger" in first_row.locator(".light-badge").get_attribute("class")

    first_row.get_by_role("link", name=TITLE).click()
    chief.wait_for_url(f"{live_server}/tasks/{task_id}")

    # a progress report without a note is refused; the number typed is kept
    chief.fill("#progress", "65")
    chief.click("form[action$='/progress'] button[type=submit]")
    assert chief.locator("form[action$='/progress'] .invalid-feedback").count() == 1
    assert chief.input_value("#progress") == "65"
    chief.fill("#note", "已组织3名新入职人员报名参加执法资格考试。")
    chief.click("form[action$='/progress'] button[type=submit]")
    chief.wait_for_url(f"{live_server}/tasks/{task_id}")
    assert "已组织3名新入职人员报名参加执法资格考试。" in chief.locator(".timeline").inner_text()
    assert "65%" in chief.locator(".progress-bar").first.inner_text()

    # applying for completion needs proof: the chief uploads the sign-up sheet as a PDF
    chief.click("button[data-bs-target='#action-submit']")
    chief.fill("#result-submit", "3名执法人员通过执法资格考试并领取执法证。")
    chief.click("#action-submit button[type=submit]")
    assert (
        "evidence" in chief.locator(".alert-danger").inner_text().lower()
        or "佐证材料" in chief.locator(".alert-danger").inner_text()
    )
    assert current(task_id).status == "in_progress"
    chief.click(".evidence-panel button[data-bs-target$='-add-file']")
    chief.set_input_files(
        ".evidence-panel form[action$='/evidence/upload'] input[type=file]",
        {"name": "执法资格考试报名表.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    chief.click(".evidence-panel form[action$='/evidence/upload'] button[type=submit]")
    chief.wait_for_url(f"{live_server}/tasks/{task_id}*")
    assert "执法资格考试报名表.pdf" in chief.locator(".evidence-panel").inner_text()

    # and a result statement
    chief.click("button[data-bs-target='#action-submit']")
    chief.fill("#result-submit", "")
    chief.click("#action-submit button[type=submit]")
    assert chief.locator("#action-submit .invalid-feedback, .alert-danger").count() >= 1
    chief.fill("#result-submit", "3名执法人员通过执法资格考试并领取执法证。")
    chief.click("#action-submit button[type=submit]")
    chief.wait_for_url(f"{live_server}/tasks/{task_id}")
    assert current(task_id).status == "submitted"

    office = browser.new_context().new_page()
    login(office, live_server, "office")
    office.goto(f"{live_server}/tasks/{task_id}")
    # accepting waits until the evidence is reviewed
    office.click("button[data-bs-target='#action-accept']")
    office.click("#action-accept button[type=submit]")
    assert current(task_id).status == "submitted"
    office.goto(f"{live_server}/tasks/{task_id}")
    office.click(".evidence-panel button[data-bs-target*='-review-']")
    office.select_option(".evidence-panel select[name=verdict]", "verified")
    office.click(".evidence-panel form[action$='/review'] button[type=submit]")
    office.wait_for_url(f"{live_server}/tasks/{task_id}*")
    office.click("button[data-bs-target='#action-accept']")
    office.click("#action-accept button[type=submit]")
    office.wait_for_url(f"{live_server}/tasks/{task_id}")
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
