"""The in-app Notification."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    #: assigned, returned, rejected, due_soon, overdue, escalation, …
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: Once-only key (recipient, object, kind, step, period); a second write with it is a no-op.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), nullable=True, unique=True)
    task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Relative link inside the app (e.g. /tasks/12).
    link: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    recipient: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} to={self.recipient_id} {self.kind}>"
