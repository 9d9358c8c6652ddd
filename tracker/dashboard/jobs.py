"""Scheduled job of the dashboard: the weekly briefing e-mail to every leader (Mondays 08:00).

`send_weekly_briefings(now)` does the work (flushes; the caller commits);
`weekly_briefings(app)` is the thin wrapper for the scheduler's registry, which runs it inside
the job's boundary (tracker/core/transactions.py: run_job)."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.transactions import run_job
from tracker.dashboard.briefing import (
    briefing_subject,
    build_briefing,
    iso_week_label,
    render_briefing_html,
    render_briefing_text,
)
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail
from tracker.reminders.outbox import queue_email
from tracker.reminders.policy import email_is_on_for

log = logging.getLogger(__name__)


def briefing_dedupe_key(user: User, now: datetime) -> str:
    """Once per leader and ISO week (local time): briefing:<user id>:<ISO year>-W<week>."""
    return f"briefing:{user.id}:{iso_week_label(clock.to_local(now).date())}"


def briefing_recipients() -> list[User]:
    """Active leaders with an e-mail address who receive e-mail."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.role == "leader",
                User.is_disabled.is_(False),
                User.is_email_enabled.is_(True),
                User.email.is_not(None),
                User.email != "",
            )
            .order_by(User.id)
        )
    )


def send_weekly_briefings(now: datetime | None = None) -> int:
    """Queue this week's briefing for every leader (once per leader and week).

    Returns how many e-mails were queued now (those already queued this week are skipped)."""
    now = now or clock.now()
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    queued = 0
    for leader in briefing_recipients():
        key = briefing_dedupe_key(leader, now)
        if db.session.scalar(sa.select(OutboxEmail.id).where(OutboxEmail.dedupe_key == key)):
            continue  # already queued this week: the job may run twice
        if not email_is_on_for(leader):
            continue
        briefing = build_briefing(db.session, leader, now)
        locale = leader.locale or default_locale
        email = queue_email(
            db.session,
            recipient=leader,
            subject=briefing_subject(briefing, locale),
            text=render_briefing_text(briefing, locale),
            html=render_briefing_html(briefing, locale),
            dedupe_key=key,
            kind="briefing",
        )
        if email is not None:
            queued += 1
            log.info("weekly briefing %s queued for %s", briefing.week_label, leader.username)
    return queued


def weekly_briefings(app) -> dict:
    """The scheduler's job: open an app context, queue the week's briefings."""
    queued = run_job(app, lambda: send_weekly_briefings(clock.now()))
    log.info("job weekly_briefings: %d queued", queued)
    return {"queued": queued}
