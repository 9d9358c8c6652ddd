"""The level-triggered reminder sweep (催办): due notices, their digests, and what it wrote."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User
from tracker.audit.service import SystemActor, log_event
from tracker.core import clock
from tracker.core.db import absent
from tracker.core.memory import bulk_allocations
from tracker.extensions import db
from tracker.reminders import digest
from tracker.reminders.models import Notification, ReminderPolicy
from tracker.reminders.notices import (
    SWEEP_KINDS,
    Notice,
    any_bureau_works,
    due_notices,
    in_their_languages,
    locale_of,
)
from tracker.reminders.outbox import insert_many_ignoring_conflict, queue_email
from tracker.reminders.webhooks import queue_robot_digests
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

#: A digest carries unread notices up to this old; older ones stay in the app only.
DIGEST_WINDOW = timedelta(days=7)
SWEEPER = SystemActor(username="scheduler:reminders")


@dataclass
class SweepReport:
    notifications: int = 0
    emails: int = 0
    #: messages queued for work-chat group robots
    robots: int = 0
    by_kind: Counter = field(default_factory=Counter)
    is_working_day: bool = True

    def as_dict(self) -> dict:
        return {
            "notifications": self.notifications,
            "emails": self.emails,
            "robots": self.robots,
            "by_kind": dict(sorted(self.by_kind.items())),
        }


#: Keys looked up, and rows inserted, per statement.
BATCH = 500
#: A sweep that wrote this many notices refreshes the table's statistics (PostgreSQL).
ANALYZE_AFTER = 1000


def _fresh(notices: list[Notice]) -> list[Notice]:
    """The notices whose key is not written yet (by an earlier run, or a parallel one that
    committed), each key once."""
    unwritten = absent(db.session, Notification.dedupe_key, [n.key for n in notices], batch=BATCH)
    fresh = []
    for notice in notices:
        if notice.key in unwritten:
            unwritten.discard(notice.key)
            fresh.append(notice)
    return fresh


def _write_notices(notices: list[Notice], now: datetime) -> list[Notice]:
    """Write the notices not written yet, rendering only those; return the ones this run wrote.
    Exactly once holds by the unique key: rows a parallel run wrote meanwhile are skipped by
    ON CONFLICT DO NOTHING, and only the rows inserted here come back from RETURNING."""
    fresh = _fresh(notices)
    by_key = {n.key: n for n in fresh}
    written: list[Notice] = []
    for start in range(0, len(fresh), BATCH):
        rows = []
        for notice in in_their_languages(fresh[start : start + BATCH]):
            title, body, link = notice.rendered()
            rows.append(
                {
                    "recipient_id": notice.recipient.id,
                    "kind": notice.kind,
                    "dedupe_key": notice.key,
                    "task_id": notice.task_id,
                    "record_id": notice.record_id,
                    "step": notice.step,
                    "light": notice.light,
                    "title": title[:300],
                    "body": body,
                    "link": link,
                    "created_at": now,
                }
            )
        keys = insert_many_ignoring_conflict(
            db.session, Notification, rows, "dedupe_key", Notification.dedupe_key
        )
        written += [by_key[key] for key in keys]
    return written


def _digest_slot(now: datetime) -> str:
    return "morning" if clock.to_local(now).hour < 12 else "afternoon"


def _email_bureaus_off() -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ReminderPolicy.bureau_id).where(ReminderPolicy.is_email_enabled.is_(False))
        )
    )


def queue_digests(now: datetime) -> int:
    """Queue one digest e-mail per user with unread notices not yet e-mailed, for the users
    whose digest time is now; each notice is claimed by exactly one digest."""
    slot = _digest_slot(now)
    cutoff = now - DIGEST_WINDOW
    waiting = (
        sa.select(Notification.recipient_id)
        .where(
            Notification.email_id.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= cutoff,
        )
        .distinct()
    )
    users = db.session.scalars(
        sa.select(User)
        .where(
            User.id.in_(waiting),
            User.is_disabled.is_(False),
            User.is_email_enabled.is_(True),
            User.email.is_not(None),
            User.email != "",
            User.digest_time == slot,
        )
        .order_by(User.id)
    ).all()
    bureaus_off = _email_bureaus_off()
    queued = 0
    for user in users:
        bureau_id = user.bureau.id
        if bureau_id in bureaus_off:
            continue
        email = queue_email(db.session, recipient=user, subject="…", text="…", now=now)
        claimed = list(
            db.session.scalars(
                sa.update(Notification)
                .where(
                    Notification.recipient_id == user.id,
                    Notification.email_id.is_(None),
                    Notification.read_at.is_(None),
                    Notification.created_at >= cutoff,
                )
                .values(email_id=email.id)
                .returning(Notification.id)
                # no Notification is in the session (the sweep writes them as rows): nothing
                # to bring up to date, and looking for them walked the whole identity map
                .execution_options(synchronize_session=False)
            )
        )
        if not claimed:  # a parallel sweep claimed them first
            db.session.delete(email)
            db.session.flush()
            continue
        # the claimed notices by the e-mail's id (a list of ids could pass the database's limit
        # of parameters), the most urgent first (the earliest due date; notices about no task
        # last); the tasks only of those that carry no light of their own (an action's notice):
        # the digest takes the task's light now
        notices = db.session.scalars(
            sa.select(Notification)
            .outerjoin(Task, Task.id == Notification.task_id)
            .where(Notification.email_id == email.id)
            .order_by(Task.due_date.is_(None), Task.due_date, Notification.id)
        ).all()
        unlit = {n.task_id for n in notices if not n.light and n.task_id is not None}
        # held here: `notice.task` finds them in the session, which holds them only weakly
        _held = db.session.scalars(sa.select(Task).where(Task.id.in_(unlit))).all() if unlit else ()
        with force_locale(locale_of(user)):
            content = digest.render(user, notices, now)
        email.subject = content.subject[:300]
        email.text_body = content.text
        email.html_body = content.html
        queued += 1
    db.session.flush()
    return queued


@bulk_allocations()
def run_reminders(now: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
    """The sweep: write every notice due at `now` once, then queue the digests (flushes; the
    caller commits). A second or parallel run writes nothing new; a missed run is made up."""
    now = now or clock.now()
    report = SweepReport()
    today = clock.to_local(now).date()
    if not any_bureau_works(today):  # a day off in every bureau's calendar
        report.is_working_day = False
        return report
    notices = due_notices(now)
    if dry_run:
        fresh = _fresh(notices)
        report.notifications = len(fresh)
        report.by_kind.update(n.kind for n in fresh)
        recipients = {
            n.recipient.id
            for n in fresh
            if n.recipient.email
            and n.recipient.is_email_enabled
            and n.recipient.digest_time == _digest_slot(now)
        }
        report.emails = len(recipients)
        return report
    written = _write_notices(notices, now)
    report.notifications = len(written)
    report.by_kind.update(n.kind for n in written)
    if len(written) >= ANALYZE_AFTER and db.session.get_bind().dialect.name == "postgresql":
        # tens of thousands of new rows before autovacuum sees them: without fresh statistics
        # the planner scans the whole table for each batch of keys the next sweep looks up
        # (a rerun took 44 s instead of 1 s at 100,000 tasks)
        db.session.execute(sa.text("ANALYZE notifications"))
    report.emails = queue_digests(now)
    report.robots = queue_robot_digests(written, now)
    if report.notifications or report.emails or report.robots:
        log_event(SWEEPER, "reminders.sweep", None, after=report.as_dict())
        log.info("reminders: %s", report.as_dict())
    return report


def reminders_for_task(task: Task) -> list[Notification]:
    """The reminders written about a task (newest first), for its page."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.task_id == task.id, Notification.kind.in_(SWEEP_KINDS))
            .options(joinedload(Notification.recipient))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
    )
