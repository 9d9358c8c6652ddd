"""The ledger's columns per record kind, shared by the page and the CSV download."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l

from tracker.core import clock
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

Column = tuple[object, Callable]


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _yes(value: bool) -> str:
    return str(_l("yes")) if value else str(_l("no"))


def _number(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value}"
    return text


def _steps(decision) -> str:
    parts = []
    for name in DECISION_STEPS:
        step = decision.step(name)
        if step is None or not step.is_settled:
            state = str(_l("open"))
        elif step.done_on:
            state = step.done_on.isoformat()
        else:
            state = str(_l("not applicable"))
        parts.append(f"{STEP_LABELS[name]}: {state}")
    return "；".join(parts)


COLUMNS: dict[str, list[Column]] = {
    "document_review": [
        (_l("Document title"), lambda r: r.document_title),
        (_l("Drafting unit"), lambda r: r.drafting_unit),
        (_l("On behalf of"), lambda r: r.on_behalf_of),
        (_l("Reviewed on"), lambda r: _d(r.reviewed_on)),
        (_l("Conclusion"), lambda r: str(CONCLUSION_LABELS[r.conclusion])),
        (_l("Published"), lambda r: _d(r.published_on) or (r.published_url and _yes(True))),
        (_l("Filed"), lambda r: _d(r.filed_on) or _yes(r.is_filed)),
    ],
    "certification": [
        (_l("Holder"), lambda r: r.holder_name),
        (_l("Certificate number"), lambda r: r.certificate_number),
        (_l("Enforcement field"), lambda r: r.enforcement_field),
        (_l("Issued on"), lambda r: _d(r.issued_on)),
        (_l("Expires on"), lambda r: _d(r.expires_on)),
        (_l("Status"), lambda r: str(CERTIFICATE_STATUS_LABELS[r.status_on(clock.today())])),
    ],
    "consultation": [
        (_l("Date"), lambda r: _d(r.consulted_on)),
        (_l("Legal advisor"), lambda r: r.advisor.label),
        (_l("Matter"), lambda r: r.matter),
        (_l("Category"), lambda r: str(CATEGORY_LABELS[r.category])),
        (_l("Adopted"), lambda r: _yes(r.is_adopted)),
    ],
    "inspection": [
        (_l("Inspected organisation"), lambda r: r.target_organisation),
        (_l("Kind of inspection"), lambda r: str(INSPECTION_KIND_LABELS[r.inspection_kind])),
        (_l("Done on"), lambda r: _d(r.done_on) or _d(r.planned_on)),
        (_l("Problems found"), lambda r: str(r.problem_count)),
        (_l("Rectification due"), lambda r: _d(r.rectification_due)),
        (_l("Rectified on"), lambda r: _d(r.rectified_on)),
    ],
    "decision": [
        (_l("Decision"), lambda r: r.decision_title),
        (_l("Decided on"), lambda r: _d(r.decided_on)),
        (_l("Statutory steps"), _steps),
    ],
    "study_session": [
        (_l("Held on"), lambda r: _d(r.held_on)),
        (_l("Kind"), lambda r: str(STUDY_KIND_LABELS[r.session_kind])),
        (_l("Topic"), lambda r: r.topic),
        (
            _l("Chaired by"),
            lambda r: r.chaired_by.display_name if r.chaired_by else r.chaired_by_name,
        ),
        (_l("Attendees"), lambda r: "" if r.attendee_count is None else str(r.attendee_count)),
    ],
    "metric": [
        (_l("Metric"), lambda r: r.name),
        (_l("Value"), lambda r: f"{_number(r.value)} {r.measure}".strip()),
        (_l("As of"), lambda r: _d(r.as_of)),
        (
            _l("Baseline"),
            lambda r: (
                f"{_number(r.baseline_value)} {r.measure}（{r.baseline_year}）"
                if r.baseline_value is not None
                else ""
            ),
        ),
    ],
    "reconsideration": [
        (_l("Case number"), lambda r: r.case_number),
        (_l("Applicant"), lambda r: r.applicant),
        (_l("Contested act"), lambda r: r.contested_act),
        (_l("Received on"), lambda r: _d(r.received_on)),
        (_l("Answer filed on"), lambda r: _d(r.answered_on)),
        (_l("Decided on"), lambda r: _d(r.decided_on)),
        (_l("Decision"), lambda r: str(OUTCOME_LABELS[r.outcome])),
        (_l("Corrected (纠错)"), lambda r: _yes(r.is_corrective) if r.is_decided else ""),
        (_l("Corrected on"), lambda r: _d(r.corrected_on)),
    ],
    "litigation": [
        (_l("Case number"), lambda r: r.case_number),
        (_l("Plaintiff"), lambda r: r.plaintiff),
        (_l("Court"), lambda r: r.court),
        (_l("Cause of action"), lambda r: r.cause),
        (_l("Instance"), lambda r: str(INSTANCE_LABELS[r.instance])),
        (_l("Hearing on"), lambda r: _d(r.hearing_on)),
        (
            _l("Head appeared"),
            lambda r: (r.head_name or _yes(True)) if r.head_appeared else _yes(False),
        ),
        (_l("Judgment"), lambda r: str(JUDGMENT_LABELS[r.judgment])),
        (_l("Lost (败诉)"), lambda r: _yes(r.is_lost) if r.is_judged else ""),
        (_l("Judicial suggestion answered on"), lambda r: _d(r.suggestion_replied_on)),
    ],
    "enforcement_case": [
        (_l("Case number"), lambda r: r.case_number),
        (_l("Party"), lambda r: r.party),
        (_l("Matter (案由)"), lambda r: r.matter),
        (_l("Kind of enforcement"), lambda r: str(ENFORCEMENT_ACTION_LABELS[r.action_kind])),
        (_l("Opened on"), lambda r: _d(r.opened_on)),
        (_l("Decided on"), lambda r: _d(r.decided_on)),
        (_l("Certified officers"), lambda r: _yes(r.is_officers_certified)),
        (
            _l("Publicity before / during / after"),
            lambda r: "／".join(
                [_yes(r.is_pre_publicized), _yes(r.is_id_shown), _d(r.published_on) or _yes(False)]
            ),
        ),
        (_l("Whole procedure recorded"), lambda r: _yes(r.is_fully_recorded)),
        (
            _l("Major decision: legal review on"),
            lambda r: (_d(r.legal_review_on) or str(_l("missing"))) if r.is_major else "",
        ),
    ],
    "case_file_review": [
        (_l("File reviewed"), lambda r: r.reviewed_case),
        (_l("Reviewed on"), lambda r: _d(r.reviewed_on)),
        (_l("Score"), lambda r: _number(r.score)),
        (_l("Grade"), lambda r: str(FILE_GRADE_LABELS[r.grade])),
        (_l("Rectified on"), lambda r: _d(r.rectified_on)),
    ],
    "pufa_duty": [
        (_l("Item of the list"), lambda r: r.item),
        (_l("Laws and regulations publicised"), lambda r: r.laws),
        (_l("Audience"), lambda r: r.audience),
        (_l("Responsible unit"), lambda r: r.responsible_unit.name),
        (_l("Activities held"), lambda r: str(len(r.activities_by(clock.today())))),
    ],
    "pufa_activity": [
        (_l("Held on"), lambda r: _d(r.held_on)),
        (_l("Activity"), lambda r: r.title),
        (_l("Form"), lambda r: str(PUFA_FORM_LABELS[r.activity_form])),
        (_l("Venue"), lambda r: r.location),
        (_l("Audience"), lambda r: "" if r.audience_count is None else str(r.audience_count)),
        (_l("Item of the responsibility list"), lambda r: r.duty.item if r.duty else ""),
    ],
    "law_report": [
        (_l("Held on"), lambda r: _d(r.held_on)),
        (_l("Forum"), lambda r: str(LAW_REPORT_FORUM_LABELS[r.forum])),
        (_l("Who reported"), lambda r: r.speaker_label),
        (_l("Subject of the report"), lambda r: r.topic),
        (_l("Evaluated by"), lambda r: r.evaluated_by),
        (_l("Evaluation"), lambda r: str(EVALUATION_LABELS[r.evaluation])),
    ],
    "contract_review": [
        (_l("Contract"), lambda r: r.contract_title),
        (_l("Other party"), lambda r: r.counterparty),
        (_l("Amount (yuan)"), lambda r: _number(r.amount)),
        (_l("Reviewed on"), lambda r: _d(r.reviewed_on)),
        (_l("Conclusion"), lambda r: str(CONTRACT_CONCLUSION_LABELS[r.conclusion])),
        (_l("Signed on"), lambda r: _d(r.signed_on)),
    ],
    "report_delivery": [
        (_l("Submitted or published"), lambda r: str(DELIVERY_KIND_LABELS[r.delivery_kind])),
        (_l("Report on the year"), lambda r: str(r.report_year)),
        (_l("Submitted to / published in"), lambda r: r.recipient),
        (_l("On"), lambda r: _d(r.delivered_on)),
        (_l("Receipt"), lambda r: f"{r.receipt} {_d(r.receipt_on)}".strip()),
        (_l("Web address"), lambda r: r.published_url),
    ],
}

#: Further fields the record page shows below the ledger's columns (long texts mostly).
DETAILS: dict[str, list[Column]] = {
    "enforcement_case": [
        (_l("Officers and certificate numbers"), lambda r: r.officers),
        (_l("Enforcement decision"), lambda r: r.decision),
        (_l("Legal reviewer"), lambda r: r.legal_reviewer),
        (_l("Legal review opinion"), lambda r: r.legal_review_opinion),
    ],
    "case_file_review": [
        (_l("Reviewers"), lambda r: r.reviewers),
        (_l("Pass mark"), lambda r: _number(r.pass_mark)),
        (_l("Problems found in the file"), lambda r: r.problems),
    ],
    "pufa_duty": [
        (_l("Listed on"), lambda r: _d(r.listed_on)),
        (_l("Measures"), lambda r: r.measures),
    ],
    "law_report": [(_l("Comments of the evaluators"), lambda r: r.comments)],
    "contract_review": [
        (_l("Drafting unit"), lambda r: r.drafting_unit),
        (_l("Received for review on"), lambda r: _d(r.received_on)),
        (_l("Reviewer"), lambda r: r.reviewer),
        (_l("Review opinion"), lambda r: r.opinion),
    ],
}
