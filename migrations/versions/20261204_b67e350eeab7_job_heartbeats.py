"""job heartbeats

Revision ID: b67e350eeab7
Revises: b7f6a1c20004
Create Date: 2026-12-04 08:52:36

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b67e350eeab7"
down_revision = "b7f6a1c20004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_heartbeats",
        sa.Column("job_id", sa.String(length=60), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("run_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_heartbeats")),
    )


def downgrade():
    op.drop_table("job_heartbeats")
