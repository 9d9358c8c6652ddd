"""decomposed plan sources: the upper plan's issuer, title and number; each task's item and role

Revision ID: d3c0a1e5f7b2
Revises: e7a1c3d90b12
Create Date: 2026-12-04 16:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d3c0a1e5f7b2"
down_revision = "e7a1c3d90b12"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_issuer", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("source_title", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "source_document_number", sa.String(length=100), nullable=False, server_default=""
            )
        )
    op.create_table(
        "task_upper_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("upper_number", sa.String(length=40), nullable=False),
        sa.Column("upper_role", sa.String(length=10), nullable=False),
        sa.Column("upper_units", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "upper_role IN ('lead', 'assist', 'maybe', '')",
            name=op.f("ck_task_upper_sources_upper_role"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_upper_sources_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_upper_sources")),
        sa.UniqueConstraint("task_id", name=op.f("uq_task_upper_sources_task_id")),
    )


def downgrade():
    op.drop_table("task_upper_sources")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_column("source_document_number")
        batch_op.drop_column("source_title")
        batch_op.drop_column("source_issuer")
