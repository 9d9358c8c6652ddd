"""The evidence feature's part in other features' steps: the proof 申请办结 needs, the review
办结 waits for, and what proves a record."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.core.signals import record_evidence, task_accepting, task_submitting, task_timeline
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


def _name(user) -> str:
    return (user.display_name or user.username) if user is not None else ""


@task_timeline.connect
def _evidence_steps(task) -> list[dict]:
    """Evidence added to the task, reviewed and withdrawn, with who did it."""
    entries = []
    for e in evidence_for(task, include_hidden=True):
        title = e.title or e.original_name or e.url
        entries.append(
            {
                "at": e.uploaded_at,
                "who": _name(e.uploaded_by),
                "kind": "evidence.add",
                "title": title,
            }
        )
        if e.reviewed_at is not None and e.review_status in ("verified", "rejected"):
            entries.append(
                {
                    "at": e.reviewed_at,
                    "who": _name(e.reviewed_by),
                    "kind": f"evidence.{e.review_status}",
                    "title": title,
                    "note": e.review_note,
                }
            )
        if e.withdrawn_at is not None:
            entries.append(
                {
                    "at": e.withdrawn_at,
                    "who": _name(e.withdrawn_by),
                    "kind": "evidence.withdraw",
                    "title": title,
                    "note": e.withdraw_reason,
                }
            )
    return entries


@record_evidence.connect
def _evidence_of_record(record) -> list:
    return evidence_for(record)
