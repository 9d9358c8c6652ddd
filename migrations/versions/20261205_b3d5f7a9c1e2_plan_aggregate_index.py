"""tasks: an index that covers a plan's counts by section and status (the plan page's
completion per section reads it instead of every row of a large plan)

Revision ID: b3d5f7a9c1e2
Revises: a7d3e5f9b2c4
Create Date: 2026-12-05 03:55:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b3d5f7a9c1e2"
down_revision = "a7d3e5f9b2c4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_tasks_plan_id_section_id_status",
        "tasks",
        ["plan_id", "section_id", "status", "parent_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_tasks_plan_id_section_id_status", table_name="tasks")
