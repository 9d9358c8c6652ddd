"""directory login: where an account's password is checked, and the mapping rules that seat
a person found in the directory at their first login

Revision ID: a7d3e5f9b2c4
Revises: d7a1c3e5f9b2
Create Date: 2026-12-04 22:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d3e5f9b2c4"
down_revision = "d7a1c3e5f9b2"
branch_labels = None
depends_on = None

ROLES = "('admin', 'coordinator', 'leader', 'chief', 'staff', 'viewer')"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auth_source", sa.String(length=10), server_default="local", nullable=False)
        )
        batch_op.create_check_constraint("auth_source", "auth_source IN ('local', 'ldap')")
    op.create_table(
        "directory_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("match", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "match IN ('department', 'group')", name=op.f("ck_directory_rules_match")
        ),
        sa.CheckConstraint(f"role IN {ROLES}", name=op.f("ck_directory_rules_role")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_directory_rules_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_rules")),
    )
    op.create_index(op.f("ix_directory_rules_unit_id"), "directory_rules", ["unit_id"])


def downgrade():
    op.drop_index(op.f("ix_directory_rules_unit_id"), table_name="directory_rules")
    op.drop_table("directory_rules")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_auth_source"), type_="check")
        batch_op.drop_column("auth_source")
