"""The task workflow (签收 → 办理 → 反馈 → 申请办结 → 办结, 退回, 撤销) and who answers for tasks.

The workflow is enforced here and only here: who may act comes from core.permissions, which
state allows what from TRANSITIONS below, and what other features demand of a step from the
`task_submitting` / `task_accepting` signals (records, evidence). Each step is announced as
`task_transitioned` (the reminders tell the people concerned). Assigning a task (交办) lives
with creating it in tasks.service, because a task created in an active plan is assigned at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.permissions import can
from tracker.core.signals import (
    task_accepting,
    task_changed,
    task_owner_assigned,
    task_submitting,
    task_transitioned,
    veto,
)
from tracker.extensions import db
from tracker.tasks import causes
from tracker.tasks.labels import ACTION_LABELS, STATUS_LABELS
from tracker.tasks.models import OPEN_STATUSES, Task, TaskUpdate
from tracker.tasks.service import add_timeline_entry, check_owner, check_version, touch

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


def _check_with_other_features(signal, task: Task) -> None:
    """Ask the receivers of `signal` (records, evidence) whether the task may take the step;
    the first refusal stops it before anything changes."""
    problem = veto(signal, task)
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


# -- the workflow ----------------------------------------------------------------------------


def transition(
    actor,
    task: Task,
    action: str,
    *,
    note: str = "",
    result_statement: str | None = None,
    cause: causes.CauseInput | None = None,
    expected_version: int | None = None,
) -> Task:
    """Move `task` through the workflow; raise TransitionDenied / TransitionError / Conflict.

    Applying for completion after the deadline needs the cause of the delay (`cause`), unless
    the unit stated one while the task was overdue."""
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
        _check_with_other_features(task_submitting, task)
        late = causes.is_late(task)
        if late and not cause and not causes.statements_of(task):
            raise DomainError(
                _("The deadline has passed: state the cause of the delay and the remedy."),
                "cause",
            )
        if late and cause:
            causes.state_cause(actor, task, cause, occasion="late_submission")
        task.result_statement = statement
        task.submitted_on = clock.today()
    if action in ("return", "cancel") and not note:
        raise DomainError(_("Give a reason."), "note")
    if action == "accept":
        _check_with_other_features(task_accepting, task)

    before = {"status": task.status}
    task.status = rule.target
    if action == "accept":
        task.completed_at = clock.now()
        task.progress = 100
    if action == "return":
        task.completed_at = None
        task.submitted_on = None
    touch(actor, task)
    add_timeline_entry(
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
    task_transitioned.send(task, actor=actor, action=action, note=note)
    task_changed.send(task)
    if task.parent is not None:
        _roll_up_progress(task.parent)
        task_changed.send(task.parent)
    log.info("task %s: %s by %s", task.id, action, getattr(actor, "username", "?"))
    return task


def _cancel_open_occurrences(actor, task: Task, note: str) -> None:
    """Cancelling a recurring task cancels the occurrences not yet done."""
    for occurrence in task.occurrences:
        if occurrence.status in OPEN_STATUSES:
            before = occurrence.status
            occurrence.status = "cancelled"
            touch(actor, occurrence)
            add_timeline_entry(
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
    touch(actor, task)
    entry = add_timeline_entry(actor, task, "progress", note=note, progress=progress)
    db.session.flush()
    log_event(
        actor, "task.progress", task, before=before, after={"progress": progress, "note": note}
    )
    task_changed.send(task)
    return entry


def assign_owner(
    actor, task: Task, owner: User | None, *, expected_version: int | None = None
) -> Task:
    """Name the person responsible (责任人) within the lead unit."""
    if not can(actor, "task.assign_owner", task):
        raise TransitionDenied(_("You may not assign this task."))
    check_version(task, expected_version)
    if owner is not None:
        check_owner(owner, task.lead_unit)
    if task.owner_id == (owner.id if owner else None):
        return task
    before = {"owner_id": task.owner_id}
    task.owner = owner
    task.owner_id = owner.id if owner else None
    touch(actor, task)
    add_timeline_entry(actor, task, "owner", note=owner.display_name if owner else "")
    db.session.flush()
    log_event(actor, "task.assign_owner", task, before=before, after={"owner_id": task.owner_id})
    task_owner_assigned.send(task, actor=actor, owner=owner)
    return task
