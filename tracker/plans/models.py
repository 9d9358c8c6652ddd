"""Plan and Section models."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.units.models import Unit

PLAN_STATUSES = ("draft", "active", "closed")


class Plan(db.Model):
    __tablename__ = "plans"
    __table_args__ = (
        sa.UniqueConstraint("bureau_id", "title", name="uq_plans_bureau_id_title"),
        sa.CheckConstraint(f"status IN {PLAN_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(nullable=False, index=True)
    #: The last year of a multi-year plan's span (e.g. 2026–2028); null: the plan year only.
    last_year: Mapped[int | None] = mapped_column(nullable=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: 文号, e.g. 忻民发〔2020〕3号
    document_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="draft")
    #: The document the plan was imported from, kept for reference.
    source_text: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: A decomposed higher-level plan (任务分解): who issued it, its title and 文号.
    source_issuer: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    source_title: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    source_document_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: The plan this one was copied from (last year's), if any.
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    bureau: Mapped[Unit] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="plan", order_by="Section.position", cascade="all, delete-orphan"
    )

    @property
    def unit(self) -> Unit:  # permission scope: the bureau
        return self.bureau

    @property
    def start_date(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end_date(self) -> date:
        return date(self.year, 12, 31)

    @property
    def span_end_date(self) -> date:
        """The last day a task of this plan may be dated: the end of its year or its span."""
        return date(self.last_year or self.year, 12, 31)

    @property
    def top_sections(self) -> list[Section]:
        return [s for s in self.sections if s.parent_id is None]

    def to_audit(self) -> dict:
        return {
            "year": self.year,
            "last_year": self.last_year,
            "title": self.title,
            "document_number": self.document_number,
            "status": self.status,
            "bureau_id": self.bureau_id,
        }

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.year} {self.title!r} {self.status}>"


class Section(db.Model):
    """A heading of the plan (一、/（一）/1.), nested and ordered as written."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sections.id", ondelete="CASCADE"), nullable=True
    )
    #: The number as written ("（一）", "一、", "1.") or bare ("一"), then dressed by depth.
    number: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: Order among all sections of the plan (depth-first), so one ORDER BY gives the outline.
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="sections")
    parent: Mapped[Section | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Section]] = relationship(
        back_populates="parent", order_by="Section.position"
    )

    @property
    def depth(self) -> int:
        depth, node = 0, self.parent
        while node is not None:
            depth, node = depth + 1, node.parent
        return depth

    @property
    def label(self) -> str:
        """The number dressed as written at its depth: 一、 / （一） / 1."""
        if not self.number:
            return ""
        return section_label(self.number, self.depth)

    def to_audit(self) -> dict:
        return {
            "plan_id": self.plan_id,
            "parent_id": self.parent_id,
            "number": self.number,
            "title": self.title,
            "position": self.position,
        }

    def __repr__(self) -> str:
        return f"<Section {self.id} {self.number} {self.title!r}>"


#: "" : an item the coordinator took in although it names neither us nor a collective of ours.
UPPER_ROLES = ("lead", "assist", "maybe", "")


class UpperSource(db.Model):
    """Where a task of a decomposed plan comes from: the upper plan's item number and our role
    in it (we lead, we assist, or a collective name may concern us)."""

    __tablename__ = "task_upper_sources"
    __table_args__ = (sa.CheckConstraint(f"upper_role IN {UPPER_ROLES!r}", name="upper_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    upper_number: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    upper_role: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="")
    #: The bodies the upper plan names for the item, as written (牵头：X；配合：Y).
    upper_units: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")

    def to_audit(self) -> dict:
        return {
            "task_id": self.task_id,
            "upper_number": self.upper_number,
            "upper_role": self.upper_role,
            "upper_units": self.upper_units,
        }


def section_label(number: str, depth: int) -> str:
    """The number as written; a bare number is dressed by depth: 一、 / （一） / 1."""
    if any(mark in number for mark in "、.．)）"):
        return number
    if depth == 0:
        return f"{number}、" if not number.isdigit() else f"{number}."
    if depth == 1:
        return f"（{number}）"
    return f"{number}."
