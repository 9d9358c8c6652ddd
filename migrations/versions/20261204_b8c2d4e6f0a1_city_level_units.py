"""city level: a unit of kind "city" (or county, province) above the bureaus

Revision ID: b8c2d4e6f0a1
Revises: a3c9e4f1b2d7
Create Date: 2026-12-04 18:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b8c2d4e6f0a1"
down_revision = "a3c9e4f1b2d7"
branch_labels = None
depends_on = None

OLD = ("bureau", "section", "subordinate")
NEW = ("city", "bureau", "section", "subordinate")


def _kinds(kinds) -> str:
    return f"kind IN {tuple(kinds)!r}"


def upgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_units_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(NEW))


def downgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_units_kind"), type_="check")
        batch_op.create_check_constraint("kind", _kinds(OLD))
