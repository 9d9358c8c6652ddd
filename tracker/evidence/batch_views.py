"""Batch review: accept or reject several pieces of evidence in one action, each on its own."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from tracker.accounts.sessions import is_safe_next
from tracker.audit.service import log_event
from tracker.core.batch import each_on_its_own, flash_results, selected_ids
from tracker.core.exceptions import ConflictError, DomainError
from tracker.evidence import service
from tracker.evidence.forms import ReviewForm
from tracker.evidence.models import Evidence
from tracker.evidence.queries import may_review
from tracker.extensions import db

bp = Blueprint("evidence_batch", __name__, url_prefix="/evidence/batch")


class ReviewDenied(DomainError):
    """The user may not review this evidence (the single action answers 403)."""


def _back():
    next_url = request.form.get("next", "")
    return redirect(next_url if is_safe_next(next_url) else url_for("home.review_queue"))


def _label(evidence: Evidence) -> str:
    return evidence.title or evidence.original_name or evidence.url or f"#{evidence.id}"


def _review_one(evidence: Evidence, verdict: str, note: str) -> None:
    if not may_review(current_user, evidence):
        raise ReviewDenied(_("You may not review this evidence."))
    if evidence.review_status != "pending":
        # Someone reviewed it after the list was opened: never overwrite their verdict unseen.
        who = evidence.reviewed_by.display_name if evidence.reviewed_by else _("someone")
        raise ConflictError(_("already reviewed by %(who)s", who=who))
    service.review(current_user, evidence, verdict, note)


def _record_refusal(evidence: Evidence, error: DomainError) -> None:
    """What the single review records: a refused access (a stale or invalid review is not
    recorded there either, since nothing was attempted on the evidence)."""
    if isinstance(error, ReviewDenied):
        log_event(
            current_user,
            "access.denied",
            evidence,
            after={"permission": "evidence.review"},
            outcome="denied",
        )


@bp.route("/review", methods=["POST"])
def review():
    """Verify or reject every selected piece of evidence; the others are listed with why."""
    form = ReviewForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        for name, errors in form.errors.items():
            for error in errors:
                flash(f"{getattr(form, name).label.text}: {error}", "danger")
        return _back()
    verdict, note = form.verdict.data, (form.note.data or "").strip()
    ids = selected_ids("evidence")
    if not ids:
        flash(_("Select at least one piece of evidence."), "warning")
        return _back()
    if verdict == "rejected" and not note:
        # The same reason goes to every unit concerned: ask once, before touching anything.
        flash(_("Give the reason for rejecting it; the unit will read it."), "danger")
        return _back()
    found = {e.id: e for e in db.session.scalars(sa.select(Evidence).where(Evidence.id.in_(ids)))}
    results = each_on_its_own(
        [found[i] for i in ids if i in found],
        lambda evidence: _review_one(evidence, verdict, note),
        label=_label,
        refused=_record_refusal,
    )

    def done(n: int, items: str) -> str:
        if verdict == "verified":
            return ngettext(
                "Verified %(num)d piece of evidence: %(items)s",
                "Verified %(num)d pieces of evidence: %(items)s",
                n,
                items=items,
            )
        return ngettext(
            "Rejected %(num)d piece of evidence: %(items)s",
            "Rejected %(num)d pieces of evidence: %(items)s",
            n,
            items=items,
        )

    flash_results(
        results,
        done,
        lambda item, reason: _("Not reviewed: %(item)s — %(reason)s", item=item, reason=reason),
    )
    return _back()
