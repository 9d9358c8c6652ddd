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
#: How an event is sealed: 1 = plain SHA-256 (wave 1, before the audit key existed; only ever a
#: prefix of the chain), 2 = HMAC-SHA256 with TRACKER_AUDIT_KEY.
LEGACY_CHAIN = 1
KEYED_CHAIN = 2


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome"),)

    #: Assigned by the writer as previous id + 1 (not autoincrement), so it is covered by the hash
    #: and a removed or reordered row breaks the chain.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: indexed: the weekly briefing reads a week's deadline changes, not the whole trail
    occurred_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )
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
    #: LEGACY_CHAIN for rows written before the key; the writer always stores KEYED_CHAIN.
    chain_version: Mapped[int] = mapped_column(
        sa.SmallInteger, nullable=False, server_default=sa.text("1")
    )

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"


# The same DDL is run by the migrations; these listeners cover metadata.create_all (tests).
# SQLite: connections run with recursive_triggers on (tracker/core/db.py), so INSERT OR REPLACE
# fires the delete trigger too; the insert trigger refuses it even on a connection without it.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
    "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id OR hash = NEW.hash) "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)

for _statement in SQLITE_TRIGGERS:
    sa.event.listen(
        AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in POSTGRESQL_TRIGGERS:
    sa.event.listen(
        AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql")
    )
