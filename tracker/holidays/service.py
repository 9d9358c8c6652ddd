"""Calendar overrides: read them for core.workdays, set and remove them — each audited."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from tracker.audit.service import changes, log_event
from tracker.core import workdays
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.holidays.models import CalendarDay
from tracker.units.models import Unit

log = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 100
#: Overrides outside these years are almost certainly typing mistakes (e.g. 0226 for 2026).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _levels(unit_id: int | None) -> list[int | None]:
    """Whose overrides make the calendar of the unit, weakest first: the deployment's (None),
    then each node from the top of the tree down to the unit itself."""
    if unit_id is None:
        return [None]
    unit = db.session.get(Unit, unit_id)
    return [None, *(unit.ancestor_ids if unit is not None else [])]


def _of_levels(query, levels: list[int | None]):
    ids = [level for level in levels if level is not None]
    return query.where(sa.or_(CalendarDay.unit_id.is_(None), CalendarDay.unit_id.in_(ids)))


def load_overrides(unit_id: int | None = None) -> dict[date, bool]:
    """The overrides in force for the unit's calendar as date → is a working day, the nearest
    level winning (the loader core.workdays calls; None: the deployment's alone)."""
    levels = _levels(unit_id)
    query = sa.select(CalendarDay.unit_id, CalendarDay.day, CalendarDay.is_workday)
    rows = sorted(db.session.execute(_of_levels(query, levels)), key=lambda r: levels.index(r[0]))
    return {day: is_workday for _unit, day, is_workday in rows}


def load_overrides_of(unit_ids: Iterable[int]) -> dict[int, dict[date, bool]]:
    """load_overrides for several units: their units in one statement, their overrides in
    another."""
    unit_ids = list(unit_ids)
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids))).all()
    levels = {unit_id: _levels(unit_id) for unit_id in unit_ids}  # units: from the session
    del units
    every = list({level for its in levels.values() for level in its})
    query = sa.select(CalendarDay.unit_id, CalendarDay.day, CalendarDay.is_workday)
    rows = db.session.execute(_of_levels(query, every)).all()
    read = {}
    for unit_id, its in levels.items():
        mine = sorted((r for r in rows if r[0] in its), key=lambda r: its.index(r[0]))
        read[unit_id] = {day: is_workday for _unit, day, is_workday in mine}
    return read


def overrides_of_year(year: int, unit: Unit | None = None) -> list[CalendarDay]:
    """The overrides falling in `year` that make the unit's calendar (the deployment's and those
    of the unit and the nodes above it; None: the deployment's alone), in date order, the
    weaker level first."""
    levels = _levels(unit.id if unit is not None else None)
    query = sa.select(CalendarDay).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
    )
    days = db.session.scalars(_of_levels(query, levels).options(joinedload(CalendarDay.unit)))
    return sorted(days, key=lambda d: (d.day, levels.index(d.unit_id)))


def get_day(day: date, unit: Unit | None = None) -> CalendarDay | None:
    """The unit's own override for `day` (None: the deployment's), if there is one."""
    unit_id = unit.id if unit is not None else None
    return db.session.scalar(
        sa.select(CalendarDay).where(
            CalendarDay.day == day,
            CalendarDay.unit_id.is_(None) if unit_id is None else CalendarDay.unit_id == unit_id,
        )
    )


def set_day(
    actor, day: date, is_workday: bool, note: str = "", unit: Unit | None = None
) -> CalendarDay:
    """Make `day` a working day or a day off regardless of the statutory calendar, for the whole
    deployment or (with `unit`) for a bureau or city and everything under it.

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
    calendar_day = get_day(day, unit)
    if calendar_day is None:
        calendar_day = CalendarDay(
            day=day,
            unit_id=unit.id if unit is not None else None,
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
        when = {"day": day.isoformat()} | (
            {"unit_id": calendar_day.unit_id} if calendar_day.unit_id is not None else {}
        )
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


def apply_notice(actor, notice, unit: Unit | None = None) -> dict:
    """Enter every day of a parsed State Council notice (tracker.holidays.notice.Notice) as an
    override — each one audited as `calendar.set`, the import as a whole as
    `calendar.import_notice` — and return how many days changed.

    Deadlines and reminders use the new days at once: set_day clears the workday cache."""
    problems = notice.problems()
    if problems:
        raise DomainError(
            _("The notice does not add up: %(problems)s", problems="; ".join(problems)), "text"
        )
    changed = 0
    for day, is_workday, name in notice.days():
        before = get_day(day, unit)
        state = None if before is None else (before.is_workday, before.note)
        note = (f"{name}调休上班" if is_workday else f"{name}放假")[:NOTE_MAX_LENGTH]
        calendar_day = set_day(actor, day, is_workday, note, unit)
        if state != (calendar_day.is_workday, calendar_day.note):
            changed += 1
    summary = {
        "year": notice.year,
        "days_off": sum(len(h.days_off) for h in notice.holidays),
        "workdays": sum(len(h.workdays) for h in notice.holidays),
        "holidays": [h.name for h in notice.holidays],
        "changed": changed,
    } | ({"unit_id": unit.id} if unit is not None else {})
    log_event(actor, "calendar.import_notice", ("calendar", notice.year), after=summary)
    log.info("holiday notice for %s entered: %s days changed", notice.year, changed)
    return summary
