"""Evidence writes: attach files, links and notes; link, withdraw, supersede and review them.

Every function takes the acting user first, flushes, records an audit event and never commits.
A file is written to the blob store before its row; should the transaction then end without a
commit (a refused step, a failed commit, a crash), the blob it wrote is removed again unless
some committed row uses it, so a failed upload leaves neither a row nor a file behind.
"""

from __future__ import annotations

import logging
from typing import BinaryIO
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from tracker.accounts.models import User
from tracker.accounts.queries import chiefs_of
from tracker.audit.service import log_event
from tracker.core import clock, storage
from tracker.core.db import write_intent
from tracker.core.exceptions import DomainError
from tracker.core.urls import link_to
from tracker.evidence import filetypes
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.extensions import db
from tracker.records.models import Record
from tracker.reminders.inbox import notify
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

Target = Task | Record
VERDICTS = ("verified", "rejected")
MAX_NOTE_LENGTH = 5000
MAX_URL_LENGTH = 2000
MAX_REASON_LENGTH = 300


class FileTooLarge(DomainError):
    """The file is larger than MAX_UPLOAD_MB (HTTP 413)."""


# -- targets ---------------------------------------------------------------------------------


def target_ref(target: Target) -> dict:
    """How an audit event names the task or record."""
    if isinstance(target, Record):
        return {"record_id": target.id}
    return {"task_id": target.id}


def task_of(target: Target) -> Task:
    return target.task if isinstance(target, Record) else target


def _check_target_open(target: Target) -> None:
    """Evidence of a closed plan's tasks and of voided records is frozen."""
    if isinstance(target, Record) and target.is_void:
        raise DomainError(_("This record is void: its evidence can no longer be changed."))
    if task_of(target).plan.status == "closed":
        raise DomainError(_("The plan is closed: its evidence can no longer be changed."))


def _link_of(evidence: Evidence, target: Target) -> EvidenceLink | None:
    key = "record_id" if isinstance(target, Record) else "task_id"
    return next((link for link in evidence.links if getattr(link, key) == target.id), None)


def _add_link(actor, evidence: Evidence, target: Target) -> EvidenceLink:
    link = EvidenceLink(
        evidence=evidence,
        task=None if isinstance(target, Record) else target,
        record=target if isinstance(target, Record) else None,
        created_by_id=getattr(actor, "id", None),
        created_at=clock.now(),
    )
    db.session.add(link)
    db.session.flush()
    return link


def _attached(target: Target, **where) -> Evidence | None:
    """Current evidence linked to `target` with the given column values, if any."""
    column = EvidenceLink.record_id if isinstance(target, Record) else EvidenceLink.task_id
    query = (
        sa.select(Evidence)
        .join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
        .where(
            column == target.id,
            Evidence.withdrawn_at.is_(None),
            Evidence.superseded_by_id.is_(None),
        )
        .order_by(Evidence.id)
        .limit(1)
    )
    for name, value in where.items():
        query = query.where(getattr(Evidence, name) == value)
    return db.session.scalar(query)


# -- the blob store, tied to the transaction -------------------------------------------------

_NEW_BLOBS = "evidence_new_blobs"


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024)


def _store(filename: str | None, stream: BinaryIO) -> tuple[storage.StoredBlob, filetypes.Verdict]:
    """Check the name, stream the content into the store and check the content."""
    filetypes.check_name(filename)  # refuse a bad name before reading anything
    verdicts: list[filetypes.Verdict] = []
    try:
        blob = storage.put(
            stream,
            max_bytes=max_upload_bytes(),
            inspect=lambda path, size: verdicts.append(filetypes.check(path, size, filename)),
        )
    except storage.BlobTooLarge as error:
        raise FileTooLarge(
            _(
                "The file is larger than the limit of %(limit)s MB.",
                limit=current_app.config["MAX_UPLOAD_MB"],
            ),
            field="file",
        ) from error
    if blob.is_new:
        db.session.info.setdefault(_NEW_BLOBS, set()).add(blob.sha256)
    return blob, verdicts[0]


@sa.event.listens_for(Session, "after_commit")
def _blobs_committed(session: Session) -> None:
    session.info.pop(_NEW_BLOBS, None)


@sa.event.listens_for(Session, "after_transaction_end")
def _blobs_abandoned(session: Session, transaction) -> None:
    if transaction.parent is not None or not session.info.get(_NEW_BLOBS):
        return
    _discard_unused_blobs(session.info.pop(_NEW_BLOBS))


def _discard_unused_blobs(hashes: set[str]) -> None:
    """Remove blobs written by a transaction that did not commit, unless a row uses them
    (another upload of the same content may have committed meanwhile)."""
    token = write_intent.set(False)
    try:
        with db.engine.connect() as connection:
            used = set(
                connection.scalars(
                    sa.select(Evidence.sha256).where(Evidence.sha256.in_(sorted(hashes)))
                )
            )
    except Exception:  # noqa: BLE001 - keep the files: an orphan is harmless, a lost file is not
        log.warning("could not check %d abandoned blobs; kept them", len(hashes), exc_info=True)
        return
    finally:
        write_intent.reset(token)
    for sha256 in sorted(hashes - used):
        storage.remove_blob(sha256)
        log.info("removed blob %s of an upload that was not committed", sha256)


# -- adding ----------------------------------------------------------------------------------


def _file_evidence(
    actor, blob: storage.StoredBlob, verdict: filetypes.Verdict, *, title: str
) -> Evidence:
    """The row for a stored, checked file (flushed, not yet linked)."""
    evidence = Evidence(
        kind="file",
        title=title,
        original_name=verdict.name,
        size=blob.size,
        content_type=verdict.content_type,
        sha256=blob.sha256,
        uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=clock.now(),
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def _stem(name: str) -> str:
    stem, dot, _extension = name.rpartition(".")
    return stem if dot and stem else name


def add_file(
    actor, target: Target, *, filename: str | None, stream: BinaryIO, title: str = ""
) -> Evidence:
    """Attach an uploaded file to a task or record; the same content already attached there is
    returned as it is (with `reused` set) instead of being attached twice."""
    _check_target_open(target)
    blob, verdict = _store(filename, stream)
    existing = _attached(target, kind="file", sha256=blob.sha256)
    if existing is not None:
        existing.reused = True
        return existing
    evidence = _file_evidence(
        actor, blob, verdict, title=(title or "").strip()[:300] or _stem(verdict.name)[:300]
    )
    _add_link(actor, evidence, target)
    log_event(actor, "evidence.add", evidence, after={**evidence.to_audit(), **target_ref(target)})
    log.info("evidence %s (%s) attached to %s", evidence.id, verdict.name, target_ref(target))
    return evidence


def clean_url(url: str | None) -> str:
    """An http(s) address as typed, or DomainError."""
    url = (url or "").strip()
    if not url:
        raise DomainError(_("Enter the address of the page."), field="url")
    if len(url) > MAX_URL_LENGTH:
        raise DomainError(
            _("The address is longer than %(n)d characters.", n=MAX_URL_LENGTH), field="url"
        )
    parts = urlsplit(url)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() or ord(c) < 0x20 for c in url)
    ):
        raise DomainError(
            _("Enter a complete web address starting with http:// or https://."), field="url"
        )
    return url


def add_link(actor, target: Target, *, url: str, title: str = "") -> Evidence:
    """Attach a web address (e.g. where a document was published) to a task or record."""
    _check_target_open(target)
    url = clean_url(url)
    existing = _attached(target, kind="link", url=url)
    if existing is not None:
        existing.reused = True
        return existing
    evidence = Evidence(
        kind="link",
        title=(title or "").strip()[:300] or url[:300],
        url=url,
        uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=clock.now(),
    )
    db.session.add(evidence)
    db.session.flush()
    _add_link(actor, evidence, target)
    log_event(actor, "evidence.add", evidence, after={**evidence.to_audit(), **target_ref(target)})
    return evidence


def add_note(actor, target: Target, *, text: str, title: str = "") -> Evidence:
    """Attach a written note (e.g. where paper files are kept) to a task or record."""
    _check_target_open(target)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note."), field="text")
    if len(text) > MAX_NOTE_LENGTH:
        raise DomainError(
            _("The note is longer than %(n)d characters.", n=MAX_NOTE_LENGTH), field="text"
        )
    evidence = Evidence(
        kind="note",
        title=(title or "").strip()[:300] or text.splitlines()[0][:100],
        note_text=text,
        uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=clock.now(),
    )
    db.session.add(evidence)
    db.session.flush()
    _add_link(actor, evidence, target)
    log_event(actor, "evidence.add", evidence, after={**evidence.to_audit(), **target_ref(target)})
    return evidence


def link_existing(actor, evidence: Evidence, target: Target) -> EvidenceLink:
    """Let evidence already in the system also prove another task or record (最多报一次)."""
    _check_target_open(target)
    if not evidence.is_current:
        raise DomainError(_("Withdrawn or replaced evidence cannot be attached."))
    if _link_of(evidence, target) is not None:
        raise DomainError(_("This evidence is already attached here."))
    link = _add_link(actor, evidence, target)
    log_event(actor, "evidence.link", evidence, after=link.to_audit())
    return link


# -- changing --------------------------------------------------------------------------------


def withdraw(actor, evidence: Evidence, reason: str) -> Evidence:
    """Withdraw (撤回) evidence: hidden from lists and counts, kept with who, when and why."""
    for target in evidence.targets:
        _check_target_open(target)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for withdrawing it."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            _("The reason is longer than %(n)d characters.", n=MAX_REASON_LENGTH), field="reason"
        )
    if evidence.is_withdrawn:
        raise DomainError(_("This evidence has already been withdrawn."))
    before = evidence.to_audit()
    evidence.withdrawn_at = clock.now()
    evidence.withdrawn_by_id = getattr(actor, "id", None)
    evidence.withdraw_reason = reason
    db.session.flush()
    log_event(
        actor,
        "evidence.withdraw",
        evidence,
        before={"withdrawn": before["withdrawn"]},
        after={"withdrawn": True, "withdraw_reason": reason},
    )
    return evidence


def supersede(actor, evidence: Evidence, *, filename: str | None, stream: BinaryIO) -> Evidence:
    """Upload a new version of a piece of evidence: the new one takes its place on every task
    and record, the old one is kept as superseded (hidden by default)."""
    for target in evidence.targets:
        _check_target_open(target)
    if not evidence.is_current:
        raise DomainError(_("Only the current version can be replaced."))
    blob, verdict = _store(filename, stream)
    if evidence.kind == "file" and blob.sha256 == evidence.sha256:
        raise DomainError(_("The new file is identical to the current version."), field="file")
    newer = _file_evidence(actor, blob, verdict, title=evidence.title)
    for target in evidence.targets:
        _add_link(actor, newer, target)
    evidence.superseded_by = newer
    db.session.flush()
    log_event(actor, "evidence.add", newer, after={**newer.to_audit(), "supersedes": evidence.id})
    log_event(
        actor,
        "evidence.supersede",
        evidence,
        before={"superseded_by_id": None},
        after={"superseded_by_id": newer.id},
    )
    return newer


def report_damaged(actor, evidence: Evidence) -> None:
    """Record that the stored file of `evidence` no longer matches its SHA-256, and tell every
    administrator (once a day per file) so that the original is uploaded again."""
    log.error("evidence %s: blob %s is damaged (hash mismatch)", evidence.id, evidence.sha256)
    log_event(
        actor if getattr(actor, "is_authenticated", False) else None,
        "evidence.damaged",
        evidence,
        outcome="failure",
        after={"sha256": evidence.sha256, "original_name": evidence.original_name},
    )
    admins = db.session.scalars(
        sa.select(User).where(User.role == "admin", User.is_disabled.is_(False))
    )
    day = clock.today().isoformat()
    for admin in admins:
        notify(
            admin,
            "evidence_damaged",
            _("The stored file “%(name)s” is damaged", name=evidence.original_name),
            body=_(
                "Its content no longer matches the checksum taken at upload, so it is not "
                "served. Ask for the original and upload it again to the same task; "
                "`tracker evidence check` lists every damaged file."
            ),
            link=(
                link_to("tasks.show", task_id=task_of(evidence.targets[0]).id)
                if evidence.targets
                else ""
            ),
            dedupe_key=f"evidence-damaged:{evidence.sha256}:{admin.id}:{day}",
        )


def review(actor, evidence: Evidence, verdict: str, note: str = "") -> Evidence:
    """Verify or reject evidence (legal office); a rejection, with its reason, goes to the
    chiefs of the lead unit of every task the evidence proves."""
    if verdict not in VERDICTS:
        raise DomainError(_("Choose verified or rejected."), field="verdict")
    note = (note or "").strip()
    if verdict == "rejected" and not note:
        raise DomainError(_("Give the reason for rejecting it; the unit will read it."), "note")
    if len(note) > MAX_NOTE_LENGTH:
        raise DomainError(
            _("The note is longer than %(n)d characters.", n=MAX_NOTE_LENGTH), field="note"
        )
    if evidence.is_withdrawn:
        raise DomainError(_("Withdrawn evidence cannot be reviewed."))
    before = {"review_status": evidence.review_status, "review_note": evidence.review_note}
    evidence.review_status = verdict
    evidence.review_note = note
    evidence.reviewed_by_id = getattr(actor, "id", None)
    evidence.reviewed_at = clock.now()
    db.session.flush()
    log_event(
        actor,
        "evidence.review",
        evidence,
        before=before,
        after={"review_status": verdict, "review_note": note},
    )
    if verdict == "rejected":
        _notify_rejection(actor, evidence, note)
    return evidence


def _notify_rejection(actor, evidence: Evidence, note: str) -> None:
    tasks: dict[int, Task] = {}
    for target in evidence.targets:
        task = task_of(target)
        tasks.setdefault(task.id, task)
    for task in tasks.values():
        for chief in chiefs_of(task.lead_unit):
            if chief.id == getattr(actor, "id", None):
                continue
            notify(
                chief,
                "evidence_rejected",
                _("Evidence rejected: %(title)s", title=evidence.title),
                body=note,
                link=link_to("tasks.show", task_id=task.id),
                task=task,
            )
