"""How the inspection ledgers' records are named and checked before they are saved."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.records.compliance_models import (
    CONTRACT_CONCLUSIONS,
    DELIVERY_KINDS,
    ENFORCEMENT_ACTIONS,
    LAW_REPORT_EVALUATIONS,
    LAW_REPORT_FORUMS,
    PUFA_FORMS,
    PufaDuty,
)
from tracker.units.models import Unit

#: What each kind's ledger sorts by and how a record is named in lists.
SUMMARY: dict[str, Callable] = {
    "enforcement_case": lambda r: (r.opened_on, f"{r.party}：{r.matter}"),
    "case_file_review": lambda r: (r.reviewed_on, r.reviewed_case),
    "pufa_duty": lambda r: (r.listed_on, r.item),
    "pufa_activity": lambda r: (r.held_on, r.title),
    "law_report": lambda r: (r.held_on, f"{r.speaker_name or ''}{r.topic}"),
    "contract_review": lambda r: (r.signed_on or r.reviewed_on or r.received_on, r.contract_title),
    "report_delivery": lambda r: (r.delivered_on, f"{r.report_year}年度报告：{r.recipient}"),
}
#: Allowed values of the kinds' choice fields ("" where a field may stay open).
CHOICES: dict[str, dict[str, tuple]] = {
    "enforcement_case": {"action_kind": ENFORCEMENT_ACTIONS},
    "pufa_activity": {"activity_form": PUFA_FORMS},
    "law_report": {"forum": LAW_REPORT_FORUMS, "evaluation": ("", *LAW_REPORT_EVALUATIONS)},
    "contract_review": {"conclusion": ("", *CONTRACT_CONCLUSIONS)},
    "report_delivery": {"delivery_kind": DELIVERY_KINDS},
}


def _order(data: dict, earlier: str, later: str, message: str) -> None:
    if data.get(earlier) and data.get(later) and data[later] < data[earlier]:
        raise DomainError(message, later)


def _enforcement_case(data: dict, task) -> None:
    _order(data, "opened_on", "decided_on", _("The decision comes after the case was opened."))
    _order(data, "decided_on", "published_on", _("A decision is published after it is made."))
    _order(data, "opened_on", "legal_review_on", _("The legal review follows the opening."))
    if data.get("decision") and not data.get("decided_on"):
        raise DomainError(_("Give the date of the decision."), "decided_on")
    if data.get("published_on") and not data.get("decided_on"):
        raise DomainError(_("Give the date of the decision."), "decided_on")
    if data.get("legal_review_opinion") and not data.get("legal_review_on"):
        raise DomainError(_("Give the date of the legal review."), "legal_review_on")


def _case_file_review(data: dict, task) -> None:
    for name in ("score", "pass_mark"):
        value = data.get(name)
        if value is not None and not 0 <= value <= 100:
            raise DomainError(_("Enter a score between 0 and 100."), name)
    _order(data, "reviewed_on", "rectified_on", _("Rectification comes after the review."))


def _pufa_duty(data: dict, task) -> None:
    unit = db.session.get(Unit, data.get("responsible_unit_id") or 0)
    bureau = task.plan.bureau
    if unit is None or not bureau.contains(unit):
        raise DomainError(_("Choose the responsible unit."), "responsible_unit_id")


def _pufa_activity(data: dict, task) -> None:
    if (data.get("audience_count") or 0) < 0:
        raise DomainError(_("Counts cannot be negative."), "audience_count")
    if data.get("duty_id"):
        duty = db.session.get(PufaDuty, data["duty_id"])
        if duty is None or duty.is_void or duty.task.plan_id != task.plan_id:
            raise DomainError(_("Choose an item of this plan's responsibility list."), "duty_id")


def _law_report(data: dict, task) -> None:
    if not data.get("speaker_id") and not data.get("speaker_name"):
        raise DomainError(_("Name who reported."), "speaker_name")
    if data.get("evaluation") and not data.get("evaluated_by"):
        raise DomainError(_("Say who evaluated the report."), "evaluated_by")


def _contract_review(data: dict, task) -> None:
    if not (data.get("received_on") or data.get("reviewed_on") or data.get("signed_on")):
        raise DomainError(
            _("Give the date the contract was received, reviewed or signed."), "received_on"
        )
    _order(
        data, "received_on", "reviewed_on", _("The review comes after the contract was received.")
    )
    if bool(data.get("reviewed_on")) != bool(data.get("conclusion")):
        field = "conclusion" if data.get("reviewed_on") else "reviewed_on"
        raise DomainError(_("Give both the date of the review and its conclusion."), field)


def _report_delivery(data: dict, task) -> None:
    _order(data, "delivered_on", "receipt_on", _("The receipt comes after the submission."))
    if data.get("receipt_on") and not data.get("receipt"):
        raise DomainError(_("Say what the receipt is."), "receipt")
    year = data.get("report_year")
    if year and data.get("delivered_on") and data["delivered_on"].year < year:
        raise DomainError(
            _("A year's report is submitted or published after the year has begun."),
            "delivered_on",
        )


VALIDATORS: dict[str, Callable] = {
    "enforcement_case": _enforcement_case,
    "case_file_review": _case_file_review,
    "pufa_duty": _pufa_duty,
    "pufa_activity": _pufa_activity,
    "law_report": _law_report,
    "contract_review": _contract_review,
    "report_delivery": _report_delivery,
}


def validate(kind: str, data: dict, task) -> None:
    """Refuse inconsistent input of an inspection-ledger kind, naming the field."""
    for name, allowed in CHOICES.get(kind, {}).items():
        if name in data and data[name] not in allowed:
            raise DomainError(_("Choose a value from the list."), name)
    if kind in VALIDATORS:
        VALIDATORS[kind](data, task)
