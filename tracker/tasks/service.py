"""Task writes: create, edit, copy, reorder and delete tasks, assign them (交办) and expand the
occurrences of a recurring task; the helpers the workflow shares (version check, timeline)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.audit.service import changes, log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError, stale_edit
from tracker.core.ordering import move_among
from tracker.core.signals import task_changed, task_dates_changing, veto
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.tasks.models import RECURRENCES, TASK_KINDS, Task, TaskUpdate
from tracker.tasks.recurrence import periods
from tracker.units.models import Unit


def check_version(task: Task, expected_version: int | None) -> None:
    """Refuse a change made from a page that shows an older version of the task."""
    stale_edit(
        task,
        expected_version,
        _(
            "This task was changed by %(who)s at %(when)s after you opened it. Your input is "
            "shown below: compare it with the current task, then save again."
        ),
    )


def add_timeline_entry(
    actor,
    task: Task,
    kind: str,
    *,
    note: str = "",
    progress: int | None = None,
    status_from: str | None = None,
    status_to: str | None = None,
) -> TaskUpdate:
    """Append an entry to the task's timeline (in the current transaction)."""
    entry = TaskUpdate(
        task=task,
        kind=kind,
        author_id=getattr(actor, "id", None),
        author_name=getattr(actor, "display_name", None) or getattr(actor, "username", ""),
        note=note,
        progress=progress,
        status_from=status_from,
        status_to=status_to,
        created_at=clock.now(),
    )
    db.session.add(entry)
    return entry


def touch(actor, task: Task) -> None:
    """Stamp who changed the task and when."""
    task.updated_by_id = getattr(actor, "id", None)
    task.updated_at = clock.now()


def check_owner(owner: User, lead_unit: Unit | None) -> None:
    """Refuse an owner who is disabled or outside the lead unit."""
    if owner.is_disabled:
        raise DomainError(_("%(name)s's account is disabled.", name=owner.display_name), "owner_id")
    if (
        lead_unit is not None
        and not lead_unit.contains(owner.unit)
        and owner.role not in ("leader", "coordinator")
    ):
        raise DomainError(
            _("The owner must belong to the lead unit %(unit)s.", unit=lead_unit.name), "owner_id"
        )


# -- creating and editing ----------------------------------------------------------------------


@dataclass
class TaskData:
    """Everything a coordinator sets on a task through the task form."""

    title: str
    section: Section | None = None
    number: str = ""
    text: str = ""
    kind: str = "general"
    lead_unit: Unit | None = None
    co_units: list[Unit] = field(default_factory=list)
    owner: User | None = None
    supervisor: User | None = None
    start_date: date | None = None
    due_date: date | None = None
    is_continuous: bool = False
    deadline_text: str = ""
    recurrence: str = "none"
    target_count: int | None = None
    target_measure: str = ""
    achieved_count: int | None = None
    is_principal_duty: bool = False
    result_statement: str = ""
    #: A due date already past: True accepts and marks it, False refuses it; None means the
    #: caller asks nobody (import, copy, demo) and the publishing pre-flight lists it instead.
    confirm_past_due: bool | None = None


def check_dates_in_span(plan: Plan, data: TaskData) -> None:
    """Refuse dates outside the plan's year (or the multi-year span it declares)."""
    first, last = plan.start_date, plan.span_end_date
    for name in ("start_date", "due_date"):
        value = getattr(data, name)
        if value is not None and not first <= value <= last:
            raise DomainError(
                _(
                    "%(date)s lies outside the plan's span (%(first)s to %(last)s).",
                    date=value.isoformat(),
                    first=first.isoformat(),
                    last=last.isoformat(),
                ),
                name,
            )


def check_past_due(data: TaskData, previous_due: date | None, today: date) -> bool:
    """Whether the due date is newly set in the past; refuse it unless the caller confirmed."""
    due = None if data.is_continuous else data.due_date
    if due is None or due >= today or due == previous_due:
        return False
    if data.confirm_past_due is False:
        raise DomainError(
            _(
                "The due date %(date)s has already passed. Tick the confirmation if that is "
                "intended: the task will be overdue at once and marked so.",
                date=due.isoformat(),
            ),
            "due_date",
        )
    return bool(data.confirm_past_due)


def _validate(plan: Plan, data: TaskData, *, allow_missing_lead: bool = False) -> None:
    if not data.title.strip():
        raise DomainError(_("A task needs a title."), "title")
    if len(data.title.strip()) > 300:
        raise DomainError(_("A title has at most 300 characters."), "title")
    if data.kind not in TASK_KINDS:
        raise DomainError(_("Unknown kind."), "kind")
    if data.recurrence not in RECURRENCES:
        raise DomainError(_("Unknown recurrence."), "recurrence")
    if data.section is not None and data.section.plan_id != plan.id:
        raise DomainError(_("Choose a section of this plan."), "section_id")
    for unit in [data.lead_unit, *data.co_units]:
        if unit is not None and not plan.bureau.contains(unit):
            raise DomainError(
                _("%(name)s is not a unit of this bureau.", name=unit.name), "lead_unit_id"
            )
    if data.lead_unit is None and not data.is_principal_duty and not allow_missing_lead:
        raise DomainError(_("Choose the lead unit."), "lead_unit_id")
    if data.is_continuous and data.due_date is not None:
        raise DomainError(_("A continuous task (长期坚持) has no due date."), "due_date")
    if data.start_date and data.due_date and data.due_date < data.start_date:
        raise DomainError(_("The due date is before the start date."), "due_date")
    if data.recurrence != "none" and data.is_continuous:
        raise DomainError(
            _("A recurring task has one due date per period; it cannot also be continuous."),
            "recurrence",
        )
    for name in ("target_count", "achieved_count"):
        value = getattr(data, name)
        if value is not None and value < 0:
            raise DomainError(_("Counts cannot be negative."), name)
    if data.owner is not None:
        check_owner(data.owner, data.lead_unit)
    if data.supervisor is not None and data.supervisor.role != "leader":
        raise DomainError(_("The supervisor must be a leader."), "supervisor_id")


def _apply(task: Task, data: TaskData) -> None:
    task.section = data.section
    task.section_id = data.section.id if data.section else None
    task.number = data.number.strip()
    task.title = data.title.strip()
    task.text = data.text.strip()
    task.kind = data.kind
    task.lead_unit = data.lead_unit
    task.co_units = [u for u in data.co_units if u is not data.lead_unit]
    task.owner = data.owner
    task.supervisor = data.supervisor
    task.start_date = data.start_date
    task.due_date = None if data.is_continuous else data.due_date
    task.is_continuous = data.is_continuous
    task.deadline_text = data.deadline_text.strip()
    task.recurrence = data.recurrence
    task.target_count = data.target_count
    task.target_measure = data.target_measure.strip()
    task.achieved_count = data.achieved_count
    task.is_principal_duty = data.is_principal_duty
    task.result_statement = data.result_statement.strip()


def _next_position(plan: Plan, section: Section | None) -> int:
    query = sa.select(sa.func.coalesce(sa.func.max(Task.position), 0)).where(
        Task.plan_id == plan.id, Task.parent_id.is_(None)
    )
    query = query.where(
        Task.section_id.is_(None) if section is None else Task.section_id == section.id
    )
    return (db.session.scalar(query) or 0) + 10


def create_task(
    actor,
    plan: Plan,
    data: TaskData,
    *,
    allow_missing_lead: bool = False,
    within_plan_span: bool = True,
) -> Task:
    """Add a task to a plan; in an active plan it is assigned (交办) at once.

    `allow_missing_lead`: a draft plan may hold a task whose lead unit is still to be chosen
    (an imported document did not name one); publishing refuses the plan until it is.
    `within_plan_span`: False only for tasks the plan's year itself implies after it (the
    annual report, due next March)."""
    if plan.status == "closed":
        raise DomainError(_("The plan is closed."))
    if allow_missing_lead and plan.status != "draft":
        allow_missing_lead = False
    _validate(plan, data, allow_missing_lead=allow_missing_lead)
    if within_plan_span:
        check_dates_in_span(plan, data)
    past_due_confirmed = check_past_due(data, None, clock.today())
    task = Task(
        plan=plan,
        plan_id=plan.id,
        status="draft",
        progress=0,
        position=_next_position(plan, data.section),
    )
    _apply(task, data)
    task.is_due_date_past_confirmed = past_due_confirmed
    touch(actor, task)
    db.session.add(task)
    db.session.flush()
    log_event(actor, "task.create", task, after=task.to_audit())
    if plan.status == "active":
        assign(actor, task, today=clock.today())
    return task


def update_task(actor, task: Task, data: TaskData, *, expected_version: int | None) -> Task:
    """Change a task's fields (coordinators); a stale form is refused."""
    check_version(task, expected_version)
    if task.plan.status == "closed":
        raise DomainError(_("The plan is closed."))
    _validate(task.plan, data)
    if (data.start_date, data.due_date) != (task.start_date, task.due_date):
        check_dates_in_span(task.plan, data)
    if (data.due_date, data.is_continuous) != (task.due_date, task.is_continuous):
        refusal = veto(
            task_dates_changing, task, due_date=data.due_date, is_continuous=data.is_continuous
        )
        if refusal:
            raise DomainError(refusal, "due_date")
    past_due_confirmed = check_past_due(data, task.due_date, clock.today())
    before = task.to_audit()
    if data.section is not task.section:
        task.position = _next_position(task.plan, data.section)
    due_changed = (None if data.is_continuous else data.due_date) != task.due_date
    _apply(task, data)
    if due_changed:
        task.is_due_date_past_confirmed = past_due_confirmed
    touch(actor, task)
    db.session.flush()
    old, new = changes(before, task.to_audit())
    if new:
        log_event(actor, "task.update", task, before=old, after=new)
    if task.status != "draft" and task.recurrence != "none" and not task.occurrences:
        expand_occurrences(actor, task)
    return task


def plan_content(task: Task) -> dict:
    """What a copy of a task carries over: what the plan says, not how the work went."""
    return {
        "number": task.number,
        "title": task.title,
        "text": task.text,
        "kind": task.kind,
        "lead_unit": task.lead_unit,
        "co_units": list(task.co_units),
        "owner": task.owner if task.owner is not None and not task.owner.is_disabled else None,
        "supervisor": task.supervisor,
        "is_continuous": task.is_continuous,
        "deadline_text": task.deadline_text,
        "recurrence": task.recurrence,
        "target_count": task.target_count,
        "target_measure": task.target_measure,
        "is_principal_duty": task.is_principal_duty,
    }


def copy_task(actor, task: Task) -> Task:
    """Duplicate a task in the same section, right after it."""
    data = TaskData(
        **{**plan_content(task), "title": _("%(title)s (copy)", title=task.title)[:300]},
        section=task.section,
        start_date=task.start_date,
        due_date=task.due_date,
    )
    copy = create_task(actor, task.plan, data)
    copy.position = task.position + 1
    return copy


def move_task(actor, task: Task, direction: str) -> None:
    """Move a task one place up or down among its siblings."""
    siblings = list(
        db.session.scalars(
            sa.select(Task)
            .where(
                Task.plan_id == task.plan_id,
                Task.parent_id.is_(None),
                Task.section_id.is_(None)
                if task.section_id is None
                else Task.section_id == task.section_id,
            )
            .order_by(Task.position, Task.id)
        )
    )
    if not move_among(siblings, task, direction):
        return
    touch(actor, task)
    log_event(actor, "task.move", task, after={"direction": direction, "position": task.position})


def delete_task(actor, task: Task) -> None:
    """Delete a task of a draft plan (in an active plan, cancel it instead)."""
    if task.plan.status != "draft":
        raise DomainError(_("Tasks of a published plan are cancelled (撤销), not deleted."))
    log_event(actor, "task.delete", task, before=task.to_audit())
    db.session.delete(task)
    db.session.flush()
    task_changed.send(task)


def assign(actor, task: Task, *, today: date) -> None:
    """交办: a draft task becomes assigned; recurring tasks get their occurrences."""
    if task.status != "draft":
        return
    task.status = "assigned"
    if task.start_date is None:
        task.start_date = today
    touch(actor, task)
    add_timeline_entry(actor, task, "assign", status_from="draft", status_to="assigned")
    db.session.flush()
    log_event(actor, "task.assign", task, before={"status": "draft"}, after={"status": "assigned"})
    if task.recurrence != "none":
        expand_occurrences(actor, task)


def expand_occurrences(actor, task: Task) -> list[Task]:
    """One sub-task per period of the plan year, due on the period's last working day."""
    if task.recurrence == "none" or task.parent_id is not None or task.occurrences:
        return []
    year = task.plan.year
    start = task.start_date or date(year, 1, 1)
    created = []
    for period in periods(task.recurrence, year, start=start, end=task.due_date):
        occurrence = Task(
            plan=task.plan,
            plan_id=task.plan_id,
            section=task.section,
            parent=task,
            number=task.number,
            title=f"{task.title}（{period.label}）",
            text=task.text,
            kind=task.kind,
            lead_unit=task.lead_unit,
            co_units=list(task.co_units),
            owner=task.owner,
            supervisor=task.supervisor,
            start_date=max(period.start, start),
            # the last period may end after the recurring task itself is due
            due_date=min(period.due_date, task.due_date) if task.due_date else period.due_date,
            deadline_text=period.label,
            recurrence="none",
            period_label=period.label,
            is_principal_duty=task.is_principal_duty,
            status="assigned",
            position=task.position,
            progress=0,
        )
        touch(actor, occurrence)
        db.session.add(occurrence)
        created.append(occurrence)
    if task.due_date is None and created:
        task.due_date = created[-1].due_date
    db.session.flush()
    for occurrence in created:
        log_event(actor, "task.create", occurrence, after=occurrence.to_audit())
    return created
