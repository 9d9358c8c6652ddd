"""reminders and outbox

Revision ID: b7f4a1c20001
Revises: 62b4d2793d46
Create Date: 2026-11-28 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7f4a1c20001"
down_revision = "62b4d2793d46"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'dead')", name=op.f("ck_outbox_emails_status")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_outbox_emails_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_emails")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_emails_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_emails_message_id")),
    )
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_emails_recipient_id"), ["recipient_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_emails_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "reminder_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("due_soon_days", sa.String(length=50), nullable=False),
        sa.Column("overdue_repeat_days", sa.Integer(), nullable=False),
        sa.Column("escalate_supervisor_days", sa.Integer(), nullable=False),
        sa.Column("escalate_principal_days", sa.Integer(), nullable=False),
        sa.Column("certificate_expiry_days", sa.String(length=50), nullable=False),
        sa.Column("rectification_due_days", sa.Integer(), nullable=False),
        sa.Column("is_email_enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["units.id"], name=op.f("fk_reminder_policies_bureau_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_reminder_policies_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_policies")),
        sa.UniqueConstraint("bureau_id", name=op.f("uq_reminder_policies_bureau_id")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("step", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("light", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("email_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notifications_email_id"), ["email_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_record_id"), ["record_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_email_id_outbox_emails"),
            "outbox_emails",
            ["email_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_record_id_records"),
            "records",
            ["record_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_email_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("digest_time", sa.String(length=10), nullable=False, server_default="morning")
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("digest_time")
        batch_op.drop_column("is_email_enabled")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_record_id_records"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_email_id_outbox_emails"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_notifications_record_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_email_id"))
        batch_op.drop_column("email_id")
        batch_op.drop_column("light")
        batch_op.drop_column("step")
        batch_op.drop_column("record_id")

    op.drop_table("reminder_policies")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_emails_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outbox_emails_recipient_id"))

    op.drop_table("outbox_emails")
