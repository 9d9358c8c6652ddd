"""plan span and confirmed past due dates

Revision ID: 3d042db9bfc4
Revises: 1e8292a47155
Create Date: 2026-12-04 10:02:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3d042db9bfc4"
down_revision = "1e8292a47155"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "is_due_date_past_confirmed",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("is_due_date_past_confirmed")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("last_year")
