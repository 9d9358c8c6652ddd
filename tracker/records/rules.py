"""What the ledger and the evidence demand of the workflow, registered as task-service checks."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.evidence.queries import count_for_task, pending_for_task
from tracker.records.labels import STEP_LABELS
from tracker.records.service import live_record_count, open_decision_steps
from tracker.tasks import workflow
from tracker.tasks.models import Task


def submission_problem(task: Task) -> str | None:
    """申请办结 needs proof — a piece of evidence or a ledger record — and, for major decisions,
    every statutory step done or excused."""
    if not live_record_count(task) and not count_for_task(task):
        return _(
            "Attach at least one piece of evidence or a ledger record before applying "
            "for completion."
        )
    for decision, steps in open_decision_steps(task):
        return _(
            "The decision “%(title)s” still has open statutory steps: %(steps)s. Record "
            "each as done or not applicable first.",
            title=decision.decision_title,
            steps="、".join(str(STEP_LABELS[s]) for s in steps),
        )
    return None


def acceptance_problem(task: Task) -> str | None:
    """办结 waits until the legal office has reviewed every piece of evidence."""
    pending = pending_for_task(task)
    if pending:
        return _(
            "%(n)d pieces of evidence still wait for review; verify or reject them "
            "before accepting the task.",
            n=pending,
        )
    return None


def register() -> None:
    """Add the rules to the task workflow (once per process)."""
    if submission_problem not in workflow.SUBMIT_CHECKS:
        workflow.SUBMIT_CHECKS.append(submission_problem)
    if acceptance_problem not in workflow.ACCEPT_CHECKS:
        workflow.ACCEPT_CHECKS.append(acceptance_problem)
