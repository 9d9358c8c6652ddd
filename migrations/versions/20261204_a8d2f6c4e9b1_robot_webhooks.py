"""work-chat robots: webhooks per bureau and unit, robot messages in the outbox, their claims

Revision ID: a8d2f6c4e9b1
Revises: c5e7a9b1d3f2
Create Date: 2026-12-04 22:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8d2f6c4e9b1"
down_revision = "c5e7a9b1d3f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "robot_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('dingtalk', 'wecom', 'feishu')", name=op.f("ck_robot_webhooks_kind")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_robot_webhooks_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_robot_webhooks_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_robot_webhooks")),
    )
    with op.batch_alter_table("robot_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_robot_webhooks_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "robot_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("robot_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["robot_id"],
            ["robot_webhooks.id"],
            name=op.f("fk_robot_claims_robot_id_robot_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_robot_claims")),
        sa.UniqueConstraint("key", name=op.f("uq_robot_claims_key")),
    )
    with op.batch_alter_table("robot_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_robot_claims_robot_id"), ["robot_id"], unique=False)

    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=10), server_default="email", nullable=False)
        )
        batch_op.add_column(sa.Column("robot_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_emails_robot_id"), ["robot_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_emails_robot_id_robot_webhooks"),
            "robot_webhooks",
            ["robot_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_emails_channel"), "channel IN ('email', 'robot')"
        )


def downgrade():
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_emails_channel"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_emails_robot_id_robot_webhooks"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_emails_robot_id"))
        batch_op.drop_column("robot_id")
        batch_op.drop_column("channel")

    with op.batch_alter_table("robot_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_robot_claims_robot_id"))
    op.drop_table("robot_claims")

    with op.batch_alter_table("robot_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_robot_webhooks_unit_id"))
    op.drop_table("robot_webhooks")
