"""Importing a plan in the browser: paste the text or upload the .docx, check and edit the
preview, confirm — the draft plan is created in one transaction."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.core import clock
from tracker.core.forms import form_status, refusal_caught
from tracker.core.permissions import require
from tracker.plans import import_service
from tracker.plans.blueprint import bp, get_plan_or_404
from tracker.tasks.labels import KIND_LABELS

if TYPE_CHECKING:
    from tracker.plans.importer.preview import Row

# The importer (the parser, the preview's rows) is imported by the views that read or preview a
# document, not when the application starts: only the plan's coordinator imports, rarely.

log = logging.getLogger(__name__)

#: Uploads the importer reads (a legacy .doc or a PDF is refused with a clear message).
ALLOWED_SUFFIXES = (".docx", ".txt", ".text", ".htm", ".html")
MAX_ROWS = 3000
#: The largest document the browser preview reads (a whole year's plan is well under 1 MB).
MAX_IMPORT_BYTES = 2 * 1024 * 1024

#: Parser remarks shown in the preview (the counts of missing units/deadlines are live instead).
WARNING_MESSAGES = {
    "preamble": _l("Left out as preamble: %(title)s"),
    "empty_section": _l("Section %(title)s has no tasks."),
    "annex_unmatched": _l(
        "%(count)d rows of the table %(caption)s match no task of the text; they were added as "
        "tasks of their own."
    ),
    "no_tasks": _l("No tasks were found: is this the text of a work plan?"),
    "unparsed": _l("This item could not be parsed: %(title)s"),
}
RECURRENCE_LABELS = {
    "": _l("none"),
    "monthly": _l("monthly"),
    "quarterly": _l("quarterly"),
    "half-yearly": _l("half-yearly"),
    "yearly": _l("yearly"),
    "periodic": _l("periodic (定期)"),
}
#: Our role in an item of a higher level's plan (任务分解).
ROLE_LABELS = {
    "lead": _l("We lead"),
    "assist": _l("We assist"),
    "maybe": _l("May concern us"),
    "": _l("Not named"),
}
ORIGIN_LABELS = {
    "preamble": _l("preamble"),
    "intro": _l("introduction"),
    "section_intro": _l("section introduction"),
    "lead_in": _l("lead-in sentence"),
}


class ImportForm(FlaskForm):
    text = TextAreaField(_l("Paste the text of the plan"), validators=[Optional()])
    document = FileField(_l("…or upload the document (.docx or .txt)"))
    year = IntegerField(
        _l("Plan year (leave empty to take the document's)"),
        validators=[Optional(), NumberRange(min=2000, max=2100)],
    )
    title = StringField(_l("Title (leave empty to take the document's)"),
                        validators=[Optional(), Length(max=200)])  # fmt: skip
    decompose = BooleanField(_l("This plan was issued by a higher level (task breakdown)"))
    own_name = StringField(_l("Our bureau's name"), validators=[Optional(), Length(max=100)])


class PreviewForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    document_number = StringField(
        _l("Document number (文号)"), validators=[Optional(), Length(max=100)]
    )
    source_text = HiddenField()
    warnings = HiddenField()
    #: Set when a higher level's plan is decomposed: the bureau's name the items were read for.
    decompose_for = HiddenField()
    source_issuer = StringField(
        _l("Issued by (上级机关)"), validators=[Optional(), Length(max=200)]
    )
    source_title = StringField(
        _l("Title of the upper plan"), validators=[Optional(), Length(max=300)]
    )
    source_document_number = StringField(
        _l("Document number of the upper plan"), validators=[Optional(), Length(max=100)]
    )


def _warning_text(code: str, args: dict) -> str | None:
    message = WARNING_MESSAGES.get(code)
    if message is None:
        return None
    try:
        return str(message) % args
    except (KeyError, TypeError, ValueError):
        return str(message)


def _render_preview(form: PreviewForm, rows: list[Row], bureau, status: int = 200):
    from tracker.plans.importer.preview import RECURRENCE_CHOICES, rows_have_errors

    try:
        warnings = json.loads(form.warnings.data or "[]")
    except ValueError:
        warnings = []
    messages = [m for m in (_warning_text(c, a) for c, a in warnings) if m]
    included = [r for r in rows if r.include]
    summary = {
        "sections": sum(1 for r in included if r.kind == "section"),
        "tasks": sum(1 for r in included if r.is_task),
        "without_lead": sum(1 for r in included if r.is_task and not r.lead_units),
        "unmatched": sorted({n for r in included for n in r.unmatched_units}),
        "without_deadline": sum(1 for r in included if r.missing_deadline),
        "external": sorted({n for r in included for n in r.external_units}),
        "roles": {
            role: sum(1 for r in included if r.is_task and r.upper_role == role)
            for role in ("lead", "assist", "maybe")
        },
    }
    units = [u.name for u in import_service.bureau_units(bureau)]
    return render_template(
        "plans/import_preview.html",
        form=form,
        rows=rows,
        messages=messages,
        summary=summary,
        unit_names=units,
        kind_labels=KIND_LABELS,
        recurrence_labels=RECURRENCE_LABELS,
        recurrences=RECURRENCE_CHOICES,
        origin_labels=ORIGIN_LABELS,
        role_labels=ROLE_LABELS,
        decompose=bool(form.decompose_for.data),
        has_errors=rows_have_errors(rows),
        bureau=bureau,
    ), status


class _TooLarge(Exception):
    """The document is over MAX_IMPORT_BYTES."""


@bp.route("/import", methods=["GET", "POST"])
def import_plan():
    from tracker.plans.importer import UnreadableDocument, document_text, parse_bytes, parse_text
    from tracker.plans.importer.decompose import Bureau, guess_issuer
    from tracker.plans.importer.preview import apply_edits, rows_from_plan

    require(current_user, "plan.import")
    bureau = current_user.bureau
    form = ImportForm()
    if not form.is_submitted():
        form.own_name.data = bureau.name
    if form.validate_on_submit():
        upload = form.document.data
        text = form.text.data or ""
        parsed, source = None, None
        decompose_for = None
        if form.decompose.data:
            own = (form.own_name.data or "").strip() or bureau.name
            decompose_for = Bureau.of([own, *import_service.owner_names(bureau)])
        # an upper plan's unit names are bodies (市民政局), not our units: read them as written
        units = None if decompose_for else import_service.unit_list(bureau)
        owner = None if decompose_for else import_service.owner_names(bureau)
        try:
            if upload is not None and getattr(upload, "filename", ""):
                filename = upload.filename
                if not filename.lower().endswith(ALLOWED_SUFFIXES):
                    form.document.errors = [
                        _("Upload the plan as a .docx or .txt file (a .doc or PDF cannot be read).")
                    ]
                else:
                    data = upload.read(MAX_IMPORT_BYTES + 1)
                    if len(data) > MAX_IMPORT_BYTES:
                        raise _TooLarge
                    parsed = parse_bytes(
                        data, filename, year=form.year.data, units=units, owner=owner
                    )
                    source = document_text(data, filename)
            elif text.strip():
                if len(text.encode("utf-8")) > MAX_IMPORT_BYTES:
                    raise _TooLarge
                parsed = parse_text(text, year=form.year.data, units=units, owner=owner)
                source = text
            else:
                form.form_errors.append(_("Paste the text of the plan or choose a file."))
        except _TooLarge:
            form.form_errors.append(
                _(
                    "The document is larger than %(size)d MB and cannot be previewed. Import the "
                    "part that holds the tasks, or split it into several imports.",
                    size=MAX_IMPORT_BYTES // (1024 * 1024),
                )
            )
            parsed = None
        except UnreadableDocument as error:
            log.info("import refused: %s", error)
            form.document.errors = [
                _("This file cannot be read. Save the plan as .docx or plain text and try again.")
            ]
            parsed = None
        if parsed is not None:
            preview = PreviewForm(formdata=None)
            preview.title.data = form.title.data or parsed.title or ""
            preview.year.data = parsed.year
            preview.document_number.data = parsed.document_number or ""
            preview.source_text.data = source
            preview.warnings.data = json.dumps(
                [[w.code, w.args] for w in parsed.warnings if w.code in WARNING_MESSAGES],
                ensure_ascii=False,
            )
            if decompose_for is not None:
                preview.decompose_for.data = decompose_for.name
                preview.source_title.data = parsed.title or ""
                preview.source_document_number.data = parsed.document_number or ""
                preview.source_issuer.data = guess_issuer(source or "")
                preview.document_number.data = ""
                preview.title.data = form.title.data or _(
                    "%(title)s (task breakdown)", title=parsed.title or ""
                )
            rows = apply_edits(
                rows_from_plan(parsed, decompose_for),
                parsed.year,
                import_service.unit_list(bureau),
                import_service.owner_names(bureau),
            )
            return _render_preview(preview, rows, bureau)
    return render_template("plans/import.html", form=form), form_status(form)


def _clean_children(value) -> list[dict]:
    """Sub-items as the preview posted them back, reduced to well-formed contract fields."""
    from tracker.plans.importer.preview import RECURRENCE_CHOICES

    if not isinstance(value, list):
        return []
    children = []
    for item in value[:200]:
        if not isinstance(item, dict):
            continue

        def text(name: str, limit: int, _item=item) -> str:
            value = _item.get(name)
            return value.strip()[:limit] if isinstance(value, str) else ""

        def names(name: str, _item=item) -> list[str]:
            value = _item.get(name)
            return [n[:100] for n in value if isinstance(n, str)] if isinstance(value, list) else []

        due = text("due_date", 10)
        recurrence = text("recurrence", 20)
        children.append(
            {
                "number": text("number", 20),
                "title": text("title", 300),
                "text": text("text", 20000),
                "lead_units": names("lead_units"),
                "co_units": names("co_units"),
                "unmatched_units": names("unmatched_units"),
                "due_date": due or None,
                "deadline_text": text("deadline_text", 100) or None,
                "continuous": item.get("continuous") is True,
                "recurrence": recurrence if recurrence in RECURRENCE_CHOICES[1:] else None,
                "children": [],
            }
        )
    return children


def _rows_from_form(values) -> list[Row]:
    from tracker.plans.importer.preview import RECURRENCE_CHOICES, Row, split_names

    try:
        count = min(int(values.get("row_count", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    rows = []
    for index in range(count):
        prefix = f"row-{index}-"
        if prefix + "kind" not in values:
            continue

        def get(name: str, default: str = "", _prefix=prefix) -> str:
            return values.get(_prefix + name, default)

        try:
            depth = max(0, min(int(get("depth", "0")), 9))
        except ValueError:
            depth = 0
        try:
            children = _clean_children(json.loads(get("children", "[]") or "[]"))
        except ValueError:
            children = []
        recurrence = get("recurrence")
        rows.append(
            Row(
                kind="section" if get("kind") == "section" else "task",
                depth=depth,
                number=get("number").strip()[:20],
                title=get("title").strip(),
                text=get("text").strip(),
                lead_units=split_names(get("lead")),
                co_units=split_names(get("co")),
                due_date=get("due").strip(),
                deadline_text=get("deadline_text").strip()[:100],
                deadline_parsed=get("deadline_parsed").strip()[:100],
                continuous=bool(get("continuous")),
                recurrence=recurrence if recurrence in RECURRENCE_CHOICES else "",
                task_kind=get("task_kind") if get("task_kind") in KIND_LABELS else "general",
                include=bool(get("include")),
                action=get("action") if get("action") in ("merge", "split") else "",
                children=children,
                split_children=bool(get("split_children")),
                origin=get("origin") or "parsed",
                upper_number=get("upper_number").strip()[:40],
                upper_role=get("upper_role") if get("upper_role") in ROLE_LABELS else "",
                upper_units=get("upper_units").strip()[:500],
            )
        )
    return rows


def _upper_source(form: PreviewForm) -> dict | None:
    """The higher-level plan a decomposed plan comes from, as the preview gives it."""
    if not form.decompose_for.data:
        return None
    return {
        "decompose_for": form.decompose_for.data.strip()[:100],
        "issuer": (form.source_issuer.data or "").strip(),
        "title": (form.source_title.data or "").strip(),
        "document_number": (form.source_document_number.data or "").strip(),
    }


@bp.route("/import/preview", methods=["POST"])
def import_preview():
    from tracker.plans.importer.preview import apply_edits, rows_have_errors, tree_from_rows

    require(current_user, "plan.import")
    bureau = current_user.bureau
    form = PreviewForm()
    year = form.year.data if isinstance(form.year.data, int) else clock.today().year
    rows = apply_edits(
        _rows_from_form(request.form),
        year,
        import_service.unit_list(bureau),
        import_service.owner_names(bureau),
    )
    confirm = request.form.get("do") == "confirm"
    if not form.validate_on_submit():
        return _render_preview(form, rows, bureau, 422)
    if not confirm:
        return _render_preview(form, rows, bureau)
    if rows_have_errors(rows):
        form.form_errors.append(_("Correct the marked rows, then create the plan."))
        return _render_preview(form, rows, bureau, 422)
    tree = tree_from_rows(rows)
    try:
        warnings = [_warning_text(c, a) or c for c, a in json.loads(form.warnings.data or "[]")]
    except ValueError:
        warnings = []
    with refusal_caught(form) as refusal:
        plan = import_service.import_plan(
            current_user,
            bureau=bureau,
            year=form.year.data,
            title=form.title.data,
            tree=tree,
            document_number=form.document_number.data or "",
            source_text=form.source_text.data or None,
            warnings=warnings,
            source=_upper_source(form),
        )
    if refusal:
        return _render_preview(form, rows, bureau, 422)
    flash(
        _(
            "Draft plan created from the document: %(count)d tasks. Check them, then publish.",
            count=import_service.count_tasks(tree),
        ),
        "success",
    )
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/<int:plan_id>/source")
def import_source(plan_id: int):
    """The document a plan was imported from, as it was read."""
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.read", plan)
    if not plan.source_text:
        abort(404)
    return render_template("plans/import_source.html", plan=plan)
