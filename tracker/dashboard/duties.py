"""The principal leader's duty list (第一责任人职责清单): each duty with its target and what is
achieved, and the study sessions and meetings the principal chaired, from the ledger.

The lag rule. A duty with a target (e.g. 主持党组中心组学法 ≥ 12 次) should have reached, by
today, the share of its target that matches the share of its time already gone:
``expected = ⌊target × elapsed share⌋``, where the elapsed share runs from the duty's start
(or 1 January of the plan year) to its due date (or 31 December). It *lags* when
``achieved < expected`` — behind the point of the year by at least one whole session. Once the
time is up the expected count is the whole target. A duty without a target lags when it is
overdue (red light). A duty accepted as done (办结), or whose target is reached, never lags.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User
from tracker.accounts.queries import principal_of
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import Record, StudySession
from tracker.tasks.lights import LightPolicy, light_sql
from tracker.tasks.models import Task
from tracker.units.models import Unit

#: done: accepted as done (办结); reached: the target is met; on_track; lagging
DUTY_STATES = ("done", "reached", "on_track", "lagging")


def elapsed_share(start: date, end: date, today: date) -> float:
    """The share of the time from `start` to `end` gone by `today` (0 before, 1 from `end`)."""
    if today <= start:
        return 0.0
    if today >= end or end <= start:
        return 1.0
    return (today - start).days / (end - start).days


def expected_by(target: int, share: float) -> int:
    """Whole units of `target` due by the elapsed `share` (rounded down)."""
    return math.floor(target * share + 1e-9)


def duty_window(task: Task) -> tuple[date, date]:
    year = task.plan.year
    start = task.start_date or date(year, 1, 1)
    end = task.due_date or date(year, 12, 31)
    return start, max(start, end)


@dataclass
class DutyRow:
    task: Task
    light: str
    target: int | None
    achieved: int
    share_elapsed: float
    #: What the target asks for by today (None without a target).
    expected: int | None
    state: str
    #: Live ledger records of the duty (the proof behind the count).
    record_count: int = 0

    @property
    def is_lagging(self) -> bool:
        return self.state == "lagging"

    @property
    def achieved_share(self) -> float | None:
        if not self.target:
            return None
        return min(self.achieved / self.target, 1.0)

    @property
    def shortfall(self) -> int:
        """Sessions (or other units) missing against the expected count."""
        if self.expected is None:
            return 0
        return max(self.expected - self.achieved, 0)


def assess(task: Task, light: str, today: date) -> DutyRow:
    """The duty's standing today by the lag rule above."""
    start, end = duty_window(task)
    share = elapsed_share(start, end, today)
    target = task.target_count if task.target_count else None
    achieved = task.achieved_count or 0
    expected = expected_by(target, share) if target else None
    if task.status == "done":
        state = "done"
    elif target and achieved >= target:
        state = "reached"
    elif target:
        state = "lagging" if achieved < expected else "on_track"
    else:
        state = "lagging" if light == "red" else "on_track"
    return DutyRow(
        task=task,
        light=light,
        target=target,
        achieved=achieved,
        share_elapsed=share,
        expected=expected,
        state=state,
    )


@dataclass
class DutyReport:
    bureau: Unit
    year: int
    today: date
    principal: User | None
    rows: list[DutyRow]
    #: Study sessions and meetings chaired by the principal in the plan year, oldest first.
    sessions: list[StudySession] = field(default_factory=list)
    #: How many of those per session kind.
    session_counts: dict[str, int] = field(default_factory=dict)

    @property
    def lagging(self) -> list[DutyRow]:
        return [row for row in self.rows if row.is_lagging]

    @property
    def share_elapsed(self) -> float:
        return elapsed_share(date(self.year, 1, 1), date(self.year, 12, 31), self.today)


def _plans_of(bureau: Unit, year: int):
    return sa.select(Plan.id).where(Plan.bureau_id == bureau.id, Plan.year == year)


def duty_rows(bureau: Unit, year: int, policy: LightPolicy) -> list[DutyRow]:
    """Every principal duty of the bureau's plans of `year`, in plan order (two statements)."""
    light = light_sql(policy)
    query = (
        sa.select(Task, light)
        .where(
            Task.plan_id.in_(_plans_of(bureau, year)),
            Task.is_principal_duty.is_(True),
            Task.parent_id.is_(None),
            Task.status.not_in(("draft", "cancelled")),
        )
        .options(joinedload(Task.plan), joinedload(Task.owner), joinedload(Task.lead_unit))
        .order_by(Task.plan_id, Task.position, Task.id)
    )
    rows = [
        assess(task, task_light, policy.today) for task, task_light in db.session.execute(query)
    ]
    if rows:
        counts = dict(
            db.session.execute(
                sa.select(Record.task_id, sa.func.count(Record.id))
                .where(Record.task_id.in_([r.task.id for r in rows]), Record.is_void.is_(False))
                .group_by(Record.task_id)
            ).all()
        )
        for row in rows:
            row.record_count = counts.get(row.task.id, 0)
    return rows


def chaired_sessions(bureau: Unit, year: int, principal: User | None) -> list[StudySession]:
    """Live study sessions and meetings chaired by the principal, of the plan year's ledger."""
    if principal is None:
        return []
    query = (
        sa.select(StudySession)
        .join(Task, Task.id == StudySession.task_id)
        .where(
            Task.plan_id.in_(_plans_of(bureau, year)),
            StudySession.is_void.is_(False),
            sa.or_(
                StudySession.chaired_by_id == principal.id,
                sa.and_(
                    StudySession.chaired_by_id.is_(None),
                    StudySession.chaired_by_name == principal.display_name,
                ),
            ),
        )
        .options(joinedload(StudySession.task))
        .order_by(StudySession.held_on, StudySession.id)
    )
    return list(db.session.scalars(query))


def duty_report(bureau: Unit, year: int, policy: LightPolicy) -> DutyReport:
    """The duty list with the lag rule applied and the principal's sessions (four statements)."""
    principal = principal_of(bureau)
    sessions = chaired_sessions(bureau, year, principal)
    counts: dict[str, int] = {}
    for session in sessions:
        counts[session.session_kind] = counts.get(session.session_kind, 0) + 1
    return DutyReport(
        bureau=bureau,
        year=year,
        today=policy.today,
        principal=principal,
        rows=duty_rows(bureau, year, policy),
        sessions=sessions,
        session_counts=counts,
    )
