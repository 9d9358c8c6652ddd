"""report settings per bureau: short name, self-reference, framing, addressee, signatory

Revision ID: e8b2d4f6a0c1
Revises: c4e6a8b0d2f3
Create Date: 2026-12-05 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8b2d4f6a0c1"
down_revision = "c4e6a8b0d2f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("short_name", sa.String(length=60), nullable=False),
        sa.Column("self_reference", sa.String(length=4), nullable=False),
        sa.Column("framing", sa.Text(), nullable=False),
        sa.Column("addressee", sa.String(length=100), nullable=False),
        sa.Column("signatory", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bureau_id"],
            ["units.id"],
            name=op.f("fk_report_settings_bureau_id_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_report_settings_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_settings")),
        sa.UniqueConstraint("bureau_id", name=op.f("uq_report_settings_bureau_id")),
    )


def downgrade():
    op.drop_table("report_settings")
