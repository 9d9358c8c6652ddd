"""Every role's main pages in the browser, at a desk (1366 × 768) and on a phone (390 × 844):
no console error, no asset or page answering 4xx/5xx, and no serious or critical accessibility
violation found by axe-core (vendored under tests/e2e/vendor, test-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.test_workflow import TITLE, login
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desk": (1366, 768), "phone": (390, 844)}

#: What each role opens in a working day ({task} is a task of the chief's unit).
PAGES = {
    "chief-jiuzhu": ["/", "/tasks/{task}", "/plans/", "/notifications/", "/account"],
    "office": [
        "/",
        "/review",
        "/plans/",
        "/tasks/{task}",
        "/dashboard",
        "/records/",
        "/admin/audit/",
    ],
    "director": ["/", "/dashboard", "/duties", "/briefing", "/dashboard/ranking"],
    "viewer": ["/", "/plans/", "/dashboard", "/dashboard/yoy"],
    "admin": ["/admin/users", "/admin/units/", "/admin/holidays/", "/admin/outbox"],
    "city-office": ["/dashboard", "/city/reports", "/city/assessment"],
}


def problems_on(page, url: str) -> list[str]:
    """Console errors and failed responses while `url` loads, then axe's serious and
    critical violations."""
    found: list[str] = []
    page.on("console", lambda m: found.append(f"console: {m.text}") if m.type == "error" else None)
    page.on(
        "response",
        lambda r: found.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
                    .map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120)).join(' | '));
        }"""
    )
    return found + [f"axe {v}" for v in violations]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("username", sorted(PAGES))
def test_main_pages_are_clean_for_each_role(live_server, browser, username, viewport):
    task_id = db.session.scalar(sa.select(Task.id).where(Task.title == TITLE))
    db.session.rollback()
    width, height = VIEWPORTS[viewport]
    # the pages' CSP admits no injected script: the test context sets it aside for axe only
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    login(page, live_server, username)
    report = {}
    for path in PAGES[username]:
        issues = problems_on(page, live_server + path.format(task=task_id))
        if issues:
            report[path] = issues
    context.close()
    assert not report, "\n".join(f"{p}: {i}" for p, i in report.items())
