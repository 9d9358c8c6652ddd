"""督办 pages: 催办 a task, issue a 督办通知单, show it for printing, download it as Word."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.core.forms import refusal_caught
from tracker.core.permissions import require
from tracker.extensions import db
from tracker.supervision import queries, service
from tracker.supervision.forms import UrgeForm
from tracker.supervision.models import SupervisionNotice
from tracker.supervision.sheet import notice_sheet
from tracker.tasks.models import Task
from tracker.units.models import Unit

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_template_global("urged_times")
def _urged_times(task) -> int:
    """催办 N 次 for task lists (supervision.queries.urged_times)."""
    return queries.urged_times(task)


@bp.route("/tasks/<int:task_id>/urge", methods=["POST"])
def urge(task_id: int):
    task = db.get_or_404(Task, task_id)
    require(current_user, "task.urge", task)
    form = UrgeForm()
    if not form.validate_on_submit():
        flash(_("The note is too long."), "danger")
        return redirect(url_for("tasks.show", task_id=task.id))
    with refusal_caught() as refusal:
        record = service.urge(current_user, task, form.note.data or "")
    if refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("tasks.show", task_id=task.id))
    flash(
        _(
            "Urged %(unit)s (%(level)s); %(n)d people notified.",
            unit=task.lead_unit.name,
            level=service.level_label(record.level),
            n=record.recipient_count,
        ),
        "success",
    )
    return redirect(url_for("tasks.show", task_id=task.id))


@bp.route("/tasks/<int:task_id>/notice", methods=["POST"])
def issue_for_task(task_id: int):
    task = db.get_or_404(Task, task_id)
    require(current_user, "supervision.issue", task)
    with refusal_caught() as refusal:
        notice = service.issue_notice(current_user, task=task)
    if refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("tasks.show", task_id=task.id))
    return redirect(url_for("supervision.show", notice_id=notice.id))


@bp.route("/units/<int:unit_id>/notice", methods=["POST"])
def issue_for_unit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    require(current_user, "supervision.issue", unit)
    with refusal_caught() as refusal:
        notice = service.issue_notice(current_user, unit=unit)
    if refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("supervision.show", notice_id=notice.id))


@bp.route("/notices/<int:notice_id>")
def show(notice_id: int):
    notice = db.get_or_404(SupervisionNotice, notice_id)
    require(current_user, "supervision.read", notice)
    return render_template("supervision/notice.html", notice=notice, sheet=notice_sheet(notice))


@bp.route("/notices/<int:notice_id>.docx")
def download(notice_id: int):
    notice = db.get_or_404(SupervisionNotice, notice_id)
    require(current_user, "supervision.read", notice)
    from tracker.supervision.render_docx import render_notice_docx  # python-docx, when asked

    body = render_notice_docx(notice_sheet(notice))
    name = f"督办通知单-{notice.year}-{notice.serial}.docx"
    response = Response(body, mimetype=DOCX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=notice-{notice.year}-{notice.serial}.docx; "
        f"filename*=UTF-8''{quote(name)}"
    )
    return response
