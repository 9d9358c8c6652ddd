"""Evidence (佐证材料) and its links to the tasks and ledger records it proves.

A file's bytes live in the blob store (tracker.core.storage) under their SHA-256; the row keeps
the original name, size, sniffed type and hash. One piece of evidence may prove several tasks or
records (最多报一次: report once, link many). Evidence is never deleted: it is withdrawn (hidden,
kept, audited) or superseded by a newer version.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.records.models import Record
from tracker.tasks.models import Task

EVIDENCE_KINDS = ("file", "link", "note")
REVIEW_STATUSES = ("pending", "verified", "rejected")


class Evidence(db.Model):
    __tablename__ = "evidence"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {EVIDENCE_KINDS!r}", name="kind"),
        sa.CheckConstraint(f"review_status IN {REVIEW_STATUSES!r}", name="review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: The file name as uploaded (Chinese kept, path parts removed, at most 255 characters).
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    #: Bytes, for files.
    size: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    #: MIME type sniffed from the content (never taken from the browser).
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    #: The blob's name in the store; shared by every row with the same content.
    sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    url: Mapped[str] = mapped_column(sa.String(2000), nullable=False, default="")
    note_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    review_status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="pending")
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Withdrawn (撤回) evidence is hidden from lists and counts but kept.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    withdraw_reason: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: The newer version that replaced this one (hidden by default, kept as history).
    superseded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("evidence.id"), nullable=True, index=True
    )

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    superseded_by: Mapped[Evidence | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id]
    )
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="evidence", order_by="EvidenceLink.id", cascade="all, delete-orphan"
    )

    #: Set (not stored) by service.add_file when an upload found this row already attached.
    reused = False

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def is_current(self) -> bool:
        """Neither withdrawn nor replaced: what lists and counts show."""
        return not self.is_withdrawn and not self.is_superseded

    @property
    def is_image(self) -> bool:
        return self.kind == "file" and self.content_type in ("image/jpeg", "image/png")

    @property
    def is_pdf(self) -> bool:
        return self.kind == "file" and (self.content_type or "").startswith("application/pdf")

    @property
    def is_previewable(self) -> bool:
        """Shown in the page: an image, or a PDF in the browser's own viewer."""
        return self.is_image or self.is_pdf

    @property
    def targets(self) -> list[Task | Record]:
        """The tasks and records this evidence is linked to."""
        return [link.target for link in self.links]

    def to_audit(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "original_name": self.original_name,
            "size": self.size,
            "content_type": self.content_type,
            "sha256": self.sha256,
            "url": self.url,
            "note_text": self.note_text,
            "review_status": self.review_status,
            "review_note": self.review_note,
            "withdrawn": self.is_withdrawn,
            "withdraw_reason": self.withdraw_reason,
            "superseded_by_id": self.superseded_by_id,
        }

    def __repr__(self) -> str:
        label = self.original_name or self.title or self.url
        return f"<Evidence {self.id} {self.kind} {label[:30]!r} {self.review_status}>"


class EvidenceLink(db.Model):
    """Evidence attached to exactly one task or one record."""

    __tablename__ = "evidence_links"
    __table_args__ = (
        sa.CheckConstraint("(task_id IS NULL) <> (record_id IS NULL)", name="one_target"),
        sa.UniqueConstraint("evidence_id", "task_id", name="uq_evidence_links_evidence_id_task_id"),
        sa.UniqueConstraint(
            "evidence_id", "record_id", name="uq_evidence_links_evidence_id_record_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evidence.id", ondelete="CASCADE"), nullable=False, index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    evidence: Mapped[Evidence] = relationship(back_populates="links")
    task: Mapped[Task | None] = relationship()
    record: Mapped[Record | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def target(self) -> Task | Record:
        return self.task if self.task_id is not None else self.record

    def to_audit(self) -> dict:
        return {
            "evidence_id": self.evidence_id,
            "task_id": self.task_id,
            "record_id": self.record_id,
        }

    def __repr__(self) -> str:
        where = f"task={self.task_id}" if self.task_id is not None else f"record={self.record_id}"
        return f"<EvidenceLink {self.id} evidence={self.evidence_id} {where}>"
