"""Year over year: each record kind and each metric this year against a comparison year (last
year by default) and the metric's own baseline year where one is given.

The figures are the ledger's own: record counts come from `tracker.records.queries` (live
records of the plan year, in the user's scope), the same reads the ledger pages and the annual
report use, so the three never disagree. A year is a *plan* year: a record counts for the year
of the plan its task belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tracker.core.permissions import BUREAU_WIDE_ROLES, scope_unit
from tracker.dashboard.queries import count_if, default_year
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.labels import KIND_LABELS
from tracker.records.models import RECORD_KINDS, Metric
from tracker.records.queries import counts_by_kind, ledger
from tracker.tasks import versions
from tracker.tasks.models import Task
from tracker.tasks.queries import visible_plans
from tracker.units.models import Unit

TASK_FIGURES = {
    "tasks": _l("Tasks in the plan"),
    "done": _l("Done"),
    "on_time": _l("Done on time"),
}
#: Record kinds counted year over year (metrics are compared by value instead).
COUNTED_KINDS = tuple(kind for kind in RECORD_KINDS if kind != "metric")


def change_percent(now, before) -> float | None:
    """Relative change in per cent (None when there is nothing to compare with)."""
    if now is None or before is None or before == 0:
        return None
    return float((Decimal(now) - Decimal(before)) / abs(Decimal(before)) * 100)


@dataclass
class CountRow:
    key: str
    label: str
    this_year: int
    last_year: int

    @property
    def change(self) -> int:
        return self.this_year - self.last_year

    @property
    def change_percent(self) -> float | None:
        return change_percent(self.this_year, self.last_year)


@dataclass
class MetricRow:
    name: str
    measure: str
    this_year: Decimal | None
    last_year: Decimal | None
    #: True when last year's figure is the metric's recorded baseline, not a record of its own.
    last_year_from_baseline: bool
    baseline_value: Decimal | None
    baseline_year: int | None

    @property
    def change(self) -> Decimal | None:
        if self.this_year is None or self.last_year is None:
            return None
        return self.this_year - self.last_year

    @property
    def change_percent(self) -> float | None:
        return change_percent(self.this_year, self.last_year)

    @property
    def latest(self) -> Decimal | None:
        return self.this_year if self.this_year is not None else self.last_year

    @property
    def baseline_change_percent(self) -> float | None:
        return change_percent(self.latest, self.baseline_value)


@dataclass
class YearOverYear:
    year: int
    compare_year: int
    years: list[int]
    kinds: list[CountRow] = field(default_factory=list)
    metrics: list[MetricRow] = field(default_factory=list)
    #: tasks counted / done / done on time, per year
    tasks: list[CountRow] = field(default_factory=list)


def default_years(user, today: date, year: int | None, compare: int | None) -> tuple[int, int]:
    """The year shown (this year by default) and the year it is compared with: the one asked
    for, else last year when it has a plan, else the latest earlier year that has one."""
    plan_years = sorted({p.year for p in visible_plans(user)})
    year = year or default_year(plan_years, today)
    if compare is None or compare == year:
        earlier = [y for y in plan_years if y < year]
        compare = year - 1 if (year - 1) in plan_years or not earlier else max(earlier)
    return year, compare


def _latest_by_name(metrics: list[Metric]) -> dict[tuple[str, str], Metric]:
    latest: dict[tuple[str, str], Metric] = {}
    for metric in metrics:  # the ledger is ordered by date: the last one wins
        latest[(metric.name.strip(), metric.measure.strip())] = metric
    return latest


def _task_counts(user, years: list[int]) -> dict[int, tuple[int, int, int]]:
    """(counted, done, done on time) per plan year, one grouped statement, kept between changes
    to the bureau's tasks (tracker.tasks.versions): at 100,000 tasks it is a pass over them all."""
    bureau = user.bureau
    due = Task.due_date
    on_time = sa.and_(
        Task.status == "done",
        sa.or_(due.is_(None), sa.func.coalesce(Task.submitted_on, due) <= due),
    )
    query = (
        sa.select(
            Plan.year,
            sa.func.count(Task.id),
            count_if(Task.status == "done"),
            count_if(on_time),
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.bureau_id == bureau.id,
            Plan.year.in_(years),
            Task.status.not_in(("draft", "cancelled")),
            sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)),
        )
        .group_by(Plan.year)
    )
    root = None
    if user.role not in BUREAU_WIDE_ROLES:
        root = scope_unit(user)
        query = query.where(
            sa.func.coalesce(Task.lead_unit_id, bureau.id).in_(
                sa.select(Unit.id).where(Unit.path.startswith(root.path))
            )
        )

    def compute() -> dict[int, tuple[int, int, int]]:
        rows = db.session.execute(query)
        return {year: (int(n or 0), int(d or 0), int(t or 0)) for year, n, d, t in rows}

    key = (bureau.id, root.path if root is not None else None, tuple(sorted(years)))
    return versions.kept("yoy_task_counts", key, versions.reader_scopes(user), compute)


def year_over_year(user, year: int, compare_year: int) -> YearOverYear:
    """Record counts, metrics and task figures of `year` against `compare_year`."""
    result = YearOverYear(year=year, compare_year=compare_year, years=[year, compare_year])
    this_counts = counts_by_kind(user, year=year)
    last_counts = counts_by_kind(user, year=compare_year)
    result.kinds = [
        CountRow(kind, str(KIND_LABELS[kind]), this_counts[kind], last_counts[kind])
        for kind in COUNTED_KINDS
    ]
    tasks = _task_counts(user, [year, compare_year])
    for index, (key, label) in enumerate(TASK_FIGURES.items()):
        result.tasks.append(
            CountRow(
                key,
                str(label),
                tasks.get(year, (0, 0, 0))[index],
                tasks.get(compare_year, (0, 0, 0))[index],
            )
        )
    this_metrics = _latest_by_name(ledger(user, "metric", year=year))
    last_metrics = _latest_by_name(ledger(user, "metric", year=compare_year))
    for key in list(this_metrics) + [k for k in last_metrics if k not in this_metrics]:
        now, before = this_metrics.get(key), last_metrics.get(key)
        source = now or before
        last_value, from_baseline = (before.value if before else None), False
        if last_value is None and now is not None and now.baseline_year == compare_year:
            last_value, from_baseline = now.baseline_value, True
        result.metrics.append(
            MetricRow(
                name=key[0],
                measure=key[1],
                this_year=now.value if now else None,
                last_year=last_value,
                last_year_from_baseline=from_baseline,
                baseline_value=source.baseline_value,
                baseline_year=source.baseline_year,
            )
        )
    return result
