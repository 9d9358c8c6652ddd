"""annual reports

Revision ID: b7f6a1c20003
Revises: b7f4a1c20001
Create Date: 2026-11-28 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7f6a1c20003"
down_revision = "b7f4a1c20001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("signatory", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("report_task_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_report_drafts_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_task_id"],
            ["tasks.id"],
            name=op.f("fk_report_drafts_report_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_report_drafts_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_drafts")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_report_drafts_plan_id")),
    )
    op.create_table(
        "report_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("base_text", sa.Text(), nullable=False),
        sa.Column("base_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "part IN ('opening', 'measures', 'shortcomings', 'principal', 'arrangements', 'other')",
            name=op.f("ck_report_revisions_part"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_report_revisions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["report_drafts.id"],
            name=op.f("fk_report_revisions_draft_id_report_drafts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_revisions")),
    )
    with op.batch_alter_table("report_revisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_revisions_draft_id_part", ["draft_id", "part"], unique=False
        )


def downgrade():
    with op.batch_alter_table("report_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_report_revisions_draft_id_part")
    op.drop_table("report_revisions")
    op.drop_table("report_drafts")
