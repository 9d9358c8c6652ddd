"""reconsideration and litigation ledgers

Revision ID: 58d987ce804b
Revises: 66ae6ef1d539
Create Date: 2026-12-04 09:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "58d987ce804b"
down_revision = "66ae6ef1d539"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "kind IN ('document_review', 'certification', 'consultation', 'inspection', 'decision', "
    "'study_session', 'metric')"
)
NEW_KINDS = (
    "kind IN ('document_review', 'certification', 'consultation', 'inspection', 'decision', "
    "'study_session', 'metric', 'reconsideration', 'litigation')"
)


def upgrade():
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_records_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)
    op.create_table(
        "reconsiderations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=100), nullable=False),
        sa.Column("applicant", sa.String(length=200), nullable=False),
        sa.Column("reconsideration_body", sa.String(length=200), nullable=False),
        sa.Column("contested_act", sa.String(length=300), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("correction", sa.Text(), nullable=False),
        sa.Column("corrected_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["id"], ["records.id"], name=op.f("fk_reconsiderations_id_records"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconsiderations")),
    )
    op.create_table(
        "litigations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=100), nullable=False),
        sa.Column("plaintiff", sa.String(length=200), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("cause", sa.String(length=300), nullable=False),
        sa.Column("instance", sa.String(length=20), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("hearing_on", sa.Date(), nullable=True),
        sa.Column("further_hearings", sa.String(length=300), nullable=False),
        sa.Column("head_appeared", sa.Boolean(), nullable=False),
        sa.Column("head_name", sa.String(length=100), nullable=False),
        sa.Column("judged_on", sa.Date(), nullable=True),
        sa.Column("judgment", sa.String(length=30), nullable=False),
        sa.Column("judicial_suggestion", sa.Text(), nullable=False),
        sa.Column("suggestion_follow_up", sa.Text(), nullable=False),
        sa.Column("suggestion_replied_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["id"], ["records.id"], name=op.f("fk_litigations_id_records"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_litigations")),
    )


def downgrade():
    op.execute("DELETE FROM records WHERE kind IN ('reconsideration', 'litigation')")
    op.drop_table("litigations")
    op.drop_table("reconsiderations")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_records_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
