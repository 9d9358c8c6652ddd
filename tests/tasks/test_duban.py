"""督办: the 督办通知单 (print view and Word), its numbering, 催办 with its notices and escalation,
the counts on the task page and the dashboard, the audit rows; lateness in working days on the
task page agreeing with the notice; the 逾期办结 mark."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from docx import Document

from tests.factories import make_plan, make_task, walk
from tracker.audit.models import AuditEvent
from tracker.core import clock, workdays
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reminders.models import Notification, OutboxEmail
from tracker.reminders.sweep import run_reminders
from tracker.supervision.models import SupervisionNotice, Urge

#: Monday 2026-05-18, 10:00 in Asia/Shanghai; the task fell due on Thursday 2026-04-30, before
#: the 劳动节 holiday (1–5 May), so calendar and working days differ.
NOW = datetime(2026, 5, 18, 2, 0, tzinfo=UTC)
DUE = date(2026, 4, 30)


@pytest.fixture
def task(org):
    with clock.frozen_at(datetime(2026, 1, 5, 2, 0, tzinfo=UTC)):
        plan = make_plan(org)
        task = make_task(
            org,
            plan,
            title="开展行政执法案卷评查",
            text="组织开展年度行政执法案卷评查，评查结果纳入年度考核。",
            due_date=DUE,
            co_units=[org.elderly],
            supervisor=org.users.leader,
        )
        plans.publish_plan(org.users.coordinator, plan)
        db.session.commit()
    with clock.frozen_at(NOW):
        yield task


def _urge(auth, task, note=""):
    return auth.post(
        f"/supervision/tasks/{task.id}/urge", {"note": note}, token_from=f"/tasks/{task.id}"
    )


def test_a_chief_may_not_urge_but_the_legal_office_may(org, auth, task):
    auth.login("chief-relief")
    assert _urge(auth, task).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Urge.id))) == 0
    auth.logout()
    auth.login("office")
    response = _urge(auth, task, "请于本周内报送进展")
    assert response.status_code == 302
    page = auth.client.get(f"/tasks/{task.id}").text
    assert 'data-urge-count="1"' in page
    assert "请于本周内报送进展" in page


def test_urging_notifies_the_chief_and_escalates_when_repeated(org, auth, task):
    from tracker.supervision import service

    task.due_date = date(2026, 5, 29)  # not overdue: the level comes from the urges alone
    db.session.commit()
    coordinator = org.users.coordinator
    first = service.urge(coordinator, task, "请加快进度")
    assert first.level == 0
    told = {
        n.recipient_id
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == "urge"))
    }
    assert told == {org.users.chief.id}
    emails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.kind == "urge")).all()
    assert [e.recipient_id for e in emails] == [org.users.chief.id] or not org.users.chief.email
    second = service.urge(coordinator, task)
    assert second.level == 1
    told = {
        n.recipient_id
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == "urge"))
    }
    assert org.users.leader.id in told  # the supervising leader hears of the second
    third = service.urge(coordinator, task)
    assert third.level == 2
    told = {
        n.recipient_id
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == "urge"))
    }
    assert org.users.principal.id in told
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "task.urge")
    ).all()
    assert len(actions) == 3


def test_urges_count_per_unit_on_the_dashboard(org, auth, task):
    from tracker.supervision import service

    service.urge(org.users.coordinator, task)
    service.urge(org.users.coordinator, task)
    db.session.commit()
    auth.login("office")
    page = auth.client.get("/dashboard?year=2026").text
    row = re.search(rf'<tr data-unit="{org.relief.id}".*?</tr>', page, re.S).group(0)
    assert re.search(r'data-col="urged">2', row)


def test_the_notice_is_numbered_per_bureau_and_year_and_prints_the_task(org, auth, task):
    auth.login("office")
    response = auth.post(f"/supervision/tasks/{task.id}/notice", token_from=f"/tasks/{task.id}")
    assert response.status_code == 302
    notice = db.session.scalars(sa.select(SupervisionNotice)).one()
    assert notice.number == "督办〔2026〕第1号"
    page = auth.client.get(response.headers["Location"]).text
    for text in (
        "督办〔2026〕第1号",
        "测试市民政局办公室",
        "开展行政执法案卷评查",
        "组织开展年度行政执法案卷评查",
        "2026-04-30",
        "社会救助科",
        "养老服务科",
    ):
        assert text in page
    assert 'class="navbar navbar-expand-lg navbar-dark bg-duban mb-3 d-print-none"' in page
    second = auth.post(f"/supervision/units/{org.relief.id}/notice", token_from="/dashboard")
    assert second.status_code == 302
    numbers = db.session.scalars(
        sa.select(SupervisionNotice.serial).order_by(SupervisionNotice.id)
    ).all()
    assert numbers == [1, 2]
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "supervision.issue")
        )
        == 2
    )
    # a chief reads the notice addressed to the unit, but may not issue one
    auth.logout()
    auth.login("chief-relief")
    assert auth.client.get(f"/supervision/notices/{notice.id}").status_code == 200
    assert (
        auth.post(
            f"/supervision/tasks/{task.id}/notice", token_from=f"/tasks/{task.id}"
        ).status_code
        == 403
    )


def test_the_notice_as_word_carries_its_fields(org, auth, task):
    from tracker.supervision import service

    service.urge(org.users.coordinator, task)
    notice = service.issue_notice(org.users.coordinator, task=task)
    db.session.commit()
    auth.login("office")
    response = auth.client.get(f"/supervision/notices/{notice.id}.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "督办〔2026〕第1号" in text
    assert "测试市民政局办公室" in text
    assert "开展行政执法案卷评查" in cells and "2026-04-30" in cells
    assert "社会救助科" in cells and "养老服务科" in cells
    assert document.core_properties.author == "测试市民政局办公室"
    assert "督办〔2026〕第1号" in document.core_properties.title


def test_lateness_is_in_working_days_on_the_page_and_in_the_notice(org, auth, task):
    working = workdays.workdays_between(DUE, NOW.date())
    calendar = (NOW.date() - DUE).days
    assert working != calendar
    run_reminders(NOW)
    db.session.commit()
    overdue = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "overdue")
    ).first()
    assert f"{working}" in overdue.title
    auth.login("chief-relief")
    page = auth.client.get(f"/tasks/{task.id}").text
    assert f'data-days-late="{working}"' in page
    assert f"{calendar}" in re.search(r'data-days-late="\d+" title="([^"]+)"', page).group(1)


def test_a_task_finished_late_is_marked(org, auth, task):
    walk(org, task, "done")
    db.session.commit()
    auth.login("office")
    page = auth.client.get(f"/tasks/{task.id}").text
    assert "data-finished-late" in page
    plan_page = auth.client.get(f"/plans/{task.plan_id}").text
    assert "data-finished-late" in plan_page
    dashboard = auth.client.get("/dashboard?year=2026").text
    assert 'data-done-late="1"' in dashboard


def test_the_result_statement_is_marked_required_when_applying_for_completion(org, auth, task):
    walk(org, task, "in_progress")
    db.session.commit()
    auth.login("chief-relief")
    page = auth.client.get(f"/tasks/{task.id}").text
    form = re.search(r'id="action-submit".*?</form>', page, re.S).group(0)
    label = re.search(r"Result statement \(成效\)</label>(.{0,80})", form, re.S)
    assert label and "data-required-marker" in label.group(1)


def test_notifications_are_listed_newest_first(org, auth, task):
    from tracker.reminders.inbox import notify

    chief = org.users.chief
    with clock.frozen_at(datetime(2026, 5, 15, 2, 0, tzinfo=UTC)):
        newer = notify(chief, "urge", "较新的通知")
    with clock.frozen_at(datetime(2026, 5, 11, 2, 0, tzinfo=UTC)):
        older = notify(chief, "urge", "较早的通知")  # written later, dated earlier
    db.session.commit()
    assert older.id > newer.id
    auth.login("chief-relief")
    page = auth.client.get("/notifications/").text
    assert page.index("较新的通知") < page.index("较早的通知")


def test_an_urge_is_e_mailed_once_not_again_in_the_digest(org, task):
    from tracker.reminders.sweep import queue_digests
    from tracker.supervision import service

    org.users.chief.email = "chief@example.org"
    service.urge(org.users.coordinator, task)
    db.session.commit()
    urge_mails = db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.kind == "urge")).all()
    assert [m.to_address for m in urge_mails] == ["chief@example.org"]
    notice = db.session.scalars(
        sa.select(Notification).where(
            Notification.kind == "urge", Notification.recipient_id == org.users.chief.id
        )
    ).one()
    assert notice.email_id == urge_mails[0].id
    before = db.session.scalar(sa.select(sa.func.count(OutboxEmail.id)))
    queue_digests(NOW)
    digests = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.recipient_id == org.users.chief.id)
    ).all()
    assert len(digests) == 1 and before >= 1


def test_the_plan_list_offers_the_urge_on_overdue_tasks_and_counts_it(org, auth, task):
    auth.login("office")
    page = auth.client.get(f"/plans/{task.plan_id}").text
    assert f'action="/supervision/tasks/{task.id}/urge"' in page
    assert (
        auth.post(
            f"/supervision/tasks/{task.id}/urge", token_from=f"/plans/{task.plan_id}"
        ).status_code
        == 302
    )
    page = auth.client.get(f"/plans/{task.plan_id}").text
    assert 'data-urged="1"' in page
    auth.logout()
    auth.login("chief-relief")
    page = auth.client.get(f"/plans/{task.plan_id}").text
    assert f'action="/supervision/tasks/{task.id}/urge"' not in page
    assert 'data-urged="1"' in page
