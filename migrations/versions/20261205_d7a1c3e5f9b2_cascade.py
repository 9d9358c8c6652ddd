"""cascade: bureau tasks decompose a city item; a bureau's share of a city item

Revision ID: d7a1c3e5f9b2
Revises: a8d2f6c4e9b1
Create Date: 2026-12-05 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7a1c3e5f9b2"
down_revision = "a8d2f6c4e9b1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("city_item_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tasks_city_item_id"), ["city_item_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_city_item_id_tasks"),
            "tasks",
            ["city_item_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "cascade_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("decline_state", sa.String(length=10), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("declined_by_id", sa.Integer(), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consented_due_date", sa.Date(), nullable=True),
        sa.Column("consent_note", sa.Text(), nullable=False),
        sa.Column("consented_by_id", sa.Integer(), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "decline_state IN ('', 'pending', 'rejected', 'accepted')",
            name=op.f("ck_cascade_shares_decline_state"),
        ),
        sa.CheckConstraint("role IN ('lead', 'assist')", name=op.f("ck_cascade_shares_role")),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["units.id"], name=op.f("fk_cascade_shares_bureau_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["consented_by_id"], ["users.id"], name=op.f("fk_cascade_shares_consented_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["declined_by_id"], ["users.id"], name=op.f("fk_cascade_shares_declined_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["tasks.id"],
            name=op.f("fk_cascade_shares_item_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_cascade_shares_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cascade_shares")),
        sa.UniqueConstraint("item_id", "bureau_id", name="uq_cascade_shares_item_id_bureau_id"),
    )
    op.create_index("ix_cascade_shares_bureau_id", "cascade_shares", ["bureau_id"], unique=False)


def downgrade():
    op.drop_index("ix_cascade_shares_bureau_id", table_name="cascade_shares")
    op.drop_table("cascade_shares")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tasks_city_item_id_tasks"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_tasks_city_item_id"))
        batch_op.drop_column("city_item_id")
