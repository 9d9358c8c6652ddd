"""The documents people print — the annual report, a 督办通知单, the ranking (通报) and the duty
list — print as documents: in the print media no navigation, no buttons or forms, and Chromium
makes a PDF of them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.e2e.test_workflow import login
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.supervision.models import SupervisionNotice

pytestmark = pytest.mark.e2e


def test_the_printed_documents_carry_no_controls(live_server, browser):
    plan_id = db.session.scalar(sa.select(Plan.id).where(Plan.title == "2020年法治建设工作要点"))
    notice_id = db.session.scalar(sa.select(SupervisionNotice.id).order_by(SupervisionNotice.id))
    db.session.rollback()
    assert notice_id is not None, "the demo issues 督办通知单"
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    login(page, live_server, "office")
    page.emulate_media(media="print")
    for path in (
        f"/plans/{plan_id}/report/print",
        f"/supervision/notices/{notice_id}",
        "/dashboard/ranking",
        "/duties",
    ):
        assert page.goto(live_server + path).status == 200, path
        shown = page.evaluate(
            """() => [...document.querySelectorAll('nav, .navbar, button, form, .btn, footer')]
                .filter(el => el.offsetParent !== null || getComputedStyle(el).position === 'fixed')
                .map(el => el.tagName + '.' + el.className)"""
        )
        assert shown == [], f"{path}: {shown}"
        assert len(page.locator("body").inner_text().strip()) > 100, path
        assert page.pdf(format="A4")[:5] == b"%PDF-", path
    context.close()
