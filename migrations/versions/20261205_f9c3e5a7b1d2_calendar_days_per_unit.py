"""calendar overrides per bureau or city: calendar_days.unit_id (null: the whole deployment)

Revision ID: f9c3e5a7b1d2
Revises: e8b2d4f6a0c1
Create Date: 2026-12-05 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f9c3e5a7b1d2"
down_revision = "e8b2d4f6a0c1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calendar_days", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_calendar_days_day", type_="unique")
        batch_op.create_unique_constraint("uq_calendar_days_day_unit_id", ["day", "unit_id"])
        batch_op.create_index(batch_op.f("ix_calendar_days_unit_id"), ["unit_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_calendar_days_unit_id_units"),
            "units",
            ["unit_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_index(
        "uq_calendar_days_day_everywhere",
        "calendar_days",
        ["day"],
        unique=True,
        sqlite_where=sa.text("unit_id IS NULL"),
        postgresql_where=sa.text("unit_id IS NULL"),
    )


def downgrade():
    op.drop_index("uq_calendar_days_day_everywhere", table_name="calendar_days")
    op.execute("DELETE FROM calendar_days WHERE unit_id IS NOT NULL")
    with op.batch_alter_table("calendar_days", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_calendar_days_unit_id_units"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_calendar_days_unit_id"))
        batch_op.drop_constraint("uq_calendar_days_day_unit_id", type_="unique")
        batch_op.create_unique_constraint("uq_calendar_days_day", ["day"])
        batch_op.drop_column("unit_id")
