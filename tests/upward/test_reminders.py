"""The statutory deadline in the reminder sweep: a bureau's reporting task is reminded (overdue,
exactly once per period) until its report reaches the city office, and again once returned."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from tests.factories import add_user, reporting_task
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.models import Notification
from tracker.reminders.sweep import run_reminders
from tracker.upward import service

SUBMITTED_AT = datetime(2026, 3, 30, 9, 0)
SWEEP_AT = datetime(2026, 4, 2, 8, 0)  # Thursday: two working days after the deadline


def _reporting_task_of(bureau):
    plan = db.session.scalar(sa.select(Plan).where(Plan.bureau_id == bureau.id))
    return reporting_task(plan)


def _notified(task) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(Notification.kind, Notification.recipient_id)
        .where(Notification.task_id == task.id)
        .order_by(Notification.id)
    )
    return [tuple(row) for row in rows]


def test_reporting_task_reminded_until_submitted_upward(app, city):
    for index, bureau in enumerate(city.bureaus):
        section = bureau.children[0]
        add_user(f"b{index}-chief", "chief", section)
    db.session.commit()
    tasks = [_reporting_task_of(b) for b in city.bureaus]
    with clock.frozen_at(SUBMITTED_AT):
        submission = service.submit(city.coordinators[0], city.bureaus[0], 2025)
        db.session.commit()
    with clock.frozen_at(SWEEP_AT):
        run_reminders()
        db.session.commit()
        first = [_notified(t) for t in tasks]
        assert first[0] == []  # submitted in time: nothing to chase
        assert first[1] and {kind for kind, _user in first[1]} == {"overdue"}
        run_reminders()  # a second run writes nothing new
        db.session.commit()
        assert [_notified(t) for t in tasks] == first

        service.review(city.office, submission, accept=False, note="补充数据")
        db.session.commit()
        run_reminders()
        db.session.commit()
        assert {kind for kind, _user in _notified(tasks[0])} == {"overdue"}
