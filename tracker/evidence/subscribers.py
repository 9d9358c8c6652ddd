"""The evidence feature's part in other features' steps: the proof 申请办结 needs, the review
办结 waits for, and what proves a record."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.core.signals import record_evidence, task_accepting, task_submitting
from tracker.evidence.queries import count_for_task, evidence_for, pending_for_task
from tracker.records.service import live_record_count


@task_submitting.connect
def _proof_attached(task) -> str | None:
    """申请办结 needs proof: a piece of evidence or a ledger record."""
    if not live_record_count(task) and not count_for_task(task):
        return _(
            "Attach at least one piece of evidence or a ledger record before applying "
            "for completion."
        )
    return None


@task_accepting.connect
def _evidence_reviewed(task) -> str | None:
    """办结 waits until the legal office has reviewed every piece of evidence."""
    pending = pending_for_task(task)
    if pending:
        return _(
            "%(n)d pieces of evidence still wait for review; verify or reject them "
            "before accepting the task.",
            n=pending,
        )
    return None


@record_evidence.connect
def _evidence_of_record(record) -> list:
    return evidence_for(record)
