"""every bureau and city (and the deployment) holds a version token: a scope without one kept
no figure, so a city office whose city had no plan yet counted all its bureaus' tasks afresh on
every view (1 s a home page at 50 bureaus × 2,000 tasks); new ones get theirs when created

Revision ID: c3d5e7f9a1b4
Revises: b2c4d6e8f0a3
Create Date: 2026-12-06 03:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3d5e7f9a1b4"
down_revision = "b2c4d6e8f0a3"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    missing = bind.execute(
        sa.text(
            "SELECT id FROM units WHERE kind IN ('bureau', 'city')"
            " AND id NOT IN (SELECT scope_id FROM data_versions)"
        )
    ).scalars()
    scopes = list(missing)
    if not bind.execute(sa.text("SELECT 1 FROM data_versions WHERE scope_id = 0")).first():
        scopes.append(0)
    versions = sa.table("data_versions", sa.column("scope_id"), sa.column("version"))
    if scopes:
        op.bulk_insert(versions, [{"scope_id": s, "version": secrets.randbits(62)} for s in scopes])


def downgrade():
    pass  # the tokens stay: a token of a scope that had none changes no figure
