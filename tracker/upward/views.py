"""City-level pages: a bureau's 报送 page; the city office's list of reports (review, 公开,
the printable list of published reports); the 考核 scheme, scoring and the 通报 (print, .xlsx).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from tracker.core import clock, storage
from tracker.core.forms import EmptyForm, as_id, form_status, refusal_caught
from tracker.core.permissions import require
from tracker.extensions import db
from tracker.units.models import Unit
from tracker.upward import queries, scoring, service
from tracker.upward.forms import ManualScoreForm, PublicationForm, ReviewForm, SchemeForm
from tracker.upward.models import AssessmentScheme, ReportSubmission
from tracker.upward.sheet import ranking_xlsx

bp = Blueprint("upward", __name__, url_prefix="/city")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(default_offset: int = -1) -> int:
    year = as_id(request.args.get("year"))
    return (
        year if year is not None and 2000 <= year <= 2100 else clock.today().year + default_offset
    )


def _office_city() -> Unit:
    """The city of the office user (their bureau is the city node)."""
    city = current_user.bureau
    require(current_user, "upward.office", city)
    return city


# -- the bureau's side ----------------------------------------------------------------------------


@bp.route("/my-report")
def my_report():
    bureau = current_user.bureau
    require(current_user, "upward.view", bureau)
    year = _year()
    return _my_report_page(bureau, year, PublicationForm())


def _my_report_page(bureau, year, publication_form, status=200):
    submission = queries.submission_of(bureau, year)
    report = queries.status_of(submission, year, clock.today())
    return (
        render_template(
            "upward/my_report.html",
            bureau=bureau,
            year=year,
            report=report,
            deadline=queries.report_deadline(year),
            plan=service.report_plan(bureau, year),
            publication_form=publication_form,
            action_form=EmptyForm(),
        ),
        status,
    )


@bp.route("/my-report/<int:year>/submit", methods=["POST"])
def submit(year: int):
    bureau = current_user.bureau
    require(current_user, "upward.submit", bureau)
    with refusal_caught() as refusal:
        submission = service.submit(current_user, bureau, year)
    if refusal:
        flash(refusal.message, "danger")
    else:
        flash(_("Submitted. Receipt: %(number)s", number=submission.receipt_number), "success")
    return redirect(url_for("upward.my_report", year=year))


@bp.route("/submissions/<int:submission_id>/publication", methods=["POST"])
def publication(submission_id: int):
    submission = db.get_or_404(ReportSubmission, submission_id)
    require(current_user, "upward.publish", submission)
    form = PublicationForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.record_publication(
                current_user, submission, where=form.where.data, url=form.url.data, on=form.on.data
            )
        if not refusal:
            flash(_("Publication recorded."), "success")
            return redirect(url_for("upward.submission", submission_id=submission.id))
    return _submission_page(submission, publication_form=form)


# -- the city office's side -----------------------------------------------------------------------


@bp.route("/reports")
def office():
    city = _office_city()
    year = _year()
    bureaus = queries.bureaus_of(city)
    columns = queries.city_columns([b.id for b in bureaus], year)
    return render_template(
        "upward/office.html",
        city=city,
        year=year,
        deadline=queries.report_deadline(year),
        rows=[(b, columns[b.id]["report"], columns[b.id]["score"]) for b in bureaus],
    )


@bp.route("/reports/published")
def published():
    city = _office_city()
    year = _year()
    return render_template(
        "upward/published.html",
        city=city,
        year=year,
        submissions=queries.published_submissions(city, year),
    )


@bp.route("/<int:city_id>/published/<int:year>")
def public_reports(city_id: int, year: int):
    """The list of published reports for the public (no login): only what the bureaus have
    published themselves, with the links to their own pages."""
    city = db.get_or_404(Unit, city_id)
    if city.kind != "city" or not city.is_active:
        abort(404)
    return render_template(
        "upward/published.html",
        city=city,
        year=year,
        submissions=queries.published_submissions(city, year),
        public=True,
    )


@bp.route("/submissions/<int:submission_id>")
def submission(submission_id: int):
    submission = db.get_or_404(ReportSubmission, submission_id)
    require(current_user, "upward.view", submission)
    return _submission_page(submission)


def _submission_page(submission, *, review_form=None, publication_form=None):
    review_form = review_form or ReviewForm()
    publication_form = publication_form or PublicationForm()
    return (
        render_template(
            "upward/submission.html",
            submission=submission,
            report=queries.status_of(submission, submission.year, clock.today()),
            review_form=review_form,
            publication_form=publication_form,
        ),
        form_status(review_form, publication_form),
    )


@bp.route("/submissions/<int:submission_id>/files/<int:index>")
def submission_file(submission_id: int, index: int):
    submission = db.get_or_404(ReportSubmission, submission_id)
    require(current_user, "upward.view", submission)
    if index >= len(submission.files):
        abort(404)
    entry = submission.files[index]
    if not storage.has_blob(entry["sha256"]):
        abort(404)
    with storage.open_blob(entry["sha256"]) as handle:
        body = handle.read()
    response = Response(body, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=report-{submission.year}.{entry['format']}; "
        f"filename*=UTF-8''{quote(entry['name'])}"
    )
    return response


@bp.route("/submissions/<int:submission_id>/review", methods=["POST"])
def review(submission_id: int):
    submission = db.get_or_404(ReportSubmission, submission_id)
    require(current_user, "upward.review", submission)
    form = ReviewForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.review(
                current_user,
                submission,
                accept=form.decision.data == "accept",
                note=form.note.data or "",
            )
        if not refusal:
            flash(_("Review saved."), "success")
            return redirect(url_for("upward.office", year=submission.year))
    return _submission_page(submission, review_form=form)


# -- 考核 ----------------------------------------------------------------------------------------


def _example_indicators() -> str:
    example = [
        {"key": "completion", "name": "任务完成率", "kind": "completion_rate", "weight": 40},
        {"key": "on_time", "name": "按时完成率", "kind": "on_time_rate", "weight": 20},
        {"key": "overdue", "name": "逾期扣分", "kind": "overdue_deduction", "weight": 10,
         "per_item": 2},
        {"key": "report", "name": "年度报告按时报送", "kind": "report_on_time", "weight": 10,
         "late_share": 0.5},
        {"key": "inspection", "name": "督察检查", "kind": "manual", "weight": 20},
    ]  # fmt: skip
    return json.dumps(example, ensure_ascii=False, indent=1)


@bp.route("/assessment")
def assessment():
    city = current_user.bureau
    require(current_user, "assessment.view", city)
    year = _year()
    return _assessment_page(city, year)


def _assessment_page(city, year, *, scheme_form=None, manual_form=None):
    schemes = queries.schemes_of(city, year)
    version = as_id(request.args.get("version"))
    scheme = next((s for s in schemes if s.version == version), schemes[0] if schemes else None)
    if scheme_form is None:
        scheme_form = SchemeForm(formdata=None)
        scheme_form.title.data = scheme.title if scheme else f"{year}年度法治政府建设考核方案"
        scheme_form.indicators.data = (
            json.dumps(scheme.indicators, ensure_ascii=False, indent=1)
            if scheme
            else _example_indicators()
        )
    manual_form = manual_form or ManualScoreForm(formdata=None)
    return (
        render_template(
            "upward/assessment.html",
            city=city,
            year=year,
            schemes=schemes,
            scheme=scheme,
            rows=queries.ranking(scheme) if scheme else [],
            scheme_form=scheme_form,
            manual_form=manual_form,
            kinds=scoring.INDICATOR_KINDS,
            statutory_keys=queries.statutory_keys(),
            action_form=EmptyForm(),
        ),
        form_status(scheme_form, manual_form),
    )


@bp.route("/assessment/<int:year>/scheme", methods=["POST"])
def save_scheme(year: int):
    city = current_user.bureau
    require(current_user, "assessment.manage", city)
    form = SchemeForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            scheme = service.save_scheme(current_user, city, year, form.title.data, form.parsed)
        if not refusal:
            flash(_("Scheme version %(v)d saved.", v=scheme.version), "success")
            return redirect(url_for("upward.assessment", year=year))
    return _assessment_page(city, year, scheme_form=form)


@bp.route("/assessment/<int:year>/score", methods=["POST"])
def score(year: int):
    city = current_user.bureau
    require(current_user, "assessment.manage", city)
    scheme = queries.current_scheme(city, year)
    if scheme is None:
        flash(_("Save a scheme first."), "danger")
        return redirect(url_for("upward.assessment", year=year))
    changed = service.score_automatically(current_user, scheme)
    flash(
        ngettext(
            "Scored automatically: %(num)d score changed.",
            "Scored automatically: %(num)d scores changed.",
            changed,
        ),
        "success",
    )
    return redirect(url_for("upward.assessment", year=year))


@bp.route("/assessment/<int:year>/manual", methods=["POST"])
def manual(year: int):
    city = current_user.bureau
    require(current_user, "assessment.manage", city)
    scheme = queries.current_scheme(city, year)
    form = ManualScoreForm()
    if scheme is None:
        form.form_errors.append(_("Save a scheme first."))
    elif form.validate_on_submit():
        bureau_id = as_id(form.bureau.data)
        bureau = db.session.get(Unit, bureau_id) if bureau_id else None
        if bureau is None:
            form.bureau.errors = [_("Choose a bureau.")]
        else:
            with refusal_caught(form) as refusal:
                service.score_by_hand(
                    current_user,
                    scheme,
                    bureau,
                    form.indicator.data,
                    points=float(form.points.data),
                    note=form.note.data,
                    evidence=form.evidence.data or "",
                )
            if not refusal:
                flash(_("Score saved."), "success")
                return redirect(url_for("upward.assessment", year=year))
    if not (form.errors or form.form_errors):
        form.form_errors.append(_("Please correct the marked fields."))
    return _assessment_page(city, year, manual_form=form)


@bp.route("/assessment/<int:year>/ranking")
def ranking(year: int):
    city = current_user.bureau
    require(current_user, "assessment.view", city)
    scheme = _scheme_or_404(city, year)
    return render_template(
        "upward/ranking.html", city=city, scheme=scheme, rows=queries.ranking(scheme)
    )


@bp.route("/assessment/<int:year>/ranking.xlsx")
def ranking_sheet(year: int):
    city = current_user.bureau
    require(current_user, "assessment.view", city)
    scheme = _scheme_or_404(city, year)
    body = ranking_xlsx(scheme, queries.ranking(scheme), current_user.display_name)
    response = Response(body, mimetype=XLSX)
    name = f"{city.name}{year}年度考核通报.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=ranking-{year}.xlsx; filename*=UTF-8''{quote(name)}"
    )
    return response


def _scheme_or_404(city, year) -> AssessmentScheme:
    schemes = queries.schemes_of(city, year)
    version = as_id(request.args.get("version"))
    scheme = next((s for s in schemes if s.version == version), schemes[0] if schemes else None)
    if scheme is None:
        abort(404)
    return scheme
