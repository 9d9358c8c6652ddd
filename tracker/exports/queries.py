"""Export reads: a plan's tasks, timeline, records and evidence, streamed in chunks.

Every reader here yields rows in a fixed order, `chunk_size` rows per database round trip
(`yield_per`: a server-side cursor on PostgreSQL), and keeps nothing of a chunk once the caller
has moved on — the exports' memory stays flat however large the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.db import one_of
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.extensions import db
from tracker.plans.models import Plan, UpperSource
from tracker.plans.service import outline
from tracker.records.models import MODELS, Decision, Record
from tracker.reports.models import ReportDraft
from tracker.tasks.lights import LightPolicy, days_overdue, light_sql, workdays_late
from tracker.tasks.models import OPEN_STATUSES, CauseStatement, Task, TaskUpdate, task_co_units
from tracker.units.models import Unit

CHUNK_SIZE = 500

#: Evidence that lists and counts show: neither withdrawn nor replaced by a newer version
#: (the rule of tracker.evidence.queries, for many tasks at once).
_CURRENT = (Evidence.withdrawn_at.is_(None), Evidence.superseded_by_id.is_(None))


# -- sections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionInfo:
    id: int
    parent_id: int | None
    #: The heading as written: "（一）加强组织领导，推进法治建设".
    heading: str
    #: Headings from the top section down to this one.
    path: tuple[str, ...]


def plan_sections(plan: Plan) -> dict[int, SectionInfo]:
    """Every section of the plan with its heading and its path of headings (few rows)."""
    result: dict[int, SectionInfo] = {}
    for section in outline(plan):
        heading = f"{section.label}{section.title}"
        parent = result.get(section.parent_id) if section.parent_id else None
        path = (*parent.path, heading) if parent else (heading,)
        result[section.id] = SectionInfo(section.id, section.parent_id, heading, path)
    return result


def _plan_order(query, sections: dict[int, SectionInfo]):
    """Plan order: sections as the outline writes them (depth-first; `sections` in that order),
    then tasks by position, each recurring task followed by its occurrences; tasks outside any
    section (duties) come last."""
    ranks = {section_id: rank for rank, section_id in enumerate(sections)}
    section_rank = (
        sa.case(ranks, value=Task.section_id, else_=len(ranks)) if ranks else sa.literal(0)
    )
    return query.order_by(
        section_rank,
        Task.position,
        sa.func.coalesce(Task.parent_id, Task.id),
        Task.parent_id.is_not(None),
        Task.due_date,
        Task.id,
    )


# -- tasks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TaskState:
    """What tracker.tasks.lights.days_overdue reads of a task."""

    status: str
    due_date: date | None
    submitted_on: date | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class TaskRow:
    id: int
    section_id: int | None
    parent_id: int | None
    number: str
    title: str
    period_label: str
    kind: str
    lead_unit: str
    co_units: str
    owner: str
    supervisor: str
    is_principal_duty: bool
    deadline_text: str
    due_date: date | None
    status: str
    light: str
    completed_at: datetime | None
    days_overdue: int
    #: For a done task: calendar days between the due date and the day it was submitted (申请办结)
    #: or, failing that, accepted; 0 when on time.
    days_late: int | None
    progress: int
    target_count: int | None
    achieved_count: int | None
    target_measure: str
    result_statement: str
    evidence_count: int
    verified_count: int
    #: The task's requirement as the plan writes it.
    text: str = ""
    #: File names of its current evidence, "；"-separated.
    evidence_names: str = ""


def co_unit_names(task_ids: list[int]) -> dict[int, str]:
    """The co-units of each task, comma-separated in unit order."""
    rows = db.session.execute(
        sa.select(task_co_units.c.task_id, Unit.name)
        .join(Unit, Unit.id == task_co_units.c.unit_id)
        .where(one_of(db.session, task_co_units.c.task_id, task_ids))
        .order_by(task_co_units.c.task_id, Unit.sort_order, Unit.id)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for task_id, name in rows:
        names[task_id].append(name)
    return {task_id: "、".join(parts) for task_id, parts in names.items()}


def upper_sources(plan: Plan) -> dict[int, tuple[str, str]]:
    """task id → (upper plan's item number, our role) for a decomposed plan's tasks."""
    query = (
        sa.select(UpperSource.task_id, UpperSource.upper_number, UpperSource.upper_role)
        .join(Task, Task.id == UpperSource.task_id)
        .where(Task.plan_id == plan.id)
    )
    return {task_id: (number, role) for task_id, number, role in db.session.execute(query)}


def _task_evidence_links(task_ids: list[int]):
    """(evidence_id, task_id): evidence linked to the task or to one of its live records."""
    direct = sa.select(
        EvidenceLink.evidence_id.label("evidence_id"), EvidenceLink.task_id.label("task_id")
    ).where(one_of(db.session, EvidenceLink.task_id, task_ids))
    via_record = (
        sa.select(EvidenceLink.evidence_id.label("evidence_id"), Record.task_id.label("task_id"))
        .join(Record, Record.id == EvidenceLink.record_id)
        .where(one_of(db.session, Record.task_id, task_ids), Record.is_void.is_(False))
    )
    return sa.union(direct, via_record).subquery()


def evidence_names(task_ids: list[int]) -> dict[int, str]:
    """The file names (or titles) of each task's current, not rejected evidence, in upload
    order, by the rule evidence_counts counts them. One query for all the tasks given."""
    links = _task_evidence_links(task_ids)
    query = (
        sa.select(links.c.task_id, Evidence.original_name, Evidence.title)
        .join(Evidence, Evidence.id == links.c.evidence_id)
        .where(*_CURRENT, Evidence.review_status != "rejected")
        .order_by(links.c.task_id, Evidence.uploaded_at, Evidence.id)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for task_id, original_name, title in db.session.execute(query):
        names[task_id].append(original_name or title)
    return {task_id: "；".join(parts) for task_id, parts in names.items()}


def evidence_counts(task_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(evidence, verified) per task, by the rule of tracker.evidence.queries.count_for_task:
    current evidence linked to the task or to one of its records that is not void, each piece
    once; rejected evidence proves nothing. One query for all the tasks given."""
    links = _task_evidence_links(task_ids)
    query = (
        sa.select(
            links.c.task_id,
            sa.func.count(
                sa.distinct(sa.case((Evidence.review_status != "rejected", Evidence.id)))
            ),
            sa.func.count(
                sa.distinct(sa.case((Evidence.review_status == "verified", Evidence.id)))
            ),
        )
        .join(Evidence, Evidence.id == links.c.evidence_id)
        .where(*_CURRENT)
        .group_by(links.c.task_id)
    )
    rows = db.session.execute(query)
    return {task_id: (counted, verified) for task_id, counted, verified in rows}


def _days_late(row) -> int | None:
    if row.status != "done" or row.due_date is None:
        return None
    finished = row.submitted_on or (
        clock.to_local(row.completed_at).date() if row.completed_at else None
    )
    if finished is None:
        return None
    return workdays_late(row.due_date, finished)


def task_rows(
    plan: Plan, policy: LightPolicy, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[TaskRow]:
    """Every task of the plan (recurring tasks and their occurrences), in plan order, with its
    light (tracker.tasks.lights, in SQL), days overdue and evidence counts."""
    owner = aliased(User)
    supervisor = aliased(User)
    light = light_sql(policy).label("light")
    query = _plan_order(
        sa.select(
            Task.id,
            Task.section_id,
            Task.parent_id,
            Task.number,
            Task.title,
            Task.period_label,
            Task.kind,
            Unit.name.label("lead_unit"),
            owner.display_name.label("owner"),
            supervisor.display_name.label("supervisor"),
            Task.is_principal_duty,
            Task.deadline_text,
            Task.due_date,
            Task.status,
            light,
            Task.completed_at,
            Task.submitted_on,
            Task.progress,
            Task.target_count,
            Task.achieved_count,
            Task.target_measure,
            Task.result_statement,
            Task.text,
        )
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .outerjoin(owner, owner.id == Task.owner_id)
        .outerjoin(supervisor, supervisor.id == Task.supervisor_id)
        .where(Task.plan_id == plan.id),
        plan_sections(plan),
    ).execution_options(yield_per=chunk_size)
    result = db.session.execute(query)
    try:
        for partition in result.partitions():
            ids = [row.id for row in partition]
            co_units = co_unit_names(ids)
            counts = evidence_counts(ids)
            names = evidence_names(ids)
            for row in partition:
                state = _TaskState(row.status, row.due_date, row.submitted_on)
                counted, verified = counts.get(row.id, (0, 0))
                yield TaskRow(
                    id=row.id,
                    section_id=row.section_id,
                    parent_id=row.parent_id,
                    number=row.number,
                    title=row.title,
                    period_label=row.period_label,
                    kind=row.kind,
                    lead_unit=row.lead_unit or "",
                    co_units=co_units.get(row.id, ""),
                    owner=row.owner or "",
                    supervisor=row.supervisor or "",
                    is_principal_duty=row.is_principal_duty,
                    deadline_text=row.deadline_text,
                    due_date=row.due_date,
                    status=row.status,
                    light=row.light,
                    completed_at=row.completed_at,
                    days_overdue=days_overdue(state, policy.today),
                    days_late=_days_late(row),
                    progress=row.progress,
                    target_count=row.target_count,
                    achieved_count=row.achieved_count,
                    target_measure=row.target_measure,
                    result_statement=row.result_statement,
                    evidence_count=counted,
                    verified_count=verified,
                    text=row.text,
                    evidence_names=names.get(row.id, ""),
                )
    finally:
        result.close()  # a server-side cursor on PostgreSQL: close it when stopping early


def count_tasks(plan: Plan) -> int:
    return db.session.scalar(sa.select(sa.func.count(Task.id)).where(Task.plan_id == plan.id)) or 0


# -- the timeline --------------------------------------------------------------------------------


def update_rows(plan: Plan, *, chunk_size: int = CHUNK_SIZE) -> Iterator[sa.Row]:
    """Every timeline entry (TaskUpdate) of the plan's tasks, oldest first, with its task's
    number and title."""
    query = (
        sa.select(
            TaskUpdate.id,
            TaskUpdate.created_at,
            TaskUpdate.task_id,
            Task.number.label("task_number"),
            Task.title.label("task_title"),
            TaskUpdate.kind,
            TaskUpdate.author_name,
            TaskUpdate.note,
            TaskUpdate.progress,
            TaskUpdate.status_from,
            TaskUpdate.status_to,
        )
        .join(Task, Task.id == TaskUpdate.task_id)
        .where(Task.plan_id == plan.id)
        .order_by(TaskUpdate.created_at, TaskUpdate.id)
        .execution_options(yield_per=chunk_size)
    )
    result = db.session.execute(query)
    try:
        yield from result
    finally:
        result.close()


def cause_rows(plan: Plan) -> list[sa.Row]:
    """Every cause of delay stated on the plan (tasks' and the coordinator's structural notes),
    oldest first, with the task's number and title."""
    query = (
        sa.select(
            CauseStatement.id,
            CauseStatement.created_at,
            CauseStatement.task_id,
            Task.number.label("task_number"),
            Task.title.label("task_title"),
            CauseStatement.occasion,
            CauseStatement.cause,
            CauseStatement.explanation,
            CauseStatement.remedy,
            CauseStatement.author_name,
        )
        .outerjoin(Task, Task.id == CauseStatement.task_id)
        .where(CauseStatement.plan_id == plan.id)
        .order_by(CauseStatement.created_at, CauseStatement.id)
    )
    return list(db.session.execute(query))


# -- ledger records ------------------------------------------------------------------------------


def _plan_task_ids(plan: Plan):
    return sa.select(Task.id).where(Task.plan_id == plan.id)


def record_evidence_counts(record_ids: list[int]) -> dict[int, int]:
    """Current, not rejected evidence per record."""
    query = (
        sa.select(EvidenceLink.record_id, sa.func.count(sa.distinct(Evidence.id)))
        .join(Evidence, Evidence.id == EvidenceLink.evidence_id)
        .where(
            one_of(db.session, EvidenceLink.record_id, record_ids),
            *_CURRENT,
            Evidence.review_status != "rejected",
        )
        .group_by(EvidenceLink.record_id)
    )
    return dict(db.session.execute(query).all())


#: Related rows the inspection ledgers' sheets read, loaded with each chunk.
RELATED = {
    "pufa_duty": ("activities", "responsible_unit"),
    "pufa_activity": ("duty",),
    "law_report": ("speaker",),
}


def records_of_kind(
    plan: Plan, kind: str, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[tuple[Record, int]]:
    """The plan's records of one kind (void ones too: the export hides nothing), by date, each
    with its count of current evidence."""
    model = MODELS[kind]
    options = [
        selectinload(model.task),
        selectinload(model.unit),
        selectinload(model.created_by),
    ]
    if model is Decision:
        options.append(selectinload(Decision.steps))
    if kind == "consultation":
        options.append(selectinload(model.advisor))
    if kind == "study_session":
        options.append(selectinload(model.chaired_by))
    for name in RELATED.get(kind, ()):
        options.append(selectinload(getattr(model, name)))
    query = (
        sa.select(model)
        .where(Record.task_id.in_(_plan_task_ids(plan)))
        .options(*options)
        .order_by(Record.occurred_on.is_(None), Record.occurred_on, Record.id)
        .execution_options(yield_per=chunk_size)
    )
    result = db.session.execute(query).scalars()
    try:
        for partition in result.partitions():
            counts = record_evidence_counts([r.id for r in partition])
            for record in partition:
                yield record, counts.get(record.id, 0)
    finally:
        result.close()


# -- evidence ------------------------------------------------------------------------------------


def _plan_evidence_ids(plan: Plan):
    tasks = _plan_task_ids(plan)
    records = sa.select(Record.id).where(Record.task_id.in_(tasks))
    return sa.select(EvidenceLink.evidence_id).where(
        sa.or_(EvidenceLink.task_id.in_(tasks), EvidenceLink.record_id.in_(records))
    )


def evidence_of_plan(plan: Plan, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Evidence]:
    """Every piece of evidence of the plan's tasks and records — withdrawn and superseded ones
    too — oldest first, with its links, uploader and reviewer loaded."""
    query = (
        sa.select(Evidence)
        .where(Evidence.id.in_(_plan_evidence_ids(plan)))
        .options(
            selectinload(Evidence.uploaded_by),
            selectinload(Evidence.reviewed_by),
            selectinload(Evidence.links).selectinload(EvidenceLink.task),
            selectinload(Evidence.links)
            .selectinload(EvidenceLink.record)
            .selectinload(Record.task),
        )
        .order_by(Evidence.uploaded_at, Evidence.id)
        .execution_options(yield_per=chunk_size)
    )
    result = db.session.execute(query).scalars()
    try:
        yield from result
    finally:
        result.close()


@dataclass(frozen=True)
class ArchiveItem:
    """One file of the evidence archive: a piece of evidence under one task it proves."""

    evidence_id: int
    original_name: str
    title: str
    sha256: str
    size: int | None
    content_type: str
    uploaded_at: datetime
    uploaded_by: str
    review_status: str
    task_id: int
    task_number: str
    task_title: str
    section_id: int | None
    record_id: int | None
    record_summary: str
    #: The day of the record the file proves (None for a file on the task itself).
    record_date: date | None = None
    is_principal_duty: bool = False
    #: The task of submitting and publishing the annual report.
    is_reporting: bool = False


def archive_items(
    plan: Plan,
    *,
    sections: dict[int, SectionInfo] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[ArchiveItem]:
    """The files of the evidence archive in plan order: every current file (pending, verified
    or rejected — the manifest says which) once under each task it proves, directly or through
    one of the task's records. Withdrawn and superseded files are history, not proof; the
    workbook's Evidence sheet lists them."""
    uploader = aliased(User)
    record_task_id = sa.func.coalesce(EvidenceLink.task_id, Record.task_id)
    query = _plan_order(
        sa.select(
            Evidence.id.label("evidence_id"),
            Evidence.original_name,
            Evidence.title,
            Evidence.sha256,
            Evidence.size,
            Evidence.content_type,
            Evidence.uploaded_at,
            uploader.display_name.label("uploaded_by"),
            Evidence.review_status,
            Task.id.label("task_id"),
            Task.number.label("task_number"),
            Task.title.label("task_title"),
            Task.section_id,
            EvidenceLink.record_id,
            Record.summary.label("record_summary"),
            Record.occurred_on.label("record_date"),
            Task.is_principal_duty,
            Task.id.in_(
                sa.select(ReportDraft.report_task_id).where(ReportDraft.report_task_id.is_not(None))
            ).label("is_reporting"),
        )
        .select_from(EvidenceLink)
        .join(Evidence, Evidence.id == EvidenceLink.evidence_id)
        .outerjoin(Record, Record.id == EvidenceLink.record_id)
        .join(Task, Task.id == record_task_id)
        .outerjoin(uploader, uploader.id == Evidence.uploaded_by_id)
        .where(
            Task.plan_id == plan.id,
            Evidence.kind == "file",
            Evidence.sha256.is_not(None),
            *_CURRENT,
            # evidence of a void record proves nothing any more (as in the counts)
            sa.or_(EvidenceLink.record_id.is_(None), Record.is_void.is_(False)),
        ),
        sections if sections is not None else plan_sections(plan),
    ).order_by(EvidenceLink.record_id.is_not(None), EvidenceLink.record_id, Evidence.id)
    result = db.session.execute(query.execution_options(yield_per=chunk_size))
    try:
        for row in result:
            yield ArchiveItem(
                evidence_id=row.evidence_id,
                original_name=row.original_name,
                title=row.title,
                sha256=row.sha256,
                size=row.size,
                content_type=row.content_type,
                uploaded_at=row.uploaded_at,
                uploaded_by=row.uploaded_by or "",
                review_status=row.review_status,
                task_id=row.task_id,
                task_number=row.task_number,
                task_title=row.task_title,
                section_id=row.section_id,
                record_id=row.record_id,
                record_summary=row.record_summary or "",
                record_date=row.record_date,
                is_principal_duty=row.is_principal_duty,
                is_reporting=bool(row.is_reporting),
            )
    finally:
        result.close()


def ids_text(ids: Iterable[int]) -> str:
    return ", ".join(str(i) for i in ids)
