"""Ledger pages: per-kind ledgers with CSV, record pages, decision steps, legal advisors."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.accounts.queries import LEADERS_FIRST, users_in
from tracker.audit.service import record_denial
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.forms import (
    choices,
    form_status,
    form_version,
    refusal_caught,
    show_domain_error,
)
from tracker.core.permissions import require
from tracker.extensions import db
from tracker.records import indicators, queries, service
from tracker.records.forms import FORMS, AdvisorForm, StepForm, VoidForm
from tracker.records.labels import (
    CERTIFICATE_STATUS_LABELS,
    KIND_LABELS,
    STEP_LABELS,
)
from tracker.records.ledger import COLUMNS, DETAILS
from tracker.records.models import DECISION_STEPS, RECORD_KINDS, LegalAdvisor, Record
from tracker.tasks.models import Task
from tracker.tasks.queries import visible_plans
from tracker.tasks.workflow import TransitionDenied
from tracker.units.models import Unit
from tracker.units.queries import subtree

bp = Blueprint("records", __name__, url_prefix="/records")
KINDS = "any(" + ", ".join(RECORD_KINDS) + ")"
NONE = 0


def _year() -> int | None:
    value = request.args.get("year", "")
    if value == "all":
        return None
    return int(value) if value.isdigit() else clock.today().year


def _fill_choices(form, bureau, task) -> None:
    if hasattr(form, "advisor_id"):
        advisors = db.session.scalars(
            sa.select(LegalAdvisor)
            .where(LegalAdvisor.bureau_id == bureau.id)
            .order_by(LegalAdvisor.contract_start.desc())
        )
        form.advisor_id.choices = choices([(a.id, a.label) for a in advisors])
    if hasattr(form, "chaired_by_id"):
        people = users_in(bureau, order_by=LEADERS_FIRST)
        form.chaired_by_id.choices = choices(
            [(NONE, _("(not a user)"))]
            + [(u.id, f"{u.display_name}（{u.title or u.unit.name}）") for u in people]
        )
    if hasattr(form, "speaker_id"):
        people = users_in(bureau, order_by=LEADERS_FIRST)
        form.speaker_id.choices = choices(
            [(NONE, _("(not a user)"))]
            + [(u.id, f"{u.display_name}（{u.title or u.unit.name}）") for u in people]
        )
    if hasattr(form, "responsible_unit_id"):
        units = subtree(bureau, active_only=True)
        form.responsible_unit_id.choices = choices([(u.id, u.name) for u in units])
        if form.responsible_unit_id.data is None and task.lead_unit_id:
            form.responsible_unit_id.data = task.lead_unit_id
    if hasattr(form, "duty_id"):
        form.duty_id.choices = choices(
            [(NONE, _("(none)"))] + [(d.id, d.item) for d in queries.pufa_duties_of(task.plan)]
        )


def _model_data(form) -> dict:
    data = form.data_for_model()
    for name in ("advisor_id", "chaired_by_id", "speaker_id", "duty_id"):
        if name in data and not data[name]:
            data[name] = None
    if "advisor_id" in data and data["advisor_id"] is None:
        raise DomainError(_("Add the legal advisor's contract first."), "advisor_id")
    return data


@bp.route("/")
def index():
    require(current_user, "plan.read")
    year = _year()
    years = sorted(
        {p.year for p in visible_plans(current_user)} | {clock.today().year}, reverse=True
    )
    return render_template(
        "records/index.html",
        year=year,
        years=years,
        counts=queries.counts_by_kind(current_user, year=year),
        kind_labels=KIND_LABELS,
    )


@bp.route(f"/<{KINDS}:kind>/")
def ledger(kind: str):
    require(current_user, "plan.read")
    year = _year()
    unit = None
    if request.args.get("unit", "").isdigit():
        unit = db.session.get(Unit, int(request.args["unit"]))
    records = queries.ledger(
        current_user, kind, year=year, unit=unit, include_void=request.args.get("void") == "1"
    )
    columns = COLUMNS[kind]
    if request.args.get("format") == "csv":
        return _csv(kind, year, records, columns)
    bureau = current_user.bureau
    as_of = indicators.as_of_for_year(year, clock.today())
    return render_template(
        "records/ledger.html",
        kind=kind,
        year=year,
        unit=unit,
        records=records,
        columns=columns,
        figures=indicators.for_kind(kind, records, as_of),
        as_of=as_of,
        kind_labels=KIND_LABELS,
        units=[u for u in subtree(bureau, active_only=True) if u.id != bureau.id],
        years=sorted({p.year for p in visible_plans(current_user)}, reverse=True),
    )


def _csv(kind: str, year: int | None, records, columns) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Record"), _("Task"), _("Unit"), *[str(label) for label, _f in columns], _("Void")]
    )
    for record in records:
        cells = [
            record.id,
            record.task.title,
            record.unit.name,
            *[value(record) for _label, value in columns],
            record.void_reason if record.is_void else "",
        ]
        # a cell starting with = + - @ would be run as a formula by spreadsheet programs
        writer.writerow(
            ["'" + c if isinstance(c, str) and c and c[0] in "=+-@\t\r" else c for c in cells]
        )
    filename = f"ledger-{kind}-{year or 'all'}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",  # werkzeug adds "; charset=utf-8" to text types
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def get_record_or_404(record_id: int) -> Record:
    return db.get_or_404(Record, record_id)


def _denied(error, obj):
    record_denial(current_user, "record.edit", obj, reason=error.message)
    abort(403)


@bp.route(f"/<{KINDS}:kind>/new", methods=["GET", "POST"])
def create(kind: str):
    task_id = request.args.get("task", "")
    task = db.get_or_404(Task, int(task_id)) if task_id.isdigit() else abort(404)
    require(current_user, "record.edit", task)
    form = FORMS[kind]()
    _fill_choices(form, task.plan.bureau, task)
    if (
        request.method == "GET"
        and kind == "study_session"
        and task.is_principal_duty
        and task.owner_id
    ):
        form.chaired_by_id.data = task.owner_id
    if form.validate_on_submit():
        with refusal_caught() as refusal:
            record = service.create_record(current_user, task, kind, _model_data(form))
        if not refusal:
            flash(_("Record saved."), "success")
            return redirect(url_for("records.show", record_id=record.id))
        if isinstance(refusal.error, TransitionDenied):
            _denied(refusal.error, task)
        show_domain_error(form, refusal.error)
    return render_template(
        "records/form.html", form=form, kind=kind, task=task, record=None, kind_labels=KIND_LABELS
    ), form_status(form)


@bp.route("/<int:record_id>")
def show(record_id: int):
    record = get_record_or_404(record_id)
    require(current_user, "record.read", record)
    return render_template(
        "records/show.html",
        record=record,
        columns=COLUMNS[record.kind],
        details=DETAILS.get(record.kind, []),
        kind_labels=KIND_LABELS,
        step_labels=STEP_LABELS,
        steps=DECISION_STEPS,
        step_forms=_step_forms(record) if record.kind == "decision" else {},
        void_form=VoidForm(),
        certificate_labels=CERTIFICATE_STATUS_LABELS,
        today=clock.today(),
    )


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
def edit(record_id: int):
    record = get_record_or_404(record_id)
    require(current_user, "record.edit", record)
    form = FORMS[record.kind](obj=record)
    _fill_choices(form, record.task.plan.bureau, record.task)
    if request.method == "GET":
        form.version.data = record.version
        for name in ("advisor_id", "chaired_by_id", "speaker_id", "duty_id"):
            if hasattr(form, name):
                getattr(form, name).data = getattr(record, name) or NONE
    conflict = None
    if form.validate_on_submit():
        with refusal_caught() as refusal:
            service.update_record(
                current_user, record, _model_data(form), expected_version=form_version(form)
            )
        if not refusal:
            flash(_("Record saved."), "success")
            return redirect(url_for("records.show", record_id=record.id))
        if isinstance(refusal.error, TransitionDenied):
            _denied(refusal.error, record)
        if refusal.is_conflict:
            record_denial(
                current_user, "record.edit", record, reason=refusal.message, event="record.conflict"
            )
            conflict = refusal.message
            form.version.data = record.version
        else:
            show_domain_error(form, refusal.error)
    status = 409 if conflict else form_status(form)
    return render_template(
        "records/form.html",
        form=form,
        kind=record.kind,
        task=record.task,
        record=record,
        conflict=conflict,
        kind_labels=KIND_LABELS,
    ), status


@bp.route("/<int:record_id>/void", methods=["POST"])
def void(record_id: int):
    record = get_record_or_404(record_id)
    require(current_user, "record.edit", record)
    form = VoidForm()
    if form.validate_on_submit():
        with refusal_caught() as refusal:
            service.void_record(current_user, record, form.reason.data)
        if refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Record voided; it no longer counts."), "success")
    else:
        flash(_("Give a reason."), "danger")
    return redirect(url_for("records.show", record_id=record_id))


def _evidence_choices(attached: list):
    return choices((item.id, item.title or item.original_name or item.url) for item in attached)


def _step_forms(decision) -> dict[str, StepForm]:
    forms = {}
    for name in DECISION_STEPS:
        entry = decision.step(name)
        form = StepForm(prefix=name, obj=entry, formdata=None)
        form.evidence_ids.choices = _evidence_choices(queries.evidence_of(decision))
        form.evidence_ids.data = [item.id for item in entry.evidence] if entry else []
        forms[name] = form
    return forms


@bp.route("/<int:record_id>/steps/<any(" + ", ".join(DECISION_STEPS) + "):step>", methods=["POST"])
def step(record_id: int, step: str):
    record = get_record_or_404(record_id)
    require(current_user, "record.edit", record)
    if record.kind != "decision":
        abort(404)
    form = StepForm(prefix=step)
    attached = {item.id: item for item in queries.evidence_of(record)}
    form.evidence_ids.choices = _evidence_choices(list(attached.values()))
    if form.validate_on_submit():
        with refusal_caught() as refusal:
            service.save_decision_step(
                current_user,
                record,
                step,
                done_on=form.done_on.data,
                note=form.note.data,
                not_applicable_reason=form.not_applicable_reason.data,
                # the form accepts only attached evidence (its choices)
                evidence=[attached[i] for i in form.evidence_ids.data or []],
            )
        if refusal:
            flash(f"{STEP_LABELS[step]}: {refusal.message}", "danger")
        else:
            flash(_("%(step)s saved.", step=STEP_LABELS[step]), "success")
    else:
        flash(_("Enter a valid date."), "danger")
    return redirect(url_for("records.show", record_id=record_id, _anchor=f"step-{step}"))


# -- legal advisors ----------------------------------------------------------------------------


@bp.route("/advisors/")
def advisors():
    require(current_user, "plan.read")
    items = db.session.scalars(
        sa.select(LegalAdvisor)
        .where(LegalAdvisor.bureau_id == current_user.bureau.id)
        .order_by(LegalAdvisor.contract_start.desc())
    )
    return render_template("records/advisors.html", advisors=list(items), today=clock.today())


@bp.route("/advisors/new", methods=["GET", "POST"], defaults={"advisor_id": None})
@bp.route("/advisors/<int:advisor_id>/edit", methods=["GET", "POST"])
def advisor_form(advisor_id: int | None):
    advisor = db.get_or_404(LegalAdvisor, advisor_id) if advisor_id else None
    require(current_user, "advisor.manage", advisor)
    form = AdvisorForm(obj=advisor)
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.save_advisor(
                current_user,
                current_user.bureau,
                advisor,
                firm=form.firm.data,
                person=form.person.data or "",
                contract_start=form.contract_start.data,
                contract_end=form.contract_end.data,
                fee=form.fee.data,
            )
        if not refusal:
            flash(_("Legal advisor saved."), "success")
            return redirect(url_for("records.advisors"))
    return render_template("records/advisor_form.html", form=form, advisor=advisor), form_status(
        form
    )
