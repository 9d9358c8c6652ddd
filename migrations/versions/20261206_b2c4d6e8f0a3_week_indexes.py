"""task_updates, records and audit_events indexed by time: the weekly briefing reads a week's
steps, new records and deadline changes through them (with a year of history — 300,000 steps,
30,000 edits — it walked every task of the plan: 0.5 s and 2 s)

Revision ID: b2c4d6e8f0a3
Revises: a1b3c5d7e9f2
Create Date: 2026-12-06 00:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b2c4d6e8f0a3"
down_revision = "a1b3c5d7e9f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_task_updates_created_at", "task_updates", ["created_at"], unique=False)
    op.create_index("ix_records_created_at", "records", ["created_at"], unique=False)
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"], unique=False)


def downgrade():
    op.drop_index("ix_audit_events_occurred_at", table_name="audit_events")
    op.drop_index("ix_records_created_at", table_name="records")
    op.drop_index("ix_task_updates_created_at", table_name="task_updates")
