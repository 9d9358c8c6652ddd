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
    INSPECTION_KIND_LABELS,
    INSTANCE_LABELS,
    JUDGMENT_LABELS,
    OUTCOME_LABELS,
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
}
