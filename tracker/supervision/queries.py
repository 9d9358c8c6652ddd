"""Reads of 督办: the level a task is at, its urges, and the counts the dashboard shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask import g

from tracker.core import clock, workdays
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.policy import overdue_escalation, rules_of
from tracker.reminders.rules import Rules
from tracker.supervision.models import SupervisionNotice, Urge
from tracker.tasks.models import Task


def rules_for(task: Task) -> Rules:
    return rules_of(task.plan.bureau)


def window_start(today: date, rules: Rules) -> date:
    """Urges on or after this day count as recent: repeating one within the window climbs."""
    return workdays.add_workdays(today, -rules.escalate_principal_days)


def _window_since(today: date, rules: Rules) -> datetime:
    start = window_start(today, rules)
    return datetime.combine(start, time.min, tzinfo=clock.local_timezone()).astimezone(UTC)


def recent_urges(task: Task, today: date, rules: Rules) -> list[Urge]:
    since = _window_since(today, rules)
    return list(
        db.session.scalars(
            sa.select(Urge)
            .where(Urge.task_id == task.id, Urge.created_at >= since)
            .order_by(Urge.created_at)
        )
    )


def supervision_level(
    task: Task, today: date | None = None, *, urges: list[Urge] | None = None
) -> int:
    """The 督办 level a task is at: its overdue escalation or the level a recent 催办 reached,
    whichever is higher (0 chief, 1 supervisor, 2 principal leader). `urges`: every urge of
    the task, when the caller has read them already (the task page)."""
    today = today or clock.today()
    if not task.is_open:
        return 0
    rules = rules_for(task)
    if urges is None:
        recent = recent_urges(task, today, rules)
    else:
        since = _window_since(today, rules)
        recent = [u for u in urges if u.created_at >= since]
    return max([overdue_escalation(task, today, rules), *(u.level for u in recent)])


@dataclass
class UrgeSummary:
    count: int = 0
    last_at: datetime | None = None
    urges: list[Urge] | None = None


def urge_summary(task: Task) -> UrgeSummary:
    """How often the task was urged (催办 N 次) and when last, newest first."""
    urges = list(
        db.session.scalars(
            sa.select(Urge).where(Urge.task_id == task.id).order_by(Urge.created_at.desc())
        )
    )
    return UrgeSummary(
        count=len(urges), last_at=urges[0].created_at if urges else None, urges=urges
    )


#: g key: plan id -> {task id: number of urges}, for the rest of the request (task lists).
URGE_COUNTS_KEPT = "urge_counts"


def urged_times(task: Task) -> int:
    """催办 N 次 for task lists: the counts of the task's whole plan, read once per plan and
    request (or ahead, for all the plans of a list: `keep_urge_counts`)."""
    kept = g.setdefault(URGE_COUNTS_KEPT, {})
    if task.plan_id not in kept:
        kept[task.plan_id] = urge_counts_in_plan(task.plan_id)
    return kept[task.plan_id].get(task.id, 0)


def keep_urge_counts(plan_ids: Iterable[int]) -> None:
    """urge_counts_in_plan for several plans in one statement, when several are not yet kept."""
    kept = g.setdefault(URGE_COUNTS_KEPT, {})
    missing = set(plan_ids) - kept.keys()
    if len(missing) < 2:
        return
    query = (
        sa.select(Task.plan_id, Urge.task_id, sa.func.count(Urge.id))
        .join(Task, Task.id == Urge.task_id)  # per urge, a primary-key lookup
        .where(Task.plan_id.in_(missing))
        .group_by(Task.plan_id, Urge.task_id)
    )
    read: dict[int, dict[int, int]] = {plan_id: {} for plan_id in missing}
    for plan_id, task_id, n in db.session.execute(query):
        read[plan_id][task_id] = int(n)
    kept.update(read)


def urge_counts_in_plan(plan_id: int) -> dict[int, int]:
    """Task id → number of urges, for the urged tasks of one plan. Read from the (few) urges
    joined to their tasks, never from the list of the plan's task ids: at 100k tasks that list
    alone cost 38 ms a page."""
    of_plan = sa.select(Task.id).where(Task.id == Urge.task_id, Task.plan_id == plan_id)
    query = (
        sa.select(Urge.task_id, sa.func.count(Urge.id))
        .where(of_plan.exists())  # per urge, a primary-key lookup: never the plan's tasks
        .group_by(Urge.task_id)
    )
    return {task_id: int(n) for task_id, n in db.session.execute(query)}


def notices_of_task(task: Task) -> list[SupervisionNotice]:
    return list(
        db.session.scalars(
            sa.select(SupervisionNotice)
            .where(
                sa.or_(
                    SupervisionNotice.task_id == task.id,
                    sa.and_(
                        SupervisionNotice.task_id.is_(None),
                        SupervisionNotice.unit_id == task.lead_unit_id,
                    ),
                )
            )
            .order_by(SupervisionNotice.issued_at.desc())
        )
    )


def open_tasks_led_by(unit) -> list[Task]:
    """A unit's open tasks in the active plans of its bureau, by due date (the unit notice)."""
    return list(
        db.session.scalars(
            sa.select(Task)
            .join(Plan, Task.plan_id == Plan.id)
            .where(
                Plan.status == "active",
                Task.lead_unit_id == unit.id,
                Task.status.in_(("assigned", "in_progress")),
                sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)),
            )
            .order_by(Task.due_date.is_(None), Task.due_date, Task.position, Task.id)
        )
    )


def notice_tasks(notice: SupervisionNotice) -> list[Task]:
    """The tasks a notice listed when it was issued, in its order."""
    ids = [int(i) for i in notice.task_ids or []]
    if not ids:
        return []
    found = {t.id: t for t in db.session.scalars(sa.select(Task).where(Task.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def next_serial(bureau_id: int, year: int) -> int:
    current = db.session.scalar(
        sa.select(sa.func.max(SupervisionNotice.serial)).where(
            SupervisionNotice.bureau_id == bureau_id, SupervisionNotice.year == year
        )
    )
    return (current or 0) + 1
