"""Calendar overrides: read them for core.workdays, set and remove them — each audited."""

from __future__ import annotations

import logging
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import changes, log_event
from tracker.core import workdays
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.holidays.models import CalendarDay

log = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 100
#: Overrides outside these years are almost certainly typing mistakes (e.g. 0226 for 2026).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def load_overrides() -> dict[date, bool]:
    """Every override as date → is a working day (the loader core.workdays calls)."""
    rows = db.session.execute(sa.select(CalendarDay.day, CalendarDay.is_workday))
    return {day: is_workday for day, is_workday in rows}


def overrides_of_year(year: int) -> list[CalendarDay]:
    """The overrides falling in `year`, in date order."""
    return list(
        db.session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )


def get_day(day: date) -> CalendarDay | None:
    """The override for `day`, if there is one."""
    return db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))


def set_day(actor, day: date, is_workday: bool, note: str = "") -> CalendarDay:
    """Make `day` a working day or a day off regardless of the statutory calendar.

    Creates the override or changes the existing one for that date."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise DomainError(_("Enter a date."), "day")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(
            _("Choose a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
            "day",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(_("A note has at most %(n)d characters.", n=NOTE_MAX_LENGTH), "note")
    calendar_day = get_day(day)
    if calendar_day is None:
        calendar_day = CalendarDay(
            day=day,
            is_workday=bool(is_workday),
            note=note,
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(calendar_day)
        db.session.flush()
        log_event(actor, "calendar.set", calendar_day, after=calendar_day.to_audit())
    else:
        before = calendar_day.to_audit()
        calendar_day.is_workday, calendar_day.note = bool(is_workday), note
        db.session.flush()
        old, new = changes(before, calendar_day.to_audit())
        if not new:
            return calendar_day
        # keep the date in both halves: after a later removal the id alone says nothing
        when = {"day": day.isoformat()}
        log_event(actor, "calendar.set", calendar_day, before=when | old, after=when | new)
    workdays.invalidate_cache()
    log.info("calendar override %s set to workday=%s", day, calendar_day.is_workday)
    return calendar_day


def remove_day(actor, calendar_day: CalendarDay) -> None:
    """Delete an override, so the statutory calendar (or Monday–Friday) applies again."""
    log_event(actor, "calendar.remove", calendar_day, before=calendar_day.to_audit())
    db.session.delete(calendar_day)
    db.session.flush()
    workdays.invalidate_cache()
    log.info("calendar override %s removed", calendar_day.day)
