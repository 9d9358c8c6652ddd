"""The legal office's review queue (待我审核): submitted tasks and evidence awaiting review."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.core.permissions import BUREAU_WIDE_ROLES
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.extensions import db
from tracker.records.models import Record
from tracker.tasks import versions
from tracker.tasks.models import Task
from tracker.tasks.queries import read_scope_key, readable_by, tasks_in_order

#: The most items of each kind the queue lists at once (oldest first).
QUEUE_LIMIT = 100


def _submitted_tasks(user):
    # for the bureau's office and leaders each submitted task is checked against the scope's
    # few units: listing the whole bureau's tasks first costs three times as much at 100k
    per_row = getattr(user, "role", None) in BUREAU_WIDE_ROLES
    return sa.select(Task).where(Task.status == "submitted", readable_by(user, per_row=per_row))


def _pending_evidence(user):
    """Current evidence waiting for review, linked to a task (or one of its records) that
    `user` may read."""
    in_view = readable_by(user, per_row=True)
    linked = sa.select(EvidenceLink.evidence_id).where(
        sa.or_(
            sa.exists().where(Task.id == EvidenceLink.task_id, in_view),
            sa.exists().where(
                Record.id == EvidenceLink.record_id, Task.id == Record.task_id, in_view
            ),
        )
    )
    return sa.select(Evidence).where(
        Evidence.review_status == "pending",
        Evidence.withdrawn_at.is_(None),
        Evidence.superseded_by_id.is_(None),
        Evidence.id.in_(linked),
    )


def submitted_tasks(user) -> list[Task]:
    """Tasks applied for completion (申请办结), waiting for 办结 or 退回, the QUEUE_LIMIT
    longest waiting first."""
    # sort narrow rows (ids) and load the page's tasks afterwards: sorting whole joined rows of
    # a city's twenty thousand submitted tasks took 100 ms; the ids are kept between changes to
    # the tasks the user reads, like the queue's counts (the sort alone took 35 ms at 100k)

    def compute() -> tuple[int, ...]:
        return tuple(
            db.session.scalars(
                _submitted_tasks(user)
                .with_only_columns(Task.id)
                .order_by(Task.submitted_on.is_(None), Task.submitted_on, Task.id)
                .limit(QUEUE_LIMIT)
            )
        )

    ids = versions.kept(
        "review_queue_tasks", read_scope_key(user), versions.reader_scopes(user), compute
    )
    return tasks_in_order(
        ids, joinedload(Task.lead_unit), joinedload(Task.plan), joinedload(Task.owner)
    )


def pending_evidence(user) -> list[Evidence]:
    """Evidence waiting for the legal office's review, the QUEUE_LIMIT oldest uploads first."""
    query = (
        _pending_evidence(user)
        .options(
            joinedload(Evidence.uploaded_by),
            selectinload(Evidence.links).joinedload(EvidenceLink.task),
            selectinload(Evidence.links).joinedload(EvidenceLink.record),
        )
        .order_by(Evidence.uploaded_at, Evidence.id)
        .limit(QUEUE_LIMIT)
    )
    return list(db.session.scalars(query).unique())


def queue_counts(user) -> dict[str, int]:
    """How many submitted tasks and pending pieces of evidence wait for `user`: one query, kept
    between changes to the tasks (and their evidence) the user reads (tracker.tasks.versions):
    the badge is on every page of the legal office."""
    tasks = sa.select(sa.func.count()).select_from(_submitted_tasks(user).subquery())
    evidence = sa.select(sa.func.count()).select_from(_pending_evidence(user).subquery())

    def compute() -> tuple[int, int]:
        row = db.session.execute(
            sa.select(tasks.scalar_subquery(), evidence.scalar_subquery())
        ).one()
        return row[0] or 0, row[1] or 0

    key = read_scope_key(user)
    waiting, pending = versions.kept("review_queue", key, versions.reader_scopes(user), compute)
    return {"tasks": waiting, "evidence": pending}
