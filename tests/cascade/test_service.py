"""The cascade's service: the inbox, decomposition with the deadline rule and consent, the
roll-up, and 申请不承担 with the office's answer."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from tests.cascade.conftest import bureau_plan
from tests.factories import workflow_without_other_features_checks
from tests.upward.conftest import MADE_AT
from tracker.audit.models import AuditEvent
from tracker.cascade import queries, service
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.reminders.models import Notification
from tracker.tasks import service as tasks
from tracker.tasks import workflow

NOW = MADE_AT.replace(month=2)


def data(title="分解任务", due=date(2025, 9, 1), unit=None):
    return tasks.TaskData(title=title, lead_unit=unit, due_date=due)


def lead_section(bureau):
    return bureau.children[0]


def states(bureau):
    return [(e.item.title, e.role, e.state) for e in queries.inbox(bureau)]


def notices(user):
    return [
        n.title for n in db.session.scalars(sa.select(Notification).filter_by(recipient_id=user.id))
    ]


def test_each_named_bureau_sees_the_item_once_published(cascade):
    b0, b1, b2 = cascade.bureaus
    assert states(b0) == [("推行行政执法三项制度", "lead", "pending")]
    assert states(b1) == [("推行行政执法三项制度", "assist", "pending")]
    assert states(b2) == [("开展交通执法评查", "lead", "pending")]
    assert queries.pending_count(b0) == 1
    # each bureau's office heard of it when the plan was published
    heard = [t for t in notices(cascade.coordinators[0]) if "全市法治建设工作要点" in t]
    assert len(heard) == 1, heard  # the inbox's notice, not also the plan's 交办 notice
    assert [t for t in notices(cascade.coordinators[1]) if "全市法治建设工作要点" in t]


def test_a_draft_city_plan_is_not_in_any_inbox(cascade):
    with clock.frozen_at(NOW):
        from tracker.plans import service as plans

        draft = plans.create_plan(cascade.office, bureau=cascade.city, year=2025, title="草稿")
        tasks.create_task(cascade.office, draft, data(unit=cascade.bureaus[0]))
    assert len(queries.inbox(cascade.bureaus[0])) == 1


def test_decompose_creates_linked_tasks_and_rolls_up(cascade, monkeypatch):
    workflow_without_other_features_checks(monkeypatch)
    b0, b1, _b2 = cascade.bureaus
    item = cascade.item
    with clock.frozen_at(NOW):
        first = service.decompose(
            cascade.coordinators[0],
            item,
            bureau_plan(b0),
            data("公示执法信息", unit=lead_section(b0)),
        )
        second = service.decompose(
            cascade.coordinators[0],
            item,
            bureau_plan(b0),
            data("执法记录仪配备", unit=lead_section(b0)),
        )
    db.session.commit()
    assert first.city_item_id == item.id and first.status == "assigned"
    assert states(b0) == [("推行行政执法三项制度", "lead", "decomposed")]
    assert queries.pending_count(b0) == 0
    audit = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "cascade.decompose")
    ).all()
    assert len(audit) == 2

    roll = queries.rollup(item)
    assert [(s.bureau.name, s.role, s.state, len(s.tasks)) for s in roll.shares] == [
        (b0.name, "lead", "decomposed", 2),
        (b1.name, "assist", "pending", 0),
    ]
    assert (roll.status, roll.progress) == ("in_progress", 0)

    worker = cascade.coordinators[0]
    with clock.frozen_at(NOW):
        workflow.transition(worker, first, "claim")
        workflow.add_progress(
            worker, first, note="过半", progress=60, expected_version=first.version
        )
    assert queries.rollup(item).progress == 30
    with clock.frozen_at(NOW):
        for task in (first, second):
            if task.status == "assigned":
                workflow.transition(worker, task, "claim")
            workflow.transition(worker, task, "submit", note="完成", result_statement="已完成。")
            workflow.transition(worker, task, "accept")
    roll = queries.rollup(item)
    assert (roll.status, roll.progress) == ("done", 100)  # the co-unit's share does not hold it


def test_a_deadline_later_than_the_items_needs_the_offices_consent(cascade):
    b0 = cascade.bureaus[0]
    item = cascade.item
    late = data("晚于市级时限", due=date(2025, 11, 30), unit=lead_section(b0))
    with clock.frozen_at(NOW), pytest.raises(DomainError, match="2025-09-30"):
        service.decompose(cascade.coordinators[0], item, bureau_plan(b0), late)
    with clock.frozen_at(NOW):
        share = service.share_for(item, b0)
        service.consent(cascade.office, share, due=date(2025, 11, 30), note="同意延期")
        task = service.decompose(cascade.coordinators[0], item, bureau_plan(b0), late)
    assert task.due_date == date(2025, 11, 30)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "cascade.consent"))
    # and beyond the consented day an edit is refused too
    with clock.frozen_at(NOW), pytest.raises(DomainError, match="2025-11-30"):
        tasks.update_task(
            cascade.coordinators[0],
            task,
            data("晚于市级时限", due=date(2025, 12, 20), unit=lead_section(b0)),
            expected_version=task.version,
        )


def first_task_of(bureau):
    return db.session.scalars(
        sa.select(tasks.Task).filter_by(plan_id=bureau_plan(bureau).id).order_by(tasks.Task.id)
    ).first()


def test_linking_an_existing_task(cascade):
    _b0, b1, b2 = cascade.bureaus
    with clock.frozen_at(NOW):
        service.link_task(cascade.coordinators[1], first_task_of(b1), cascade.item)  # 6-30: fine
    assert states(b1)[0][2] == "decomposed"
    assert first_task_of(b1).city_item_id == cascade.item.id
    with pytest.raises(DomainError):  # the item does not name bureau 2
        service.link_task(cascade.coordinators[2], first_task_of(b2), cascade.item)
    assert first_task_of(b2).city_item_id is None


def test_a_bureau_the_item_does_not_name_cannot_decompose_it(cascade):
    b2 = cascade.bureaus[2]
    with clock.frozen_at(NOW), pytest.raises(DomainError):
        service.decompose(
            cascade.coordinators[2], cascade.item, bureau_plan(b2), data(unit=lead_section(b2))
        )


def test_not_ours_agreed_takes_the_bureau_off(cascade):
    b0, b1, _b2 = cascade.bureaus
    with clock.frozen_at(NOW):
        share = service.decline(cascade.coordinators[1], cascade.item, b1, "该项不属于本局职责")
    assert states(b1)[0][2] == "declining"
    assert any("不" in t or "carry" in t for t in notices(cascade.office))
    with clock.frozen_at(NOW):
        service.resolve(cascade.office, share, accept=True, note="同意")
    db.session.commit()
    assert states(b1)[0][2] == "released"
    assert b1 not in cascade.item.co_units
    assert cascade.item.lead_unit is b0
    assert [s.state for s in queries.rollup(cascade.item).shares] == ["pending", "released"]
    with clock.frozen_at(NOW), pytest.raises(DomainError):
        service.decompose(
            cascade.coordinators[1], cascade.item, bureau_plan(b1), data(unit=lead_section(b1))
        )
    assert notices(cascade.coordinators[1])


def test_not_ours_rejected_goes_back_with_a_note(cascade):
    b0 = cascade.bureaus[0]
    with clock.frozen_at(NOW):
        share = service.decline(cascade.coordinators[0], cascade.item, b0, "不属于本局")
        with pytest.raises(DomainError):
            service.resolve(cascade.office, share, accept=False, note="")
        service.resolve(cascade.office, share, accept=False, note="属于贵局执法职责，请分解")
    entry = queries.inbox(b0)[0]
    assert entry.state == "pending" and entry.share.resolution_note == "属于贵局执法职责，请分解"
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("cascade.%"))
    ).all()
    assert actions == ["cascade.decline", "cascade.resolve"]


def test_the_citys_own_reporting_task_stays_with_the_city_office(cascade):
    """Publishing the city's plan adds its reporting task, led by the city node (where the
    依法治市办 sits), never by a bureau's 办公室 (which would put it in a bureau's inbox)."""
    reporting = [t for t in service.plan_items(cascade.plan) if t.title.startswith("报送并公开")]
    assert [t.lead_unit for t in reporting] == [cascade.city]
    assert all(
        e.item.title != reporting[0].title for b in cascade.bureaus for e in queries.inbox(b)
    )


def test_a_lead_bureau_taken_off_hands_the_item_back_to_the_city(cascade):
    b2 = cascade.bureaus[2]
    with clock.frozen_at(NOW):
        share = service.decline(cascade.coordinators[2], cascade.other, b2, "交通执法不归本局")
        service.resolve(cascade.office, share, accept=True)
    assert cascade.other.lead_unit is cascade.city  # the office names another bureau by editing
    assert [e.state for e in queries.inbox(b2)] == ["released"]
    assert queries.rollup(cascade.other).status == "not_started"
    item_edit = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "task.update", AuditEvent.object_id == str(cascade.other.id)
        )
    )
    assert item_edit is not None


def test_the_sweep_reminds_the_bureau_task_not_the_city_item(cascade):
    from tracker.reminders.models import Notification as N
    from tracker.reminders.sweep import run_reminders

    b0 = cascade.bureaus[0]
    with clock.frozen_at(NOW):
        task = service.decompose(
            cascade.coordinators[0],
            cascade.item,
            bureau_plan(b0),
            data("公示", unit=lead_section(b0)),
        )
    db.session.commit()
    with clock.frozen_at(datetime(2025, 10, 14, 8, 0)):  # both overdue
        run_reminders()
    db.session.commit()
    reminded = set(db.session.scalars(sa.select(N.task_id).where(N.task_id.is_not(None))))
    assert task.id in reminded and cascade.item.id not in reminded
