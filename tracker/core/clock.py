"""The one clock every part of Duban asks for "now", so tests and --now options can set it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"

_frozen: datetime | None = None


def now() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    """Make now() return `moment` inside the block (used by --now options of commands)."""
    global _frozen
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_timezone())
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous


def local_timezone() -> tzinfo:
    """Return the bureau's time zone (TRACKER_TIMEZONE, Asia/Shanghai by default)."""
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def local_now() -> datetime:
    """Return now() in the bureau's time zone."""
    return now().astimezone(local_timezone())


def today() -> date:
    """Return the bureau's current calendar date."""
    return local_now().date()


def to_local(moment: datetime | None) -> datetime | None:
    """Convert an aware datetime to the bureau's time zone (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_timezone())
