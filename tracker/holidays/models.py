"""The CalendarDay model: one administrator's override of the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.units.models import Unit


class CalendarDay(db.Model):
    """A day whose status overrides chinese_calendar (or the Monday–Friday fallback): for the
    whole deployment (`unit_id` null), or for one bureau or city and everything under it."""

    __tablename__ = "calendar_days"
    __table_args__ = (
        sa.UniqueConstraint("day", "unit_id", name="uq_calendar_days_day_unit_id"),
        # NULLs are distinct in a unique constraint: one deployment-wide entry per day
        sa.Index(
            "uq_calendar_days_day_everywhere",
            "day",
            unique=True,
            sqlite_where=sa.text("unit_id IS NULL"),
            postgresql_where=sa.text("unit_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: The bureau or city whose calendar this is (its subtree's); null: the whole deployment.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: True: people work that day (e.g. a make-up Saturday); False: a day off (e.g. a holiday).
    is_workday: Mapped[bool] = mapped_column(nullable=False)
    #: Why, as the administrator wrote it, e.g. 国务院办公厅通知：春节调休上班.
    note: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])

    def to_audit(self) -> dict:
        audit = {"day": self.day.isoformat(), "is_workday": self.is_workday, "note": self.note}
        return audit | ({"unit_id": self.unit_id} if self.unit_id is not None else {})

    def __repr__(self) -> str:
        kind = "workday" if self.is_workday else "day off"
        return f"<CalendarDay {self.id} {self.day.isoformat()} {kind}>"
