"""Ledger reads: records a user may see, by kind and plan year, with counts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectin_polymorphic, selectinload

from tracker.core.signals import collect, record_evidence
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import MODELS, RECORD_KINDS, Record
from tracker.tasks.models import Task
from tracker.tasks.queries import readable_by
from tracker.units.models import Unit


def _scoped(query, user, year: int | None):
    """Records of tasks the user may read, of the plans of `year` (all years when None).

    Each record's task is checked by key in a correlated EXISTS, never joined: with a join,
    SQLite plans a fresh deployment's empty ledgers (no statistics: taken as large) by walking
    every task and looking for its records."""
    task = sa.select(Task.id).where(Task.id == Record.task_id, readable_by(user, per_row=True))
    if year is not None:
        task = task.where(Task.plan_id.in_(sa.select(Plan.id).where(Plan.year == year)))
    return query.where(task.exists())


def ledger(
    user, kind: str, *, year: int | None, unit: Unit | None = None, include_void: bool = False
) -> list[Record]:
    """The records of one kind for a plan year, oldest first."""
    model = MODELS[kind]
    query = _scoped(sa.select(model), user, year)
    if unit is not None:
        query = query.where(
            Record.unit_id.in_(sa.select(Unit.id).where(Unit.path.startswith(unit.path)))
        )
    if not include_void:
        query = query.where(Record.is_void.is_(False))
    query = query.options(*ledger_options(kind)).order_by(Record.occurred_on, Record.id)
    return list(db.session.scalars(query))


def ledger_options(kind: str) -> list:
    """The loader options a ledger of `kind` needs, so its indicators read no row twice."""
    model = MODELS[kind]
    options = [selectinload(Record.unit), selectinload(Record.task)]
    if kind == "decision":
        options.append(selectinload(model.steps))
    if kind == "consultation":
        options.append(selectinload(model.advisor))
    if kind == "study_session":
        options.append(selectinload(model.chaired_by))
    if kind == "pufa_duty":
        options += [selectinload(model.activities), selectinload(model.responsible_unit)]
    if kind == "pufa_activity":
        options.append(selectinload(model.duty))
    if kind == "law_report":
        options.append(selectinload(model.speaker))
    return options


def counts_by_kind(user, *, year: int | None) -> dict[str, int]:
    """How many live records of each kind the user's ledger holds for the year."""
    query = sa.select(Record.kind, sa.func.count(Record.id)).where(Record.is_void.is_(False))
    query = _scoped(query, user, year).group_by(Record.kind)
    counts = dict.fromkeys(RECORD_KINDS, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def records_of_task(task: Task) -> list[Record]:
    query = (
        sa.select(Record)
        .where(Record.task_id == task.id)
        .options(selectin_polymorphic(Record, list(MODELS.values())))
        .order_by(Record.occurred_on, Record.id)
    )
    return list(db.session.scalars(query))


def evidence_of(record: Record) -> list:
    """The current evidence attached to `record`, newest first (the evidence feature keeps it)."""
    return collect(record_evidence, record)


def pufa_duties_of(plan: Plan) -> list:
    """The live items of the plan's 谁执法谁普法 responsibility list, for the activity form."""
    model = MODELS["pufa_duty"]
    query = (
        sa.select(model)
        .join(Task, Task.id == Record.task_id)
        .where(Task.plan_id == plan.id, Record.is_void.is_(False))
        .order_by(Record.occurred_on, Record.id)
    )
    return list(db.session.scalars(query))
