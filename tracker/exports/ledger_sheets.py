"""The ledger sheets of a plan's compliance workbook: one sheet per record kind, with the
statutory indicators computed from them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker.core.spreadsheets import (
    DATE,
    DATETIME,
    FLAG,
    INT,
    LONG,
    NUMBER,
    TEXT,
    Column,
    Sheet,
    WorkbookWriter,
    label,
)
from tracker.exports import queries
from tracker.plans.models import Plan
from tracker.records import indicators
from tracker.records.labels import (
    CATEGORY_LABELS,
    CERTIFICATE_STATUS_LABELS,
    CONCLUSION_LABELS,
    CONTRACT_CONCLUSION_LABELS,
    DELIVERY_KIND_LABELS,
    ENFORCEMENT_ACTION_LABELS,
    EVALUATION_LABELS,
    FILE_GRADE_LABELS,
    INSPECTION_KIND_LABELS,
    INSTANCE_LABELS,
    JUDGMENT_LABELS,
    LAW_REPORT_FORUM_LABELS,
    OUTCOME_LABELS,
    PUFA_FORM_LABELS,
    STEP_LABELS,
    STUDY_KIND_LABELS,
)
from tracker.records.models import DECISION_STEPS

Getter = Callable[[Any], Any]


def _step_columns() -> list[tuple[Column, Getter]]:
    columns: list[tuple[Column, Getter]] = []
    for name in DECISION_STEPS:

        def done_on(r, name=name):
            step = r.step(name)
            return step.done_on if step else None

        def note(r, name=name):
            step = r.step(name)
            if step is None:
                return ""
            if step.not_applicable_reason.strip() and step.done_on is None:
                return _("Not applicable: %(reason)s", reason=step.not_applicable_reason)
            return step.note

        step_label = str(STEP_LABELS[name])
        columns.append((Column(_("%(step)s: done on", step=step_label), DATE, 14), done_on))
        columns.append((Column(_("%(step)s: note", step=step_label), LONG, 30), note))
    return columns


def record_columns(kind: str, today: date) -> list[tuple[Column, Getter]]:
    """The kind's own columns, typed (dates as dates, counts as numbers); derived statuses
    (certificate validity, activities held) are judged at `today`, the workbook's as-of date."""
    specific: dict[str, list[tuple[Column, Getter]]] = {
        "document_review": [
            (Column(_("Document title"), LONG, 40), lambda r: r.document_title),
            (Column(_("Drafting unit"), TEXT, 14), lambda r: r.drafting_unit),
            (Column(_("On behalf of"), TEXT, 16), lambda r: r.on_behalf_of),
            (Column(_("Received on"), DATE), lambda r: r.received_on),
            (Column(_("Reviewed on"), DATE), lambda r: r.reviewed_on),
            (Column(_("Reviewer"), TEXT, 12), lambda r: r.reviewer),
            (Column(_("Conclusion"), TEXT, 14), lambda r: label(CONCLUSION_LABELS, r.conclusion)),
            (Column(_("Opinion"), LONG), lambda r: r.opinion),
            (Column(_("Published on"), DATE), lambda r: r.published_on),
            (Column(_("Published at (URL)"), TEXT, 30), lambda r: r.published_url),
            (Column(_("Filed"), FLAG), lambda r: r.is_filed),
            (Column(_("Filed on"), DATE), lambda r: r.filed_on),
        ],
        "certification": [
            (Column(_("Holder"), TEXT, 12), lambda r: r.holder_name),
            (Column(_("Certificate number"), TEXT, 16), lambda r: r.certificate_number),
            (Column(_("Enforcement field"), TEXT, 16), lambda r: r.enforcement_field),
            (Column(_("Exam passed on"), DATE), lambda r: r.exam_passed_on),
            (Column(_("Issued on"), DATE), lambda r: r.issued_on),
            (Column(_("Expires on"), DATE), lambda r: r.expires_on),
            (Column(_("Revoked on"), DATE), lambda r: r.revoked_on),
            (Column(_("Reason for revocation"), TEXT, 20), lambda r: r.revoke_reason),
            (
                Column(_("Status"), TEXT, 10),
                lambda r: label(CERTIFICATE_STATUS_LABELS, r.status_on(today)),
            ),
        ],
        "consultation": [
            (Column(_("Consulted on"), DATE), lambda r: r.consulted_on),
            (Column(_("Legal advisor"), TEXT, 20), lambda r: r.advisor.label if r.advisor else ""),
            (Column(_("Matter"), LONG, 40), lambda r: r.matter),
            (Column(_("Category"), TEXT, 14), lambda r: label(CATEGORY_LABELS, r.category)),
            (Column(_("Advice"), LONG), lambda r: r.advice),
            (Column(_("Adopted"), FLAG), lambda r: r.is_adopted),
        ],
        "inspection": [
            (Column(_("Inspected organisation"), TEXT, 24), lambda r: r.target_organisation),
            (
                Column(_("Kind of inspection"), TEXT, 16),
                lambda r: label(INSPECTION_KIND_LABELS, r.inspection_kind),
            ),
            (Column(_("Planned on"), DATE), lambda r: r.planned_on),
            (Column(_("Done on"), DATE), lambda r: r.done_on),
            (Column(_("Inspectors"), TEXT, 20), lambda r: r.inspectors),
            (Column(_("Findings"), LONG), lambda r: r.findings),
            (Column(_("Problems found"), INT), lambda r: r.problem_count),
            (Column(_("Rectification due"), DATE), lambda r: r.rectification_due),
            (Column(_("Rectified on"), DATE), lambda r: r.rectified_on),
        ],
        "decision": [
            (Column(_("Decision"), LONG, 40), lambda r: r.decision_title),
            (Column(_("Decided on"), DATE), lambda r: r.decided_on),
            (Column(_("Open steps"), INT), lambda r: len(r.open_steps)),
            *_step_columns(),
        ],
        "study_session": [
            (Column(_("Held on"), DATE), lambda r: r.held_on),
            (
                Column(_("Kind"), TEXT, 16),
                lambda r: label(STUDY_KIND_LABELS, r.session_kind),
            ),
            (Column(_("Topic"), LONG, 40), lambda r: r.topic),
            (
                Column(_("Chaired by"), TEXT, 12),
                lambda r: r.chaired_by.display_name if r.chaired_by else r.chaired_by_name,
            ),
            (Column(_("Attendees"), LONG, 30), lambda r: r.attendees),
            (Column(_("Number of attendees"), INT), lambda r: r.attendee_count),
        ],
        "metric": [
            (Column(_("Metric"), TEXT, 30), lambda r: r.name),
            (Column(_("Value"), NUMBER), lambda r: r.value),
            (Column(_("Measure"), TEXT, 8), lambda r: r.measure),
            (Column(_("As of"), DATE), lambda r: r.as_of),
            (Column(_("Baseline value"), NUMBER), lambda r: r.baseline_value),
            (Column(_("Baseline year"), INT), lambda r: r.baseline_year),
        ],
        "reconsideration": [
            (Column(_("Case number"), TEXT, 16), lambda r: r.case_number),
            (Column(_("Applicant"), TEXT, 16), lambda r: r.applicant),
            (Column(_("Reconsideration body"), TEXT, 16), lambda r: r.reconsideration_body),
            (Column(_("Contested act"), LONG, 36), lambda r: r.contested_act),
            (Column(_("Received on"), DATE), lambda r: r.received_on),
            (Column(_("Answer filed on"), DATE), lambda r: r.answered_on),
            (Column(_("Decided on"), DATE), lambda r: r.decided_on),
            (Column(_("Decision"), TEXT, 14), lambda r: label(OUTCOME_LABELS, r.outcome)),
            (Column(_("Corrected (纠错)"), FLAG), lambda r: r.is_corrective),
            (Column(_("Correction"), LONG, 36), lambda r: r.correction),
            (Column(_("Corrected on"), DATE), lambda r: r.corrected_on),
        ],
        "litigation": [
            (Column(_("Case number"), TEXT, 16), lambda r: r.case_number),
            (Column(_("Plaintiff"), TEXT, 16), lambda r: r.plaintiff),
            (Column(_("Court"), TEXT, 20), lambda r: r.court),
            (Column(_("Cause of action"), TEXT, 24), lambda r: r.cause),
            (Column(_("Instance"), TEXT, 8), lambda r: label(INSTANCE_LABELS, r.instance)),
            (Column(_("Statement of claim received on"), DATE), lambda r: r.served_on),
            (Column(_("Hearing on"), DATE), lambda r: r.hearing_on),
            (Column(_("Further hearing dates"), TEXT, 20), lambda r: r.further_hearings),
            (Column(_("Head appeared"), FLAG), lambda r: r.head_appeared),
            (Column(_("Head who appeared"), TEXT, 12), lambda r: r.head_name),
            (Column(_("Judged on"), DATE), lambda r: r.judged_on),
            (Column(_("Judgment"), TEXT, 16), lambda r: label(JUDGMENT_LABELS, r.judgment)),
            (Column(_("Lost (败诉)"), FLAG), lambda r: r.is_lost),
            (Column(_("Judicial suggestion"), LONG, 30), lambda r: r.judicial_suggestion),
            (
                Column(_("Follow-up of the judicial suggestion"), LONG, 30),
                lambda r: r.suggestion_follow_up,
            ),
            (Column(_("Suggestion answered on"), DATE), lambda r: r.suggestion_replied_on),
        ],
        **_inspection_ledger_columns(today),
    }
    return specific[kind]


def _inspection_ledger_columns(today: date) -> dict[str, list[tuple[Column, Getter]]]:
    return {
        "enforcement_case": [
            (Column(_("Case number"), TEXT, 16), lambda r: r.case_number),
            (Column(_("Party"), TEXT, 16), lambda r: r.party),
            (Column(_("Matter (案由)"), LONG, 30), lambda r: r.matter),
            (
                Column(_("Kind of enforcement"), TEXT, 14),
                lambda r: label(ENFORCEMENT_ACTION_LABELS, r.action_kind),
            ),
            (Column(_("Officers and certificate numbers"), TEXT, 24), lambda r: r.officers),
            (Column(_("Every officer certified"), FLAG), lambda r: r.is_officers_certified),
            (Column(_("Opened on"), DATE), lambda r: r.opened_on),
            (Column(_("Decided on"), DATE), lambda r: r.decided_on),
            (Column(_("Enforcement decision"), LONG, 30), lambda r: r.decision),
            (Column(_("Published beforehand (事前公示)"), FLAG), lambda r: r.is_pre_publicized),
            (Column(_("Certificates shown (事中公示)"), FLAG), lambda r: r.is_id_shown),
            (Column(_("Decision published on (事后公示)"), DATE), lambda r: r.published_on),
            (Column(_("Whole procedure recorded"), FLAG), lambda r: r.is_fully_recorded),
            (Column(_("Major enforcement decision"), FLAG), lambda r: r.is_major),
            (Column(_("Legal review on"), DATE), lambda r: r.legal_review_on),
            (Column(_("Legal reviewer"), TEXT, 12), lambda r: r.legal_reviewer),
            (Column(_("Legal review opinion"), LONG, 30), lambda r: r.legal_review_opinion),
        ],
        "case_file_review": [
            (Column(_("File reviewed"), LONG, 36), lambda r: r.reviewed_case),
            (Column(_("Reviewed on"), DATE), lambda r: r.reviewed_on),
            (Column(_("Reviewers"), TEXT, 20), lambda r: r.reviewers),
            (Column(_("Score"), NUMBER), lambda r: r.score),
            (Column(_("Pass mark"), NUMBER), lambda r: r.pass_mark),
            (Column(_("Grade"), TEXT, 8), lambda r: label(FILE_GRADE_LABELS, r.grade)),
            (Column(_("Problems found in the file"), LONG, 30), lambda r: r.problems),
            (Column(_("Rectified on"), DATE), lambda r: r.rectified_on),
        ],
        "pufa_duty": [
            (Column(_("Item of the list"), LONG, 36), lambda r: r.item),
            (Column(_("Laws and regulations publicised"), LONG, 30), lambda r: r.laws),
            (Column(_("Audience"), TEXT, 16), lambda r: r.audience),
            (Column(_("Measures"), LONG, 30), lambda r: r.measures),
            (Column(_("Responsible unit"), TEXT, 14), lambda r: r.responsible_unit.name),
            (Column(_("Listed on"), DATE), lambda r: r.listed_on),
            (
                Column(_("Activities held"), INT),
                lambda r: len(r.activities_by(today)),
            ),
        ],
        "pufa_activity": [
            (Column(_("Held on"), DATE), lambda r: r.held_on),
            (Column(_("Activity"), LONG, 36), lambda r: r.title),
            (Column(_("Form"), TEXT, 16), lambda r: label(PUFA_FORM_LABELS, r.activity_form)),
            (Column(_("Venue"), TEXT, 16), lambda r: r.location),
            (Column(_("Audience (people reached)"), INT), lambda r: r.audience_count),
            (
                Column(_("Item of the responsibility list"), LONG, 30),
                lambda r: r.duty.item if r.duty else "",
            ),
        ],
        "law_report": [
            (Column(_("Held on"), DATE), lambda r: r.held_on),
            (Column(_("Forum"), TEXT, 16), lambda r: label(LAW_REPORT_FORUM_LABELS, r.forum)),
            (Column(_("Who reported"), TEXT, 16), lambda r: r.speaker_label),
            (Column(_("Subject of the report"), LONG, 36), lambda r: r.topic),
            (Column(_("Evaluated by"), TEXT, 16), lambda r: r.evaluated_by),
            (Column(_("Evaluation"), TEXT, 10), lambda r: label(EVALUATION_LABELS, r.evaluation)),
            (Column(_("Comments of the evaluators"), LONG, 30), lambda r: r.comments),
        ],
        "contract_review": [
            (Column(_("Contract"), LONG, 36), lambda r: r.contract_title),
            (Column(_("Other party"), TEXT, 16), lambda r: r.counterparty),
            (Column(_("Amount (yuan)"), NUMBER), lambda r: r.amount),
            (Column(_("Drafting unit"), TEXT, 14), lambda r: r.drafting_unit),
            (Column(_("Received for review on"), DATE), lambda r: r.received_on),
            (Column(_("Reviewed on"), DATE), lambda r: r.reviewed_on),
            (Column(_("Reviewer"), TEXT, 12), lambda r: r.reviewer),
            (
                Column(_("Conclusion"), TEXT, 14),
                lambda r: label(CONTRACT_CONCLUSION_LABELS, r.conclusion),
            ),
            (Column(_("Opinion"), LONG), lambda r: r.opinion),
            (Column(_("Signed on"), DATE), lambda r: r.signed_on),
            (Column(_("Reviewed before signing"), FLAG), lambda r: r.is_reviewed_before_signing),
        ],
        "report_delivery": [
            (
                Column(_("Submitted or published"), TEXT, 10),
                lambda r: label(DELIVERY_KIND_LABELS, r.delivery_kind),
            ),
            (Column(_("Report on the year"), INT), lambda r: r.report_year),
            (Column(_("Submitted to / published in"), TEXT, 30), lambda r: r.recipient),
            (Column(_("Submitted or published on"), DATE), lambda r: r.delivered_on),
            (Column(_("Receipt"), TEXT, 24), lambda r: r.receipt),
            (Column(_("Receipt dated"), DATE), lambda r: r.receipt_on),
            (Column(_("Published at (URL)"), TEXT, 30), lambda r: r.published_url),
        ],
    }


def record_sheet_names() -> dict[str, str]:
    """Short sheet names per record kind (a sheet name holds at most 31 characters)."""
    return {
        "document_review": _("Document reviews"),
        "certification": _("Certificates"),
        "consultation": _("Consultations"),
        "inspection": _("Inspections"),
        "decision": _("Decisions"),
        "study_session": _("Study sessions"),
        "metric": _("Metrics"),
        "reconsideration": _("Reconsideration cases"),
        "litigation": _("Lawsuits"),
        "enforcement_case": _("Enforcement cases"),
        "case_file_review": _("Enforcement file reviews"),
        "pufa_duty": _("Legal publicity list"),
        "pufa_activity": _("Legal publicity activities"),
        "law_report": _("Rule-of-law reports"),
        "contract_review": _("Contract reviews"),
        "report_delivery": _("Report submission"),
    }


def write_records(
    writer: WorkbookWriter, plan: Plan, kind: str, today: date, chunk_size: int
) -> Sheet:
    own = record_columns(kind, today)
    columns = [
        Column(_("Record ID"), INT),
        Column(_("Task ID"), INT),
        Column(_("Task"), LONG, 36),
        Column(_("Unit"), TEXT, 14),
        Column(_("Date"), DATE),
        Column(_("Summary"), LONG, 40),
        *[column for column, _getter in own],
        Column(_("Evidence"), INT),
        Column(_("Void"), FLAG),
        Column(_("Reason it is void"), TEXT, 20),
        Column(_("Entered by"), TEXT, 12),
        Column(_("Entered at"), DATETIME),
    ]
    sheet = writer.sheet(record_sheet_names()[kind], columns)
    for record, evidence_count in queries.records_of_kind(plan, kind, chunk_size=chunk_size):
        task = record.task
        sheet.append(
            [
                record.id,
                task.id,
                f"{task.number} {task.title}".strip(),
                record.unit.name if record.unit else "",
                record.occurred_on,
                record.summary,
                *[getter(record) for _column, getter in own],
                evidence_count,
                record.is_void,
                record.void_reason,
                record.created_by.display_name if record.created_by else "",
                record.created_at,
            ],
            ref=_("record %(id)d", id=record.id),
        )
    sheet.close()
    return sheet


def write_indicators(writer: WorkbookWriter, plan: Plan, as_of: date, chunk_size: int) -> Sheet:
    """Each indicator for the whole plan, then per unit, with the record ids it counted."""
    sheet = writer.sheet(
        _("Statutory indicators"),
        [
            Column(_("Indicator"), TEXT, 34),
            Column(_("Scope"), TEXT, 16),
            Column(_("As of"), DATE),
            Column(_("Value (%)"), NUMBER),
            Column(_("Numerator"), INT),
            Column(_("Numerator counts"), TEXT, 30),
            Column(_("Denominator"), INT),
            Column(_("Denominator counts"), TEXT, 30),
            Column(_("Better when"), TEXT, 10),
            Column(_("Target (%)"), NUMBER),
            Column(_("Target met"), TEXT, 8),
            Column(_("Numerator record IDs"), TEXT, 16),
            Column(_("Denominator record IDs"), TEXT, 16),
        ],
    )
    by_kind = {
        kind: [
            record for record, _count in queries.records_of_kind(plan, kind, chunk_size=chunk_size)
        ]
        for kind in indicators.SOURCE_KINDS
    }
    for indicator in indicators.INDICATORS:
        records = by_kind[indicator.kind]
        units = sorted({r.unit for r in records if not r.is_void}, key=lambda u: u.path)
        scopes = [(_("Whole bureau"), records)] + [
            (unit.name, [r for r in records if r.unit_id == unit.id]) for unit in units
        ]
        for scope, scoped in scopes:
            figure = indicators.compute(indicator, scoped, as_of)
            met = figure.meets_target
            sheet.append(
                [
                    str(indicator.name),
                    scope,
                    as_of,
                    figure.value,
                    figure.numerator,
                    str(indicator.numerator_label),
                    figure.denominator,
                    str(indicator.denominator_label),
                    _("Higher") if indicator.higher_is_better else _("Lower"),
                    indicator.target,
                    "" if met is None else (_("yes") if met else _("no")),
                    queries.ids_text(figure.numerator_ids),
                    queries.ids_text(figure.denominator_ids),
                ],
                ref=f"{indicator.key} {scope}",
            )
    sheet.close()
    return sheet
