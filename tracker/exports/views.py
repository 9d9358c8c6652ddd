"""Export routes: a plan's workbook and evidence archive, one's calendar feed and the feed itself.

Exports are for coordinators, leaders and viewers of the plan's bureau (`export.read`); chiefs
and staff get 403 — the inspector's package covers the whole bureau, and a unit's slice of it
would look complete while it is not. Every download is recorded in the audit trail before the
first byte leaves.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from tracker.core.db import begin_write, write_intent
from tracker.core.forms import EmptyForm
from tracker.core.permissions import require
from tracker.core.urls import external_url
from tracker.exports import service
from tracker.exports.calendar import build_calendar, calendar_task_count, calendar_tasks
from tracker.exports.models import CalendarFeed, ExportJob
from tracker.extensions import db
from tracker.plans.models import Plan

bp = Blueprint("exports", __name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COPY_BLOCK = 1024 * 1024


def get_plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


def _audited(plan_id: int, kind: str, details: dict) -> Plan:
    """Record the export in a short write transaction, which the request's boundary commits
    before the response streams, and return the plan, reloaded."""
    begin_write(db.session)
    plan = db.session.get(Plan, plan_id)
    service.record_export(current_user, plan, kind, details)
    return plan


def xlsx_name(plan: Plan) -> str:
    return _("%(plan)s compliance export", plan=plan.title) + ".xlsx"


def zip_name(plan: Plan) -> str:
    return _("%(plan)s evidence", plan=plan.title) + ".zip"


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition value with an ASCII fallback and the UTF-8 name (RFC 6266/5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _as_of_argument() -> tuple[date | None, str | None]:
    """The optional ?as_of=YYYY-MM-DD of the workbook download, or the reason it is refused."""
    raw = request.args.get("as_of", "").strip()
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, _("“%(value)s” is not a date (YYYY-MM-DD).", value=raw[:20])


@bp.route("/plans/<int:plan_id>/export.xlsx")
def plan_workbook(plan_id: int):
    """The compliance workbook of a plan, statuses judged at ?as_of= (default: the plan's)."""
    plan = get_plan_or_404(plan_id)
    require(current_user, "export.read", plan)
    as_of, problem = _as_of_argument()
    if problem:
        return problem, 422, {"Content-Type": "text/plain; charset=utf-8"}
    # the workbook writer (and openpyxl) load with the first export, not in every web worker
    from tracker.exports import background
    from tracker.exports.xlsx import write_plan_workbook

    if background.needs_background(plan):
        return _queue_workbook(plan_id, as_of)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        exported_by = f"{current_user.display_name} ({current_user.username})"
        summary = write_plan_workbook(plan, handle, exported_by=exported_by, as_of=as_of)
        digest, size = hashlib.sha256(), 0
        handle.seek(0)
        while block := handle.read(COPY_BLOCK):
            digest.update(block)
            size += len(block)
        details = {
            "format": "xlsx",
            "as_of": as_of.isoformat() if as_of else None,
            "tasks": summary.tasks,
            "rows": summary.rows,
            "cells_cut": summary.warnings,
            "failures": summary.failures,
            "size": size,
            "sha256": digest.hexdigest(),
        }
        plan = _audited(plan_id, "xlsx", details)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return send_file(
        handle,
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=xlsx_name(plan),
        max_age=0,
    )


def _queue_workbook(plan_id: int, as_of: date | None = None):
    """A plan too large to export within the request: its workbook is queued for the scheduler
    and the user watches it on the job's page."""
    from tracker.exports import background

    begin_write(db.session)
    plan = db.session.get(Plan, plan_id)
    job = background.request_workbook(current_user, plan, str(get_locale()), as_of)
    details = {"job": job.id, "as_of": as_of.isoformat() if as_of else None}
    service.record_export(current_user, plan, "xlsx_requested", details)
    return redirect(url_for("exports.job", job_id=job.id))


def _job_or_404(job_id: int) -> ExportJob:
    job = db.get_or_404(ExportJob, job_id)
    require(current_user, "export.read", job.plan)
    return job


@bp.route("/exports/jobs/<int:job_id>")
def job(job_id: int):
    """A queued workbook: its progress while it is written, then the download link."""
    from tracker.exports import background

    job = _job_or_404(job_id)
    expected_sheets = background.expected_sheets()
    return render_template(
        "exports/job.html",
        job=job,
        percent=100
        if job.status == "done"
        else min(99, round(100 * job.sheets_done / expected_sheets)),
    )


@bp.route("/exports/jobs/<int:job_id>/download")
def job_download(job_id: int):
    from tracker.exports import background

    job = _job_or_404(job_id)
    if job.status != "done" or not background.file_of(job).is_file():
        abort(404)
    plan = _audited(
        job.plan_id,
        "xlsx",
        {"format": "xlsx", "job": job.id, "size": job.size, "sha256": job.sha256},
    )
    return send_file(
        background.file_of(job),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=xlsx_name(plan),
        max_age=0,
    )


@bp.route("/plans/<int:plan_id>/evidence.zip")
def plan_evidence(plan_id: int):
    """The evidence archive of a plan, streamed as it is made."""
    plan = get_plan_or_404(plan_id)
    require(current_user, "export.read", plan)
    plan = _audited(plan_id, "evidence", {"format": "zip"})
    response = Response(stream_with_context(_archive(plan_id)), mimetype="application/zip")
    response.headers["Content-Disposition"] = attachment(
        zip_name(plan), f"plan-{plan.id}-evidence.zip"
    )
    # proxies must pass the archive on as it comes instead of collecting it first
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _archive(plan_id: int):
    """The archive's bytes. This runs after the view has returned and the request's transaction
    has committed, so it loads the plan again in a new, read-only transaction."""
    from tracker.exports.archive import ArchiveResult, stream_evidence_archive

    write_intent.set(False)
    plan = db.session.get(Plan, plan_id)
    yield from stream_evidence_archive(plan, result=ArchiveResult())


# -- calendar feeds ------------------------------------------------------------------------------


def feed_url(token: str) -> str:
    return external_url("exports.calendar_feed", token=token)


@bp.route("/account/calendar", methods=["GET", "POST"])
def calendar():
    """One's calendar feed: make it, replace its address, or revoke it."""
    require(current_user, "calendar.subscribe")
    form = EmptyForm()
    new_url = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action in ("create", "rotate"):
            _feed, token = service.create_feed(current_user)
            new_url = feed_url(token)
            flash(
                _("Your calendar address is ready. Copy it now: it is shown only this once.")
                if action == "create"
                else _("Your calendar has a new address; the old one no longer works."),
                "success",
            )
        elif action == "revoke":
            if service.revoke_feed(current_user):
                flash(_("Your calendar address no longer works."), "success")
            return redirect(url_for("exports.calendar"))
        else:
            abort(400)
    return render_template(
        "exports/calendar.html",
        feed=service.active_feed(current_user),
        new_url=new_url,
        form=form,
        task_count=calendar_task_count(current_user),
    )


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The feed itself, for calendar programs: the secret address is the only credential."""
    feed = service.feed_for_token(token)
    if feed is None:
        abort(404)
    user = feed.user
    # the events are read by their owner, in the language the owner chose
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = build_calendar(user, calendar_tasks(user))
    feed_id = feed.id
    begin_write(db.session)
    service.note_fetch(db.session.get(CalendarFeed, feed_id))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="duban.ics"'
    return response
