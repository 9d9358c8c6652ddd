"""Demo 督办: the legal office has urged (催办) two overdue tasks of this year's plan, one of
them twice, and issued a 督办通知单 for the most overdue one."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa

from tracker.core import clock, workdays
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.supervision import service
from tracker.supervision.models import Urge
from tracker.tasks.lights import LightPolicy, light_of
from tracker.tasks.models import Task
from tracker.units.models import Unit

NOTES = (
    "请于三个工作日内报送工作进展及佐证材料。",
    "前次催办后仍无进展，请科室负责人亲自督促落实。",
)


def _at(days_back: int, hour: int) -> datetime:
    """`days_back` working days before today, at `hour` o'clock bureau time."""
    day = workdays.add_workdays(workdays.last_workday_on_or_before(clock.today()), -days_back)
    moment = datetime.combine(day, time(hour, 0), tzinfo=clock.local_timezone())
    return min(moment, clock.now())


def load_supervision(bureau: Unit, coordinator) -> int:
    """Urge the overdue tasks of the active plan (most overdue first) and issue one notice;
    return how many urges were written (none when the demo already has them)."""
    task_ids = sa.select(Task.id).join(Plan, Task.plan_id == Plan.id)
    task_ids = task_ids.where(Plan.bureau_id == bureau.id)
    if db.session.scalar(sa.select(sa.func.count(Urge.id)).where(Urge.task_id.in_(task_ids))):
        return 0
    policy = LightPolicy.current()
    candidates = db.session.scalars(
        sa.select(Task)
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.bureau_id == bureau.id,
            Plan.status == "active",
            Task.status.in_(("assigned", "in_progress")),
            Task.lead_unit_id.is_not(None),
            Task.lead_unit_id != coordinator.unit_id,  # the office does not chase itself
        )
        .order_by(Task.due_date, Task.id)
    ).all()
    overdue = [t for t in candidates if light_of(t, policy) == "red"][:2]
    written = 0
    for index, task in enumerate(overdue):
        with clock.frozen_at(_at(4, 9)):
            service.urge(coordinator, task, NOTES[0])
            written += 1
        if index == 0:
            with clock.frozen_at(_at(1, 15)):
                service.urge(coordinator, task, NOTES[1])
                written += 1
                service.issue_notice(coordinator, task=task)
    return written
