"""export jobs: the day a queued workbook's statuses are judged at

Revision ID: c5e7a9b1d3f2
Revises: f4e2a6c8b1d3
Create Date: 2026-12-04 20:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5e7a9b1d3f2"
down_revision = "f4e2a6c8b1d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("as_of", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_column("as_of")
