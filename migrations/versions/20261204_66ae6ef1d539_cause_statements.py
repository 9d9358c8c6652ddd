"""causes of delay: the bureau's list and the statements units make

Revision ID: 66ae6ef1d539
Revises: 3d042db9bfc4
Create Date: 2026-12-04 09:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "66ae6ef1d539"
down_revision = "3d042db9bfc4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "delay_causes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"],
            ["units.id"],
            name=op.f("fk_delay_causes_bureau_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delay_causes")),
        sa.UniqueConstraint("bureau_id", "label", name="uq_delay_causes_bureau_id_label"),
    )
    op.create_index(op.f("ix_delay_causes_bureau_id"), "delay_causes", ["bureau_id"], unique=False)
    op.create_table(
        "cause_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("occasion", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.String(length=50), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("remedy", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "occasion IN ('overdue', 'returned', 'late_submission', 'structural')",
            name=op.f("ck_cause_statements_occasion"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_cause_statements_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_cause_statements_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_cause_statements_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cause_statements")),
    )
    op.create_index(
        op.f("ix_cause_statements_plan_id"), "cause_statements", ["plan_id"], unique=False
    )
    op.create_index(
        op.f("ix_cause_statements_task_id"), "cause_statements", ["task_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_cause_statements_task_id"), table_name="cause_statements")
    op.drop_index(op.f("ix_cause_statements_plan_id"), table_name="cause_statements")
    op.drop_table("cause_statements")
    op.drop_index(op.f("ix_delay_causes_bureau_id"), table_name="delay_causes")
    op.drop_table("delay_causes")
