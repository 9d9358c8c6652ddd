"""The annual report's draft of a plan and the coordinator's revisions of its parts.

The report itself is never stored: it is built from the plan's data every time (see builder).
What is stored is what people add to it — the text a coordinator wrote for a part, the
signature — so those survive every rebuild, and the task that reminds the bureau to submit it.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports.builder import PART_KEYS
from tracker.tasks.models import Task
from tracker.units.models import Unit


class ReportDraft(db.Model):
    """One plan's annual report: its signature and the coordinator's edits (as revisions)."""

    __tablename__ = "report_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    #: Who signs (发文机关署名); empty means the bureau's name.
    signatory: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: 成文日期; empty means the day the report is built.
    signed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The task "报送并公开{year}年度法治政府建设情况报告", made in this plan when it is published.
    report_task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    plan: Mapped[Plan] = relationship()
    report_task: Mapped[Task | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[ReportRevision]] = relationship(
        back_populates="draft", order_by="ReportRevision.id", cascade="all, delete-orphan"
    )

    @property
    def unit(self):  # permission scope: the plan's bureau
        return self.plan.bureau

    def latest(self, part: str) -> ReportRevision | None:
        """The revision of `part` now in force, if any."""
        return next((r for r in reversed(self.revisions) if r.part == part), None)

    def to_audit(self) -> dict:
        return {
            "plan_id": self.plan_id,
            "signatory": self.signatory,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "report_task_id": self.report_task_id,
        }

    def __repr__(self) -> str:
        return f"<ReportDraft {self.id} plan={self.plan_id}>"


class ReportRevision(db.Model):
    """The coordinator's text of one part at one moment. Never changed: a new edit, a restore
    or a return to the generated text each add a revision."""

    __tablename__ = "report_revisions"
    __table_args__ = (
        sa.CheckConstraint(f"part IN {PART_KEYS!r}", name="part"),
        sa.Index("ix_report_revisions_draft_id_part", "draft_id", "part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_drafts.id", ondelete="CASCADE"), nullable=False
    )
    part: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: The part's text as the coordinator wrote it; NULL: back to the generated text.
    text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: The generated text the coordinator saw when editing, and the fingerprint of its data,
    #: so the page can say (and show) what changed in the data since.
    base_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    base_fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    note: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: Name of the author at the time.
    author_name: Mapped[str] = mapped_column(sa.String(150), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    draft: Mapped[ReportDraft] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()

    def to_audit(self) -> dict:
        return {
            "plan_id": self.draft.plan_id if self.draft else None,
            "part": self.part,
            "text": self.text,
            "base_fingerprint": self.base_fingerprint,
            "note": self.note,
        }

    def __repr__(self) -> str:
        return f"<ReportRevision {self.id} draft={self.draft_id} {self.part}>"


class ReportSettings(db.Model):
    """How a bureau's (or the city office's) reports speak, whatever the plan: the short name
    the opening uses (市民政局), how the report refers to itself (我局, 我委, 我市), the guiding
    clause that opens it, the body it is addressed to (主送机关), and who signs by default.
    Empty fields fall back to the plan and the unit's name."""

    __tablename__ = "report_settings"

    #: Longest values (characters).
    LIMITS = {"short_name": 60, "self_reference": 4, "framing": 500, "addressee": 100}
    LIMITS["signatory"] = 200
    FIELDS = tuple(LIMITS)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    short_name: Mapped[str] = mapped_column(sa.String(60), nullable=False, default="")
    self_reference: Mapped[str] = mapped_column(sa.String(4), nullable=False, default="")
    framing: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    addressee: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    signatory: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    bureau: Mapped[Unit] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @property
    def unit(self):  # permission scope
        return self.bureau

    def to_audit(self) -> dict:
        return {"bureau_id": self.bureau_id, **{name: getattr(self, name) for name in self.FIELDS}}

    def __repr__(self) -> str:
        return f"<ReportSettings bureau={self.bureau_id}>"
