"""keyed audit chain: chain_version, TRUNCATE and INSERT OR REPLACE refused

Events already written keep chain_version 1 (plain SHA-256 seal, wave 1); every new event is
sealed with HMAC-SHA256 under TRACKER_AUDIT_KEY (chain_version 2). The first keyed event seals
the old ones through its previous-seal link (see SECURITY.md).

Revision ID: a7d17c4a1e55
Revises: c3a9d41e7f20
Create Date: 2026-12-04 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d17c4a1e55"
down_revision = "c3a9d41e7f20"
branch_labels = None
depends_on = None

SQLITE_NO_REPLACE = (
    "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
    "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id OR hash = NEW.hash) "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)
POSTGRESQL_NO_TRUNCATE = (
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
)


def upgrade():
    # a plain ADD COLUMN: a batch (table copy) on SQLite would drop the append-only triggers
    op.add_column(
        "audit_events",
        sa.Column("chain_version", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_NO_REPLACE)
    else:
        op.execute(POSTGRESQL_NO_TRUNCATE)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_replace")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    op.drop_column("audit_events", "chain_version")
