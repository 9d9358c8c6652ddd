"""Export downloads through the web: who may take them, what they are called, and the audit row
each one leaves."""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests.exports.conftest import load_workbook
from tests.factories import audit_actions, last_audit_id
from tracker.audit.models import AuditEvent
from tracker.extensions import db

ALLOWED = ["coordinator", "principal", "leader", "viewer"]
REFUSED = ["admin", "chief", "chief_elderly", "staff", "outsider"]


def urls(plan) -> dict[str, str]:
    return {
        "xlsx": f"/plans/{plan.id}/export.xlsx",
        "evidence": f"/plans/{plan.id}/evidence.zip",
    }


@pytest.mark.parametrize("role", ALLOWED)
def test_coordinators_leaders_and_viewers_take_both_exports(app, client, auth, org, work, role):
    user = getattr(org.users, role)
    auth.login(user.username)
    since = last_audit_id()
    workbook = client.get(urls(work.plan)["xlsx"], buffered=True)
    assert workbook.status_code == 200
    assert workbook.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in workbook.headers["Content-Disposition"]
    assert (
        quote("2026年法治建设工作要点 compliance export.xlsx")
        in (workbook.headers["Content-Disposition"])
    )
    assert load_workbook(workbook.data).sheetnames[1] == "Tasks"
    archive = client.get(urls(work.plan)["evidence"], buffered=True)
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    disposition = archive.headers["Content-Disposition"]
    assert f'filename="plan-{work.plan.id}-evidence.zip"' in disposition
    assert "filename*=UTF-8''" + quote("2026年法治建设工作要点 evidence.zip") in disposition
    assert zipfile.ZipFile(io.BytesIO(archive.data)).testzip() is None
    assert audit_actions(since, actor_id=user.id) == ["export.xlsx", "export.evidence"]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "export.xlsx", AuditEvent.id > since)
    )
    # the audit row names exactly the file handed out
    assert event.after["sha256"] == hashlib.sha256(workbook.data).hexdigest()
    assert event.after["size"] == len(workbook.data)
    assert event.object_type == "plans" and event.object_id == str(work.plan.id)


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("kind", ["xlsx", "evidence"])
def test_everyone_else_is_refused_and_the_refusal_recorded(
    app, client, auth, org, work, role, kind
):
    user = getattr(org.users, role)
    auth.login(user.username)
    since = last_audit_id()
    response = client.get(urls(work.plan)[kind])
    assert response.status_code == 403
    assert audit_actions(since) == ["access.denied"]


def test_anonymous_visitors_are_sent_to_log_in(app, client, work):
    for url in urls(work.plan).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_plan_is_404(app, client, auth, org):
    auth.login(org.users.coordinator.username)
    assert client.get("/plans/999/export.xlsx").status_code == 404
    assert client.get("/plans/999/evidence.zip").status_code == 404


def test_the_plan_page_offers_the_exports_to_those_who_may_take_them(app, client, auth, org, work):
    auth.login(org.users.viewer.username)
    page = client.get(f"/plans/{work.plan.id}").text
    assert urls(work.plan)["xlsx"] in page and urls(work.plan)["evidence"] in page
    auth.logout()
    auth.login(org.users.chief.username)
    page = client.get(f"/plans/{work.plan.id}").text
    assert urls(work.plan)["xlsx"] not in page


def test_the_plan_page_exports_the_workbook_as_of_a_chosen_date(app, client, auth, org, work):
    from datetime import date

    from tests.exports.conftest import rows_by_header

    auth.login(org.users.coordinator.username)
    page = client.get(f"/plans/{work.plan.id}").text
    assert 'name="as_of"' in page
    response = client.get(f"/plans/{work.plan.id}/export.xlsx?as_of=2026-06-01", buffered=True)
    assert response.status_code == 200
    about = {
        r["Item"].value: r["Value"].value
        for r in rows_by_header(load_workbook(response.data)["About"])
    }
    assert about["Statuses as of"].date() == date(2026, 6, 1)
    refused = client.get(f"/plans/{work.plan.id}/export.xlsx?as_of=31.06.2026")
    assert refused.status_code == 422 and "31.06.2026" in refused.text
