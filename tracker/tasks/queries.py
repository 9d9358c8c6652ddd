"""Task reads: what each user sees, filtered, counted per light and paginated."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.core.permissions import BUREAU_WIDE_ROLES, scope_unit
from tracker.core.signals import tasks_listed
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.tasks import versions
from tracker.tasks.lights import LIGHTS, LightPolicy, late_due_boundary, light_rank_sql, light_sql
from tracker.tasks.models import CLOSED_STATUSES, TASK_KINDS, TASK_STATUSES, Task, task_co_units
from tracker.units.models import Unit


@dataclass
class TaskFilters:
    plan_id: int | None = None
    year: int | None = None
    status: str | None = None
    light: str | None = None
    kind: str | None = None
    unit_id: int | None = None
    text: str = ""
    include_drafts: bool = False
    #: Done and cancelled tasks are listed only when asked for (status, grey light or this).
    include_closed: bool = False
    # Drill-down from the dashboard (tracker/dashboard): a section with its sub-sections, a unit
    # as lead unit only or as co-unit only (not its sub-units), the two "due soon" lights,
    # an age band of overdue tasks in days late ("8-30", "91-").
    section_id: int | None = None
    lead_unit_id: int | None = None
    co_unit_id: int | None = None
    due_soon: bool = False
    overdue_band: tuple[int, int | None] | None = None
    #: The bureau tasks decomposing this city item (tracker.cascade), done ones included.
    city_item_id: int | None = None

    @classmethod
    def from_args(cls, args) -> TaskFilters:
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() else None

        return cls(
            plan_id=number("plan"),
            year=number("year"),
            status=args.get("status") if args.get("status") in TASK_STATUSES else None,
            light=args.get("light") if args.get("light") in LIGHTS else None,
            kind=args.get("kind") if args.get("kind") in TASK_KINDS else None,
            unit_id=number("unit"),
            text=args.get("q", "").strip()[:100],
            section_id=number("section"),
            lead_unit_id=number("lead"),
            co_unit_id=number("co"),
            due_soon=args.get("soon") == "1",
            overdue_band=_overdue_band(args.get("late", "")),
            city_item_id=number("city_item"),
        )

    def without_light(self) -> TaskFilters:
        """The same filters for counting every light, closed tasks included."""
        return TaskFilters(**{**self.__dict__, "light": None, "include_closed": True})


def _overdue_band(value: str) -> tuple[int, int | None] | None:
    match = re.fullmatch(r"(\d{1,5})-(\d{0,5})", value or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def section_and_below(section_id: int):
    """Ids of a section and every section nested under it (a recursive CTE: one statement)."""
    tree = sa.select(Section.id).where(Section.id == section_id).cte("section_tree", recursive=True)
    tree = tree.union_all(sa.select(Section.id).where(Section.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def led_by(unit_id: int):
    """Tasks whose lead unit is exactly this unit (tasks without one belong to the bureau)."""
    return sa.or_(
        Task.lead_unit_id == unit_id,
        sa.and_(
            Task.lead_unit_id.is_(None),
            Task.plan_id.in_(sa.select(Plan.id).where(Plan.bureau_id == unit_id)),
        ),
    )


@dataclass
class TaskRow:
    task: Task
    light: str
    extra: dict = field(default_factory=dict)


def involves_units_under(path: str):
    """Tasks whose lead unit or any co-unit lies in the subtree at `path`.

    Written as one `IN` over a `UNION` of two index lookups (tasks.lead_unit_id and
    task_co_units.unit_id), not as correlated `EXISTS` per task row: both databases then find
    the unit's tasks by index instead of scanning every task (see tests/test_query_plans.py).
    """
    return Task.id.in_(sa.union(*_led_and_helped(path)))


def _led_and_helped(path: str):
    """The ids of the tasks led by, and of those helped by, a unit of the subtree at `path`;
    joined from the (few) units of the subtree, so each side is an index lookup per unit."""
    led = (
        sa.select(Task.id)
        .select_from(Unit)
        .join(Task, Task.lead_unit_id == Unit.id)
        .where(Unit.path.startswith(path))
    )
    helped = (
        sa.select(task_co_units.c.task_id)
        .select_from(Unit)
        .join(task_co_units, task_co_units.c.unit_id == Unit.id)
        .where(Unit.path.startswith(path))
    )
    return led, helped


def readable_by(user, *, per_row: bool = False):
    """The condition on tasks that `user` may read: exactly `can(user, "task.read", task)`.

    A task belongs to its lead unit and co-units, or (with neither, e.g. a principal duty) to
    its plan's bureau; a user reads the tasks that belong somewhere in their scope
    (`scope_unit`: the bureau for bureau-wide roles, the own unit's subtree otherwise), and
    chiefs and staff also the tasks assigned to them. Records and evidence are read through
    their task.

    Two shapes of the same condition. By default, for queries over tasks: one IN over a UNION
    of index lookups (the scope's tasks found by index). `per_row=True`, for queries driven by
    another table that reach few tasks (a ledger's records, evidence awaiting review): a check
    of each reached task against the scope's few units — the UNION would list a bureau's
    100,000 tasks for every ledger even when it holds three records."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return sa.false()
    path = scope_unit(user).path
    units_in_scope = sa.select(Unit.id).where(Unit.path.startswith(path))
    has_no_co_unit = (
        ~sa.select(task_co_units.c.task_id).where(task_co_units.c.task_id == Task.id).exists()
    )
    plans_in_scope = sa.select(Plan.id).where(Plan.bureau_id.in_(units_in_scope))
    if per_row:
        belongs = sa.or_(
            Task.lead_unit_id.in_(units_in_scope),
            sa.select(task_co_units.c.task_id)
            .where(task_co_units.c.task_id == Task.id, task_co_units.c.unit_id.in_(units_in_scope))
            .exists(),
            sa.and_(Task.lead_unit_id.is_(None), has_no_co_unit, Task.plan_id.in_(plans_in_scope)),
        )
    else:
        # one IN over a UNION of index lookups (as involves_units_under), never an OR of INs: an
        # OR makes both databases scan every task (a bureau office's home page at 100k tasks)
        loose = sa.select(Task.id).where(
            Task.lead_unit_id.is_(None), has_no_co_unit, Task.plan_id.in_(plans_in_scope)
        )
        belongs = Task.id.in_(sa.union(*_led_and_helped(path), loose))
    if user.role in BUREAU_WIDE_ROLES:
        return belongs
    return sa.or_(belongs, Task.owner_id == user.id)


def work_scope(query, user):
    """Limit to the tasks on the user's work list: all they may read for bureau-wide roles;
    of those, the own unit's (as lead or co-unit) for chiefs and the own assignments for staff."""
    if user.role in BUREAU_WIDE_ROLES:
        return query.where(readable_by(user))
    # both are parts of readable_by(user) already
    if user.role == "chief":
        return query.where(involves_units_under(scope_unit(user).path))
    return query.where(Task.owner_id == user.id)


def work_scope_key(user) -> tuple:
    """Who sees the same work list as `user` (work_scope), for figures kept between changes:
    a bureau-wide role the whole scope unit's, a chief the own unit's, anyone else their own
    assignments. Users who share it share the kept figures."""
    if user.role in BUREAU_WIDE_ROLES:
        unit = scope_unit(user)
        return ("scope", unit.id, unit.path)
    if user.role == "chief":
        unit = scope_unit(user)
        return ("unit", unit.id, unit.path)
    return ("owner", user.id)


def read_scope_key(user) -> tuple:
    """Who reads the same tasks as `user` (readable_by), as work_scope_key."""
    if user.role in BUREAU_WIDE_ROLES:
        return work_scope_key(user)
    return ("reader", user.id, user.role, user.unit_id)


def _filtered(query, filters: TaskFilters, light, today: date | None = None):
    if filters.plan_id:
        query = query.where(Task.plan_id == filters.plan_id)
    if filters.year:
        query = query.where(Task.plan_id.in_(sa.select(Plan.id).where(Plan.year == filters.year)))
    if not filters.include_drafts:
        query = query.where(Task.status != "draft")
    if filters.status:
        query = query.where(Task.status == filters.status)
    elif not filters.light and not filters.include_closed and not filters.city_item_id:
        query = query.where(Task.status.not_in(CLOSED_STATUSES))
    if filters.city_item_id:
        query = query.where(Task.city_item_id == filters.city_item_id)
    if filters.kind:
        query = query.where(Task.kind == filters.kind)
    if filters.unit_id:
        unit = db.session.get(Unit, filters.unit_id)
        if unit is not None:
            query = query.where(involves_units_under(unit.path))
    if filters.text:
        like = f"%{filters.text}%"
        query = query.where(
            sa.or_(Task.title.ilike(like), Task.text.ilike(like), Task.number == filters.text)
        )
    if filters.light:
        query = query.where(light == filters.light)
    if filters.section_id:
        query = query.where(Task.section_id.in_(section_and_below(filters.section_id)))
    if filters.lead_unit_id:
        query = query.where(led_by(filters.lead_unit_id))
    if filters.co_unit_id:
        query = query.where(
            Task.id.in_(
                sa.select(task_co_units.c.task_id).where(
                    task_co_units.c.unit_id == filters.co_unit_id
                )
            )
        )
    if filters.due_soon and not filters.light:
        query = query.where(light.in_(("orange", "yellow")))
    if filters.overdue_band and today is not None and not filters.light:
        low, high = filters.overdue_band
        # working days late, the unit every page shows
        query = query.where(light == "red", Task.due_date <= late_due_boundary(today, low))
        if high is not None:
            query = query.where(Task.due_date > late_due_boundary(today, high + 1))
    # A recurring task is worked through its occurrences; list those, not the container.
    return query.where(sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)))


def light_counts(user, filters: TaskFilters, policy: LightPolicy) -> dict[str, int]:
    """How many of the user's tasks (ignoring the light filter) have each light: one query,
    kept between changes to the tasks the user reads (tracker.tasks.versions); the statement
    is built only when the count is not kept."""

    def compute() -> dict[str, int]:
        light = light_sql(policy)
        query = sa.select(light.label("light"), sa.func.count(Task.id)).group_by(light)
        query = _filtered(work_scope(query, user), filters.without_light(), light, policy.today)
        counts = dict.fromkeys(LIGHTS, 0)
        counts.update({name: n for name, n in db.session.execute(query)})
        return counts

    key = (work_scope_key(user), astuple(filters.without_light()), policy)
    return dict(versions.kept("light_counts", key, versions.reader_scopes(user), compute))


def total_from_counts(filters: TaskFilters, counts: dict[str, int]) -> int | None:
    """The number of listed tasks when it follows from the light counts, else None.

    The counts are taken with the same filters but no light and closed tasks included, so:
    no status and no light asked for lists every light but grey (closed tasks are exactly the
    grey ones); one light asked for lists exactly that light. The drill-downs that narrow by
    light themselves (due soon, overdue band) and a status filter need their own count.
    """
    if filters.status or filters.include_closed or filters.due_soon or filters.overdue_band:
        return None
    if filters.light:
        return counts.get(filters.light, 0)
    return sum(n for name, n in counts.items() if name != "grey")


def work_list(
    user,
    filters: TaskFilters,
    policy: LightPolicy,
    *,
    page: int = 1,
    per_page: int = 50,
    total: int | None = None,
):
    """One page of the user's tasks, overdue first then by due date, with their lights.

    `total` may be passed when the caller already knows it (see total_from_counts)."""

    def compute() -> tuple[int, list[tuple[int, str]]]:
        light = light_sql(policy)
        query = sa.select(Task.id, light.label("light"))
        query = _filtered(work_scope(query, user), filters, light, policy.today)
        counted = total
        if counted is None:
            counted = db.session.scalar(
                sa.select(sa.func.count()).select_from(query.with_only_columns(Task.id).subquery())
            )
        # Sort narrow rows (id and light) and load the page's tasks afterwards: sorting whole
        # joined rows of every matching task is what made the list slow at 100k tasks.
        ids = db.session.execute(
            query.order_by(
                light_rank_sql(light),
                Task.due_date.is_(None),
                Task.due_date,
                Task.plan_id,
                Task.position,
                Task.id,
            )
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        return counted or 0, [(task_id, task_light) for task_id, task_light in ids]

    # the page's ids (and the count) are kept between changes to the tasks the user reads
    # (tracker.tasks.versions); the tasks themselves are loaded afresh
    key = (work_scope_key(user), astuple(filters), policy, page, per_page, total)
    total, page_ids = versions.kept("work_page", key, versions.reader_scopes(user), compute)
    tasks = tasks_in_order(
        [task_id for task_id, _light in page_ids],
        # one page of ids: joined many-to-one and one IN query for co-units, a fixed number of
        # statements however many tasks
        joinedload(Task.lead_unit),
        selectinload(Task.co_units),
        joinedload(Task.owner),
        # the plan's bureau: a row's reminder rules and calendar are its bureau's
        joinedload(Task.plan).joinedload(Plan.bureau),
        joinedload(Task.section),
    )
    tasks_listed.send(tasks)  # what rows show per bureau or plan, read for all rows at once
    lights = dict(page_ids)
    rows = [TaskRow(task, lights[task.id]) for task in tasks]
    return rows, total or 0


def tasks_in_order(ids: Sequence[int], *options) -> list[Task]:
    """The tasks of `ids`, in that order, loaded with `options` in one statement: a list sorts
    narrow rows (ids) first, since sorting whole joined rows of every match is what is slow.
    An id whose task is gone meanwhile (deleted after kept ids were read) is left out."""
    if not ids:
        return []
    found = db.session.scalars(sa.select(Task).where(Task.id.in_(ids)).options(*options)).unique()
    by_id = {task.id: task for task in found}
    return [by_id[task_id] for task_id in ids if task_id in by_id]


def _of_plan(plan: Plan, unit: Unit | None, section_id: int | None, reader=None):
    """The plan's tasks (occurrences included), of `unit`'s subtree, of one section and that
    `reader` may read, each when given."""
    where = [Task.plan_id == plan.id]
    if reader is not None:
        where.append(readable_by(reader))
    if unit is not None:
        where.append(involves_units_under(unit.path))
    if section_id is not None:
        where.append(Task.section_id == section_id)
    return where


def plan_tasks(
    plan: Plan,
    policy: LightPolicy,
    *,
    unit: Unit | None = None,
    reader=None,
    section_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[TaskRow]:
    """The tasks of a plan (occurrences included) with their light, in plan order; with
    `reader`, only the tasks that user may read; with `limit`, one page of them."""
    light = light_sql(policy)
    query = (
        sa.select(Task, light.label("light"))
        .where(*_of_plan(plan, unit, section_id, reader))
        .order_by(Task.position, Task.due_date, Task.id)
        .options(joinedload(Task.lead_unit), selectinload(Task.co_units), joinedload(Task.owner))
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [TaskRow(task, task_light) for task, task_light in db.session.execute(query)]


def count_plan_tasks(
    plan: Plan, *, unit: Unit | None = None, section_id: int | None = None, reader=None
) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Task.id)).where(*_of_plan(plan, unit, section_id, reader))
    )


def completion_by_section(
    plan: Plan, *, unit: Unit | None = None, reader=None
) -> dict[int | None, list]:
    """[done, counted] per section (its own tasks, not its sub-sections'), as the plan page
    counts: a recurring task by its occurrences once it has any, cancelled tasks not at all.
    One grouped query, whatever the plan's size."""
    # recurring tasks with occurrences, as one list (from the index on parent_id), not a
    # correlated check per row: the counts then come from ix_tasks_plan_id_section_id_status
    # alone (a plan of 100,000 tasks: 96 -> 18 ms on SQLite)
    occurrence = sa.orm.aliased(Task)
    parents = sa.select(occurrence.parent_id).where(occurrence.parent_id.is_not(None))
    query = (
        sa.select(
            Task.section_id,
            sa.func.sum(sa.case((Task.status == "done", 1), else_=0)),
            sa.func.count(Task.id),
        )
        .where(
            *_of_plan(plan, unit, None, reader),
            Task.status != "cancelled",
            Task.id.not_in(parents),
        )
        .group_by(Task.section_id)
    )
    return {section: [int(done or 0), int(n)] for section, done, n in db.session.execute(query)}


def visible_plans(user) -> list[Plan]:
    """Plans of the user's bureau, newest year first; for the city office (seated at a city
    node) the plans of the city and of every bureau under it."""
    bureau = user.bureau
    if bureau.kind == "city":
        below = sa.select(Unit.id).where(Unit.path.startswith(bureau.path))
        where = Plan.bureau_id.in_(below)
    else:
        where = Plan.bureau_id == bureau.id
    # each with its bureau: what a plan may be done to asks it (a statement per plan otherwise)
    return list(
        db.session.scalars(
            sa.select(Plan)
            .options(joinedload(Plan.bureau))
            .where(where)
            .order_by(Plan.year.desc(), Plan.id.desc())
        )
    )
