"""CalendarFeed: a user's secret, revocable ICS address of their task deadlines."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db


class CalendarFeed(db.Model):
    """One secret feed address. The address carries a random token; only its hash is kept, so
    the address is shown once, when it is made. A user has at most one feed that is not revoked;
    rotating revokes the old one and makes a new one."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    #: SHA-256 of the token in the feed's address (the token itself is never stored).
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: When a calendar program last fetched the feed (written at most once an hour), so the user
    #: can tell whether the address is in use — and notice a use they did not expect.
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def to_audit(self) -> dict:
        return {
            "user_id": self.user_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }

    def __repr__(self) -> str:
        state = "active" if self.is_active else "revoked"
        return f"<CalendarFeed {self.id} user={self.user_id} {state}>"


class ExportJob(db.Model):
    """A compliance workbook made in the background (a plan too large to export within a web
    request): queued by the page, claimed and written by the scheduler, then downloaded."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), nullable=False, index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    #: queued → running → done | failed
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="queued")
    locale: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="zh_Hans_CN")
    #: The day the workbook's statuses are judged at (None: the plan's default, see xlsx).
    as_of: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The sheet being written and the rows written so far (for the progress bar).
    sheet: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    sheets_done: Mapped[int] = mapped_column(nullable=False, default=0)
    rows_done: Mapped[int] = mapped_column(nullable=False, default=0)
    file_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    plan = relationship("Plan")
    requested_by: Mapped[User] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in ("done", "failed")

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} plan={self.plan_id} {self.status}>"
