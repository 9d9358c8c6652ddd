"""The signed annual report for the evidence archive: its DOCX and PDF as signed, and the history
of its revisions (who changed which part, when, and why), as a CSV."""

from __future__ import annotations

import csv
import io
import logging

from flask_babel import gettext as _

from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports.labels import PART_LABELS
from tracker.reports.queries import draft_of, report_for_plan, revisions_of
from tracker.reports.render import render

log = logging.getLogger(__name__)


def _revision_history(revisions) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("Revision ID"), _("Part"), _("Time"), _("By"), _("Note"), _("Text of the part")]
    )
    for revision in revisions:
        writer.writerow(
            [
                revision.id,
                str(PART_LABELS.get(revision.part, revision.part)),
                clock.to_local(revision.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                revision.author_name,
                revision.note,
                _("(back to the generated text)") if revision.text is None else revision.text,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def signed_report_files(plan: Plan) -> tuple[list[tuple[str, bytes]], str | None]:
    """(file name, bytes) of the plan's signed report — DOCX, PDF and revision history — or none
    and why (not signed yet, or it could not be built)."""
    draft = draft_of(plan)
    if draft is None or draft.signed_on is None:
        return [], _("The annual report is not signed yet: it is not in this archive.")
    savepoint = db.session.begin_nested()
    try:
        report = report_for_plan(plan)
        stem = report.title
        files = [
            (f"{stem}.docx", render(report, "docx")),
            (f"{stem}.pdf", render(report, "pdf")),
            (_("Revision history of the report.csv"), _revision_history(revisions_of(draft))),
        ]
    except Exception:  # noqa: BLE001 - the evidence must still reach the inspector
        savepoint.rollback()
        log.exception("the annual report of plan %s could not be rendered for the archive", plan.id)
        return [], _("The annual report could not be built; the error is in the server log.")
    savepoint.commit()
    return files, None
