"""Causes of work falling behind (逾期、退回、逾期申请办结的原因): the bureau's list and the
statements units make, which part 二 of the annual report is written from."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import (
    CAUSE_OCCASIONS,
    DEFAULT_DELAY_CAUSES,
    CauseStatement,
    DelayCause,
    Task,
)
from tracker.units.models import Unit

log = logging.getLogger(__name__)

MAX_CAUSE_LENGTH = 50


class CauseDenied(DomainError):
    """The user may not state a cause here (HTTP 403)."""


@dataclass(frozen=True)
class CauseInput:
    """What a unit states: a cause from the list, a sentence, the remedy."""

    cause: str = ""
    explanation: str = ""
    remedy: str = ""

    def __bool__(self) -> bool:
        return bool(self.cause.strip() or self.explanation.strip() or self.remedy.strip())


def cause_choices(bureau: Unit) -> list[str]:
    """The bureau's own list of causes, or the defaults while it has none."""
    labels = list(
        db.session.scalars(
            sa.select(DelayCause.label)
            .where(DelayCause.bureau_id == bureau.id)
            .order_by(DelayCause.position, DelayCause.id)
        )
    )
    return labels or list(DEFAULT_DELAY_CAUSES)


def set_delay_causes(actor, bureau: Unit, labels: list[str]) -> list[str]:
    """Replace the bureau's list of causes (statements already made keep their label)."""
    if not can(actor, "plan.edit", bureau):
        raise CauseDenied(_("You may not edit the list of causes."))
    cleaned: list[str] = []
    for label in labels:
        label = label.strip()
        if label and label not in cleaned:
            if len(label) > MAX_CAUSE_LENGTH:
                raise DomainError(_("A cause is at most 50 characters."), "labels")
            cleaned.append(label)
    if not cleaned:
        raise DomainError(_("Keep at least one cause."), "labels")
    before = cause_choices(bureau)
    db.session.execute(sa.delete(DelayCause).where(DelayCause.bureau_id == bureau.id))
    for position, label in enumerate(cleaned):
        db.session.add(DelayCause(bureau_id=bureau.id, label=label, position=position))
    db.session.flush()
    log_event(
        actor, "delay_causes.set", bureau, before={"labels": before}, after={"labels": cleaned}
    )
    return cleaned


def is_late(task: Task, today: date | None = None) -> bool:
    """Past its deadline (a continuous task never is)."""
    today = today or clock.today()
    return task.due_date is not None and task.due_date < today


def occasion_for(task: Task, today: date | None = None) -> str | None:
    """Why the unit is asked for a cause now: the task is overdue or was returned; else None."""
    if task.status in ("assigned", "in_progress") and is_late(task, today):
        return "overdue"
    if task.status == "in_progress":
        # from the task's timeline (entries are only ever added through the relationship,
        # tasks.service.add_update): the task page reads it anyway, so no statement of its own
        steps = [u.kind for u in task.updates if u.kind in ("claim", "return")]
        if steps and steps[-1] == "return":
            return "returned"
    return None


def statements_of(task: Task) -> list[CauseStatement]:
    return list(
        db.session.scalars(
            sa.select(CauseStatement)
            .where(CauseStatement.task_id == task.id)
            .order_by(CauseStatement.id)
        )
    )


def structural_notes_of(plan: Plan) -> list[CauseStatement]:
    return list(
        db.session.scalars(
            sa.select(CauseStatement)
            .where(CauseStatement.plan_id == plan.id, CauseStatement.task_id.is_(None))
            .order_by(CauseStatement.id)
        )
    )


def _checked(bureau: Unit, given: CauseInput, *, remedy_required: bool = True) -> CauseInput:
    cause = given.cause.strip()
    if not cause:
        raise DomainError(_("Choose the cause."), "cause")
    if cause not in cause_choices(bureau):
        raise DomainError(_("Choose a cause from the list."), "cause")
    explanation = given.explanation.strip()
    if not explanation:
        raise DomainError(_("Say in a sentence what held the work up."), "cause_explanation")
    remedy = given.remedy.strip()
    if not remedy and remedy_required:
        raise DomainError(_("Say what will be done about it."), "cause_remedy")
    return CauseInput(cause, explanation, remedy)


def _add(actor, plan: Plan, task: Task | None, occasion: str, given: CauseInput):
    assert occasion in CAUSE_OCCASIONS
    statement = CauseStatement(
        plan_id=plan.id,
        task_id=task.id if task is not None else None,
        occasion=occasion,
        cause=given.cause,
        explanation=given.explanation,
        remedy=given.remedy,
        author_id=getattr(actor, "id", None),
        author_name=getattr(actor, "display_name", "") or getattr(actor, "username", ""),
        created_at=clock.now(),
    )
    db.session.add(statement)
    db.session.flush()
    log_event(actor, "cause.state", statement, after=statement.to_audit())
    log.info("cause stated on plan %s task %s: %s", plan.id, statement.task_id, given.cause)
    return statement


def state_cause(actor, task: Task, given: CauseInput, *, occasion: str | None = None):
    """Record why `task` fell behind (by its unit); refused when nothing is behind."""
    if not can(actor, "task.update", task):
        raise CauseDenied(_("You may not state a cause for this task."))
    if task.plan.status == "closed":
        raise DomainError(_("The plan is closed; its tasks can no longer change."))
    occasion = occasion or occasion_for(task)
    if occasion is None:
        raise DomainError(_("The task is neither overdue nor returned; no cause is needed."))
    return _add(actor, task.plan, task, occasion, _checked(task.plan.bureau, given))


def state_structural_note(actor, plan: Plan, given: CauseInput) -> CauseStatement:
    """The coordinator's note on a shortcoming of the year as a whole (队伍、人才、经费…); the
    remedy is optional here, part 四 says what next year will do."""
    if not can(actor, "report.edit", plan):
        raise CauseDenied(_("You may not write the report's notes."))
    checked = _checked(plan.bureau, given, remedy_required=False)
    return _add(actor, plan, None, "structural", checked)


def delete_structural_note(actor, note: CauseStatement) -> None:
    if note.task_id is not None or not can(actor, "report.edit", note.plan):
        raise CauseDenied(_("You may not write the report's notes."))
    before = note.to_audit()
    log_event(actor, "cause.delete", note, before=before)
    db.session.delete(note)
    db.session.flush()
