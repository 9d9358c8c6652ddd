"""In-app notifications (the inbox): write a notice, count and mark the unread ones."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from tracker.audit.service import log_event
from tracker.core import clock
from tracker.extensions import db
from tracker.reminders.models import Notification

log = logging.getLogger(__name__)


def notify(
    recipient,
    kind: str,
    title: str,
    *,
    body: str = "",
    link: str = "",
    task=None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Add a notification for `recipient` (in the current transaction).

    With `dedupe_key`, a notification already written under that key is not written again.
    """
    if dedupe_key is not None:
        exists = db.session.scalar(
            sa.select(Notification.id).where(Notification.dedupe_key == dedupe_key)
        )
        if exists:
            return None
    notification = Notification(
        recipient_id=recipient.id,
        kind=kind,
        title=title[:300],
        body=body,
        link=link,
        task_id=getattr(task, "id", None),
        dedupe_key=dedupe_key,
        created_at=clock.now(),
    )
    db.session.add(notification)
    log.info("notify %s: %s (%s)", recipient.username, kind, title)
    return notification


def mark_read(user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ids is None); return how many."""
    query = sa.update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    marked = db.session.execute(query.values(read_at=clock.now())).rowcount or 0
    if marked:
        log_event(
            user,
            "notification.read",
            ("user", user.id),
            after={"count": marked, "ids": notification_ids},
        )
    return marked


def unread_count(user) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.recipient_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )
