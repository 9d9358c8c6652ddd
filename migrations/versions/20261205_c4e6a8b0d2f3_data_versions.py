"""data_versions: a token per bureau replaced with every change to its tasks, so the
dashboard's figures can be kept between changes

Revision ID: c4e6a8b0d2f3
Revises: b3d5f7a9c1e2
Create Date: 2026-12-05 03:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e6a8b0d2f3"
down_revision = "b3d5f7a9c1e2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_versions",
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", name=op.f("pk_data_versions")),
    )
    # every bureau and city has its token from the start (0: the deployment's)
    connection = op.get_bind()
    scopes = connection.execute(
        sa.text("SELECT id FROM units WHERE kind IN ('bureau', 'city')")
    ).scalars()
    table = sa.table("data_versions", sa.column("scope_id"), sa.column("version"))
    rows = [{"scope_id": s, "version": secrets.randbits(62)} for s in (0, *scopes)]
    op.bulk_insert(table, rows)


def downgrade():
    op.drop_table("data_versions")
