"""Task writes: create, edit, copy, reorder, progress reports and the workflow.

The workflow (交办 → 签收 → 办理 → 申请办结 → 办结, 退回, 撤销) is enforced here and only here:
who may act comes from core.permissions, which state allows what from TRANSITIONS below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.audit.service import changes, log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError, stale_edit
from tracker.core.ordering import move_among
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.reminders.inbox import notify
from tracker.tasks.labels import ACTION_LABELS, STATUS_LABELS
from tracker.tasks.models import OPEN_STATUSES, RECURRENCES, TASK_KINDS, Task, TaskUpdate
from tracker.tasks.recurrence import periods
from tracker.units.models import Unit

log = logging.getLogger(__name__)


class TransitionError(DomainError):
    """The task's state does not allow the action (HTTP 409)."""


class TransitionDenied(DomainError):
    """The user may not perform the action on this task (HTTP 403)."""


@dataclass(frozen=True)
class Transition:
    permission: str
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "claim": Transition("task.claim", frozenset({"assigned"}), "in_progress"),
    "submit": Transition("task.submit", frozenset({"in_progress"}), "submitted"),
    "accept": Transition("task.accept", frozenset({"submitted"}), "done"),
    "return": Transition("task.return", frozenset({"submitted", "done"}), "in_progress"),
    "cancel": Transition(
        "task.cancel", frozenset({"assigned", "in_progress", "submitted"}), "cancelled"
    ),
}


#: Rules other features add (records, evidence): each returns why a task may not take the
#: step now, or None. They run inside `transition` before anything changes.
SUBMIT_CHECKS: list[Callable[[Task], str | None]] = []
ACCEPT_CHECKS: list[Callable[[Task], str | None]] = []


def _run_checks(checks, task: Task) -> None:
    for check in checks:
        problem = check(task)
        if problem:
            raise DomainError(problem)


def allowed_transitions(user, task: Task) -> list[str]:
    """The workflow actions `user` may take on `task` now (for showing buttons)."""
    if task.plan.status == "closed":
        return []
    return [
        action
        for action, t in TRANSITIONS.items()
        if task.status in t.sources and can(user, t.permission, task)
    ]


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


def _timeline(
    actor,
    task: Task,
    kind: str,
    *,
    note: str = "",
    progress: int | None = None,
    status_from: str | None = None,
    status_to: str | None = None,
) -> TaskUpdate:
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


def _touch(actor, task: Task) -> None:
    task.updated_by_id = getattr(actor, "id", None)
    task.updated_at = clock.now()


def task_link(task: Task) -> str:
    return f"/tasks/{task.id}"


def chiefs_of(unit: Unit | None) -> list[User]:
    """Who answers for `unit`'s tasks: its active chiefs; for a unit without one (the legal
    office itself, a small subordinate unit) the coordinators of the unit, else of its bureau."""
    if unit is None:
        return []
    people = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.unit_id == unit.id,
                User.role.in_(["chief", "coordinator"]),
                User.is_disabled.is_(False),
            )
            .order_by(User.id)
        )
    )
    chiefs = [u for u in people if u.role == "chief"]
    if chiefs or people:
        return chiefs or people
    bureau = unit.bureau or unit
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Unit, User.unit_id == Unit.id)
            .where(
                User.role == "coordinator",
                User.is_disabled.is_(False),
                Unit.path.startswith(bureau.path),
            )
            .order_by(User.id)
        )
    )


def coordinators_of(plan: Plan) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Unit, User.unit_id == Unit.id)
            .where(
                User.role == "coordinator",
                User.is_disabled.is_(False),
                Unit.path.startswith(plan.bureau.path),
            )
            .order_by(User.id)
        )
    )


def _people_responsible(task: Task) -> list[User]:
    people = {u.id: u for u in chiefs_of(task.lead_unit)}
    if task.owner is not None and not task.owner.is_disabled:
        people[task.owner.id] = task.owner
    return list(people.values())


# -- the workflow ----------------------------------------------------------------------------


def transition(
    actor,
    task: Task,
    action: str,
    *,
    note: str = "",
    result_statement: str | None = None,
    expected_version: int | None = None,
) -> Task:
    """Move `task` through the workflow; raise TransitionDenied / TransitionError / Conflict."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise TransitionError(_("Unknown action."))
    if not can(actor, rule.permission, task):
        raise TransitionDenied(_("You may not %(action)s this task.", action=ACTION_LABELS[action]))
    check_version(task, expected_version)
    if task.plan.status == "closed":
        raise TransitionError(_("The plan is closed; its tasks can no longer change."))
    if task.status not in rule.sources:
        raise TransitionError(
            _(
                "The task is “%(status)s”; “%(action)s” is not possible now.",
                status=STATUS_LABELS[task.status],
                action=ACTION_LABELS[action],
            )
        )
    note = (note or "").strip()
    if action == "submit":
        statement = (
            result_statement if result_statement is not None else task.result_statement
        ).strip()
        if not statement:
            raise DomainError(
                _("Describe the result (成效) before applying for completion."), "result_statement"
            )
        _run_checks(SUBMIT_CHECKS, task)
        task.result_statement = statement
        task.submitted_on = clock.today()
    if action in ("return", "cancel") and not note:
        raise DomainError(_("Give a reason."), "note")
    if action == "accept":
        _run_checks(ACCEPT_CHECKS, task)

    before = {"status": task.status}
    task.status = rule.target
    if action == "accept":
        task.completed_at = clock.now()
        task.progress = 100
    if action == "return":
        task.completed_at = None
        task.submitted_on = None
    _touch(actor, task)
    _timeline(
        actor,
        task,
        action,
        note=note,
        status_from=before["status"],
        status_to=task.status,
        progress=task.progress if action == "accept" else None,
    )
    after = {"status": task.status}
    if note:
        after["note"] = note
    if action == "submit":
        after["result_statement"] = task.result_statement
    db.session.flush()
    log_event(actor, f"task.{action}", task, before=before, after=after)
    if action == "cancel":
        _cancel_open_occurrences(actor, task, note)
    _notify_transition(actor, task, action, note)
    if task.parent is not None:
        _roll_up_progress(task.parent)
    log.info("task %s: %s by %s", task.id, action, getattr(actor, "username", "?"))
    return task


def _cancel_open_occurrences(actor, task: Task, note: str) -> None:
    """Cancelling a recurring task cancels the occurrences not yet done."""
    for occurrence in task.occurrences:
        if occurrence.status in OPEN_STATUSES:
            before = occurrence.status
            occurrence.status = "cancelled"
            _touch(actor, occurrence)
            _timeline(
                actor, occurrence, "cancel", note=note, status_from=before, status_to="cancelled"
            )
            db.session.flush()
            log_event(
                actor,
                "task.cancel",
                occurrence,
                before={"status": before},
                after={"status": "cancelled", "note": note},
            )


def _notify_transition(actor, task: Task, action: str, note: str) -> None:
    link = task_link(task)
    if action == "submit":
        for coordinator in coordinators_of(task.plan):
            notify(
                coordinator,
                "submitted",
                _("Submitted for acceptance: %(title)s", title=task.title),
                link=link,
                task=task,
            )
        return
    titles = {
        "return": _("Returned: %(title)s", title=task.title),
        "accept": _("Accepted as done: %(title)s", title=task.title),
        "cancel": _("Cancelled: %(title)s", title=task.title),
    }
    if action not in titles:
        return
    for person in _people_responsible(task):
        if person.id != getattr(actor, "id", None):
            notify(
                person,
                {"return": "returned"}.get(action, action),
                titles[action],
                body=note,
                link=link,
                task=task,
            )


def _roll_up_progress(parent: Task) -> None:
    """A recurring task follows its occurrences: progress is the share done, and it is done
    itself once every occurrence is done or cancelled (and reopens if one is returned)."""
    live = [o for o in parent.occurrences if o.status != "cancelled"]
    if not live:
        return
    parent.progress = round(100 * sum(o.status == "done" for o in live) / len(live))
    all_done = all(o.status == "done" for o in live)
    before = parent.status
    if all_done and parent.status in OPEN_STATUSES:
        parent.status = "done"
        parent.completed_at = max(o.completed_at for o in live if o.completed_at)
    elif not all_done and parent.status == "done":
        parent.status = "in_progress"
        parent.completed_at = None
    if parent.status != before:
        db.session.flush()
        log_event(
            None,
            "task.roll_up",
            parent,
            before={"status": before},
            after={"status": parent.status},
            actor_name="system",
        )


def add_progress(
    actor, task: Task, *, note: str, progress: int, expected_version: int | None = None
) -> TaskUpdate:
    """Append a progress report (进展反馈) and set the task's progress."""
    if not can(actor, "task.update", task):
        raise TransitionDenied(_("You may not report progress on this task."))
    check_version(task, expected_version)
    if task.status != "in_progress":
        raise TransitionError(
            _(
                "Progress can be reported while a task is in progress; this one is “%(status)s”.",
                status=STATUS_LABELS[task.status],
            )
        )
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Describe what was done."), "note")
    if not 0 <= progress <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), "progress")
    before = {"progress": task.progress}
    task.progress = progress
    _touch(actor, task)
    entry = _timeline(actor, task, "progress", note=note, progress=progress)
    db.session.flush()
    log_event(
        actor, "task.progress", task, before=before, after={"progress": progress, "note": note}
    )
    return entry


def assign_owner(
    actor, task: Task, owner: User | None, *, expected_version: int | None = None
) -> Task:
    """Name the person responsible (责任人) within the lead unit."""
    if not can(actor, "task.assign_owner", task):
        raise TransitionDenied(_("You may not assign this task."))
    check_version(task, expected_version)
    if owner is not None:
        _check_owner(owner, task.lead_unit)
    if task.owner_id == (owner.id if owner else None):
        return task
    before = {"owner_id": task.owner_id}
    task.owner = owner
    task.owner_id = owner.id if owner else None
    _touch(actor, task)
    _timeline(actor, task, "owner", note=owner.display_name if owner else "")
    db.session.flush()
    log_event(actor, "task.assign_owner", task, before=before, after={"owner_id": task.owner_id})
    if owner is not None and owner.id != getattr(actor, "id", None) and task.status != "draft":
        notify(
            owner,
            "assigned",
            _("Assigned to you: %(title)s", title=task.title),
            link=task_link(task),
            task=task,
        )
    return task


def _check_owner(owner: User, lead_unit: Unit | None) -> None:
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
        _check_owner(data.owner, data.lead_unit)
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


def create_task(actor, plan: Plan, data: TaskData, *, allow_missing_lead: bool = False) -> Task:
    """Add a task to a plan; in an active plan it is assigned (交办) at once.

    `allow_missing_lead`: a draft plan may hold a task whose lead unit is still to be chosen
    (an imported document did not name one); publishing refuses the plan until it is."""
    if plan.status == "closed":
        raise DomainError(_("The plan is closed."))
    if allow_missing_lead and plan.status != "draft":
        allow_missing_lead = False
    _validate(plan, data, allow_missing_lead=allow_missing_lead)
    task = Task(
        plan=plan,
        plan_id=plan.id,
        status="draft",
        progress=0,
        position=_next_position(plan, data.section),
    )
    _apply(task, data)
    _touch(actor, task)
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
    before = task.to_audit()
    if data.section is not task.section:
        task.position = _next_position(task.plan, data.section)
    _apply(task, data)
    _touch(actor, task)
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
    _touch(actor, task)
    log_event(actor, "task.move", task, after={"direction": direction, "position": task.position})


def delete_task(actor, task: Task) -> None:
    """Delete a task of a draft plan (in an active plan, cancel it instead)."""
    if task.plan.status != "draft":
        raise DomainError(_("Tasks of a published plan are cancelled (撤销), not deleted."))
    log_event(actor, "task.delete", task, before=task.to_audit())
    db.session.delete(task)


def assign(actor, task: Task, *, today: date) -> None:
    """交办: a draft task becomes assigned; recurring tasks get their occurrences."""
    if task.status != "draft":
        return
    task.status = "assigned"
    if task.start_date is None:
        task.start_date = today
    _touch(actor, task)
    _timeline(actor, task, "assign", status_from="draft", status_to="assigned")
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
        _touch(actor, occurrence)
        db.session.add(occurrence)
        created.append(occurrence)
    if task.due_date is None and created:
        task.due_date = created[-1].due_date
    db.session.flush()
    for occurrence in created:
        log_event(actor, "task.create", occurrence, after=occurrence.to_audit())
    return created
