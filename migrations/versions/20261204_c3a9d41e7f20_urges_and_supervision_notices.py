"""urges (催办) and supervision notices (督办通知单)

Revision ID: c3a9d41e7f20
Revises: 3c1f9a2b7d45
Create Date: 2026-12-04 16:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a9d41e7f20"
down_revision = "3c1f9a2b7d45"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "urges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_urges_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_urges_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urges")),
    )
    op.create_index("ix_urges_task_id_created_at", "urges", ["task_id", "created_at"])
    op.create_table(
        "supervision_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("issuing_office", sa.String(length=200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("task_ids", sa.JSON(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["units.id"], name=op.f("fk_supervision_notices_bureau_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_supervision_notices_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_supervision_notices_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_supervision_notices_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_notices")),
        sa.UniqueConstraint("bureau_id", "year", "serial", name="uq_supervision_notices_serial"),
    )
    op.create_index(
        op.f("ix_supervision_notices_task_id"), "supervision_notices", ["task_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_supervision_notices_task_id"), table_name="supervision_notices")
    op.drop_table("supervision_notices")
    op.drop_index("ix_urges_task_id_created_at", table_name="urges")
    op.drop_table("urges")
