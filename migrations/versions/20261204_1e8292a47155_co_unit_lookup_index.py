"""index task_co_units by unit, so a unit's tasks are found without scanning every task

Revision ID: 1e8292a47155
Revises: b67e350eeab7
Create Date: 2026-12-04 10:08:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "1e8292a47155"
down_revision = "b67e350eeab7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("task_co_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_co_units_unit_id_task_id"), ["unit_id", "task_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("task_co_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_co_units_unit_id_task_id"))
