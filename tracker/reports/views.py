"""Report pages: the preview with its sources, editing a part, the signature, downloads."""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.audit.service import record_denial
from tracker.core.forms import EmptyForm, choices, form_status, refusal_caught, show_domain_error
from tracker.core.permissions import require
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.labels import KIND_LABELS as RECORD_KIND_LABELS
from tracker.records.models import Record
from tracker.reports import layout, queries, service
from tracker.reports.builder import PART_KEYS, Report
from tracker.reports.forms import (
    CauseListForm,
    PartForm,
    ReportSettingsForm,
    RevisionForm,
    SignatureForm,
    StructuralNoteForm,
    revision_id,
)
from tracker.reports.labels import PART_LABELS, warning_message
from tracker.reports.models import ReportRevision, ReportSettings
from tracker.reports.render import FORMATS, render
from tracker.reports.render_html import render_html
from tracker.tasks import causes
from tracker.tasks.labels import STATUS_LABELS
from tracker.tasks.models import CauseStatement, Task

bp = Blueprint("reports", __name__)


@bp.app_template_test("orphaning")
def _orphaning(heading: str) -> bool:
    """`{% if heading is orphaning %}`: set the heading tight (see layout.orphans_a_character)."""
    return layout.orphans_a_character(heading)


def get_plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


# -- the preview -------------------------------------------------------------------------------


@dataclass
class SourceEntry:
    """One numbered entry of the page's list of sources: a run of sentences of a paragraph
    drawn from the same tasks, records and evidence."""

    ref: int
    sentences: list = field(default_factory=list)

    @property
    def first(self):
        return self.sentences[0]

    @property
    def figures(self) -> list:
        return [f for s in self.sentences for f in s.figures]

    @property
    def unsourced(self) -> list[str]:
        return [n for s in self.sentences for n in s.unsourced]


def _number_sentences(report: Report) -> list[SourceEntry]:
    """Number the sentences that have sources for the page's list of sources: consecutive
    sentences of a paragraph drawn from the same sources share one number, written after the
    last of them."""
    entries: list[SourceEntry] = []
    for part in report.all_parts():
        for paragraph in part.all_paragraphs():
            run: SourceEntry | None = None
            for sentence in paragraph.sentences:
                if not (sentence.has_sources or sentence.figures):
                    run = None
                    continue
                if run is not None and run.first.source_key == sentence.source_key:
                    run.sentences[-1].show_ref = False
                else:
                    run = SourceEntry(len(entries) + 1)
                    entries.append(run)
                    sentence.anchor = True
                run.sentences.append(sentence)
                sentence.ref = run.ref
                sentence.show_ref = True
    return entries


#: Sources listed by name under each sentence; the rest are counted (the compliance workbook's
#: "Report sources" sheet lists them all): a figure of a large plan cites thousands of tasks.
SOURCES_LISTED = 50


def _sources(entries: list[SourceEntry]) -> dict:
    """Names of the tasks, records and evidence the entries list (three queries)."""
    task_ids = {i for e in entries for i in e.first.task_ids[:SOURCES_LISTED]}
    record_ids = {i for e in entries for i in e.first.record_ids[:SOURCES_LISTED]}
    evidence_ids = {i for e in entries for i in e.first.evidence_ids[:SOURCES_LISTED]}
    tasks = {}
    if task_ids:
        rows = db.session.execute(
            sa.select(Task.id, Task.number, Task.title, Task.status).where(Task.id.in_(task_ids))
        )
        tasks = {r.id: r for r in rows}
    records = {}
    if record_ids:
        rows = db.session.execute(
            sa.select(Record.id, Record.kind, Record.summary, Record.occurred_on).where(
                Record.id.in_(record_ids)
            )
        )
        records = {r.id: r for r in rows}
    evidence = {}
    if evidence_ids:
        rows = db.session.execute(
            sa.select(
                Evidence.id,
                Evidence.kind,
                Evidence.title,
                Evidence.original_name,
                Evidence.url,
                Evidence.review_status,
            ).where(Evidence.id.in_(evidence_ids))
        )
        evidence = {r.id: r for r in rows}
    return {"tasks": tasks, "records": records, "evidence": evidence, "listed": SOURCES_LISTED}


def _show_page(
    plan: Plan,
    signature_form: SignatureForm | None = None,
    status: int = 200,
    note_form: StructuralNoteForm | None = None,
    cause_list_form: CauseListForm | None = None,
):
    report = queries.report_for_plan(plan)
    note_form = note_form or StructuralNoteForm()
    note_form.cause.choices = choices(
        [("", _("(choose)"))] + [(c, c) for c in causes.cause_choices(plan.bureau)]
    )
    cause_list_form = cause_list_form or CauseListForm(
        labels="\n".join(causes.cause_choices(plan.bureau))
    )
    entries = _number_sentences(report)
    draft = queries.draft_of(plan)
    if signature_form is None:
        signature_form = SignatureForm(
            signatory=draft.signatory if draft else "",
            signed_on=draft.signed_on if draft else None,
        )
    return render_template(
        "reports/show.html",
        plan=plan,
        report=report,
        draft=draft,
        entries=entries,
        sources=_sources(entries),
        warnings=[(w, warning_message(w)) for w in report.warnings],
        part_labels=PART_LABELS,
        record_kind_labels=RECORD_KIND_LABELS,
        status_labels=STATUS_LABELS,
        signature_form=signature_form,
        note_form=note_form,
        cause_list_form=cause_list_form,
        structural_notes=causes.structural_notes_of(plan),
        action_form=EmptyForm(),
        indents=layout.signature_indents(report.signatory, report.signed_on_text),
        formats=list(FORMATS),
        other_part=report.part("other"),
    ), status


@bp.route("/plans/<int:plan_id>/report")
def show(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.view", plan)
    return _show_page(plan)


@bp.route("/plans/<int:plan_id>/report/print")
def print_view(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.view", plan)
    return render_html(queries.report_for_plan(plan), inline_css=False)


def _send(report: Report, fmt: str):
    return send_file(
        io.BytesIO(render(report, fmt)),
        mimetype=FORMATS[fmt],
        as_attachment=True,
        download_name=f"{report.title}.{fmt}",
        max_age=0,
    )


@bp.route("/plans/<int:plan_id>/report.<any(docx, pdf, html, md):fmt>")
def download(plan_id: int, fmt: str):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.view", plan)
    return _send(queries.report_for_plan(plan), fmt)


@bp.route("/plans/<int:plan_id>/statement.<any(docx, pdf, html, md):fmt>")
def statement(plan_id: int, fmt: str):
    """The principal's 述法 report of the plan's year."""
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.view", plan)
    return _send(queries.statement_for_plan(plan), fmt)


# -- editing -------------------------------------------------------------------------------------


def _part_or_404(part: str) -> str:
    if part not in PART_KEYS:
        abort(404)
    return part


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """Line changes from the generated text the edit was made on to today's: (mark, line)."""
    rows = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        mark, text = line[:1], line[2:]
        if mark in ("+", "-"):
            rows.append((mark, text))
        elif mark == " ":
            rows.append(("", text))
    return rows


@bp.route("/plans/<int:plan_id>/report/parts/<part>/edit", methods=["GET", "POST"])
def edit(plan_id: int, part: str):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.edit", plan)
    part = _part_or_404(part)
    report = queries.report_for_plan(plan)
    shown = report.part(part)
    draft = queries.draft_of(plan)
    current = draft.latest(part) if draft else None
    form = PartForm()
    conflict = None
    if request.method == "GET":
        form.text.data = shown.plain_text()
        form.revision.data = str(current.id if current else 0)
    elif form.validate_on_submit():
        with refusal_caught() as refusal:
            saved = service.save_part(
                current_user,
                plan,
                part,
                form.text.data or "",
                note=form.note.data or "",
                expected_revision_id=revision_id(form),
            )
        if not refusal:
            if saved is None:
                flash(_("Nothing changed."), "info")
            else:
                flash(_("Saved: the report now uses your text for this part."), "success")
            return redirect(url_for("reports.show", plan_id=plan.id, _anchor=f"part-{part}"))
        if refusal.is_conflict:
            record_denial(
                current_user, "report.edit", plan, reason=refusal.message, event="report.conflict"
            )
            conflict = refusal.message
            form.revision.data = str(current.id if current else 0)  # saving again overwrites
        else:
            show_domain_error(form, refusal.error)
    revisions = [r for r in queries.revisions_of(draft) if r.part == part]
    edit_state = shown.edit
    changes = _diff(edit_state.base_text, shown.generated_text) if edit_state else []
    status = 409 if conflict else form_status(form)
    return render_template(
        "reports/edit.html",
        plan=plan,
        report=report,
        part=shown,
        part_key=part,
        part_label=PART_LABELS[part],
        form=form,
        revision_form=RevisionForm(revision=str(current.id if current else 0)),
        revisions=list(reversed(revisions)),
        current=current,
        conflict=conflict,
        changes=changes,
        warnings=[warning_message(w) for w in report.warnings if w.part_key == part],
    ), status


@bp.route("/plans/<int:plan_id>/report/parts/<part>/reset", methods=["POST"])
def reset(plan_id: int, part: str):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.edit", plan)
    part = _part_or_404(part)
    form = RevisionForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal_caught() as refusal:
        done = service.reset_part(current_user, plan, part, expected_revision_id=revision_id(form))
    if refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("reports.edit", plan_id=plan.id, part=part))
    if done is not None:
        flash(
            _("The part uses the generated text again; your text is kept as a revision."),
            "success",
        )
    return redirect(url_for("reports.show", plan_id=plan.id, _anchor=f"part-{part}"))


@bp.route("/plans/<int:plan_id>/report/revisions/<int:revision_id>/restore", methods=["POST"])
def restore(plan_id: int, revision_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.edit", plan)
    revision = db.get_or_404(ReportRevision, revision_id)
    if revision.draft.plan_id != plan.id:
        abort(404)
    if not RevisionForm().validate_on_submit():
        abort(400)
    with refusal_caught() as refusal:
        done = service.restore_revision(current_user, plan, revision)
    if refusal:
        flash(refusal.message, "danger")
    else:
        if done is not None:
            flash(_("Revision restored."), "success")
        else:
            flash(_("Nothing changed."), "info")
    return redirect(url_for("reports.edit", plan_id=plan.id, part=revision.part))


@bp.route("/plans/<int:plan_id>/report/notes", methods=["POST"])
def add_note(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.edit", plan)
    form = StructuralNoteForm()
    if form.validate_on_submit():
        given = causes.CauseInput(
            form.cause.data or "", form.explanation.data or "", form.remedy.data or ""
        )
        with refusal_caught(form) as refusal:
            causes.state_structural_note(current_user, plan, given)
        if not refusal:
            flash(_("Note saved: part 2 draws on it."), "success")
            return redirect(url_for("reports.show", plan_id=plan.id, _anchor="notes"))
    return _show_page(plan, status=422, note_form=form)


@bp.route("/plans/<int:plan_id>/report/causes", methods=["POST"])
def cause_list(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.edit", plan)
    form = CauseListForm()
    if form.validate_on_submit():
        labels = (form.labels.data or "").splitlines()
        with refusal_caught(form) as refusal:
            causes.set_delay_causes(current_user, plan.bureau, labels)
        if not refusal:
            flash(_("The list of causes is saved."), "success")
            return redirect(url_for("reports.show", plan_id=plan.id, _anchor="notes"))
    return _show_page(plan, status=422, cause_list_form=form)


@bp.route("/plans/<int:plan_id>/report/notes/<int:note_id>/delete", methods=["POST"])
def delete_note(plan_id: int, note_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.edit", plan)
    note = db.session.get(CauseStatement, note_id)
    if note is None or note.plan_id != plan.id or note.task_id is not None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_caught() as refusal:
        causes.delete_structural_note(current_user, note)
    if refusal:
        abort(403)
    flash(_("Note deleted."), "success")
    return redirect(url_for("reports.show", plan_id=plan.id, _anchor="notes"))


@bp.route("/plans/<int:plan_id>/report/signature", methods=["POST"])
def signature(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "report.edit", plan)
    form = SignatureForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.save_signature(
                current_user,
                plan,
                signatory=form.signatory.data or "",
                signed_on=form.signed_on.data,
            )
        if not refusal:
            flash(_("Signature saved."), "success")
            return redirect(url_for("reports.show", plan_id=plan.id, _anchor="signature"))
    return _show_page(plan, form, form_status(form))


# -- the bureau's report settings ----------------------------------------------------------------


@bp.route("/report-settings", methods=["GET", "POST"])
def settings():
    """How the own bureau's (or the city office's) reports speak, whatever the plan."""
    bureau = current_user.bureau
    require(current_user, "report.settings", bureau)
    current = queries.report_settings_of(bureau)
    form = ReportSettingsForm(obj=current)
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.save_report_settings(
                current_user,
                bureau,
                **{name: form[name].data or "" for name in ReportSettings.FIELDS},
            )
        if not refusal:
            flash(_("Report settings saved."), "success")
            return redirect(url_for("reports.settings"))
    plan = db.session.scalar(
        sa.select(Plan)
        .where(Plan.bureau_id == bureau.id, Plan.status != "draft")
        .order_by(Plan.year.desc(), Plan.id.desc())
        .limit(1)
    )
    # how the latest plan's report opens with the saved settings
    report, without_tasks = queries.opening_preview(plan) if plan is not None else (None, False)
    return render_template(
        "reports/settings.html",
        form=form,
        bureau=bureau,
        settings=current,
        plan=plan,
        report=report,
        without_tasks=without_tasks,
        default_we="我市" if bureau.kind == "city" else "我局",
    ), form_status(form)
