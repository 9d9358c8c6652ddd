"""A refused upload says why where the user is looking: the page comes back scrolled to the
evidence panel, so the message is inside that panel, on screen, not at the top of the page."""

import pytest
import sqlalchemy as sa

from tests.e2e.test_workflow import TITLE, login, open_form, submit
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
def test_a_refused_upload_is_explained_in_the_evidence_panel_on_screen(
    live_server, browser, viewport
):
    task_id = db.session.scalar(sa.select(Task.id).where(Task.title == TITLE))
    db.session.rollback()
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    chief = context.new_page()
    login(chief, live_server, "chief-jiuzhu")
    chief.goto(f"{live_server}/tasks/{task_id}")
    upload = open_form(
        chief,
        ".evidence-panel button[data-bs-target$='-add-file']",
        ".evidence-panel form[action$='/evidence/upload']",
    )
    # the browser would refuse an empty file field itself; the server must say it too
    upload.locator("input[type=file]").evaluate("input => input.removeAttribute('required')")
    submit(chief, upload)
    message = chief.locator(".evidence-panel [data-evidence-message]")
    assert message.count() == 1
    assert "选择" in message.inner_text()  # 请选择要上传的文件
    assert "alert-danger" in message.get_attribute("class")
    assert chief.url.endswith("-message")  # the page comes back at the message
    # the browser's jump to the #fragment lands after the load event: wait for it (bounded)
    chief.wait_for_function(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight }",
        arg=message.element_handle(),
        timeout=15000,
    )
    assert message.evaluate("el => document.activeElement === el")  # read out by a screen reader
    # and not a second time at the top of the page, out of sight
    assert chief.locator("main > .alert").count() == 0
    context.close()


def test_the_choices_to_attach_existing_evidence_load_when_opened(live_server, browser):
    """The task page does not carry the list of evidence to attach: opening "attach existing
    evidence" fetches it (htmx), and attaching from it works as before."""
    task_id = db.session.scalar(sa.select(Task.id).where(Task.title == TITLE))
    db.session.rollback()
    chief = browser.new_context().new_page()
    login(chief, live_server, "chief-jiuzhu")
    chief.goto(f"{live_server}/tasks/{task_id}")
    assert chief.locator(".evidence-panel select[name=evidence_id]").count() == 0
    attach = open_form(
        chief,
        ".evidence-panel button[data-bs-target$='-add-existing']",
        ".evidence-panel form[action$='/evidence/link-existing']",
    )
    options = attach.locator("select[name=evidence_id] option")
    assert options.count() > 0
    chosen = options.first.inner_text().split(" · ")[0]
    submit(chief, attach)
    message = chief.locator(".evidence-panel [data-evidence-message]")
    assert "alert-success" in message.get_attribute("class")
    assert chosen in chief.locator(".evidence-panel .list-group").inner_text()
