"""A bureau's share of a city item: what the bureau and the city office said about it.

Which bureaus an item names is the item's own lead unit and co-units; the decomposition is the
bureau tasks whose `city_item_id` points at the item. This row, made when first needed, keeps
the rest: a request not to carry the item (申请不承担) and how the office resolved it, and the
office's consent to bureau deadlines later than the item's."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.units.models import Unit

#: "" nothing asked; pending 申请不承担; rejected 驳回 (back to 待分解); accepted 同意 (taken off).
DECLINE_STATES = ("", "pending", "rejected", "accepted")
SHARE_ROLES = ("lead", "assist")


class CascadeShare(db.Model):
    __tablename__ = "cascade_shares"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "bureau_id", name="uq_cascade_shares_item_id_bureau_id"),
        sa.CheckConstraint(f"decline_state IN {DECLINE_STATES!r}", name="decline_state"),
        sa.CheckConstraint(f"role IN {SHARE_ROLES!r}", name="role"),
        sa.Index("ix_cascade_shares_bureau_id", "bureau_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False
    )
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False)
    #: The bureau's role when the row was made (kept once the office takes the bureau off).
    role: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="lead")
    decline_state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    declined_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The office's answer to the request (同意 / 驳回) and its note.
    resolution_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The office consents to the bureau's tasks for this item being due as late as this day.
    consented_due_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    consent_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    consented_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    item: Mapped[Task] = relationship()
    bureau: Mapped[Unit] = relationship()
    declined_by: Mapped[User | None] = relationship(foreign_keys=[declined_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def unit(self) -> Unit:  # permission scope: the bureau whose share it is
        return self.bureau

    def to_audit(self) -> dict:
        return {
            "item_id": self.item_id,
            "bureau_id": self.bureau_id,
            "role": self.role,
            "decline_state": self.decline_state,
            "decline_reason": self.decline_reason,
            "resolution_note": self.resolution_note,
            "consented_due_date": (
                self.consented_due_date.isoformat() if self.consented_due_date else None
            ),
            "consent_note": self.consent_note,
        }

    def __repr__(self) -> str:
        return f"<CascadeShare {self.id} item={self.item_id} bureau={self.bureau_id}>"
