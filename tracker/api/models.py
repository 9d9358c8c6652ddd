"""Personal access tokens: only a hash of each token is kept, with its scope and expiry."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

#: read: GET only; write: also the writes the user may make on pages; admin: also user admin.
SCOPES = ("read", "write", "admin")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (sa.CheckConstraint(f"scope IN {SCOPES!r}", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: The first characters of the token (e.g. "dbn_Ab12cd"), to recognise it in lists and logs.
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: SHA-256 of the whole token (hex); the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    scope: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoke_reason: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    #: Rate limit: the start of the current one-minute window and the requests counted in it.
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_count: Mapped[int] = mapped_column(nullable=False, default=0)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def to_audit(self) -> dict:
        return {
            "user_id": self.user_id,
            "name": self.name,
            "prefix": self.prefix,
            "scope": self.scope,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} {self.scope}>"
