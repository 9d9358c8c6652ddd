"""The outbox: e-mails and work-chat robot messages are queued inside the deciding transaction
and sent after it.

Delivery takes one message at a time in its own transaction: send, then mark it sent. SMTP or a
robot being down only delays a message (exponential backoff); after the configured number of
failures it is marked dead and stays visible to administrators, who can retry it. A robot
message counts as sent only when the robot's answer says so. Nothing is ever deleted.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.db import array_of, begin_write
from tracker.extensions import db
from tracker.reminders import robots
from tracker.reminders.models import CHANNELS, OutboxEmail, RobotWebhook

log = logging.getLogger(__name__)

#: First retry after one minute, then 2, 4, 8 … minutes, never more than six hours apart.
BACKOFF_START = timedelta(minutes=1)
BACKOFF_LIMIT = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return min(BACKOFF_START * (2 ** max(attempts - 1, 0)), BACKOFF_LIMIT)


def _message_id() -> str:
    sender = parseaddr(current_app.config["SMTP_FROM"])[1]
    domain = sender.rpartition("@")[2] or "duban.local"
    return f"<duban.{secrets.token_hex(12)}@{domain}>"


def insert_ignoring_conflict(session, model, values: dict, conflict_column: str) -> int | None:
    """INSERT … ON CONFLICT (column) DO NOTHING RETURNING id: the new id, or None if the key
    was already taken (by an earlier run, or a parallel one that committed first)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(model.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[conflict_column])
        .returning(model.__table__.c.id)
    )
    return session.execute(statement).scalar()


def insert_many_ignoring_conflict(
    session, model, rows: list[dict], conflict_column: str, returned
) -> list:
    """INSERT … ON CONFLICT (column) DO NOTHING RETURNING `returned` for many rows (on SQLite
    one statement compiled once, sent in batches by SQLAlchemy's insertmanyvalues; on
    PostgreSQL from arrays, below): the `returned` values of the rows inserted — a taken key
    returns nothing. The rows all have the same keys."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _insert_many_postgresql(session, model, rows, conflict_column, returned)
    statement = (
        sqlite_insert(model.__table__)
        .on_conflict_do_nothing(index_elements=[conflict_column])
        .returning(returned)
    )
    return list(session.execute(statement, rows).scalars())


def _insert_many_postgresql(session, model, rows: list[dict], conflict_column: str, returned):
    """The same on PostgreSQL with one array per column, `INSERT … SELECT FROM unnest(…)`:
    eleven parameters for 500 notices instead of 5,500 (a sweep at 100k spent a third of its
    time having the driver and the server parse statements of thousands of parameters)."""
    table = model.__table__
    names = list(rows[0])
    arrays = [
        array_of([row[name] for row in rows], table.c[name].type, f"many_{name}") for name in names
    ]
    source = (
        sa.func.unnest(*arrays)
        .table_valued(*(sa.column(name) for name in names))
        .render_derived(with_types=False)
    )
    statement = (
        pg_insert(table)
        .from_select(names, sa.select(*source.c))
        .on_conflict_do_nothing(index_elements=[conflict_column])
        .returning(returned)
    )
    return list(session.execute(statement).scalars())


def _queued(session, values: dict) -> OutboxEmail | None:
    """Add one outbox row; None when its dedupe key was already taken."""
    values = {
        "message_id": _message_id(),
        "status": "pending",
        "attempts": 0,
        "last_error": "",
        "html_body": "",
        **values,
    }
    if values["dedupe_key"] is None:
        message = OutboxEmail(**values)
        session.add(message)
        session.flush()
        return message
    new_id = insert_ignoring_conflict(session, OutboxEmail, values, "dedupe_key")
    return session.get(OutboxEmail, new_id) if new_id is not None else None


def queue_email(
    session,
    *,
    recipient,
    subject: str,
    text: str,
    html: str = "",
    dedupe_key: str | None = None,
    kind: str = "digest",
    now: datetime | None = None,
) -> OutboxEmail | None:
    """Queue one e-mail to `recipient` in the current transaction.

    Returns None when the recipient has no address, or when an e-mail with `dedupe_key` was
    already queued (a second run of the same job queues nothing). `now` (default: the clock)
    is when it was queued and becomes due."""
    if not recipient.email:
        return None
    now = now or clock.now()
    return _queued(
        session,
        {
            "channel": "email",
            "recipient_id": recipient.id,
            "to_address": recipient.email,
            "subject": subject[:300],
            "text_body": text,
            "html_body": html,
            "dedupe_key": dedupe_key,
            "kind": kind,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def queue_robot_message(
    session,
    *,
    robot: RobotWebhook,
    title: str,
    text: str,
    dedupe_key: str | None = None,
    kind: str = "digest",
    now: datetime | None = None,
) -> OutboxEmail | None:
    """Queue one message (a title and Markdown text) to a work-chat group robot in the current
    transaction; None when a message with `dedupe_key` was already queued."""
    now = now or clock.now()
    return _queued(
        session,
        {
            "channel": "robot",
            "robot_id": robot.id,
            "to_address": robot.label,
            "subject": title[:300],
            "text_body": text,
            "dedupe_key": dedupe_key,
            "kind": kind,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def build_message(email: OutboxEmail) -> EmailMessage:
    """The RFC 5322 message for an outbox row (plain text with an HTML alternative)."""
    message = EmailMessage()
    message["From"] = current_app.config["SMTP_FROM"]
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(clock.to_local(email.created_at))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text_body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
    return message


class Transport:
    """Where e-mails go: an SMTP server, or a pickup folder of .eml files in development."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    @property
    def is_configured(self) -> bool:
        return bool(self.config["SMTP_HOST"] or self.config["MAIL_PICKUP_DIR"])

    def send(self, message: EmailMessage) -> None:
        if not self.config["SMTP_HOST"]:
            folder = Path(self.config["MAIL_PICKUP_DIR"])
            folder.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("/", "_") + ".eml"
            (folder / name).write_bytes(bytes(message))
            return
        if self.connection is None:
            self.connection = self._connect()
        self.connection.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        connection = smtplib.SMTP(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]
        )
        try:
            connection.ehlo()
            if config["SMTP_STARTTLS"]:
                connection.starttls()
                connection.ehlo()
            if config["SMTP_USER"]:
                connection.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        except BaseException:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0

    def as_dict(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "dead": self.dead}


def _due_ids(now: datetime, limit: int, channels: list[str]) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(OutboxEmail.id)
            .where(
                OutboxEmail.status == "pending",
                OutboxEmail.next_attempt_at <= now,
                OutboxEmail.channel.in_(channels),
            )
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
            .limit(limit)
        )
    )


def _claim(email_id: int, now: datetime) -> OutboxEmail | None:
    """Lock one due e-mail for this delivery run (PostgreSQL: skip rows another run holds;
    SQLite: the write transaction already excludes every other writer)."""
    query = sa.select(OutboxEmail).where(
        OutboxEmail.id == email_id,
        OutboxEmail.status == "pending",
        OutboxEmail.next_attempt_at <= now,
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query.execution_options(populate_existing=True))


class RobotGone(robots.RobotError):
    """The robot was deleted: its message can never go out."""


def post_to_robot(message: OutboxEmail, now: datetime) -> None:
    """Post a robot message (signed at `now`); RobotError when it was not accepted."""
    robot = message.robot
    if robot is None:
        raise RobotGone("the robot was deleted")
    if not robot.is_enabled:
        raise robots.RobotError("the robot is disabled")
    config = current_app.config
    request = robots.build(
        robot.kind, robot.url, robot.secret, message.subject, message.text_body, now
    )
    robots.post(robot.kind, request, timeout=config["ROBOT_TIMEOUT"], proxy=config["ROBOT_PROXY"])


def deliver_pending(*, limit: int = 200) -> DeliveryReport:
    """Send the messages that are due — e-mails and work-chat robot posts — each in its own
    transaction; commits as it goes.

    One of the documented exceptions to the one-commit boundary (tracker/core/transactions.py):
    a message that went out must be marked sent even when the next one fails."""
    report = DeliveryReport()
    config = current_app.config
    transport = Transport(config)
    channels = list(CHANNELS)
    if not transport.is_configured:
        log.warning("outbox: no TRACKER_SMTP_HOST set; e-mails stay pending")
        channels.remove("email")
    max_attempts = config["OUTBOX_MAX_ATTEMPTS"]
    db.session.rollback()
    ids = _due_ids(clock.now(), limit, channels)
    db.session.rollback()
    try:
        for email_id in ids:
            begin_write(db.session)
            now = clock.now()
            email = _claim(email_id, now)
            if email is None:  # sent by a parallel run meanwhile
                db.session.rollback()
                continue
            error, gone = None, False
            try:
                if email.channel == "robot":
                    post_to_robot(email, now)
                else:
                    transport.send(build_message(email))
            except (smtplib.SMTPException, OSError) as exc:  # timeouts are OSErrors
                transport.close()
                error = f"{type(exc).__name__}: {exc}"
            except robots.RobotError as exc:
                error, gone = str(exc), isinstance(exc, RobotGone)
            email.attempts += 1
            if error is None:
                email.status = "sent"
                email.sent_at = now
                email.last_error = ""
                report.sent += 1
            else:
                email.last_error = error[:2000]
                if email.attempts >= max_attempts or gone:
                    email.status = "dead"
                    report.dead += 1
                    log.error("outbox: message %s dead after %s attempts", email.id, email.attempts)
                else:
                    email.next_attempt_at = now + backoff(email.attempts)
                    report.failed += 1
                    log.warning("outbox: message %s failed (%s)", email.id, email.last_error)
            db.session.commit()
    finally:
        transport.close()
        db.session.rollback()
    return report


def retry(actor, email: OutboxEmail) -> OutboxEmail:
    """Put a dead (or waiting) e-mail back in line for immediate delivery with fresh attempts."""
    before = email.to_audit()
    email.status = "pending"
    email.attempts = 0
    email.next_attempt_at = clock.now()
    db.session.flush()
    log_event(actor, "outbox.retry", email, before=before, after=email.to_audit())
    log.info("outbox: e-mail %s put back for delivery by %s", email.id, actor.username)
    return email
