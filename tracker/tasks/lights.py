"""Traffic lights: derived from status, dates and thresholds at a given day; never stored.

red = overdue; orange = at most 15 % of the task's time left; yellow = at most 30 % left or at
most 5 working days left; green otherwise; grey when done or cancelled; "none" for drafts.
A task submitted (申请办结) on or before its due date is green while it waits for acceptance.
The same rule is written twice — in Python for one task, in SQL for filtering and counting
whole lists — and the tests hold the two against each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from tracker.core import clock, workdays
from tracker.tasks.models import CLOSED_STATUSES, Task

LIGHTS = ("red", "orange", "yellow", "green", "grey", "none")
LIGHT_RANK = {"red": 0, "orange": 1, "yellow": 2, "green": 3, "none": 4, "grey": 5}
LIGHT_LABELS = {
    "red": _l("Overdue"),
    "orange": _l("Due very soon"),
    "yellow": _l("Due soon"),
    "green": _l("On track"),
    "grey": _l("Closed"),
    "none": _l("Not yet assigned"),
}
#: Bootstrap colour classes per light.
LIGHT_CSS = {
    "red": "danger",
    "orange": "orange",
    "yellow": "warning",
    "green": "success",
    "grey": "secondary",
    "none": "light",
}


@dataclass(frozen=True)
class LightPolicy:
    today: date
    orange_percent: int = 15
    yellow_percent: int = 30
    yellow_workdays: int = 5

    @property
    def yellow_date(self) -> date:
        """Tasks due on or before this day have at most `yellow_workdays` working days left."""
        return workdays.add_workdays(self.today, self.yellow_workdays)

    @classmethod
    def current(cls, today: date | None = None) -> LightPolicy:
        """The policy for `today` (default: the clock's today) with the configured thresholds."""
        config = current_app.config if has_app_context() else {}
        return cls(
            today=today or clock.today(),
            orange_percent=config.get("LIGHT_ORANGE_PERCENT", 15),
            yellow_percent=config.get("LIGHT_YELLOW_PERCENT", 30),
            yellow_workdays=config.get("LIGHT_YELLOW_WORKDAYS", 5),
        )


def light_of(task: Task, policy: LightPolicy) -> str:
    """The light of one task."""
    if task.status in CLOSED_STATUSES:
        return "grey"
    if task.status == "draft":
        return "none"
    due = task.due_date
    if due is None:
        return "green"
    if task.status == "submitted" and task.submitted_on is not None and task.submitted_on <= due:
        return "green"
    if due < policy.today:
        return "red"
    start = task.start_date or due
    left = (due - policy.today).days
    total = (due - start).days
    if left * 100 <= total * policy.orange_percent:
        return "orange"
    if left * 100 <= total * policy.yellow_percent or due <= policy.yellow_date:
        return "yellow"
    return "green"


def counted_as_its_bureau(task: Task):
    """Count the task's working days with the calendar of the bureau whose plan holds it (its
    own days off): the city office reading a bureau's task sees the lateness the bureau and the
    reminder sweep see, not one counted with the city's calendar."""
    return workdays.calendar_of(task.plan.bureau_id)


def calendar_days_overdue(task: Task, today: date) -> int:
    """Calendar days past the due date for an open task (0 when not overdue): the tooltip."""
    if not _is_late(task, today):
        return 0
    return (today - task.due_date).days


def days_overdue(task: Task, today: date) -> int:
    """Working days past the due date for an open task (0 when not overdue).

    The one unit of lateness: the task page, lists, notices, dashboard and workbook all show
    this, and the escalation rules count the same working days (tracker.core.workdays)."""
    if not _is_late(task, today):
        return 0
    return workdays_late(task.due_date, today)


def workdays_late(due: date, today: date) -> int:
    """Working days from `due` to `today` (0 when not past): the days walked onto after it."""
    return max(workdays.workdays_between(due, today), 0) if due < today else 0


def _is_late(task: Task, today: date) -> bool:
    if not task.is_open or task.due_date is None or task.due_date >= today:
        return False
    if task.status == "submitted" and task.submitted_on and task.submitted_on <= task.due_date:
        return False
    return True


def late_due_boundary(today: date, days: int) -> date:
    """The latest due date that is at least `days` working days late today (for SQL filters:
    `due_date <= late_due_boundary(today, n)` means n or more working days late)."""
    day, counted = today, 0
    while counted < days:
        if workdays.is_workday(day):
            counted += 1
        day -= timedelta(days=1)
    return day


def is_finished_late(task) -> bool:
    """逾期办结: done, and applied for completion (申请办结) after the due date."""
    if task.status != "done" or task.due_date is None:
        return False
    # a done task with no submission date (entered outside the workflow) counts as on time
    return task.submitted_on is not None and task.submitted_on > task.due_date


def finished_late_sql():
    """逾期办结 as an SQL condition (same rule as is_finished_late; a done task with no
    submission date is taken as on time, as the dashboard's on-time rate does)."""
    return sa.and_(
        Task.status == "done",
        Task.due_date.is_not(None),
        Task.submitted_on.is_not(None),
        Task.submitted_on > Task.due_date,
    )


class DayNumber(FunctionElement):
    """A date as a whole number of days, so that differences are day counts on every backend."""

    type = sa.Integer()
    inherit_cache = True


@compiles(DayNumber, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(DayNumber, "postgresql")
def _day_number_postgresql(element, compiler, **kw):
    return f"(({compiler.process(element.clauses, **kw)}) - DATE '1970-01-01')"


def light_sql(policy: LightPolicy):
    """The light of each row of `tasks` as an SQL expression (same rule as light_of)."""
    today = sa.literal(policy.today, sa.Date)
    due = Task.due_date
    left = DayNumber(due) - DayNumber(today)
    total = DayNumber(due) - DayNumber(sa.func.coalesce(Task.start_date, due))
    return sa.case(
        (Task.status.in_(CLOSED_STATUSES), sa.literal("grey")),
        (Task.status == "draft", sa.literal("none")),
        (due.is_(None), sa.literal("green")),
        (
            sa.and_(
                Task.status == "submitted",
                Task.submitted_on.is_not(None),
                Task.submitted_on <= due,
            ),
            sa.literal("green"),
        ),
        (due < today, sa.literal("red")),
        (left * 100 <= total * policy.orange_percent, sa.literal("orange")),
        (
            sa.or_(
                left * 100 <= total * policy.yellow_percent,
                due <= sa.literal(policy.yellow_date, sa.Date),
            ),
            sa.literal("yellow"),
        ),
        else_=sa.literal("green"),
    )


def light_rank_sql(light_expression):
    """Sort key: red first, grey last."""
    return sa.case(
        *[(light_expression == name, rank) for name, rank in LIGHT_RANK.items()], else_=9
    )
