"""The tasks feature's answers to the database session: every transaction that changes a
bureau's plans, sections, tasks, co-units, 催办 or evidence (awaiting review) replaces the
bureau's version token before it commits (see tracker.tasks.versions); units and the calendar
replace the deployment's."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks import versions
from tracker.tasks.models import Task, task_co_units
from tracker.units.models import Unit

#: session.info key: the scopes (bureau ids, or EVERYWHERE) changed in this transaction.
CHANGED = versions.CHANGED
#: Tables whose rows belong to a plan (its bureau's figures count them); tasks see below.
BY_PLAN = {"sections"}
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
    unit_ids: set[int] = set()  # lead units and co-units, before and after
    owner_ids: set[int] = set()
    evidence_ids: set[int] = set()
    record_ids: set[int] = set()
    scopes: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table == "tasks":
            # a task counts for its plan's bureau, and is read by the bureaus of its units and
            # its owner (a city item names bureaus; a co-unit may sit in another bureau)
            plan_ids |= _values(obj, "plan_id")
            unit_ids |= _values(obj, "lead_unit_id")
            owner_ids |= _values(obj, "owner_id")
            if obj.id is not None:
                task_ids.add(obj.id)
            co_units = sa.inspect(obj).attrs.co_units.history
            unit_ids |= {u.id for u in (*co_units.added, *co_units.deleted) if u.id is not None}
        elif table in BY_PLAN:
            plan_ids |= _values(obj, "plan_id")
        elif table in BY_TASK:
            task_ids |= _values(obj, "task_id")
        elif table == "evidence_links":  # evidence awaiting review is counted per reader
            task_ids |= _values(obj, "task_id")
            record_ids |= _values(obj, "record_id")
        elif table == "evidence" and obj.id is not None:
            evidence_ids.add(obj.id)
        elif table == "plans":
            scopes |= _values(obj, "bureau_id")
        elif table in EVERYWHERE:
            scopes.add(versions.EVERYWHERE)
            if table == "units" and obj.kind in versions.SCOPE_KINDS and obj.id is not None:
                # a new bureau or city gets its own token at once: a scope with none yet
                # keeps nothing, and a city's figures count every bureau below it
                scopes.add(obj.id)
    if not (plan_ids or task_ids or unit_ids or owner_ids or evidence_ids or record_ids or scopes):
        return
    connection = session.connection()
    # evidence and records are other features' tables, read by name (they import tasks)
    tables = db.metadata.tables
    if evidence_ids:
        links = tables["evidence_links"]
        links = connection.execute(
            sa.select(links.c.task_id, links.c.record_id).where(
                links.c.evidence_id.in_(evidence_ids)
            )
        ).all()
        task_ids |= {task_id for task_id, _record in links if task_id is not None}
        record_ids |= {record_id for _task, record_id in links if record_id is not None}
    if record_ids:
        records = tables["records"]
        task_ids |= set(
            connection.execute(
                sa.select(records.c.task_id).where(records.c.id.in_(record_ids))
            ).scalars()
        )
    if task_ids:
        plan_ids |= set(
            connection.execute(sa.select(Task.plan_id).where(Task.id.in_(task_ids))).scalars()
        )
        unit_ids |= set(
            connection.execute(
                sa.select(task_co_units.c.unit_id).where(task_co_units.c.task_id.in_(task_ids))
            ).scalars()
        )
    if owner_ids:
        unit_ids |= set(
            connection.execute(sa.select(User.unit_id).where(User.id.in_(owner_ids))).scalars()
        )
    if plan_ids:
        scopes |= set(
            connection.execute(sa.select(Plan.bureau_id).where(Plan.id.in_(plan_ids))).scalars()
        )
    if unit_ids:
        scopes |= set(
            connection.execute(sa.select(Unit.bureau_id).where(Unit.id.in_(unit_ids))).scalars()
        )
    scopes.discard(None)
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
