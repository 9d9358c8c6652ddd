"""Notices (催办): the in-app Notification, the e-mail outbox and each bureau's reminder policy."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.reminders.robots import KINDS as ROBOT_KINDS
from tracker.reminders.robots import masked_url
from tracker.units.models import Unit

if TYPE_CHECKING:
    from tracker.tasks.models import Task

EMAIL_STATUSES = ("pending", "sent", "dead")
DIGEST_TIMES = ("morning", "afternoon")
#: Where an outbox message goes: an e-mail address, or a work-chat group robot (RobotWebhook).
CHANNELS = ("email", "robot")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    #: assigned, returned, evidence_rejected, due_soon, overdue, escalation, cert_expiry, …
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: Once-only key (recipient, object, kind, step, period); a second write with it is a no-op.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), nullable=True, unique=True)
    task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The ledger record a notice is about (certificate expiry, rectification due).
    record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: Which step of its kind: due-soon days left (5, 1), overdue period, escalation level.
    step: Mapped[int | None] = mapped_column(nullable=True)
    #: The light of the task when the notice was written (red, orange, …), for the digest.
    light: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Relative link inside the app (e.g. /tasks/12).
    link: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The digest e-mail that carried this notice; set once (the claim that prevents a second).
    email_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_emails.id"), nullable=True, index=True
    )

    recipient: Mapped[User] = relationship()
    task: Mapped[Task | None] = relationship("Task")

    def __repr__(self) -> str:
        return f"<Notification {self.id} to={self.recipient_id} {self.kind}>"


class OutboxEmail(db.Model):
    """One message to send, an e-mail or a post to a work-chat group robot (`channel`); written
    in the transaction that decided to send it, never deleted."""

    __tablename__ = "outbox_emails"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {EMAIL_STATUSES!r}", name="status"),
        sa.CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        sa.Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True, index=True
    )
    #: email, or robot (then `robot_id` names the robot and `to_address` its name)
    channel: Mapped[str] = mapped_column(
        sa.String(10), nullable=False, default="email", server_default="email"
    )
    #: The group robot a robot message goes to (null for e-mail, or once the robot is deleted).
    robot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("robot_webhooks.id", ondelete="SET NULL"), nullable=True, index=True
    )
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    text_body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    html_body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: RFC 5322 Message-ID, fixed when queued, so a resend after a crash is recognisable.
    message_id: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    #: Once-only key of what the e-mail is for (e.g. a weekly briefing); null for digests,
    #: whose notices are claimed one by one instead.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), nullable=True, unique=True)
    #: digest, briefing, alert, test
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="digest")
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    recipient: Mapped[User | None] = relationship()
    robot: Mapped[RobotWebhook | None] = relationship()

    @property
    def access_units(self) -> list[Unit]:
        """Whose message this is, for the permission rules: the recipient's unit and the robot's
        group's unit. A robot message whose robot was since deleted names neither: it belongs to
        the top of the unit tree (only an administrator seated there sees it)."""
        units = [self.recipient.unit if self.recipient else None]
        units.append(self.robot.unit if self.robot else None)
        found = [unit for unit in units if unit is not None]
        if found:
            return found
        top = db.session.scalar(
            sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1)
        )
        return [top] if top is not None else []

    def to_audit(self) -> dict:
        return {
            "channel": self.channel,
            "to": self.to_address,
            "subject": self.subject,
            "status": self.status,
            "attempts": self.attempts,
        }

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} to={self.to_address!r} {self.status}>"


class ReminderPolicy(db.Model):
    """A bureau's reminder settings (working days unless named otherwise)."""

    __tablename__ = "reminder_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, unique=True)
    #: Working days before the due date at which the owner and the chief hear, e.g. "5,1".
    due_soon_days: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="5,1")
    #: After the first overdue notice, another every this many working days.
    overdue_repeat_days: Mapped[int] = mapped_column(nullable=False, default=3)
    #: Working days overdue before the supervisor (分管领导) hears.
    escalate_supervisor_days: Mapped[int] = mapped_column(nullable=False, default=3)
    #: Working days overdue before the principal leader (主要负责人) hears.
    escalate_principal_days: Mapped[int] = mapped_column(nullable=False, default=10)
    #: Calendar days before a certificate expires at which its holder's chief hears, e.g. "60,30".
    certificate_expiry_days: Mapped[str] = mapped_column(
        sa.String(50), nullable=False, default="60,30"
    )
    #: Working days before an inspection's rectification is due.
    rectification_due_days: Mapped[int] = mapped_column(nullable=False, default=5)
    #: Whether e-mail digests are sent at all for this bureau.
    is_email_enabled: Mapped[bool] = mapped_column(nullable=False, default=True)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    bureau: Mapped[Unit] = relationship()

    @staticmethod
    def parse_days(text: str) -> list[int]:
        """'5,1' → [5, 1] (descending, unique, positive)."""
        days = {int(part) for part in text.replace("，", ",").split(",") if part.strip()}
        return sorted((d for d in days if d > 0), reverse=True)

    @property
    def due_soon_steps(self) -> list[int]:
        return self.parse_days(self.due_soon_days)

    @property
    def certificate_steps(self) -> list[int]:
        return self.parse_days(self.certificate_expiry_days)

    def to_audit(self) -> dict:
        return {
            "due_soon_days": self.due_soon_days,
            "overdue_repeat_days": self.overdue_repeat_days,
            "escalate_supervisor_days": self.escalate_supervisor_days,
            "escalate_principal_days": self.escalate_principal_days,
            "certificate_expiry_days": self.certificate_expiry_days,
            "rectification_due_days": self.rectification_due_days,
            "is_email_enabled": self.is_email_enabled,
        }

    def __repr__(self) -> str:
        return f"<ReminderPolicy bureau={self.bureau_id}>"


class RobotWebhook(db.Model):
    """A work-chat group robot (钉钉, 企业微信, 飞书) of a bureau or a unit: the reminders about
    the tasks a unit leads go to its robots and to its bureau's."""

    __tablename__ = "robot_webhooks"
    __table_args__ = (sa.CheckConstraint(f"kind IN {ROBOT_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    #: What the administrators call it (e.g. 社会救助科工作群).
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: The robot's webhook address (its token is part of it: shown to administrators only).
    url: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    #: The signing secret (钉钉 加签, 飞书 签名校验); empty: requests are not signed.
    secret: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    is_enabled: Mapped[bool] = mapped_column(nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    unit: Mapped[Unit] = relationship()

    @property
    def label(self) -> str:
        """How the outbox names it: kind and name."""
        return f"{self.kind}: {self.name}"[:254]

    def to_audit(self) -> dict:
        return {
            "unit_id": self.unit_id,
            "kind": self.kind,
            "name": self.name,
            "url": masked_url(self.url),
            "is_signed": bool(self.secret),
            "is_enabled": self.is_enabled,
        }

    def __repr__(self) -> str:
        return f"<RobotWebhook {self.id} {self.kind} unit={self.unit_id}>"


class RobotClaim(db.Model):
    """That one reminder (a deadline step of a task, whoever was told) went to one robot: the
    claim that keeps a robot from hearing of it twice, whichever sweep wrote it."""

    __tablename__ = "robot_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "r<robot id>:<the notice's key without its recipient>"
    key: Mapped[str] = mapped_column(sa.String(250), nullable=False, unique=True)
    robot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("robot_webhooks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
