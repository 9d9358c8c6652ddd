"""The weekly briefing (每周简报) for a leader: units behind, overdue tasks by unit, duties that
lag, and what changed in the last seven days — one page, in the app and by e-mail.

`build_briefing` gathers the data (no request, no rendering); `render_briefing_text` and
`render_briefing_html` turn it into the e-mail's two parts in the reader's language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.urls import link_to, site_origin
from tracker.dashboard.duties import duty_rows
from tracker.dashboard.queries import (
    DashboardFilters,
    kept_key,
    kept_scopes,
    led_in,
    resolve,
    unit_key,
    unit_table,
)
from tracker.records.labels import KIND_LABELS as RECORD_KIND_LABELS
from tracker.records.models import Record
from tracker.tasks import versions
from tracker.tasks.labels import ACTION_LABELS
from tracker.tasks.lights import LIGHT_CSS, LIGHT_LABELS, LightPolicy, days_overdue, light_sql
from tracker.tasks.models import Task, TaskUpdate

#: Overdue tasks listed per unit; the rest are counted.
TASKS_PER_UNIT = 10
#: Workflow steps reported as changes (progress notes and acknowledgements are only counted).
NOTABLE_STEPS = ("accept", "submit", "return", "cancel")
WINDOW = timedelta(days=7)


@dataclass
class UnitLine:
    unit_id: int
    name: str
    total: int
    done: int
    overdue: int
    due_soon: int
    completion_rate: float | None
    light: str
    due_very_soon: int = 0


@dataclass
class TaskLine:
    task_id: int
    number: str
    title: str
    unit_name: str
    owner_name: str
    due_date: date | None
    days_late: int
    #: Fell overdue within the last seven days.
    is_new: bool = False

    @property
    def path(self) -> str:
        return link_to("tasks.show", task_id=self.task_id)


@dataclass
class UnitOverdue:
    unit_id: int
    name: str
    tasks: list[TaskLine]
    #: Overdue tasks of the unit not listed (beyond TASKS_PER_UNIT).
    more: int = 0


@dataclass
class DutyLine:
    task_id: int
    title: str
    achieved: int
    target: int | None
    expected: int | None
    measure: str
    due_date: date | None

    @property
    def path(self) -> str:
        return link_to("tasks.show", task_id=self.task_id)


@dataclass
class ChangeLine:
    at: datetime
    step: str
    task_id: int
    title: str
    unit_name: str
    who: str
    note: str

    @property
    def path(self) -> str:
        return link_to("tasks.show", task_id=self.task_id)


@dataclass
class DeadlineChange:
    at: datetime
    task_id: int
    title: str
    before: str | None
    after: str | None
    who: str

    @property
    def path(self) -> str:
        return link_to("tasks.show", task_id=self.task_id)


@dataclass
class Briefing:
    leader_id: int
    leader_name: str
    bureau_name: str
    year: int
    plan_titles: list[str]
    #: The moment it was built and the start of the week it covers (both local time).
    now: datetime
    since: datetime
    #: ISO week, e.g. 2026-W24.
    week_label: str
    totals: UnitLine
    #: Units with overdue tasks, most overdue first.
    units_behind: list[UnitLine] = field(default_factory=list)
    #: Units with nothing overdue but tasks due very soon (orange light).
    units_at_risk: list[UnitLine] = field(default_factory=list)
    overdue_by_unit: list[UnitOverdue] = field(default_factory=list)
    duties_lagging: list[DutyLine] = field(default_factory=list)
    duty_count: int = 0
    changes: list[ChangeLine] = field(default_factory=list)
    #: Workflow steps and progress notes of the week, by kind (accept, submit, progress, …).
    change_counts: dict[str, int] = field(default_factory=dict)
    #: Ledger records entered in the week, by record kind.
    records_added: dict[str, int] = field(default_factory=dict)
    deadline_changes: list[DeadlineChange] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return self.totals.overdue


def iso_week_label(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _line(row) -> UnitLine:
    return UnitLine(
        unit_id=row.unit.id,
        name=row.unit.name,
        total=row.total,
        done=row.done,
        overdue=row.overdue,
        due_soon=row.due_soon,
        completion_rate=row.completion_rate,
        light=row.light,
        due_very_soon=row.orange,
    )


def build_briefing(session, leader, now: datetime) -> Briefing:
    """The briefing for `leader` as of `now` (aware), over the plans of the current year.

    `session` is the database session to read from (Flask-SQLAlchemy's `db.session`)."""
    local_now = clock.to_local(now)
    today = local_now.date()
    since = local_now - WINDOW
    policy = LightPolicy.current(today)
    view = resolve(leader, DashboardFilters(), today)
    table = unit_table(view, policy)
    unit_ids = list(table.units)
    briefing = Briefing(
        leader_id=leader.id,
        leader_name=leader.display_name,
        bureau_name=view.bureau.name,
        year=view.year,
        plan_titles=[p.title for p in view.plans],
        now=local_now,
        since=since,
        week_label=iso_week_label(today),
        totals=_line(table.totals),
    )
    behind = [r for r in table.rows if r.overdue]
    behind.sort(key=lambda r: (-r.overdue, -r.days_overdue_sum, r.completion_rate or 0))
    briefing.units_behind = [_line(r) for r in behind]
    at_risk = [r for r in table.rows if r.orange and not r.overdue]
    at_risk.sort(key=lambda r: (-r.orange, r.completion_rate or 0))
    briefing.units_at_risk = [_line(r) for r in at_risk]
    briefing.overdue_by_unit = _overdue_by_unit(session, view, policy, unit_ids, since.date())
    duties = duty_rows(view.bureau, view.year, policy)
    briefing.duty_count = len(duties)
    briefing.duties_lagging = [
        DutyLine(
            task_id=row.task.id,
            title=row.task.title,
            achieved=row.achieved,
            target=row.target,
            expected=row.expected,
            measure=row.task.target_measure,
            due_date=row.task.due_date,
        )
        for row in duties
        if row.is_lagging
    ]
    _changes(session, briefing, view.plan_ids, since, local_now)
    return briefing


def _overdue_by_unit(session, view, policy, unit_ids, since: date) -> list[UnitOverdue]:
    """Each unit's overdue tasks, the TASKS_PER_UNIT longest overdue of each loaded and the rest
    only counted (a window over the units: at 100k tasks a bureau has tens of thousands)."""
    unit = unit_key(view)
    ranked = (
        sa.select(
            Task.id.label("task_id"),
            unit.label("unit_id"),
            sa.func.row_number()
            .over(partition_by=unit, order_by=(Task.due_date, Task.id))
            .label("place"),
            sa.func.count().over(partition_by=unit).label("total"),
        )
        .where(*led_in(view, unit_ids), light_sql(policy) == "red")
        .subquery()
    )
    query = (
        sa.select(ranked.c.task_id, ranked.c.unit_id, ranked.c.total)
        .where(ranked.c.place <= TASKS_PER_UNIT)
        .order_by(ranked.c.unit_id, ranked.c.place)
    )

    def compute() -> list[tuple[int, int, int]]:
        return [tuple(row) for row in session.execute(query)]

    # which tasks, kept between changes (tracker.tasks.versions); the tasks loaded afresh
    kept = (*kept_key(view), tuple(unit_ids), policy)
    listed = versions.kept("briefing_overdue", kept, kept_scopes(view), compute)
    tasks = session.scalars(
        sa.select(Task)
        .where(Task.id.in_([task_id for task_id, _unit, _total in listed]))
        .options(joinedload(Task.lead_unit), joinedload(Task.owner))
    )
    by_id = {task.id: task for task in tasks}
    groups: dict[int, UnitOverdue] = {}
    for task_id, unit_id, total in listed:
        task = by_id[task_id]
        group = groups.get(unit_id)
        if group is None:
            name = task.lead_unit.name if task.lead_unit else view.bureau.name
            group = groups[unit_id] = UnitOverdue(
                unit_id=unit_id, name=name, tasks=[], more=max(total - TASKS_PER_UNIT, 0)
            )
        group.tasks.append(
            TaskLine(
                task_id=task.id,
                number=task.number,
                title=task.title,
                unit_name=group.name,
                owner_name=task.owner.display_name if task.owner else "",
                due_date=task.due_date,
                days_late=days_overdue(task, view.today),
                is_new=task.due_date is not None and task.due_date >= since,
            )
        )
    order = {unit_id: index for index, unit_id in enumerate(unit_ids)}
    return sorted(groups.values(), key=lambda g: (-(len(g.tasks) + g.more), order.get(g.unit_id)))


def _changes(session, briefing: Briefing, plan_ids: list[int], since, until) -> None:
    """The week's workflow steps, records and deadline changes in the plans in view."""
    if not plan_ids:
        return
    in_plans = Task.plan_id.in_(plan_ids)
    updates = session.execute(
        sa.select(TaskUpdate, Task)
        .join(Task, Task.id == TaskUpdate.task_id)
        .where(in_plans, TaskUpdate.created_at > since, TaskUpdate.created_at <= until)
        .options(joinedload(Task.lead_unit))
        .order_by(TaskUpdate.created_at.desc(), TaskUpdate.id.desc())
    ).all()
    briefing.change_counts = dict(Counter(update.kind for update, _task in updates))
    briefing.changes = [
        ChangeLine(
            at=clock.to_local(update.created_at),
            step=update.kind,
            task_id=task.id,
            title=task.title,
            unit_name=task.lead_unit.name if task.lead_unit else briefing.bureau_name,
            who=update.author_name,
            note=update.note,
        )
        for update, task in updates
        if update.kind in NOTABLE_STEPS
    ]
    records = session.execute(
        sa.select(Record.kind, sa.func.count(Record.id))
        .join(Task, Task.id == Record.task_id)
        .where(in_plans, Record.created_at > since, Record.created_at <= until)
        .group_by(Record.kind)
    ).all()
    briefing.records_added = {kind: int(n) for kind, n in records}
    # the week's task edits first (by time, through its index), then their tasks in the plans:
    # joined on the audit trail's text ids, the planner walked every task of the plan for each
    # edit (2 s with 30,000 edits in a year and 100,000 tasks)
    events = session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "tasks",
            AuditEvent.action == "task.update",
            AuditEvent.outcome == "success",
            AuditEvent.occurred_at > since,
            AuditEvent.occurred_at <= until,
        )
        .order_by(AuditEvent.id.desc())
    ).all()
    edited = [(e, int(e.object_id)) for e in events if (e.object_id or "").isdigit()]
    tasks = {
        task.id: task
        for task in session.scalars(
            sa.select(Task).where(Task.id.in_({task_id for _e, task_id in edited}), in_plans)
        )
    }
    edits = [(event, tasks[task_id]) for event, task_id in edited if task_id in tasks]
    briefing.deadline_changes = [
        DeadlineChange(
            at=clock.to_local(event.occurred_at),
            task_id=task.id,
            title=task.title,
            before=(event.before or {}).get("due_date"),
            after=(event.after or {}).get("due_date"),
            who=event.actor_name or "",
        )
        for event, task in edits
        if isinstance(event.after, dict) and "due_date" in event.after
    ]


# -- rendering -------------------------------------------------------------------------------


def _base_url() -> str:
    return site_origin()  # the links' paths hold any prefix of TRACKER_BASE_URL


def briefing_subject(briefing: Briefing, locale: str) -> str:
    with force_locale(locale):
        return _(
            "Weekly briefing %(week)s: %(overdue)d overdue, %(lagging)d duties lagging",
            week=briefing.week_label,
            overdue=briefing.overdue_count,
            lagging=len(briefing.duties_lagging),
        )


def template_context(briefing: Briefing, base_url: str) -> dict:
    """What the briefing templates need besides the briefing (labels stay lazy: they are
    translated when rendered, in the reader's language)."""
    return {
        "briefing": briefing,
        "base_url": base_url,
        "record_kind_labels": RECORD_KIND_LABELS,
        "step_labels": ACTION_LABELS,
        "light_labels": LIGHT_LABELS,
        "light_css": LIGHT_CSS,
    }


def render_briefing_text(briefing: Briefing, locale: str, base_url: str | None = None) -> str:
    """The briefing as plain text (the e-mail's text part), links absolute."""
    base_url = _base_url() if base_url is None else base_url
    with force_locale(locale):
        return render_template(
            "dashboard/briefing_email.txt", **template_context(briefing, base_url)
        )


def render_briefing_html(briefing: Briefing, locale: str, base_url: str | None = None) -> str:
    """The briefing as a self-contained HTML document (the e-mail's HTML part)."""
    base_url = _base_url() if base_url is None else base_url
    with force_locale(locale):
        return render_template(
            "dashboard/briefing_email.html", **template_context(briefing, base_url)
        )
