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


class CalendarDay(db.Model):
    """A day whose status overrides chinese_calendar (or the Monday–Friday fallback)."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False, unique=True)
    #: True: people work that day (e.g. a make-up Saturday); False: a day off (e.g. a holiday).
    is_workday: Mapped[bool] = mapped_column(nullable=False)
    #: Why, as the administrator wrote it, e.g. 国务院办公厅通知：春节调休上班.
    note: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def to_audit(self) -> dict:
        return {"day": self.day.isoformat(), "is_workday": self.is_workday, "note": self.note}

    def __repr__(self) -> str:
        kind = "workday" if self.is_workday else "day off"
        return f"<CalendarDay {self.id} {self.day.isoformat()} {kind}>"
