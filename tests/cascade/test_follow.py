"""The city item follows its bureaus: its progress and status are written from their tasks,
so the city office sees them on the item and in its lists; the office still accepts it."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.cascade.conftest import bureau_plan
from tests.factories import workflow_without_other_features_checks
from tests.upward.conftest import MADE_AT
from tracker.audit.models import AuditEvent
from tracker.cascade import service
from tracker.core import clock
from tracker.extensions import db
from tracker.reminders.models import Notification
from tracker.tasks import service as tasks
from tracker.tasks import workflow

NOW = MADE_AT.replace(month=2)


@pytest.fixture(autouse=True)
def _plain_workflow(monkeypatch):
    workflow_without_other_features_checks(monkeypatch)


def decompose(cascade, index, item, title):
    bureau = cascade.bureaus[index]
    with clock.frozen_at(NOW):
        return service.decompose(
            cascade.coordinators[index],
            item,
            bureau_plan(bureau),
            tasks.TaskData(title=title, lead_unit=bureau.children[0], due_date=date(2025, 9, 1)),
        )


def finish(cascade, index, task, result="已完成。"):
    worker = cascade.coordinators[index]
    with clock.frozen_at(NOW):
        if task.status == "assigned":
            workflow.transition(worker, task, "claim")
        workflow.transition(worker, task, "submit", note="完成", result_statement=result)
        workflow.transition(worker, task, "accept")


def follows(item):
    return [
        e.after
        for e in db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "cascade.follow", AuditEvent.object_id == str(item.id))
            .order_by(AuditEvent.id)
        )
    ]


def test_the_item_follows_its_lead_bureau_to_the_offices_acceptance(cascade):
    item = cascade.item
    assert (item.status, item.progress) == ("assigned", 0)
    first = decompose(cascade, 0, item, "公示执法信息")
    second = decompose(cascade, 0, item, "执法记录仪配备")
    db.session.commit()
    assert (item.status, item.progress) == ("in_progress", 0)  # a bureau decomposed it

    worker = cascade.coordinators[0]
    with clock.frozen_at(NOW):
        workflow.transition(worker, first, "claim")
        workflow.add_progress(worker, first, note="过半", progress=60)
    assert item.progress == 30

    finish(cascade, 0, first, "公示信息2000条。")
    assert (item.status, item.progress) == ("in_progress", 50)
    finish(cascade, 0, second, "配备记录仪40台。")
    db.session.commit()
    # not done by itself: it asks the city office to accept it
    assert (item.status, item.progress) == ("submitted", 100)
    assert "公示信息2000条" in item.result_statement and cascade.bureaus[0].name in (
        item.result_statement
    )
    assert item.submitted_on == NOW.date()
    asked = db.session.scalars(
        sa.select(Notification.title).filter_by(recipient_id=cascade.office.id)
    ).all()
    assert any(t.endswith(item.title) and ("accept" in t or "验收" in t) for t in asked)
    audit = follows(item)
    assert audit[0]["reason"] == "cascade_decomposed"
    assert audit[-1] == {"status": "submitted", "progress": 100, "reason": "cascade_bureaus_done"}
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "cascade.follow")
    ).all()
    assert {e.actor_name for e in events} == {"system"} and all(e.actor_id is None for e in events)

    with clock.frozen_at(NOW):  # the office accepts it as any task
        workflow.transition(cascade.office, item, "accept")
    assert item.status == "done"


def test_a_reopened_bureau_task_takes_the_item_back(cascade):
    item = cascade.item
    task = decompose(cascade, 0, item, "公示执法信息")
    finish(cascade, 0, task)
    assert item.status == "submitted"
    with clock.frozen_at(NOW):
        workflow.transition(cascade.coordinators[0], task, "return", note="材料不全")
    db.session.commit()
    assert (item.status, item.progress) == ("in_progress", task.progress)
    assert item.submitted_on is None
    assert follows(item)[-1]["reason"] == "cascade_reopened"


def test_only_the_lead_bureau_holds_the_item(cascade):
    """An item has one lead bureau (its lead unit) and assisting bureaus (its co-units): the
    assisting bureau's open task neither holds the item nor counts in its progress."""
    item = cascade.item
    helper = decompose(cascade, 1, item, "乙局协办任务")
    assert (item.status, item.progress) == ("in_progress", 0)  # decomposed by a bureau
    lead = decompose(cascade, 0, item, "甲局任务")
    with clock.frozen_at(NOW):
        workflow.transition(cascade.coordinators[1], helper, "claim")
        workflow.add_progress(cascade.coordinators[1], helper, note="推进", progress=80)
    assert item.progress == 0
    finish(cascade, 0, lead)
    assert (item.status, item.progress) == ("submitted", 100) and helper.status == "in_progress"
    assert cascade.other.status == "assigned"  # the other item, led by another bureau, stays


def test_a_released_bureau_is_left_out(cascade):
    item = cascade.item
    b0, b1, _b2 = cascade.bureaus
    lead_task = decompose(cascade, 0, item, "甲局任务")
    with clock.frozen_at(NOW):
        share = service.decline(cascade.coordinators[1], item, b1, "不属于本局")
        service.resolve(cascade.office, share, accept=True, note="同意")
    finish(cascade, 0, lead_task)
    assert item.status == "submitted" and item.progress == 100


def test_the_office_reads_why_on_the_audit_page_in_chinese(cascade, auth):
    task = decompose(cascade, 0, cascade.item, "公示执法信息")
    finish(cascade, 0, task)
    cascade.office.locale = "zh_Hans_CN"
    db.session.commit()
    auth.login(cascade.office.username)
    page = auth.client.get(f"/admin/audit/?action=cascade.follow&object_id={cascade.item.id}").text
    assert "市级任务按部门任务进展更新" in page
    assert "牵头部门的分解任务均已办结，提请依法治市办验收办结" in page
    assert "部门已分解该任务" in page
    assert "cascade_bureaus_done" not in page.split("<details")[0]
    # the item's page shows the office where the item stands
    shown = auth.client.get(f"/tasks/{cascade.item.id}").text
    assert "申请办结" in shown and "100%" in shown
