"""Chinese working days: statutory holidays, make-up working days (调休) and admin overrides.

The `chinese_calendar` package knows the State Council's holiday arrangements for the years it
covers (2004–2026 in 1.11) and raises for any other year. Administrators fill the gaps, or
correct the package, with overrides kept by the holidays feature; we ask for them with the
`workday_overrides` signal, so this module never imports a feature package. A year with neither
falls back to Monday–Friday, and `calendar_warnings` says so.

Whose calendar: overrides are kept for the whole deployment and for a bureau or city (which
apply to its subtree, the nearest winning: a prefecture's 藏历新年 for every bureau under it).
The calendar in force is the one named with `calendar_of(unit)` (the reminder sweep, bureau by
bureau), else the logged-in user's bureau's in a request, else the deployment's.

Counting convention (shared by `add_workdays` and `workdays_between`): walking from one day to
another, count the working days stepped onto; the starting day itself is never counted.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version
from itertools import accumulate

import chinese_calendar
from flask import g, has_app_context, has_request_context
from flask_babel import gettext as _
from flask_login import current_user

from tracker.core.signals import workday_overrides

# Read the package's tables once: its own is_workday() scans every key to find the covered years
# on each call, which is far too slow for counting hundreds of days at a time.
_STATUTORY_HOLIDAYS: dict[date, str] = dict(chinese_calendar.holidays)
_STATUTORY_WORKDAYS: dict[date, str] = dict(chinese_calendar.workdays)
FIRST_COVERED_YEAR: int = min(d.year for d in _STATUTORY_HOLIDAYS)
LAST_COVERED_YEAR: int = max(d.year for d in _STATUTORY_HOLIDAYS)

_G_KEY = "_workday_overrides"
#: Per app context: the count of working days (a `_Ruler`) per calendar. Lists ask for many
#: counts ending today (one per overdue row); cleared with the overrides.
_G_DAYS_KEY = "_workday_days"

ONE_DAY = timedelta(days=1)

_UNSET = object()
#: The unit (id) whose calendar is in force, as named by `calendar_of`; None: the deployment's.
_calendar_unit: contextvars.ContextVar = contextvars.ContextVar("calendar_unit", default=_UNSET)


@contextlib.contextmanager
def calendar_of(unit) -> Iterator[None]:
    """Count working days with the calendar of `unit` (a bureau or city, or its id: the
    deployment's overrides, then those of the unit and the nodes above it) inside the block;
    None for the deployment's alone."""
    token = _calendar_unit.set(unit if isinstance(unit, int) or unit is None else unit.id)
    try:
        yield
    finally:
        _calendar_unit.reset(token)


def _current_unit_id() -> int | None:
    named = _calendar_unit.get()
    if named is not _UNSET:
        return named
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        unit = current_user.unit  # the user's bureau (User.bureau), read without a query
        return unit.bureau_id or unit.id
    return None


def invalidate_cache() -> None:
    """Forget the overrides cached in this app context (call after any change to them)."""
    if has_app_context():
        g.pop(_G_KEY, None)
        g.pop(_G_DAYS_KEY, None)


def _load_overrides(unit_id: int | None) -> dict[date, bool]:
    """Ask the subscribers (the holidays feature) for the admin overrides in force for the unit."""
    overrides: dict[date, bool] = {}
    for _receiver, answer in workday_overrides.send(None, unit_id=unit_id):
        overrides.update(answer)
    return overrides


def _per_unit(key: str) -> dict:
    cached = g.get(key)
    if cached is None:
        cached = {}
        setattr(g, key, cached)
    return cached


def overrides_not_kept(unit_ids: Iterable[int]) -> set[int]:
    """Those of the units whose calendar overrides this app context has not read yet."""
    if not has_app_context():
        return set()
    return set(unit_ids) - _per_unit(_G_KEY).keys()


def keep_overrides(read: dict[int, dict[date, bool]]) -> None:
    """Overrides read ahead for several units' calendars (a list of many bureaus' tasks), kept
    for the app context as `_overrides` keeps what it reads."""
    if has_app_context():
        kept = _per_unit(_G_KEY)
        for unit_id, overrides in read.items():
            kept.setdefault(unit_id, overrides)


def _overrides() -> dict[date, bool]:
    """The admin overrides of the calendar in force, loaded at most once per app context."""
    unit_id = _current_unit_id()
    if not has_app_context():
        return _load_overrides(unit_id)
    cached = _per_unit(_G_KEY)
    if unit_id not in cached:
        cached[unit_id] = _load_overrides(unit_id)
    return cached[unit_id]


# -- the package's answer, without overrides --------------------------------------------------


def is_covered_year(year: int) -> bool:
    """True when chinese_calendar has the State Council's arrangements for `year`."""
    return FIRST_COVERED_YEAR <= year <= LAST_COVERED_YEAR


def statutory_is_workday(day: date) -> bool | None:
    """chinese_calendar's answer for `day`, or None when the package does not cover its year."""
    if not is_covered_year(day.year):
        return None
    return day in _STATUTORY_WORKDAYS or (day.weekday() < 5 and day not in _STATUTORY_HOLIDAYS)


def second_source_is_workday(day: date) -> bool | None:
    """The `holidays` package's China calendar for `day`: a second, independent reading of the
    State Council's schedule, shown beside a pasted notice for comparison."""
    return _second_source(day.year).is_working_day(day)


@functools.lru_cache(maxsize=8)
def _second_source(year: int):
    # imported here: only the holidays page's comparison asks for it, and the package's
    # calendars of every country cost each web worker 3 MB
    import holidays

    return holidays.China(years=year)


def second_source_name() -> str:
    return f"holidays {version('holidays')}"


@functools.lru_cache(maxsize=16_384)
def default_is_workday(day: date) -> bool:
    """Whether `day` is a working day without overrides: the package, else Monday–Friday.

    Kept per process (the package's tables do not change while it runs): add_workdays steps
    day by day."""
    statutory = statutory_is_workday(day)
    return day.weekday() < 5 if statutory is None else statutory


def _is_workday(day: date, overrides: dict[date, bool]) -> bool:
    override = overrides.get(day)
    return default_is_workday(day) if override is None else override


# -- the public questions -----------------------------------------------------------------------


def is_workday(day: date) -> bool:
    """True when `day` is a working day: an admin override wins, then the statutory calendar,
    then Monday–Friday for years the package does not cover."""
    return _is_workday(day, _overrides())


def add_workdays(day: date, n: int) -> date:
    """The date `n` working days after `day` (before it when n < 0); `day` itself never counts.

    n == 0 returns `day` unchanged, even when it is not a working day."""
    overrides = _overrides()
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if _is_workday(current, overrides):
            remaining -= 1
    return current


def workdays_between(start: date, end: date) -> int:
    """Signed count of the working days walked onto from `start` to `end`.

    For end > start: the working days in (start, end]. For end < start: minus the working days
    in [end, start). So `workdays_between(d, add_workdays(d, n)) == n` for every n.

    A few lookups in the calendar in force (see `_Ruler`), whatever the span: a list of
    overdue tasks walks no days."""
    if end == start:
        return 0
    ruler = _ruler()
    if end > start:
        return ruler.count(start, end)
    return -ruler.count(end - ONE_DAY, start - ONE_DAY)


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@functools.cache
def _statutory_shifts() -> array:
    """For each day the package covers, how many more working days than Monday to Friday its
    calendar has from its first covered day through that day (a 调休 Saturday +1, a holiday on a
    weekday -1): the package's whole calendar as one running count, built once per process."""
    first = date(FIRST_COVERED_YEAR, 1, 1)
    shifts, total = array("i"), 0
    for offset in range((date(LAST_COVERED_YEAR, 12, 31) - first).days + 1):
        day = first + timedelta(offset)
        total += statutory_is_workday(day) - (day.weekday() < 5)
        shifts.append(total)
    return shifts


def _default_through(day: date) -> int:
    """Working days without overrides from 1 January of year 1 through `day`: Monday to Friday,
    shifted by the package's calendar for the years it covers."""
    shifts = _statutory_shifts()
    offset = (day - date(FIRST_COVERED_YEAR, 1, 1)).days
    shift = 0 if offset < 0 else shifts[min(offset, len(shifts) - 1)]
    return _weekdays_through(day) + shift


class _Ruler:
    """Working days in any (first, last] in a few steps: the default calendar's running count
    (Monday to Friday by arithmetic, the package's years from a table built once per process),
    plus the overrides that change a day, as a running sum of their changes. Nothing is walked
    day by day: a city office's list asks twenty bureaus' calendars on each view."""

    __slots__ = ("days", "sums")

    def __init__(self, overrides: dict[date, bool]):
        changes = sorted(
            (day, int(works) - int(default_is_workday(day))) for day, works in overrides.items()
        )
        changes = [(day, change) for day, change in changes if change]
        self.days = [day for day, _change in changes]
        self.sums = [0, *accumulate(change for _day, change in changes)]

    def _through(self, day: date) -> int:
        return _default_through(day) + self.sums[bisect_right(self.days, day)]

    def count(self, first: date, last: date) -> int:
        """The working days in (first, last], first <= last."""
        return self._through(last) - self._through(first)


def _ruler() -> _Ruler:
    """The running count of the calendar in force, kept for the app context (a fresh one
    outside one)."""
    if not has_app_context():
        return _Ruler(_overrides())
    rulers = _per_unit(_G_DAYS_KEY)
    unit_id = _current_unit_id()
    ruler = rulers.get(unit_id)
    if ruler is None:
        ruler = rulers[unit_id] = _Ruler(_overrides())
    return ruler


def last_workday_on_or_before(day: date) -> date:
    """`day` itself when it is a working day, else the nearest working day before it."""
    overrides = _overrides()
    while not _is_workday(day, overrides):
        day -= ONE_DAY
    return day


def year_has_data(year: int) -> bool:
    """True when chinese_calendar covers `year` or an administrator entered a day in it."""
    return is_covered_year(year) or any(day.year == year for day in _overrides())


def calendar_warnings(today: date) -> list[str]:
    """Translated warnings for this year and next when neither has holiday data."""
    return [
        _(
            "No holiday data for %(year)d: Monday–Friday is assumed until an administrator "
            "enters that year's holidays and make-up working days.",
            year=year,
        )
        for year in (today.year, today.year + 1)
        if not year_has_data(year)
    ]


# -- the package's arrangements of one year, for the admin page -------------------------------


@dataclass(frozen=True)
class HolidayPeriod:
    """Consecutive statutory days off for one holiday (weekends inside the period included)."""

    name: str  #: the package's English name, e.g. "Spring Festival"
    first_day: date
    last_day: date

    @property
    def length(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class MakeupWorkday:
    """A Saturday or Sunday that is a working day in exchange for a holiday (调休)."""

    name: str  #: the holiday it makes up for, in the package's English
    day: date


def holiday_periods(year: int) -> list[HolidayPeriod] | None:
    """The statutory holiday periods of `year` per chinese_calendar; None when not covered."""
    if not is_covered_year(year):
        return None
    days = chinese_calendar.get_holidays(
        date(year, 1, 1), date(year, 12, 31), include_weekends=False
    )
    periods: list[HolidayPeriod] = []
    for day in days:
        name = _STATUTORY_HOLIDAYS[day]
        previous = periods[-1] if periods else None
        if previous and previous.name == name and previous.last_day + ONE_DAY == day:
            periods[-1] = HolidayPeriod(name, previous.first_day, day)
        else:
            periods.append(HolidayPeriod(name, day, day))
    return periods


def makeup_workdays(year: int) -> list[MakeupWorkday] | None:
    """The weekend days of `year` that are working days per chinese_calendar; None when not
    covered."""
    if not is_covered_year(year):
        return None
    days = chinese_calendar.get_workdays(date(year, 1, 1), date(year, 12, 31))
    return [
        MakeupWorkday(_STATUTORY_WORKDAYS[day], day)
        for day in days
        if day.weekday() >= 5 and day in _STATUTORY_WORKDAYS
    ]
