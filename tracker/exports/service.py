"""Export writes: the audit trail of every export, and calendar feeds (make, rotate, revoke)."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa

from tracker.accounts.service import token_hash
from tracker.audit.service import log_event
from tracker.core import clock
from tracker.exports.models import CalendarFeed
from tracker.extensions import db
from tracker.plans.models import Plan

log = logging.getLogger(__name__)

#: last_fetched_at is written at most this often.
FETCH_TOUCH_INTERVAL = timedelta(hours=1)
#: What token_urlsafe makes; anything else opens nothing.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def record_export(actor, plan: Plan, kind: str, details: dict) -> None:
    """An export hands data out of Duban: say who took what (kind: xlsx, evidence)."""
    log_event(actor, f"export.{kind}", plan, after={"plan": plan.title, **details})
    log.info("export %s of plan %s by %s", kind, plan.id, getattr(actor, "username", actor))


# -- calendar feeds ----------------------------------------------------------------------------


def active_feed(user) -> CalendarFeed | None:
    return db.session.scalar(
        sa.select(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def _revoke_all(user) -> list[CalendarFeed]:
    feeds = list(
        db.session.scalars(
            sa.select(CalendarFeed).where(
                CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
            )
        )
    )
    for feed in feeds:
        feed.revoked_at = clock.now()
    return feeds


def create_feed(actor) -> tuple[CalendarFeed, str]:
    """Make the actor's feed address, revoking any earlier one (rotation). Returns the feed and
    its token — shown once: only the token's hash is kept."""
    revoked = _revoke_all(actor)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=actor.id, token_hash=token_hash(token), created_at=clock.now())
    db.session.add(feed)
    db.session.flush()
    action = "calendar.rotate" if revoked else "calendar.create"
    log_event(
        actor,
        action,
        feed,
        before={"revoked_feed_ids": [f.id for f in revoked]} if revoked else None,
        after=feed.to_audit(),
    )
    return feed, token


def revoke_feed(actor) -> bool:
    """Revoke the actor's feed address; calendar programs get 404 from then on."""
    revoked = _revoke_all(actor)
    db.session.flush()
    for feed in revoked:
        log_event(actor, "calendar.revoke", feed, after=feed.to_audit())
    return bool(revoked)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The active feed the token opens, if any (never for a disabled account)."""
    if not _TOKEN_RE.fullmatch(token or ""):
        return None
    feed = db.session.scalar(
        sa.select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token))
    )
    if feed is None or not feed.is_active or feed.user.is_disabled:
        return None
    return feed


def note_fetch(feed: CalendarFeed) -> bool:
    """Remember that the feed was fetched (at most once an hour); True when it wrote."""
    now = clock.now()
    if feed.last_fetched_at is not None and now - feed.last_fetched_at < FETCH_TOUCH_INTERVAL:
        return False
    db.session.execute(
        sa.update(CalendarFeed).where(CalendarFeed.id == feed.id).values(last_fetched_at=now)
    )
    return True
