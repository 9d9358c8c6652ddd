"""login throttling by name and address, server-side form drafts, forced password change

Revision ID: 3c1f9a2b7d45
Revises: d3c0a1e5f7b2
Create Date: 2026-12-04 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c1f9a2b7d45"
down_revision = "d3c0a1e5f7b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(
        "ix_login_attempts_name_ip_at", "login_attempts", ["username", "ip", "attempted_at"]
    )
    op.create_index("ix_login_attempts_ip_at", "login_attempts", ["ip", "attempted_at"])
    op.create_table(
        "form_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_form_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_drafts")),
        sa.UniqueConstraint("key", name=op.f("uq_form_drafts_key")),
    )
    op.create_index(op.f("ix_form_drafts_user_id"), "form_drafts", ["user_id"])
    op.create_index(op.f("ix_form_drafts_expires_at"), "form_drafts", ["expires_at"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    op.drop_index(op.f("ix_form_drafts_expires_at"), table_name="form_drafts")
    op.drop_index(op.f("ix_form_drafts_user_id"), table_name="form_drafts")
    op.drop_table("form_drafts")
    op.drop_index("ix_login_attempts_ip_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_name_ip_at", table_name="login_attempts")
    op.drop_table("login_attempts")
