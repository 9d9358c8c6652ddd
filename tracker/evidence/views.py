"""Evidence routes: attach, withdraw, replace, review, download and preview; the panel shown on
task and record pages (`evidence_panel(target)` in templates)."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from tracker.accounts.sessions import is_safe_next
from tracker.audit.service import record_denial
from tracker.core import drafts, storage
from tracker.core.db import begin_write
from tracker.core.errors import render_error
from tracker.core.forms import Refusal, as_id, choices, refusal_caught
from tracker.core.permissions import can, require
from tracker.core.transactions import keep_refusal_record
from tracker.evidence import filetypes, queries, service
from tracker.evidence.forms import (
    LinkExistingForm,
    LinkForm,
    NoteForm,
    ReviewForm,
    SupersedeForm,
    UploadForm,
    WithdrawForm,
)
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.records.models import Record
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

bp = Blueprint("evidence", __name__, url_prefix="/evidence")

#: Session key for the values of a refused link or note form (see _keep_draft).
DRAFT_KEY = "evidence_draft"

#: Downloads and previews may not run or load anything, whatever a browser makes of them.
DOWNLOAD_CSP = "default-src 'none'"
#: A preview is framed by Duban's own page (the evidence panel) and nothing else; the file
#: itself still runs nothing (a PDF shows in the browser's own viewer).
PREVIEW_CSP = "default-src 'none'; frame-ancestors 'self'"
PDF_SIGNATURE = b"%PDF-"


def get_evidence_or_404(evidence_id: int) -> Evidence:
    return db.get_or_404(Evidence, evidence_id)


def _load_target() -> Task | Record:
    """The task or record named by the form's `task` or `record` field (exactly one)."""
    task_id = request.form.get("task", "").strip()
    record_id = request.form.get("record", "").strip()
    if bool(task_id) == bool(record_id) or as_id(task_id or record_id) is None:
        abort(400)
    if task_id:
        return db.get_or_404(Task, as_id(task_id))
    return db.get_or_404(Record, as_id(record_id))


def _require_any(action: str, evidence: Evidence):
    """Go on only if the user may perform `action` on one of the evidence's tasks or records;
    return that one."""
    for target in evidence.targets:
        if can(current_user, action, target):
            return target
    record_denial(current_user, action, evidence)
    abort(403)


def _require_all(action: str, evidence: Evidence) -> None:
    """Go on only if the user may perform `action` on every task and record it proves."""
    targets = evidence.targets
    if not targets:
        record_denial(current_user, action, evidence)
        abort(403)
    for target in targets:
        require(current_user, action, target)


def target_url(target: Task | Record) -> str:
    """The page that shows the target's evidence panel."""
    if isinstance(target, Record):
        return url_for("records.show", record_id=target.id)
    return url_for("tasks.show", task_id=target.id)


def panel_of(target: Task | Record) -> tuple[str, str]:
    """The form field naming the target ("task" or "record") and the id of its evidence panel
    on its page (the anchor the panel's forms come back to)."""
    field = "record" if isinstance(target, Record) else "task"
    return field, f"ev-{field}{target.id}"


def _back_url(target: Task | Record | None) -> str:
    next_url = request.form.get("next", "")
    if is_safe_next(next_url):
        return next_url
    if target is None:
        return url_for("home.index")
    return target_url(target) + "#evidence"


def _back(target: Task | Record | None):
    url = _back_url(target)
    if g.get("evidence_panel_message") and "#" in url:
        # straight to the message at the top of the panel (templates/evidence/_panel.html)
        url += "-message"
    return redirect(url)


#: Flash categories "<level> evidence:<Task|Record>:<id>" are shown inside that evidence panel
#: (templates/evidence/_panel.html), not at the top of the page (base.html).
PANEL_CATEGORY = "evidence:"


def _say(target: Task | Record | None, message: str, level: str) -> None:
    """Flash `message` where the user will look: the redirect scrolls to the evidence panel of
    the target's page, so the message goes into that panel; elsewhere (a queue page given as
    `next`) at the top of the page as usual."""
    category = level
    if target is not None and _back_url(target).split("#")[0] == target_url(target):
        category = f"{level} {PANEL_CATEGORY}{_target_tag(target)}"
        g.evidence_panel_message = True
    flash(message, category)


def _refused(form, target):
    """Flash what is wrong with the form and return to the page it came from."""
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if field is not None and name != "csrf_token" else ""
        for error in errors:
            _say(target, f"{label}: {error}" if label else str(error), "danger")
    return _back(target)


def _failed(refusal: Refusal, target):
    """Say why the service refused the change (413 for a file over the limit)."""
    if isinstance(refusal.error, service.FileTooLarge):
        abort(413)
    log.info("evidence change refused for %s: %s", current_user.username, refusal.message)
    _say(target, refusal.message, "danger")
    return _back(target)


# -- attaching -------------------------------------------------------------------------------


@bp.route("/upload", methods=["POST"])
def upload():
    target = _load_target()
    require(current_user, "evidence.add", target)
    form = UploadForm()
    if not form.validate_on_submit():
        return _refused(form, target)
    upload_file = form.file.data
    with refusal_caught() as refusal:
        evidence = service.add_file(
            current_user,
            target,
            filename=upload_file.filename,
            stream=upload_file.stream,
            title=form.title.data or "",
        )
    if refusal:
        return _failed(refusal, target)
    if evidence.reused:
        _say(target, _("“%(name)s” is already attached here.", name=evidence.original_name), "info")
    else:
        _say(target, _("“%(name)s” attached.", name=evidence.original_name), "success")
    return _back(target)


def _target_tag(target) -> str:
    return f"{type(target).__name__}:{target.id}"


def _keep_draft(kind: str, target, **values) -> None:
    """Keep what was typed into a refused form; the panel offers it again, the form open.
    The text stays on the server (core.drafts): the cookie holds only the draft's id."""
    session[DRAFT_KEY] = drafts.keep(
        current_user.id, f"evidence.{kind}", _target_tag(target), values.items()
    )


@bp.route("/link", methods=["POST"])
def add_link():
    target = _load_target()
    require(current_user, "evidence.add", target)
    form = LinkForm()
    if not form.validate_on_submit():
        _keep_draft("link", target, url=form.url.data, title=form.title.data)
        return _refused(form, target)
    with refusal_caught() as refusal:
        evidence = service.add_link(
            current_user, target, url=form.url.data, title=form.title.data or ""
        )
    if refusal:
        _keep_draft("link", target, url=form.url.data, title=form.title.data)
        return _failed(refusal, target)
    if evidence.reused:
        _say(target, _("This address is already attached here."), "info")
    else:
        _say(target, _("Link attached."), "success")
    return _back(target)


@bp.route("/note", methods=["POST"])
def add_note():
    target = _load_target()
    require(current_user, "evidence.add", target)
    form = NoteForm()
    if not form.validate_on_submit():
        _keep_draft("note", target, text=form.text.data, title=form.title.data)
        return _refused(form, target)
    with refusal_caught() as refusal:
        service.add_note(current_user, target, text=form.text.data, title=form.title.data or "")
    if refusal:
        _keep_draft("note", target, text=form.text.data, title=form.title.data)
        return _failed(refusal, target)
    _say(target, _("Note attached."), "success")
    return _back(target)


@bp.route("/link-existing", methods=["POST"])
def link_existing():
    target = _load_target()
    require(current_user, "evidence.add", target)
    form = LinkExistingForm()
    form.evidence_id.validate_choice = False  # checked below, by permission
    evidence_id = as_id(form.evidence_id.data) if form.validate_on_submit() else None
    if not evidence_id:
        _say(target, _("Choose the evidence to attach."), "danger")
        return _back(target)
    evidence = get_evidence_or_404(evidence_id)
    _require_any("evidence.read", evidence)
    with refusal_caught() as refusal:
        service.link_existing(current_user, evidence, target)
    if refusal:
        return _failed(refusal, target)
    _say(target, _("“%(title)s” is now attached here as well.", title=evidence.title), "success")
    return _back(target)


# -- changing --------------------------------------------------------------------------------


@bp.route("/<int:evidence_id>/withdraw", methods=["POST"])
def withdraw(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    _require_all("evidence.add", evidence)
    target = evidence.targets[0]
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _refused(form, target)
    with refusal_caught() as refusal:
        service.withdraw(current_user, evidence, form.reason.data)
    if refusal:
        return _failed(refusal, target)
    _say(target, _("“%(title)s” withdrawn.", title=evidence.title), "success")
    return _back(target)


@bp.route("/<int:evidence_id>/supersede", methods=["POST"])
def supersede(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    _require_all("evidence.add", evidence)
    target = evidence.targets[0]
    form = SupersedeForm()
    if not form.validate_on_submit():
        return _refused(form, target)
    upload_file = form.file.data
    with refusal_caught() as refusal:
        newer = service.supersede(
            current_user, evidence, filename=upload_file.filename, stream=upload_file.stream
        )
    if refusal:
        return _failed(refusal, target)
    _say(target, _("New version “%(name)s” uploaded.", name=newer.original_name), "success")
    return _back(target)


@bp.route("/<int:evidence_id>/review", methods=["POST"])
def review(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    target = _require_any("evidence.review", evidence)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _refused(form, target)
    with refusal_caught() as refusal:
        service.review(current_user, evidence, form.verdict.data, form.note.data or "")
    if refusal:
        return _failed(refusal, target)
    _say(target, _("Review saved."), "success")
    return _back(target)


# -- reading ---------------------------------------------------------------------------------


def _send(evidence: Evidence, *, as_attachment: bool, framed: bool = False):
    if not storage.has_blob(evidence.sha256):
        log.error("evidence %s: blob %s is missing", evidence.id, evidence.sha256)
        abort(404)
    if not storage.is_intact(evidence.sha256):
        # Never hand out bytes that are not what was uploaded: say so, record it, tell admins.
        evidence_id = evidence.id
        begin_write(db.session)
        service.report_damaged(current_user, db.session.get(Evidence, evidence_id))
        keep_refusal_record()
        return render_error(
            409,
            _(
                "This file is damaged in the evidence store and is not shown. The "
                "administrators have been told; uploading the original file again repairs it."
            ),
        )
    response = send_file(
        storage.blob_path(evidence.sha256),
        mimetype="application/octet-stream",
        as_attachment=as_attachment,
        download_name=evidence.original_name,
        etag=evidence.sha256,
        conditional=True,
        max_age=0,
    )
    # As sniffed at upload, charset included (send_file would add a second one to text/*).
    response.headers["Content-Type"] = evidence.content_type or "application/octet-stream"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = PREVIEW_CSP if framed else DOWNLOAD_CSP
    if framed:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/<int:evidence_id>/download")
def download(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    _require_any("evidence.read", evidence)
    if evidence.kind != "file" or not evidence.sha256:
        abort(404)
    return _send(evidence, as_attachment=True)


@bp.route("/<int:evidence_id>/preview")
def preview(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    _require_any("evidence.read", evidence)
    if not evidence.is_previewable or not evidence.sha256:
        abort(404)
    # The type was sniffed at upload; look again, in case the stored bytes were changed since.
    try:
        with storage.open_blob(evidence.sha256) as handle:
            head = handle.read(16)
    except FileNotFoundError:
        abort(404)
    signatures = (
        (PDF_SIGNATURE,) if evidence.is_pdf else (filetypes.PNG_SIGNATURE, filetypes.JPEG_SIGNATURE)
    )
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(signatures):
        log.error("evidence %s: stored file no longer looks like its type", evidence.id)
        abort(404)
    return _send(evidence, as_attachment=False, framed=True)


# -- the panel -------------------------------------------------------------------------------


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def _unique_ids(form, prefix: str):
    """Give the form's fields page-unique ids (several panels and forms share a page)."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


def _is_open(target: Task | Record) -> bool:
    if isinstance(target, Record) and target.is_void:
        return False
    return service.task_of(target).plan.status != "closed"


@bp.app_template_global()
def evidence_panel(target: Task | Record) -> Markup:
    """The evidence of a task or record with the forms to add to it, as HTML."""
    if target is None or not can(current_user, "evidence.read", target):
        return Markup("")
    field, uid = panel_of(target)
    show_hidden = request.args.get("evidence") == "all"
    items = queries.evidence_for(target, include_hidden=show_hidden)
    may_add = can(current_user, "evidence.add", target) and _is_open(target)
    # back to the target's own page: the page may have been rendered by a POST (a refused
    # workflow step), whose URL does not answer GET
    next_url = target_url(target) + "#" + uid
    draft = None
    kept = drafts.find(session.get(DRAFT_KEY), current_user.id)
    if kept is not None and kept.page == _target_tag(target):
        # shown once; the row itself expires with the other drafts (no write while drawing)
        session.pop(DRAFT_KEY)
        draft = {"kind": kept.kind.removeprefix("evidence."), **drafts.values(kept)}
    return Markup(
        render_template(
            "evidence/_panel.html",
            target=target,
            field=field,
            uid=uid,
            items=items,
            show_hidden=show_hidden,
            may_add=may_add,
            may_manage={
                e.id: _is_open_all(e) and queries.may_manage(current_user, e) for e in items
            },
            may_review={e.id: queries.may_review(current_user, e) for e in items},
            next_url=next_url,
            open_form=draft["kind"] if draft else None,
            draft_form=_add_form(draft["kind"], target, next_url, _draft_values(draft))
            if draft
            else None,
            add_labels=_add_labels(),
            accept=ACCEPT,
            max_upload_mb=current_app.config["MAX_UPLOAD_MB"],
            human_size=human_size,
        )
    )


#: The panel's three forms to add evidence: the form and the prefix of its fields' ids.
_ADD_FORMS = {
    "file": (UploadForm, "-upload"),
    "link": (LinkForm, "-link"),
    "note": (NoteForm, "-note"),
}

#: The file types an upload offers to choose from (the browser's file dialog).
ACCEPT = ",".join("." + ext for ext in filetypes.EXTENSIONS)


def _add_labels() -> dict[str, str]:
    return {"file": _("Upload a file"), "link": _("Add a link"), "note": _("Add a note")}


def _add_form(kind: str, target: Task | Record, next_url: str, values: dict | None = None):
    """The empty (or refused and offered again) form to add a `kind` of evidence to `target`."""
    form_class, suffix = _ADD_FORMS[kind]
    field, uid = panel_of(target)
    form = form_class(formdata=None, **{field: target.id, "next": next_url}, **(values or {}))
    return _unique_ids(form, uid + suffix)


@bp.route("/add/<any(file, link, note):kind>")
def add_form(kind: str):
    """One form to add evidence, asked for when the user opens it in the evidence panel
    (htmx) instead of drawn with every task and record page; without htmx, a page of its own."""
    target = _target_of_args()
    require(current_user, "evidence.add", target)
    if not _is_open(target):
        abort(409)
    field, uid = panel_of(target)
    next_url = target_url(target) + "#" + uid
    fragment = request.headers.get("HX-Request") == "true"
    return render_template(
        "evidence/_add_form.html" if fragment else "evidence/add_form.html",
        kind=kind,
        form=_add_form(kind, target, next_url),
        target=target,
        field=field,
        next_url=next_url,
        heading=_add_labels()[kind],
        accept=ACCEPT,
        max_upload_mb=current_app.config["MAX_UPLOAD_MB"],
    )


def _target_of_args() -> Task | Record:
    """The task or record named by the query's `task` or `record` argument (exactly one)."""
    task_id, record_id = request.args.get("task", ""), request.args.get("record", "")
    if bool(task_id) == bool(record_id) or as_id(task_id or record_id) is None:
        abort(400)
    if task_id:
        return db.get_or_404(Task, as_id(task_id))
    return db.get_or_404(Record, as_id(record_id))


@bp.route("/attachable")
def attachable():
    """The choices to attach evidence already in the system to a task or record: asked for
    when the user opens them in the evidence panel (htmx), not drawn with every page; without
    htmx, a page of its own."""
    target = _target_of_args()
    require(current_user, "evidence.add", target)
    field, uid = panel_of(target)
    next_url = target_url(target) + "#" + uid
    reusable = queries.reusable_for(current_user, target) if _is_open(target) else []
    form = _unique_ids(
        LinkExistingForm(formdata=None, **{field: target.id, "next": next_url}), uid + "-existing"
    )
    form.evidence_id.choices = choices(
        [(e.id, f"{e.title} · {e.original_name or e.url or _('note')}") for e in reusable]
    )
    fragment = request.headers.get("HX-Request") == "true"
    return render_template(
        "evidence/_attachable.html" if fragment else "evidence/attachable.html",
        target=target,
        field=field,
        next_url=next_url,
        form=form,
        has_reusable=bool(reusable),
    )


def _draft_values(draft: dict) -> dict:
    return {k: v for k, v in draft.items() if k not in ("kind", "target")}


def _is_open_all(evidence: Evidence) -> bool:
    return all(_is_open(t) for t in evidence.targets)
