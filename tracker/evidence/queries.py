"""Evidence reads: what a task or record shows, what counts, and who may see or change it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.permissions import BUREAU_WIDE_ROLES, can, scope_unit
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import Record
from tracker.tasks.models import Task
from tracker.tasks.queries import involves_units_under, readable_by

Target = Task | Record

_CURRENT = (Evidence.withdrawn_at.is_(None), Evidence.superseded_by_id.is_(None))


def _linked_to(target: Target):
    if isinstance(target, Record):
        return EvidenceLink.record_id == target.id
    return EvidenceLink.task_id == target.id


def _with_targets():
    """Load options: the tasks and records a piece of evidence is linked to, with what a
    permission check reads of them (can(): units, owner, plan and bureau), so that checking
    every target of every piece costs a fixed number of statements, however many tasks they
    are spread over."""
    task_parts = (
        joinedload(Task.plan).joinedload(Plan.bureau),
        joinedload(Task.lead_unit),
        selectinload(Task.co_units),
    )
    links = selectinload(Evidence.links)
    return (
        links.selectinload(EvidenceLink.task).options(*task_parts),
        links.selectinload(EvidenceLink.record).selectinload(Record.task).options(*task_parts),
    )


#: g key: target (class name, id) -> all its evidence, for the rest of the request (the task
#: page reads it twice: its timeline and its evidence panel).
_KEPT = "_evidence_of_target"


def evidence_for(target: Target, *, include_hidden: bool = False) -> list[Evidence]:
    """The evidence attached to a task or record, newest first; withdrawn and superseded
    evidence only with `include_hidden`.

    Read once per request and target, and kept in `g` until the session writes anything
    (flush, commit, rollback or a bulk statement: `_forget_kept_evidence`)."""
    kept = g.setdefault(_KEPT, {}) if has_request_context() else {}
    key = (type(target).__name__, target.id)
    every = kept.get(key)
    if every is None:
        query = (
            sa.select(Evidence)
            .join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
            .where(_linked_to(target))
            .options(
                # in the same statement: one SELECT of users each would cost more
                joinedload(Evidence.uploaded_by),
                joinedload(Evidence.reviewed_by),
                joinedload(Evidence.withdrawn_by),
                *_with_targets(),
            )
            .order_by(Evidence.uploaded_at.desc(), Evidence.id.desc())
        )
        every = kept[key] = list(db.session.scalars(query))
    return list(every) if include_hidden else [e for e in every if e.is_current]


@sa.event.listens_for(Session, "after_flush")
@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_kept_evidence(*_args) -> None:
    """Any write may change what a target's evidence is: read it again afterwards."""
    if has_app_context():
        g.pop(_KEPT, None)


@sa.event.listens_for(Session, "do_orm_execute")
def _forget_kept_evidence_on_bulk_writes(state) -> None:
    if not state.is_select:
        _forget_kept_evidence()


def _task_evidence_ids(task: Task):
    """Ids of current evidence linked to the task or to one of its records that is not void."""
    via_record = sa.select(Record.id).where(Record.task_id == task.id, Record.is_void.is_(False))
    return (
        sa.select(Evidence.id)
        .join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
        .where(
            *_CURRENT,
            sa.or_(EvidenceLink.task_id == task.id, EvidenceLink.record_id.in_(via_record)),
        )
    )


def count_for_task(task: Task) -> int:
    """How many pieces of current evidence prove the task, directly or through its records
    (each piece counted once, however often it is linked); rejected evidence proves nothing."""
    ids = _task_evidence_ids(task).where(Evidence.review_status != "rejected").distinct().subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0


def pending_for_task(task: Task) -> int:
    """Of those, how many still wait for the legal office's review."""
    ids = _task_evidence_ids(task).where(Evidence.review_status == "pending").distinct()
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0


# -- who may see and change it ---------------------------------------------------------------


def readable_target(user, evidence: Evidence) -> Target | None:
    """A task or record the evidence is linked to that `user` may read, if any."""
    return next((t for t in evidence.targets if can(user, "evidence.read", t)), None)


def may_manage(user, evidence: Evidence) -> bool:
    """Withdrawing or replacing evidence touches every task and record it proves, so it takes
    the right to add evidence to all of them."""
    targets = evidence.targets
    return bool(targets) and all(can(user, "evidence.add", t) for t in targets)


def may_review(user, evidence: Evidence) -> bool:
    return any(can(user, "evidence.review", t) for t in evidence.targets)


def _task_in_view(user):
    """A condition on Task, checked per link by key: readable_by(user) for bureau-wide roles;
    for chiefs and staff a superset written as index lookups (refined with can() below), since
    readable_by's "no unit at all" branch would scan every co-unit row on each task page."""
    if user.role in BUREAU_WIDE_ROLES:
        return readable_by(user)
    return sa.or_(
        involves_units_under(scope_unit(user).path),
        Task.owner_id == user.id,
        Task.lead_unit_id.is_(None),
    )


def reusable_for(user, target: Target, *, limit: int = 100) -> list[Evidence]:
    """Current evidence `user` may read that is not yet attached to `target`, newest first:
    the choices for linking existing evidence instead of uploading it again."""
    in_view = _task_in_view(user)
    already = sa.select(EvidenceLink.evidence_id).where(_linked_to(target))
    # Driven by the links (few), each checking its own task by key: listing every task in
    # view first costs a pass over a city's hundred thousand tasks on every task page.
    candidates = sa.select(EvidenceLink.evidence_id).where(
        sa.or_(
            sa.exists().where(Task.id == EvidenceLink.task_id, in_view),
            sa.exists().where(
                Record.id == EvidenceLink.record_id, Task.id == Record.task_id, in_view
            ),
        )
    )
    query = (
        sa.select(Evidence)
        .where(*_CURRENT, Evidence.id.in_(candidates), Evidence.id.not_in(already))
        .options(*_with_targets())
        .order_by(Evidence.uploaded_at.desc(), Evidence.id.desc())
        .limit(limit * 2)
    )
    found = [e for e in db.session.scalars(query) if readable_target(user, e) is not None]
    return found[:limit]
