"""tasks: an index of a plan's principal duties (the duties page and the weekly briefing read
them, a few among 100,000 tasks, instead of scanning every task)

Revision ID: a1b3c5d7e9f2
Revises: f9c3e5a7b1d2
Create Date: 2026-12-06 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1b3c5d7e9f2"
down_revision = "f9c3e5a7b1d2"
branch_labels = None
depends_on = None


def upgrade():
    # partial: only the duties are in it, so the planner picks it over the plan's own index
    op.create_index(
        "ix_tasks_principal_duties",
        "tasks",
        ["plan_id", "position"],
        unique=False,
        sqlite_where=sa.text("is_principal_duty IS 1"),
        postgresql_where=sa.text("is_principal_duty IS true"),
    )


def downgrade():
    op.drop_index("ix_tasks_principal_duties", table_name="tasks")
