"""inspection ledgers: enforcement cases and file reviews, legal publicity, 述法, contract
reviews, annual report deliveries

Revision ID: a3c9e4f1b2d7
Revises: a9e1c0de7a11
Create Date: 2026-12-04 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3c9e4f1b2d7"
down_revision = "a9e1c0de7a11"
branch_labels = None
depends_on = None

OLD = (
    "document_review",
    "certification",
    "consultation",
    "inspection",
    "decision",
    "study_session",
    "metric",
    "reconsideration",
    "litigation",
)
ADDED = (
    "enforcement_case",
    "case_file_review",
    "pufa_duty",
    "pufa_activity",
    "law_report",
    "contract_review",
    "report_delivery",
)


def _kinds(kinds) -> str:
    return f"kind IN {tuple(kinds)!r}"


def _record_id(table: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["records.id"], name=op.f(f"fk_{table}_id_records"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade():
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_records_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD + ADDED))
    op.create_table(
        "enforcement_cases",
        *_record_id("enforcement_cases"),
        sa.Column("case_number", sa.String(length=100), nullable=False),
        sa.Column("party", sa.String(length=200), nullable=False),
        sa.Column("matter", sa.String(length=300), nullable=False),
        sa.Column("action_kind", sa.String(length=20), nullable=False),
        sa.Column("officers", sa.String(length=300), nullable=False),
        sa.Column("is_officers_certified", sa.Boolean(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision", sa.String(length=300), nullable=False),
        sa.Column("is_pre_publicized", sa.Boolean(), nullable=False),
        sa.Column("is_id_shown", sa.Boolean(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("is_fully_recorded", sa.Boolean(), nullable=False),
        sa.Column("is_major", sa.Boolean(), nullable=False),
        sa.Column("legal_review_on", sa.Date(), nullable=True),
        sa.Column("legal_reviewer", sa.String(length=100), nullable=False),
        sa.Column("legal_review_opinion", sa.Text(), nullable=False),
    )
    op.create_table(
        "case_file_reviews",
        *_record_id("case_file_reviews"),
        sa.Column("reviewed_case", sa.String(length=300), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewers", sa.String(length=300), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("pass_mark", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("rectified_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "pufa_duties",
        *_record_id("pufa_duties"),
        sa.Column("item", sa.String(length=300), nullable=False),
        sa.Column("laws", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("responsible_unit_id", sa.Integer(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsible_unit_id"],
            ["units.id"],
            name=op.f("fk_pufa_duties_responsible_unit_id_units"),
        ),
    )
    op.create_table(
        "pufa_activities",
        *_record_id("pufa_activities"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("activity_form", sa.String(length=30), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("audience_count", sa.Integer(), nullable=True),
        sa.Column("duty_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["duty_id"], ["pufa_duties.id"], name=op.f("fk_pufa_activities_duty_id_pufa_duties")
        ),
    )
    op.create_index(
        op.f("ix_pufa_activities_duty_id"), "pufa_activities", ["duty_id"], unique=False
    )
    op.create_table(
        "law_reports",
        *_record_id("law_reports"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("forum", sa.String(length=30), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("speaker_name", sa.String(length=100), nullable=False),
        sa.Column("speaker_title", sa.String(length=100), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("evaluated_by", sa.String(length=200), nullable=False),
        sa.Column("evaluation", sa.String(length=20), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["speaker_id"], ["users.id"], name=op.f("fk_law_reports_speaker_id_users")
        ),
    )
    op.create_table(
        "contract_reviews",
        *_record_id("contract_reviews"),
        sa.Column("contract_title", sa.String(length=300), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("drafting_unit", sa.String(length=100), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("conclusion", sa.String(length=30), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
    )
    op.create_table(
        "report_deliveries",
        *_record_id("report_deliveries"),
        sa.Column("delivery_kind", sa.String(length=20), nullable=False),
        sa.Column("report_year", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("receipt", sa.String(length=300), nullable=False),
        sa.Column("receipt_on", sa.Date(), nullable=True),
        sa.Column("published_url", sa.String(length=500), nullable=False),
    )


def downgrade():
    op.execute(f"DELETE FROM records WHERE kind IN {ADDED!r}")
    op.drop_table("report_deliveries")
    op.drop_table("contract_reviews")
    op.drop_table("law_reports")
    op.drop_index(op.f("ix_pufa_activities_duty_id"), table_name="pufa_activities")
    op.drop_table("pufa_activities")
    op.drop_table("pufa_duties")
    op.drop_table("case_file_reviews")
    op.drop_table("enforcement_cases")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_records_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD))
