"""Ledger writes: records of each kind, decision steps, legal advisors, counting toward targets."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import changes, log_event
from tracker.core.exceptions import DomainError, stale_edit
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.records import compliance_rules
from tracker.records.models import (
    CONSULTATION_CATEGORIES,
    CORRECTING_OUTCOMES,
    COURT_INSTANCES,
    DECISION_STEPS,
    INSPECTION_KINDS,
    JUDGMENTS,
    MODELS,
    RECONSIDERATION_OUTCOMES,
    REVIEW_CONCLUSIONS,
    STUDY_KINDS,
    Decision,
    DecisionStep,
    LegalAdvisor,
    Record,
)
from tracker.records.queries import evidence_of
from tracker.tasks.labels import STATUS_LABELS
from tracker.tasks.models import Task
from tracker.tasks.workflow import TransitionDenied

log = logging.getLogger(__name__)

#: What each kind's ledger sorts by and how a record is named in lists.
SUMMARY = {
    "document_review": lambda r: (r.reviewed_on, r.document_title),
    "certification": lambda r: (r.issued_on, f"{r.holder_name} {r.certificate_number}"),
    "consultation": lambda r: (r.consulted_on, r.matter),
    "inspection": lambda r: (r.done_on or r.planned_on, r.target_organisation),
    "decision": lambda r: (r.decided_on, r.decision_title),
    "study_session": lambda r: (r.held_on, r.topic),
    "metric": lambda r: (r.as_of, r.name),
    "reconsideration": lambda r: (r.received_on, f"{r.applicant}：{r.contested_act}"),
    "litigation": lambda r: (r.served_on, f"{r.plaintiff}诉{r.cause}"),
    **compliance_rules.SUMMARY,
}
CHOICES = {
    "conclusion": REVIEW_CONCLUSIONS,
    "category": CONSULTATION_CATEGORIES,
    "inspection_kind": INSPECTION_KINDS,
    "session_kind": STUDY_KINDS,
    "outcome": ("", *RECONSIDERATION_OUTCOMES),
    "instance": COURT_INSTANCES,
    "judgment": ("", *JUDGMENTS),
}


def _check_order(data: dict, earlier: str, later: str, message: str) -> None:
    if data.get(earlier) and data.get(later) and data[later] < data[earlier]:
        raise DomainError(message, later)


def _validate(kind: str, data: dict, task: Task) -> None:
    own = compliance_rules.CHOICES.get(kind, {})
    for name, allowed in CHOICES.items():
        if name in data and name not in own and data[name] not in allowed:
            raise DomainError(_("Choose a value from the list."), name)
    url = data.get("published_url")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DomainError(
                _("Enter a web address starting with http:// or https://."), "published_url"
            )
    if kind == "document_review":
        _check_order(
            data,
            "received_on",
            "reviewed_on",
            _("The review cannot be before the document was received."),
        )
        _check_order(
            data, "reviewed_on", "published_on", _("A document is published after its review.")
        )
        if data.get("filed_on") and not data.get("is_filed"):
            data["is_filed"] = True
    if kind == "certification":
        _check_order(
            data, "issued_on", "expires_on", _("A certificate expires after it was issued.")
        )
        _check_order(
            data,
            "exam_passed_on",
            "issued_on",
            _("A certificate is issued after the exam was passed."),
        )
        if data.get("revoke_reason") and not data.get("revoked_on"):
            raise DomainError(_("Give the date of revocation."), "revoked_on")
    if kind == "inspection":
        _check_order(
            data, "done_on", "rectified_on", _("Rectification comes after the inspection.")
        )
        if (data.get("problem_count") or 0) < 0:
            raise DomainError(_("Counts cannot be negative."), "problem_count")
    if kind == "reconsideration":
        _validate_reconsideration(data)
    if kind == "litigation":
        _validate_litigation(data)
    compliance_rules.validate(kind, data, task)
    if kind == "metric" and bool(data.get("baseline_value") is not None) != bool(
        data.get("baseline_year")
    ):
        raise DomainError(
            _("Give both the baseline value and its year, or neither."), "baseline_year"
        )


def _validate_reconsideration(data: dict) -> None:
    _check_order(
        data, "received_on", "answered_on", _("The answer is filed after the case was received.")
    )
    _check_order(
        data, "received_on", "decided_on", _("The decision comes after the case was received.")
    )
    _check_order(data, "decided_on", "corrected_on", _("The correction follows the decision."))
    if data.get("outcome") and not data.get("decided_on"):
        raise DomainError(_("Give the date of the decision."), "decided_on")
    if data.get("decided_on") and not data.get("outcome"):
        raise DomainError(_("Choose the decision."), "outcome")
    corrective = data.get("outcome") in CORRECTING_OUTCOMES
    if (data.get("correction") or data.get("corrected_on")) and not corrective:
        raise DomainError(
            _(
                "A correction follows only a decision that revokes, alters or finds the act "
                "unlawful."
            ),
            "correction",
        )
    if data.get("corrected_on") and not data.get("correction"):
        raise DomainError(_("Say what was corrected."), "correction")


def _validate_litigation(data: dict) -> None:
    _check_order(data, "served_on", "hearing_on", _("The hearing comes after the suit was served."))
    _check_order(data, "served_on", "judged_on", _("The judgment comes after the suit was served."))
    _check_order(
        data,
        "judged_on",
        "suggestion_replied_on",
        _("A judicial suggestion is answered after the judgment."),
    )
    if data.get("judgment") and not data.get("judged_on"):
        raise DomainError(_("Give the date of the judgment."), "judged_on")
    if data.get("judged_on") and not data.get("judgment"):
        raise DomainError(_("Choose the judgment."), "judgment")
    if data.get("head_appeared"):
        if not data.get("hearing_on"):
            raise DomainError(_("Give the date of the hearing the head attended."), "hearing_on")
        if not data.get("head_name"):
            raise DomainError(_("Name the head who appeared in court."), "head_name")
    elif data.get("head_name"):
        raise DomainError(
            _("Tick “appeared in court” or leave the head's name empty."), "head_appeared"
        )
    if (data.get("suggestion_follow_up") or data.get("suggestion_replied_on")) and not data.get(
        "judicial_suggestion"
    ):
        raise DomainError(_("Enter the judicial suggestion first."), "judicial_suggestion")


def _derive(record: Record) -> None:
    occurred_on, summary = SUMMARY[record.kind](record)
    record.occurred_on = occurred_on
    record.summary = (summary or "")[:300]
    if record.kind == "pufa_duty":
        # the list item is filed in the ledger of the unit responsible for it
        record.unit_id = record.responsible_unit_id


def _require_edit(actor, task: Task) -> None:
    if not can(actor, "record.edit", task):
        raise TransitionDenied(_("You may not keep records for this task."))
    if task.status not in ("assigned", "in_progress", "submitted") or task.plan.status == "closed":
        raise DomainError(
            _(
                "Records are kept while a task is open; this one is “%(status)s”. "
                "A finished task can be returned (退回) first.",
                status=STATUS_LABELS[task.status],
            )
        )


def create_record(actor, task: Task, kind: str, data: dict) -> Record:
    """Add a record of `kind` to `task`'s ledger; counts toward the task's target."""
    if kind not in MODELS:
        raise DomainError(_("Unknown record kind."))
    _require_edit(actor, task)
    data = dict(data)
    _validate(kind, data, task)
    unit_id = task.lead_unit_id or task.plan.bureau_id
    record = MODELS[kind](
        task=task,
        task_id=task.id,
        unit_id=unit_id,
        created_by_id=getattr(actor, "id", None),
        updated_by_id=getattr(actor, "id", None),
        **data,
    )
    _derive(record)
    db.session.add(record)
    db.session.flush()
    if kind == "decision":
        for step in DECISION_STEPS:
            db.session.add(DecisionStep(decision=record, step=step))
        db.session.flush()
    log_event(actor, "record.create", record, after=record.to_audit())
    recount(task)
    return record


def update_record(actor, record: Record, data: dict, *, expected_version: int | None) -> Record:
    """Change a record; a stale form is refused like a stale task edit."""
    _require_edit(actor, record.task)
    stale_edit(
        record,
        expected_version,
        _(
            "This record was changed by %(who)s at %(when)s after you opened "
            "it. Your input is shown below; save again to replace it."
        ),
    )
    data = dict(data)
    _validate(record.kind, data, record.task)
    before = record.to_audit()
    for name, value in data.items():
        setattr(record, name, value)
    record.updated_by_id = getattr(actor, "id", None)
    _derive(record)
    db.session.flush()
    old, new = changes(before, record.to_audit())
    if new:
        log_event(actor, "record.update", record, before=old, after=new)
    return record


def void_record(actor, record: Record, reason: str) -> None:
    """作废: the record stays, marked void with the reason, and no longer counts."""
    _require_edit(actor, record.task)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), "reason")
    if record.is_void:
        return
    record.is_void = True
    record.void_reason = reason[:300]
    record.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    log_event(actor, "record.void", record, after={"is_void": True, "reason": reason})
    recount(record.task)


def save_decision_step(
    actor,
    decision: Decision,
    step: str,
    *,
    done_on: date | None,
    note: str,
    not_applicable_reason: str,
    evidence: list | None = None,
) -> DecisionStep:
    """Record a statutory step of a major decision as done (with its date and the evidence
    that proves it, chosen among the decision's evidence) or not applicable (with why)."""
    _require_edit(actor, decision.task)
    if step not in DECISION_STEPS:
        raise DomainError(_("Unknown step."))
    reason = (not_applicable_reason or "").strip()
    if done_on is not None and reason:
        raise DomainError(_("A step is either done or not applicable, not both."), "done_on")
    if evidence:
        attached = {item.id for item in evidence_of(decision)}
        if any(item.id not in attached for item in evidence):
            raise DomainError(_("Choose evidence attached to this decision."), "evidence_ids")
    entry = decision.step(step)
    before = {
        "done_on": entry.done_on.isoformat() if entry and entry.done_on else None,
        "note": entry.note if entry else "",
        "not_applicable_reason": entry.not_applicable_reason if entry else "",
        "evidence_ids": sorted(item.id for item in entry.evidence) if entry else [],
    }
    after = {
        "done_on": done_on.isoformat() if done_on else None,
        "note": (note or "").strip(),
        "not_applicable_reason": reason,
        "evidence_ids": (
            sorted(item.id for item in evidence) if evidence is not None else before["evidence_ids"]
        ),
    }
    if (before["note"] or "") == after["note"]:
        after["note"] = before["note"]
    if (before["not_applicable_reason"] or "") == after["not_applicable_reason"]:
        after["not_applicable_reason"] = before["not_applicable_reason"]
    if before == after:
        return entry  # saved as it was: no new version of the decision, nothing to audit
    if entry is None:
        entry = DecisionStep(decision=decision, step=step)
        db.session.add(entry)
    entry.done_on, entry.note, entry.not_applicable_reason = done_on, after["note"], reason
    if evidence is not None:
        entry.evidence = list(evidence)
    decision.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    old, new = changes(before, after)
    if new:
        log_event(
            actor,
            "decision.step",
            decision,
            before={"step": step, **old},
            after={"step": step, **new},
        )
    return entry


def open_decision_steps(task: Task) -> list[tuple[Decision, list[str]]]:
    """Decisions of the task with steps neither done nor excused."""
    decisions = db.session.scalars(
        sa.select(Decision).where(Decision.task_id == task.id, Decision.is_void.is_(False))
    ).all()
    return [(d, d.open_steps) for d in decisions if d.open_steps]


def live_record_count(task: Task) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Record.id)).where(
                Record.task_id == task.id, Record.is_void.is_(False)
            )
        )
        or 0
    )


def recount(task: Task) -> None:
    """A task with a quantitative target counts its records; its progress follows the count."""
    if task.target_count is None:
        return
    achieved = live_record_count(task)
    before = {"achieved_count": task.achieved_count, "progress": task.progress}
    task.achieved_count = achieved
    if task.status in ("assigned", "in_progress") and task.target_count > 0:
        task.progress = min(100, round(100 * achieved / task.target_count))
    after = {"achieved_count": task.achieved_count, "progress": task.progress}
    if after != before:
        log_event(None, "task.recount", task, before=before, after=after, actor_name="system")


def save_advisor(
    actor,
    bureau,
    advisor: LegalAdvisor | None,
    *,
    firm: str,
    person: str,
    contract_start: date,
    contract_end: date,
    fee,
) -> LegalAdvisor:
    """Create or change the legal-advisor contract (法律顾问)."""
    if not firm.strip():
        raise DomainError(_("Name the firm."), "firm")
    if contract_end < contract_start:
        raise DomainError(_("The contract ends after it starts."), "contract_end")
    creating = advisor is None
    if creating:
        advisor = LegalAdvisor(bureau=bureau, bureau_id=bureau.id)
        db.session.add(advisor)
    before = {} if creating else advisor.to_audit()
    advisor.firm, advisor.person = firm.strip(), person.strip()
    advisor.contract_start, advisor.contract_end, advisor.fee = contract_start, contract_end, fee
    db.session.flush()
    if creating:
        log_event(actor, "advisor.create", advisor, after=advisor.to_audit())
    else:
        old, new = changes(before, advisor.to_audit())
        if new:
            log_event(actor, "advisor.update", advisor, before=old, after=new)
    return advisor
