"""Gather a plan's data for the report builder, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date

import sqlalchemy as sa
from sqlalchemy.orm import with_polymorphic

from tracker.accounts.queries import users_in
from tracker.core import clock
from tracker.core.memory import bulk_allocations
from tracker.core.signals import collect, report_wider_sentences
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.records import indicators as statutory
from tracker.records.models import (
    MODELS,
    Consultation,
    Decision,
    DecisionStep,
    LegalAdvisor,
    Record,
    decision_step_evidence,
)
from tracker.reports import builder
from tracker.reports.builder.parts.opening import preamble_framing
from tracker.reports.models import ReportDraft, ReportRevision, ReportSettings
from tracker.tasks.models import CauseStatement, Task, TaskUpdate
from tracker.units.models import Unit

#: The fields of each record kind the builder reads.
RECORD_FIELDS = {
    "document_review": (
        "document_title",
        "on_behalf_of",
        "reviewed_on",
        "conclusion",
        "is_published",
        "is_filed",
    ),
    "certification": ("holder_name", "issued_on", "expires_on", "revoked_on"),
    "consultation": ("consulted_on", "matter", "category", "is_adopted"),
    "inspection": (
        "target_organisation",
        "inspection_kind",
        "done_on",
        "problem_count",
        "rectification_due",
        "rectified_on",
    ),
    "decision": ("decision_title", "decided_on", "open_steps"),
    "study_session": (
        "session_kind",
        "held_on",
        "topic",
        "chaired_by_id",
        "chaired_by_name",
        "attendee_count",
    ),
    "metric": ("name", "measure", "value", "as_of", "baseline_value", "baseline_year"),
    # read so the report's sources list the cases; the builder states no facts of them yet
    "reconsideration": ("received_on", "decided_on", "outcome", "is_corrective", "corrected_on"),
    "litigation": ("served_on", "hearing_on", "head_appeared", "judged_on", "judgment", "is_lost"),
    # the inspection ledgers, likewise read for the sources only
    "enforcement_case": ("opened_on", "decided_on", "is_major", "legal_review_on", "published_on"),
    "case_file_review": ("reviewed_on", "score", "is_passed"),
    "pufa_duty": ("item", "listed_on"),
    "pufa_activity": ("held_on", "title", "activity_form", "audience_count"),
    "law_report": ("held_on", "forum", "topic", "evaluation"),
    "contract_review": ("contract_title", "reviewed_on", "conclusion", "signed_on"),
    "report_delivery": ("delivery_kind", "recipient", "delivered_on", "receipt"),
}


def _local_date(moment) -> date | None:
    return clock.to_local(moment).date() if moment is not None else None


def _sections(plan_id: int) -> list[builder.SectionInfo]:
    rows = db.session.execute(
        sa.select(Section.id, Section.parent_id, Section.number, Section.title, Section.position)
        .where(Section.plan_id == plan_id)
        .order_by(Section.position, Section.id)
    ).all()
    children: dict[int | None, list] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    ordered: list[builder.SectionInfo] = []

    def walk(parent_id):
        for row in children.get(parent_id, []):
            ordered.append(builder.SectionInfo(row.id, row.title, row.number, row.parent_id))
            walk(row.id)

    walk(None)
    return ordered


def _reporting_task_ids():
    return sa.select(ReportDraft.report_task_id).where(ReportDraft.report_task_id.is_not(None))


#: Rows of tasks read per round trip: the rows come as plain tuples, never as ORM objects, so a
#: plan of 100,000 tasks does not fill the session with them.
TASK_CHUNK = 2000


def _tasks(plan_id: int, *, with_text: bool = False) -> list[builder.TaskInfo]:
    """The plan's tasks as the builder reads them; their wording in the plan (`text`) only
    `with_text` (the next year's plan, whose tasks the report quotes as arrangements: the
    reported plan's tasks are written from their titles and result statements, and 100,000
    of them would carry it for nothing)."""
    query = (
        sa.select(
            Task.id,
            Task.title,
            Task.section_id,
            Task.parent_id,
            Task.status,
            Task.kind,
            Task.text if with_text else sa.literal(""),
            Task.result_statement,
            Unit.name,
            Task.due_date,
            Task.submitted_on,
            Task.completed_at,
            Task.is_principal_duty,
            Task.progress,
            Task.target_count,
            Task.target_measure,
            Task.achieved_count,
            Task.period_label,
        )
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.plan_id == plan_id)
        # the task of submitting this very report is not part of what it reports on
        .where(Task.id.not_in(_reporting_task_ids()))
        .order_by(Task.position, Task.id)
        .execution_options(yield_per=TASK_CHUNK)
    )
    zone = clock.local_timezone()
    #: one object for each of the few values many tasks share (status, unit, measure, dates…)
    shared: dict = {}
    share = shared.setdefault
    tasks = []
    result = db.session.execute(query)
    try:
        for (
            task_id,
            title,
            section_id,
            parent_id,
            status,
            kind,
            text,
            result_statement,
            unit_name,
            due_date,
            submitted_on,
            completed_at,
            is_principal_duty,
            progress,
            target_count,
            target_measure,
            achieved_count,
            period_label,
        ) in result.tuples():
            if completed_at is not None:
                if completed_at.tzinfo is None:
                    completed_at = completed_at.replace(tzinfo=UTC)
                completed_on = completed_at.astimezone(zone).date()
            else:
                completed_on = None
            tasks.append(
                builder.TaskInfo(
                    id=task_id,
                    title=title,
                    section_id=section_id,
                    parent_id=parent_id,
                    status=share(status, status),
                    kind=share(kind, kind),
                    text=text,
                    result_statement=result_statement,
                    lead_unit=share(unit_name, unit_name) if unit_name else "",
                    due_date=share(due_date, due_date),
                    submitted_on=share(submitted_on, submitted_on),
                    completed_on=share(completed_on, completed_on),
                    is_principal_duty=is_principal_duty,
                    progress=progress,
                    target_count=target_count,
                    target_measure=share(target_measure, target_measure),
                    achieved_count=achieved_count,
                    period_label=share(period_label, period_label),
                )
            )
    finally:
        result.close()
    return tasks


def _workflow_notes(plan_id: int, tasks: dict[int, builder.TaskInfo]) -> None:
    """Returns (退回, with their reasons) and the reason of a cancellation."""
    rows = db.session.execute(
        sa.select(TaskUpdate.task_id, TaskUpdate.kind, TaskUpdate.note, TaskUpdate.created_at)
        .join(Task, Task.id == TaskUpdate.task_id)
        .where(Task.plan_id == plan_id, TaskUpdate.kind.in_(("return", "cancel")))
        .order_by(TaskUpdate.id)
    ).all()
    for row in rows:
        task = tasks.get(row.task_id)
        if task is None:
            continue
        if row.kind == "return":
            _append(task, "returns", builder.ReturnInfo(_local_date(row.created_at), row.note))
        else:
            task.cancel_note = row.note


def _records(plan_id: int) -> tuple[list[builder.RecordInfo], list[Record]]:
    """The plan's live records as the builder reads them, and the records themselves."""
    every_kind = with_polymorphic(Record, list(MODELS.values()))
    rows = db.session.scalars(
        sa.select(every_kind)
        .join(Task, Task.id == every_kind.task_id)
        .where(Task.plan_id == plan_id, every_kind.is_void.is_(False))
        .order_by(every_kind.occurred_on, every_kind.id)
    ).all()
    decisions = [r.id for r in rows if isinstance(r, Decision)]
    steps: dict[int, dict[str, bool]] = defaultdict(dict)
    if decisions:
        for step in db.session.scalars(
            sa.select(DecisionStep).where(DecisionStep.decision_id.in_(decisions))
        ):
            steps[step.decision_id][step.step] = step.is_settled
    advisors = {}
    consultations = [r for r in rows if isinstance(r, Consultation)]
    if consultations:
        advisor_ids = {r.advisor_id for r in consultations}
        advisors = {
            a.id: f"{a.firm}{a.person}".strip()
            for a in db.session.scalars(
                sa.select(LegalAdvisor).where(LegalAdvisor.id.in_(advisor_ids))
            )
        }
    infos = []
    for record in rows:
        attrs = {}
        for name in RECORD_FIELDS[record.kind]:
            if name == "open_steps":
                settled = steps.get(record.id, {})
                attrs[name] = [s for s in builder.STEP_WORDS if not settled.get(s)]
            else:
                attrs[name] = getattr(record, name)
        if isinstance(record, Consultation):
            attrs["advisor"] = advisors.get(record.advisor_id, "")
        infos.append(
            builder.RecordInfo(
                id=record.id,
                kind=record.kind,
                task_id=record.task_id,
                occurred_on=record.occurred_on,
                summary=record.summary,
                attrs=attrs,
            )
        )
    return infos, rows


def _indicators(
    rows: list[Record], tasks: dict[int, builder.TaskInfo], as_of: date
) -> list[builder.IndicatorInfo]:
    """Each statutory indicator over the records of each task (with its occurrences')."""
    of_task: dict[int, list[Record]] = defaultdict(list)
    for record in rows:
        task = tasks.get(record.task_id)
        if task is not None:
            of_task[task.parent_id or task.id].append(record)
    infos = []
    for task_id, records in of_task.items():
        for indicator in statutory.INDICATORS:
            figure = statutory.compute(indicator, records, as_of)
            if figure.value is not None:
                infos.append(
                    builder.IndicatorInfo(
                        key=indicator.key,
                        task_id=task_id,
                        value=figure.value,
                        numerator_ids=list(figure.numerator_ids),
                        denominator_ids=list(figure.denominator_ids),
                    )
                )
    return infos


def _evidence(
    plan_id: int, tasks: dict[int, builder.TaskInfo], records: dict[int, builder.RecordInfo]
) -> None:
    """Current evidence that proves something (not rejected), by task and by record; a
    decision's step evidence counts for the decision."""
    usable = (
        Evidence.withdrawn_at.is_(None),
        Evidence.superseded_by_id.is_(None),
        Evidence.review_status != "rejected",
    )
    plan_tasks = sa.select(Task.id).where(Task.plan_id == plan_id)
    plan_records = sa.select(Record.id).where(Record.task_id.in_(plan_tasks))
    links = sa.select(
        EvidenceLink.evidence_id.label("evidence_id"),
        EvidenceLink.task_id.label("task_id"),
        EvidenceLink.record_id.label("record_id"),
    ).where(sa.or_(EvidenceLink.task_id.in_(plan_tasks), EvidenceLink.record_id.in_(plan_records)))
    step_links = (
        sa.select(
            decision_step_evidence.c.evidence_id.label("evidence_id"),
            sa.null().label("task_id"),
            DecisionStep.decision_id.label("record_id"),
        )
        .join(DecisionStep, DecisionStep.id == decision_step_evidence.c.step_id)
        .where(DecisionStep.decision_id.in_(plan_records))
    )
    union = sa.union_all(links, step_links).subquery()
    rows = db.session.execute(
        sa.select(union.c.evidence_id, union.c.task_id, union.c.record_id)
        .join(Evidence, Evidence.id == union.c.evidence_id)
        .where(*usable)
        .order_by(union.c.evidence_id)
    ).all()
    for row in rows:
        target = tasks.get(row.task_id) if row.task_id is not None else records.get(row.record_id)
        if target is not None and row.evidence_id not in target.evidence_ids:
            _append(target, "evidence_ids", row.evidence_id)


def _append(target, name: str, value) -> None:
    """Append to a list field of a builder input that may still be its empty tuple."""
    values = getattr(target, name)
    if not isinstance(values, list):
        values = list(values)
        setattr(target, name, values)
    values.append(value)


def _principals(bureau: Unit) -> tuple[set[int], set[str]]:
    # a disabled principal still chaired the sessions recorded while in office
    users = users_in(bureau, principal=True, include_disabled=True)
    return {u.id for u in users}, {u.display_name for u in users}


def _advisors(plan: Plan) -> list[builder.AdvisorInfo]:
    rows = db.session.scalars(
        sa.select(LegalAdvisor)
        .where(
            LegalAdvisor.bureau_id == plan.bureau_id,
            LegalAdvisor.contract_start <= plan.end_date,
            LegalAdvisor.contract_end >= plan.start_date,
        )
        .order_by(LegalAdvisor.contract_start, LegalAdvisor.id)
    )
    return [builder.AdvisorInfo(a.firm, a.person, a.contract_start, a.contract_end) for a in rows]


def next_plan_of(plan: Plan) -> Plan | None:
    """Next year's plan of the same bureau (active first, then the newest; a closed one still
    says what the year was to do)."""
    return db.session.scalar(
        sa.select(Plan)
        .where(
            Plan.bureau_id == plan.bureau_id,
            Plan.year == plan.year + 1,
            Plan.status.in_(("draft", "active", "closed")),
        )
        .order_by((Plan.status == "active").desc(), Plan.id.desc())
        .limit(1)
    )


def _next_plan(plan: Plan) -> builder.NextPlanInfo | None:
    following = next_plan_of(plan)
    if following is None:
        return None
    return builder.NextPlanInfo(
        id=following.id,
        year=following.year,
        title=following.title,
        status=following.status,
        sections=_sections(following.id),
        tasks=_tasks(following.id, with_text=True),
    )


def draft_of(plan: Plan) -> ReportDraft | None:
    return db.session.scalar(sa.select(ReportDraft).where(ReportDraft.plan_id == plan.id))


def report_settings_of(bureau: Unit) -> ReportSettings | None:
    """How the bureau's (or city's) reports speak, when someone has set it."""
    return db.session.scalar(sa.select(ReportSettings).where(ReportSettings.bureau_id == bureau.id))


def revisions_of(draft: ReportDraft | None) -> list[ReportRevision]:
    if draft is None:
        return []
    return list(
        db.session.scalars(
            sa.select(ReportRevision)
            .where(ReportRevision.draft_id == draft.id)
            .order_by(ReportRevision.id)
        )
    )


def _edits(revisions: list[ReportRevision]) -> dict[str, builder.PartEdit]:
    latest: dict[str, ReportRevision] = {}
    for revision in revisions:
        latest[revision.part] = revision
    return {
        part: builder.PartEdit(
            revision_id=r.id,
            text=r.text,
            fingerprint=r.base_fingerprint,
            base_text=r.base_text,
            author=r.author_name,
            created_at=r.created_at,
            note=r.note,
        )
        for part, r in latest.items()
    }


def _causes(plan_id: int) -> list[builder.CauseInfo]:
    """The causes of delay stated on the plan, oldest first (part 二 is written from them)."""
    statements = db.session.scalars(
        sa.select(CauseStatement)
        .where(CauseStatement.plan_id == plan_id)
        .order_by(CauseStatement.created_at, CauseStatement.id)
    )
    return [
        builder.CauseInfo(
            cause=s.cause,
            explanation=s.explanation,
            remedy=s.remedy,
            occasion=s.occasion,
            task_id=s.task_id,
        )
        for s in statements
    ]


@bulk_allocations()
def report_input(
    plan: Plan, *, today: date | None = None, with_edits: bool = True, framing_only: bool = False
):
    """Everything the builder needs about `plan`, read in a fixed number of queries.

    `framing_only`: the plan's words and the bureau's settings without its tasks, records and
    evidence (what a preview of the report's framing needs, at any size of plan)."""
    today = today or clock.today()
    tasks, records, rows = [], [], []
    if not framing_only:
        tasks = _tasks(plan.id)
        by_id = {t.id: t for t in tasks}
        _workflow_notes(plan.id, by_id)
        records, rows = _records(plan.id)
        _evidence(plan.id, by_id, {r.id: r for r in records})
    principal_ids, principal_names = _principals(plan.bureau)
    draft = draft_of(plan)
    revisions = revisions_of(draft) if with_edits else []
    settings = report_settings_of(plan.bureau)
    return builder.ReportInput(
        plan_id=plan.id,
        year=plan.year,
        bureau=plan.bureau.name,
        plan_title=plan.title,
        document_number=plan.document_number,
        today=today,
        sections=[] if framing_only else _sections(plan.id),
        tasks=tasks,
        records=records,
        indicators=[]
        if framing_only
        else _indicators(rows, by_id, statutory.as_of_for_year(plan.year, today)),
        advisors=[] if framing_only else _advisors(plan),
        principal_ids=principal_ids,
        principal_names=principal_names,
        next_plan=_next_plan(plan),
        causes=[] if framing_only else _causes(plan.id),
        edits=_edits(revisions),
        # the bureau's own words first, then the guiding clause of the plan's preamble
        framing=(settings.framing if settings else "") or preamble_framing(plan.source_text or ""),
        signatory=(draft.signatory if draft else "") or (settings.signatory if settings else ""),
        short_name=settings.short_name if settings else "",
        self_reference=settings.self_reference if settings else "",
        addressee=settings.addressee if settings else "",
        signed_on=draft.signed_on if draft else None,
        issuer_kind=plan.bureau.kind,
        wider_sentences=collect(report_wider_sentences, plan, today=today or clock.today()),
    )


def report_for_plan(plan: Plan, *, today: date | None = None) -> builder.Report:
    """The plan's annual report as it stands: built from its data, with the saved edits."""
    return builder.build_report(report_input(plan, today=today))


#: Up to this many tasks, the report settings page previews the report's opening as the report
#: has it; above, without the sentence that counts the plan's tasks (built without reading them).
PREVIEW_TASKS = 2000


def opening_preview(plan: Plan) -> tuple[builder.Report, bool]:
    """The plan's report as the settings page previews it, and whether it was built without
    the plan's tasks (a plan of more than PREVIEW_TASKS)."""
    count = db.session.scalar(sa.select(sa.func.count(Task.id)).where(Task.plan_id == plan.id))
    framing_only = (count or 0) > PREVIEW_TASKS
    return builder.build_report(report_input(plan, framing_only=framing_only)), framing_only


def statement_for_plan(plan: Plan, *, today: date | None = None) -> builder.Report:
    """The principal's 述法 report for the plan's year, from the same data as the annual report."""
    return builder.build_statement_report(report_input(plan, today=today, with_edits=False))


def generated_report(plan: Plan, *, today: date | None = None) -> builder.Report:
    """The report as the data alone writes it (no edits): what an edit is measured against."""
    return builder.build_report(report_input(plan, today=today, with_edits=False))
