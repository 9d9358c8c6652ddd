"""The AuditEvent model and the database triggers that keep it append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

GENESIS_HASH = "0" * 64
OUTCOMES = ("success", "denied", "failure")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome"),)

    #: Assigned by the writer as previous id + 1 (not autoincrement), so it is covered by the hash
    #: and a removed or reordered row breaks the chain.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: Username at the time (or the name tried, for failed logins of unknown users).
    actor_name: Mapped[str | None] = mapped_column(sa.String(150), nullable=True)
    ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(50), nullable=True, index=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    before: Mapped[Any | None] = mapped_column(sa.JSON, nullable=True)
    after: Mapped[Any | None] = mapped_column(sa.JSON, nullable=True)
    outcome: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="success")
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"


# The same DDL is run by the first migration; these listeners cover metadata.create_all (tests).
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
)

for _statement in SQLITE_TRIGGERS:
    sa.event.listen(
        AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in POSTGRESQL_TRIGGERS:
    sa.event.listen(
        AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql")
    )
