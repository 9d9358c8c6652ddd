"""Batch work on task lists: 签收 several selected tasks in one action, each on its own."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from tracker.accounts.sessions import is_safe_next
from tracker.audit.service import log_event
from tracker.core.batch import changed_meanwhile, each_on_its_own, flash_results, selected_ids
from tracker.core.exceptions import VERSION_MISSING, ConflictError, DomainError
from tracker.core.forms import EmptyForm, as_id
from tracker.extensions import db
from tracker.tasks import workflow
from tracker.tasks.models import Task

bp = Blueprint("task_batch", __name__, url_prefix="/tasks/batch")


def back_to_list():
    next_url = request.form.get("next", "")
    return redirect(next_url if is_safe_next(next_url) else url_for("home.index"))


def denial_event(error: DomainError) -> str | None:
    """The audit event the single action records for this refusal (tracker/tasks/views.py)."""
    if isinstance(error, workflow.TransitionDenied):
        return "access.denied"
    if isinstance(error, workflow.TransitionError):
        return "task.refused"
    if isinstance(error, ConflictError):
        return "task.conflict"
    return None


def record_refusal(actor, permission: str, obj, error: DomainError, event: str | None) -> None:
    """Record a refused item as the single action does (tracker.audit.service.record_denial),
    but in the request's transaction: the items that went through commit with it."""
    if event is None:
        return
    log_event(
        actor if getattr(actor, "is_authenticated", False) else None,
        event,
        obj,
        after={"permission": permission, "reason": error.message},
        outcome="denied",
    )


def task_label(task: Task) -> str:
    return f"{task.number} {task.title}".strip() if task.number else task.title


@bp.route("/claim", methods=["POST"])
def claim():
    """签收 every selected task the user may claim; the others are listed with the reason."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = selected_ids("task")
    if not ids:
        flash(_("Select at least one task."), "warning")
        return back_to_list()
    found = {t.id: t for t in db.session.scalars(sa.select(Task).where(Task.id.in_(ids)))}
    tasks = [found[i] for i in ids if i in found]
    permission = workflow.TRANSITIONS["claim"].permission

    def version_of(task: Task) -> int:
        version = as_id(request.form.get(f"version-{task.id}"))
        return VERSION_MISSING if version is None else version

    def claim_one(task: Task) -> None:
        try:
            workflow.transition(current_user, task, "claim", expected_version=version_of(task))
        except ConflictError as error:
            raise changed_meanwhile() from error

    results = each_on_its_own(
        tasks,
        claim_one,
        label=task_label,
        refused=lambda task, error: record_refusal(
            current_user, permission, task, error, denial_event(error)
        ),
    )
    flash_results(
        results,
        lambda n, items: ngettext(
            "Claimed %(num)d task: %(items)s", "Claimed %(num)d tasks: %(items)s", n, items=items
        ),
        lambda item, reason: _("Not claimed: %(item)s — %(reason)s", item=item, reason=reason),
    )
    return back_to_list()
