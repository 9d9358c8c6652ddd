"""Dashboard reads: where every unit stands, from aggregate queries.

The page issues a fixed number of statements however many tasks and units there are: the units
of the subtree (one), the per-unit aggregate over the tasks led (one), the per-unit aggregate
over the tasks helped with as co-unit (one), plus the charts' own (see charts.py).

What is counted: the published tasks of the plans in view — drafts, cancelled tasks and the
containers of recurring tasks are left out (a recurring task is counted by its occurrences, as
the task list shows it). **A task counts for its lead unit only**; a task without one (a
principal duty) counts for the plan's bureau. The units that help as co-units see those tasks
in separate columns (`co_total`, `co_done`, `co_overdue`) that are never added into the rates,
so no task is counted twice and every rate answers for the unit that answers for the task.
A unit's row counts its own tasks, not those of the units below it (they have their own rows).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from tracker.core.permissions import scope_unit
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.supervision.models import Urge
from tracker.tasks import versions
from tracker.tasks.lights import LightPolicy, light_sql, workdays_late
from tracker.tasks.models import TASK_KINDS, Task, task_co_units
from tracker.tasks.queries import section_and_below, visible_plans
from tracker.units.models import Unit
from tracker.units.queries import subtree

#: Statuses never counted: not yet published, or withdrawn (撤销).
UNCOUNTED_STATUSES = ("draft", "cancelled")


def is_plausible_year(year: int) -> bool:
    """Years a plan can have (anything else in a query string is ignored)."""
    return 1900 <= year <= 2999


@dataclass
class DashboardFilters:
    """What the user asked for in the query string (anything unknown is ignored)."""

    plan_id: int | None = None
    year: int | None = None
    section_id: int | None = None
    kind: str | None = None
    unit_id: int | None = None

    @classmethod
    def from_args(cls, args) -> DashboardFilters:
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() else None

        year = number("year")
        return cls(
            plan_id=number("plan"),
            year=year if year is not None and is_plausible_year(year) else None,
            section_id=number("section"),
            kind=args.get("kind") if args.get("kind") in TASK_KINDS else None,
            unit_id=number("unit"),
        )


@dataclass
class DashboardView:
    """The resolved view: which bureau, which subtree of units, which plans and filters."""

    user: object
    bureau: Unit
    #: The unit whose subtree gives the rows: the bureau, a chief's unit, or the unit filtered.
    root: Unit
    year: int
    plans: list[Plan]
    #: Every plan of the bureau (for the filter), newest first.
    all_plans: list[Plan]
    plan: Plan | None
    filters: DashboardFilters
    today: date

    @property
    def plan_ids(self) -> list[int]:
        return [p.id for p in self.plans]

    def task_list_args(self) -> dict:
        """The same filters as query arguments of the task list (home page), for drill-down."""
        args: dict = {}
        if self.plan is not None:
            args["plan"] = self.plan.id
        else:
            args["year"] = self.year
        if self.filters.section_id:
            args["section"] = self.filters.section_id
        if self.filters.kind:
            args["kind"] = self.filters.kind
        if self.filters.unit_id:
            # the task list's unit filter also lists what the units help with as co-unit
            args["unit"] = self.filters.unit_id
        return args

    def query_args(self, **changes) -> dict:
        """The dashboard's own query arguments (for links between its pages)."""
        args = {
            "plan": self.plan.id if self.plan is not None else None,
            "year": None if self.plan is not None else self.year,
            "section": self.filters.section_id,
            "kind": self.filters.kind,
            "unit": self.filters.unit_id,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v is not None}


def default_year(years, today: date) -> int:
    """This year when it has a plan, else the latest earlier year that has one."""
    years = set(years)
    if not years or today.year in years:
        return today.year
    earlier = [y for y in years if y <= today.year]
    return max(earlier) if earlier else min(years)


def resolve(user, filters: DashboardFilters, today: date, *, unit: Unit | None = None):
    """Turn the filters into a view for `user` (one statement: the bureau's plans).

    `unit` is the unit filter, already loaded and checked by the caller (it must lie in the
    user's scope)."""
    bureau = user.bureau
    all_plans = visible_plans(user)
    plan = next((p for p in all_plans if p.id == filters.plan_id), None)
    if plan is not None and filters.year and filters.year != plan.year:
        plan = None  # the year was changed after the plan was chosen: the year wins
    if plan is not None:
        year = plan.year
        plans = [plan]
    else:
        year = filters.year or default_year((p.year for p in all_plans), today)
        # a draft plan has nothing to count yet (its tasks are not assigned)
        plans = [p for p in all_plans if p.year == year and p.status != "draft"]
        if len(plans) == 1:
            plan = plans[0]
    if plan is None or filters.section_id is None:
        filters.section_id = None
    root = scope_unit(user)  # the bureau, or a chief's own unit
    if unit is not None and root.contains(unit):
        root = unit
    else:
        filters.unit_id = None
    return DashboardView(
        user=user,
        bureau=bureau,
        root=root,
        year=year,
        plans=plans,
        all_plans=all_plans,
        plan=plan,
        filters=filters,
        today=today,
    )


# -- the conditions every figure shares ------------------------------------------------------


def is_city_view(view: DashboardView) -> bool:
    """The city office's view over its bureaus: one row per bureau, not per section."""
    return view.root.kind == "city"


def unit_key(view: DashboardView):
    """The unit a task counts for: its lead unit, else the plan's bureau; over a city, the
    bureau whose plan holds it."""
    if view.bureau.kind == "city":
        # the plans in view belong to several bureaus
        bureau_of_plan = (
            sa.case({p.id: p.bureau_id for p in view.plans}, value=Task.plan_id, else_=None)
            if view.plans
            else sa.literal(None)
        )
        if is_city_view(view):
            return bureau_of_plan
        return sa.func.coalesce(Task.lead_unit_id, bureau_of_plan)
    return sa.func.coalesce(Task.lead_unit_id, view.bureau.id)


def row_units(view: DashboardView) -> list[Unit]:
    """The units that have a row: the view's subtree, or over a city its bureaus."""
    units = subtree(view.root)
    if is_city_view(view):
        return [u for u in units if u.kind == "bureau"]
    return units


def counted(view: DashboardView) -> list:
    """WHERE conditions of the tasks in view (before restricting to the rows' units)."""
    if not view.plans:
        return [sa.false()]
    conditions = [
        Task.plan_id.in_(view.plan_ids),
        Task.status.not_in(UNCOUNTED_STATUSES),
        sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)),
    ]
    if view.filters.kind:
        conditions.append(Task.kind == view.filters.kind)
    if view.filters.section_id:
        conditions.append(Task.section_id.in_(section_and_below(view.filters.section_id)))
    return conditions


def led_in(view: DashboardView, unit_ids: list[int]) -> list:
    """The tasks in view whose lead unit is one of `unit_ids`."""
    return [*counted(view), unit_key(view).in_(unit_ids)]


def count_if(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _overdue_days_by_unit(view: DashboardView, policy: LightPolicy, unit_ids: list[int]):
    """Unit id → (sum, max) of the working days late of its overdue tasks, and working days
    late → how many overdue tasks of all these units are that late (one query, grouped by unit
    and due date; the working-day calendar is applied once per distinct date)."""
    key = unit_key(view)
    query = (
        sa.select(key, Task.due_date, sa.func.count(Task.id))
        .where(*led_in(view, unit_ids), light_sql(policy) == "red")
        .group_by(key, Task.due_date)
    )
    days: dict[int, tuple[int, int]] = {}
    ages: Counter[int] = Counter()
    late_by_due: dict = {}  # each due date's working days late counted once, not per unit
    for unit_id, due, n in db.session.execute(query):
        if due not in late_by_due:
            late_by_due[due] = workdays_late(due, view.today)
        late = late_by_due[due]
        total, most = days.get(unit_id, (0, 0))
        days[unit_id] = (total + late * int(n), max(most, late))
        ages[late] += int(n)
    return days, ages


# -- per-unit rows ---------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    #: Depth below the view's root (for indenting).
    depth: int = 0
    total: int = 0
    assigned: int = 0
    in_progress: int = 0
    submitted: int = 0
    done: int = 0
    overdue: int = 0
    orange: int = 0
    yellow: int = 0
    green: int = 0
    #: Done tasks submitted (申请办结) on or before their due date (or without one).
    done_on_time: int = 0
    #: Sum and maximum of the days late of the overdue tasks.
    days_overdue_sum: int = 0
    days_overdue_max: int = 0
    #: Tasks due on or before today, and how many of those are done.
    due_by_today: int = 0
    due_by_today_done: int = 0
    co_total: int = 0
    co_done: int = 0
    co_overdue: int = 0
    #: 催办 by the legal office on the unit's tasks (督办).
    urged: int = 0
    rank: int | None = None

    @property
    def done_late(self) -> int:
        """逾期办结: done tasks applied for completion after their due date."""
        return self.done - self.done_on_time

    @property
    def due_soon(self) -> int:
        return self.orange + self.yellow

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def completion_rate(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.done if self.done else None

    @property
    def average_days_overdue(self) -> float | None:
        return self.days_overdue_sum / self.overdue if self.overdue else None

    @property
    def state(self) -> str:
        """What the ranking says of the unit: "all_done" when every task is done, "no_tasks"
        for a unit with none, otherwise its light (the page and the workbook say the same)."""
        if not self.total:
            return "no_tasks"
        if not self.open:
            return "all_done"
        return self.light

    @property
    def light(self) -> str:
        """The worst light among the unit's open tasks; green when all is done or on track;
        `none` for a unit with no tasks."""
        if not self.total:
            return "none"
        if self.overdue:
            return "red"
        if self.orange:
            return "orange"
        if self.yellow:
            return "yellow"
        return "green"

    def add(self, other: UnitRow) -> None:
        for name in AGGREGATE_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days_overdue_max = max(self.days_overdue_max, other.days_overdue_max)
        self.urged += other.urged


@dataclass
class UnitTable:
    view: DashboardView
    rows: list[UnitRow]
    totals: UnitRow
    policy: LightPolicy
    units: dict[int, Unit] = field(default_factory=dict)
    #: Working days late → how many overdue tasks of the table's units are that late.
    overdue_ages: Counter[int] = field(default_factory=Counter)


#: The per-unit aggregate's columns, in the order the query selects them.
LEAD_COLUMNS = (
    "total",
    "assigned",
    "in_progress",
    "submitted",
    "done",
    "overdue",
    "orange",
    "yellow",
    "green",
    "done_on_time",
    "days_overdue_sum",
    "days_overdue_max",
    "due_by_today",
    "due_by_today_done",
)
#: Fields summed into the totals row (a maximum does not add up).
AGGREGATE_FIELDS = tuple(name for name in LEAD_COLUMNS if name != "days_overdue_max")


def _lead_aggregates(view: DashboardView, policy: LightPolicy, unit_ids: list[int]):
    light = light_sql(policy)
    key = unit_key(view)
    is_red = light == "red"
    due = Task.due_date
    # 申请办结 on or before the due date is on time, as for the lights; a done task with no
    # recorded submission date (entered outside the workflow) is taken as on time.
    on_time = sa.and_(
        Task.status == "done",
        sa.or_(due.is_(None), sa.func.coalesce(Task.submitted_on, due) <= due),
    )
    due_by_today = sa.and_(due.is_not(None), due <= view.today)
    columns = [
        sa.func.count(Task.id),
        count_if(Task.status == "assigned"),
        count_if(Task.status == "in_progress"),
        count_if(Task.status == "submitted"),
        count_if(Task.status == "done"),
        count_if(is_red),
        count_if(light == "orange"),
        count_if(light == "yellow"),
        count_if(light == "green"),
        count_if(on_time),
        sa.literal(0),  # days_overdue_sum and _max: working days, filled in afterwards
        sa.literal(0),
        count_if(due_by_today),
        count_if(sa.and_(due_by_today, Task.status == "done")),
    ]
    query = sa.select(key, *columns).where(*led_in(view, unit_ids)).group_by(key)
    rows = {
        unit_id: dict(zip(LEAD_COLUMNS, (int(v or 0) for v in values), strict=True))
        for unit_id, *values in db.session.execute(query)
    }
    days, ages = _overdue_days_by_unit(view, policy, unit_ids)
    for unit_id, (total, most) in days.items():
        if unit_id in rows:
            rows[unit_id]["days_overdue_sum"], rows[unit_id]["days_overdue_max"] = total, most
    return rows, ages


def _co_aggregates(view: DashboardView, policy: LightPolicy, unit_ids: list[int]):
    light = light_sql(policy)
    query = (
        sa.select(
            task_co_units.c.unit_id,
            sa.func.count(Task.id),
            count_if(Task.status == "done"),
            count_if(light == "red"),
        )
        .join(Task, Task.id == task_co_units.c.task_id)
        .where(*counted(view), task_co_units.c.unit_id.in_(unit_ids))
        .group_by(task_co_units.c.unit_id)
    )
    return {
        unit_id: (int(total or 0), int(done or 0), int(red or 0))
        for unit_id, total, done, red in db.session.execute(query)
    }


def _urge_counts(view: DashboardView, unit_ids: list[int]) -> dict[int, int]:
    """Unit id → how many times the legal office urged (催办) the unit's tasks in view."""
    key = unit_key(view)
    query = (
        sa.select(key, sa.func.count(Urge.id))
        .join(Task, Task.id == Urge.task_id)
        .where(*led_in(view, unit_ids))
        .group_by(key)
    )
    return {unit_id: int(n) for unit_id, n in db.session.execute(query)}


def kept_key(view: DashboardView) -> tuple:
    """What the tasks counted in `view` depend on, for figures kept between changes
    (tracker.tasks.versions); the tokens of `kept_scopes(view)` complete the key."""
    return (
        view.bureau.id,
        is_city_view(view),
        tuple(view.plan_ids),
        view.filters.kind,
        view.filters.section_id,
        view.today,
    )


def kept_scopes(view: DashboardView) -> set[int]:
    return {p.bureau_id for p in view.plans}


def _aggregates(view: DashboardView, policy: LightPolicy, unit_ids: list[int]):
    """The per-unit counts, kept between requests while the bureaus' tasks are unchanged
    (tracker.tasks.versions): at 100,000 tasks each is a pass over them all."""
    key = (*kept_key(view), tuple(unit_ids), policy)

    def compute():
        lead, ages = _lead_aggregates(view, policy, unit_ids)
        return lead, ages, _co_aggregates(view, policy, unit_ids), _urge_counts(view, unit_ids)

    return versions.kept("unit_table", key, kept_scopes(view), compute)


def unit_table(view: DashboardView, policy: LightPolicy) -> UnitTable:
    """One row per unit of the view's subtree (units with no tasks too), or per bureau over a
    city, plus the totals."""
    units = row_units(view)
    unit_ids = [u.id for u in units]
    lead, ages, co, urged = _aggregates(view, policy, unit_ids)
    rows: list[UnitRow] = []
    for unit in units:
        row = UnitRow(unit=unit, **lead.get(unit.id, {}))
        row.co_total, row.co_done, row.co_overdue = co.get(unit.id, (0, 0, 0))
        row.urged = urged.get(unit.id, 0)
        # The bureau itself is a row only when tasks count for it (duties without a lead
        # unit); an inactive unit only while it still holds tasks.
        if unit.kind in ("bureau", "city") and not row.total and not is_city_view(view):
            continue
        if not unit.is_active and not (row.total or row.co_total):
            continue
        rows.append(row)
    base_depth = view.root.depth
    if view.root.kind == "bureau" and (not rows or rows[0].unit.id != view.root.id):
        base_depth += 1  # the sections are the top level when the bureau has no row
    for row in rows:
        row.depth = max(row.unit.depth - base_depth, 0)
    totals = UnitRow(unit=view.root)
    for row in rows:
        totals.add(row)
    rank_rows(rows)
    return UnitTable(
        view=view,
        rows=rows,
        totals=totals,
        policy=policy,
        units={u.id: u for u in units},
        overdue_ages=ages,
    )


# -- ranking (通报) and sorting ----------------------------------------------------------------


def ranking_key(row: UnitRow) -> tuple:
    """Better first: completion rate, then on-time rate, then fewer and shorter overdue."""
    return (
        -(row.completion_rate or 0),
        -(row.on_time_rate if row.on_time_rate is not None else -1),
        row.overdue,
        row.average_days_overdue or 0,
    )


def rank_rows(rows: list[UnitRow]) -> None:
    """Give every unit with tasks its place (equal figures share a place: 1, 2, 2, 4)."""
    ranked = sorted((r for r in rows if r.total), key=ranking_key)
    previous, place = None, 0
    for index, row in enumerate(ranked, start=1):
        key = ranking_key(row)
        if key != previous:
            place, previous = index, key
        row.rank = place
    for row in rows:
        if not row.total:
            row.rank = None


def ranked(rows: list[UnitRow]) -> list[UnitRow]:
    """Units by place; units with no tasks last, in tree order."""
    with_rank = sorted((r for r in rows if r.rank is not None), key=lambda r: (r.rank, r.unit.name))
    return with_rank + [r for r in rows if r.rank is None]


SORT_KEYS = {
    "unit": None,  # tree order
    "rank": lambda r: (r.rank is None, r.rank or 0),
    "total": lambda r: r.total,
    "done": lambda r: r.done,
    "assigned": lambda r: r.assigned,
    "in_progress": lambda r: r.in_progress,
    "submitted": lambda r: r.submitted,
    "overdue": lambda r: r.overdue,
    "due_soon": lambda r: r.due_soon,
    "completion": lambda r: (r.completion_rate is not None, r.completion_rate or 0),
    "on_time": lambda r: (r.on_time_rate is not None, r.on_time_rate or 0),
    "days_overdue": lambda r: (r.average_days_overdue is not None, r.average_days_overdue or 0),
    "co": lambda r: r.co_total,
}


def sorted_rows(rows: list[UnitRow], key: str, descending: bool) -> list[UnitRow]:
    """Rows sorted by a column of the table (unknown keys keep the tree order)."""
    sort_key = SORT_KEYS.get(key)
    if sort_key is None:
        return list(rows)
    if key == "rank":
        return ranked(rows)[::-1] if descending else ranked(rows)
    return sorted(rows, key=sort_key, reverse=descending)
