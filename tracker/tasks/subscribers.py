"""The tasks feature's answers to the database session: every transaction that changes a
bureau's plans, sections, tasks, co-units or 催办 replaces the bureau's version token before it
commits (see tracker.tasks.versions); units and the calendar replace the deployment's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.plans.models import Plan
from tracker.tasks import versions
from tracker.tasks.models import Task

#: session.info key: the scopes (bureau ids, or EVERYWHERE) changed in this transaction.
CHANGED = "duban.changed_scopes"
#: Tables whose rows belong to a plan (its bureau's figures count them).
BY_PLAN = {"tasks", "sections"}
#: Tables whose rows belong to a task.
BY_TASK = {"urges"}
#: Tables every figure depends on.
EVERYWHERE = {"units", "calendar_days"}


def _values(obj, name: str) -> set:
    """The attribute's values before and after this flush (a row may move)."""
    history = sa.inspect(obj).attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    plan_ids: set[int] = set()
    task_ids: set[int] = set()
    scopes: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in BY_PLAN:
            plan_ids |= _values(obj, "plan_id")
        elif table in BY_TASK:
            task_ids |= _values(obj, "task_id")
        elif table == "plans":
            scopes |= _values(obj, "bureau_id")
        elif table in EVERYWHERE:
            scopes.add(versions.EVERYWHERE)
    connection = session.connection()
    if task_ids:
        plan_ids |= set(
            connection.execute(sa.select(Task.plan_id).where(Task.id.in_(task_ids))).scalars()
        )
    if plan_ids:
        scopes |= set(
            connection.execute(sa.select(Plan.bureau_id).where(Plan.id.in_(plan_ids))).scalars()
        )
    if scopes:
        session.info.setdefault(CHANGED, set()).update(scopes)


@event.listens_for(Session, "before_commit")
def _replace_tokens(session: Session) -> None:
    session.flush()  # what the commit would flush is collected too
    changed = session.info.pop(CHANGED, None)
    if changed:
        versions.replace(session.connection(), changed)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)
