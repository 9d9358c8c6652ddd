"""city level: reports submitted upward (报送) and the assessment (考核) schemes and scores

Revision ID: f4e2a6c8b1d3
Revises: b8c2d4e6f0a1
Create Date: 2026-12-04 19:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4e2a6c8b1d3"
down_revision = "b8c2d4e6f0a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["city_id"], ["units.id"], name=op.f("fk_assessment_schemes_city_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_assessment_schemes_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_schemes")),
        sa.UniqueConstraint("city_id", "year", "version", name="uq_assessment_schemes_version"),
    )
    op.create_table(
        "report_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("receipt_serial", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("first_submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("published_where", sa.String(length=200), nullable=False),
        sa.Column("published_url", sa.String(length=500), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'returned', 'accepted')",
            name=op.f("ck_report_submissions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["units.id"], name=op.f("fk_report_submissions_bureau_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], ["units.id"], name=op.f("fk_report_submissions_city_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_report_submissions_reviewed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_report_submissions_submitted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submissions")),
        sa.UniqueConstraint("bureau_id", "year", name="uq_report_submissions_bureau_id_year"),
    )
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_submissions_city_id"), ["city_id"], unique=False
        )

    op.create_table(
        "assessment_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("measured", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("is_manual", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scored_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["units.id"], name=op.f("fk_assessment_scores_bureau_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["assessment_schemes.id"],
            name=op.f("fk_assessment_scores_scheme_id_assessment_schemes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scored_by_id"], ["users.id"], name=op.f("fk_assessment_scores_scored_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_scores")),
        sa.UniqueConstraint(
            "scheme_id", "bureau_id", "indicator", name="uq_assessment_scores_indicator"
        ),
    )
    with op.batch_alter_table("assessment_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_scores_bureau_id"), ["bureau_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("assessment_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_scores_bureau_id"))

    op.drop_table("assessment_scores")
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_submissions_city_id"))

    op.drop_table("report_submissions")
    op.drop_table("assessment_schemes")
