"""Working days: statutory holidays, make-up working days (调休), overrides, fallback, cache."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from blinker import Signal
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core import workdays
from tracker.core.workdays import (
    add_workdays,
    calendar_warnings,
    is_workday,
    last_workday_on_or_before,
    workdays_between,
    year_has_data,
)


def answer_overrides_with(monkeypatch, loader) -> None:
    """Let `loader()` alone answer core.workdays' `workday_overrides` signal: a fresh signal
    stands in for the real one, so the holidays feature's subscriber is not asked."""
    signal = Signal()
    signal.connect(lambda _sender, **_kw: loader(), weak=False)
    monkeypatch.setattr(workdays, "workday_overrides", signal)


@pytest.fixture(autouse=True)
def overrides(monkeypatch):
    """A plain dict of overrides answers the signal (for this test only)."""
    data: dict[date, bool] = {}
    answer_overrides_with(monkeypatch, lambda: data)
    return data


# -- the statutory calendar ---------------------------------------------------------------------


def test_national_day_2024():
    # Monday 30 September + 3 working days: 1–7 October are off, so Tue 8, Wed 9, Thu 10.
    assert add_workdays(date(2024, 9, 30), 3) == date(2024, 10, 10)
    assert add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert not any(is_workday(date(2024, 10, d)) for d in range(1, 8))


def test_makeup_saturday_is_a_working_day():
    saturday = date(2024, 10, 12)
    assert saturday.weekday() == 5 and is_workday(saturday)
    assert not is_workday(date(2024, 10, 13))  # the Sunday after stays a day off
    assert add_workdays(date(2024, 10, 11), 1) == saturday


def test_spring_festival_2026():
    # Off 15–23 February 2026; Saturday 14 and Saturday 28 February are make-up working days.
    assert all(not is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert is_workday(date(2026, 2, 14)) and is_workday(date(2026, 2, 28))
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert add_workdays(date(2026, 2, 14), -1) == date(2026, 2, 13)
    assert workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2


def test_agrees_with_chinese_calendar_for_every_covered_day_of_2024_to_2026():
    day = date(2024, 1, 1)
    while day.year <= 2026:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_negative_n_goes_backwards():
    assert add_workdays(date(2024, 10, 10), -3) == date(2024, 9, 30)
    assert add_workdays(date(2024, 10, 8), -1) == date(2024, 9, 30)
    # from a holiday, the first working day before it counts as one
    assert add_workdays(date(2024, 10, 3), -1) == date(2024, 9, 30)
    assert add_workdays(date(2024, 10, 14), -1) == date(2024, 10, 12)  # the make-up Saturday


def test_zero_returns_the_day_unchanged_even_on_a_holiday():
    assert add_workdays(date(2024, 10, 1), 0) == date(2024, 10, 1)
    assert workdays_between(date(2024, 10, 1), date(2024, 10, 1)) == 0


def test_workdays_between_counts_the_end_not_the_start():
    assert workdays_between(date(2024, 9, 30), date(2024, 10, 10)) == 3
    assert workdays_between(date(2024, 9, 30), date(2024, 10, 7)) == 0
    assert workdays_between(date(2024, 10, 10), date(2024, 9, 30)) == -3
    assert workdays_between(date(2024, 11, 1), date(2024, 11, 4)) == 1  # Fri → Mon
    # Sunday 29 September 2024 was a make-up working day for National Day
    assert workdays_between(date(2024, 9, 27), date(2024, 9, 30)) == 2


def test_workdays_between_inverts_add_workdays_over_a_range_of_dates():
    # dates around National Day and across the end of the package's data (2026 → 2027)
    starts = [date(2024, 9, 20) + timedelta(days=i) for i in range(30)]
    starts += [date(2026, 12, 20) + timedelta(days=i) for i in range(20)]
    for start in starts:
        for n in (-25, -7, -3, -1, 0, 1, 2, 5, 11, 30):
            end = add_workdays(start, n)
            assert workdays_between(start, end) == n, (start, n)
            if n:
                assert is_workday(end), (start, n)


def test_last_workday_on_or_before():
    assert last_workday_on_or_before(date(2024, 10, 10)) == date(2024, 10, 10)
    assert last_workday_on_or_before(date(2024, 10, 7)) == date(2024, 9, 30)
    assert last_workday_on_or_before(date(2024, 10, 13)) == date(2024, 10, 12)


# -- overrides and years without data ----------------------------------------------------------


def test_an_override_wins_both_ways(overrides):
    holiday = date(2026, 10, 2)  # a Friday of National Day
    tuesday = date(2026, 3, 10)
    assert not is_workday(holiday) and is_workday(tuesday)
    overrides[holiday] = True
    overrides[tuesday] = False
    assert is_workday(holiday) and not is_workday(tuesday)
    assert add_workdays(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert add_workdays(date(2026, 9, 30), 1) == holiday


def test_2027_falls_back_to_monday_to_friday():
    assert is_workday(date(2027, 2, 8))  # a Monday, presumably in next Spring Festival
    assert not is_workday(date(2027, 2, 6))  # Saturday
    assert add_workdays(date(2027, 1, 1), 1) == date(2027, 1, 4)  # Fri → Mon
    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert workdays_between(date(2027, 1, 1), date(2027, 1, 31)) == 20


def test_warning_for_a_year_without_data(overrides):
    assert calendar_warnings(date(2025, 6, 1)) == []
    warnings = calendar_warnings(date(2026, 6, 1))
    assert len(warnings) == 1 and "No holiday data for 2027" in warnings[0]
    assert "Monday–Friday is assumed" in warnings[0]
    assert [w[:25] for w in calendar_warnings(date(2027, 1, 4))] == [
        "No holiday data for 2027:",
        "No holiday data for 2028:",
    ]


def test_year_has_data_once_an_override_exists(overrides):
    assert year_has_data(2004) and year_has_data(2026)
    assert not year_has_data(2027) and not year_has_data(2003)
    overrides[date(2027, 2, 8)] = False
    assert year_has_data(2027)
    assert calendar_warnings(date(2026, 6, 1)) == []
    assert not is_workday(date(2027, 2, 8))
    assert is_workday(date(2027, 2, 9))  # days not entered still follow Monday–Friday


def test_statutory_lists_of_a_year():
    periods = workdays.holiday_periods(2026)
    spring = next(p for p in periods if p.name == "Spring Festival")
    assert (spring.first_day, spring.last_day, spring.length) == (
        date(2026, 2, 15),
        date(2026, 2, 23),
        9,
    )
    makeups = [(m.day, m.name) for m in workdays.makeup_workdays(2024)]
    assert (date(2024, 10, 12), "National Day") in makeups
    assert all(d.weekday() >= 5 for d, _ in makeups)
    assert workdays.holiday_periods(2027) is None and workdays.makeup_workdays(2027) is None


# -- the cache ----------------------------------------------------------------------------------


class CountingLoader:
    def __init__(self, data=None):
        self.data = data or {}
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.data


def test_without_an_app_context_each_question_loads_once(monkeypatch):
    loader = CountingLoader()
    answer_overrides_with(monkeypatch, loader)
    add_workdays(date(2024, 1, 1), 400)
    add_workdays(date(2024, 1, 1), -400)
    workdays_between(date(2024, 1, 1), date(2025, 2, 1))
    assert loader.calls == 3


def test_in_an_app_context_overrides_load_once_until_invalidated(monkeypatch):
    loader = CountingLoader({date(2026, 3, 10): False})
    answer_overrides_with(monkeypatch, loader)
    with Flask(__name__).app_context():
        for n in range(-400, 401, 50):
            add_workdays(date(2026, 3, 1), n)
        assert not is_workday(date(2026, 3, 10))
        assert loader.calls == 1
        loader.data = {}
        assert not is_workday(date(2026, 3, 10))  # still the cached copy
        workdays.invalidate_cache()
        assert is_workday(date(2026, 3, 10))
        assert loader.calls == 2
    with Flask(__name__).app_context():  # a new app context (a new request) loads afresh
        is_workday(date(2026, 3, 10))
        assert loader.calls == 3


def _walked(start: date, end: date) -> int:
    """workdays_between by walking day by day: the definition the running count must keep."""
    sign = 1 if end >= start else -1
    first, last = (start, end) if end >= start else (end - timedelta(1), start - timedelta(1))
    count, day = 0, first
    while day < last:
        day += timedelta(1)
        count += is_workday(day)
    return sign * count


def test_counts_in_one_app_context_agree_with_a_day_by_day_walk_in_any_order(overrides):
    # one request asks in any order (a list's rows, newest first then oldest): the running count
    # grows both ways and every answer stays the walked one, overrides included
    overrides.update({date(2026, 12, 5): True, date(2026, 11, 30): False})
    days = [date(2026, 12, 4), date(2025, 6, 1), date(2027, 2, 10), date(2024, 9, 29)]
    days += [date(2026, 11, 30), date(2026, 12, 5), date(2026, 12, 6), date(2023, 1, 1)]
    with Flask(__name__).app_context():
        for start in days:
            for end in days:
                assert workdays_between(start, end) == _walked(start, end), (start, end)


def test_a_count_follows_an_override_entered_in_the_same_request(overrides):
    monday = date(2026, 3, 9)
    with Flask(__name__).app_context():
        assert workdays_between(monday, date(2026, 3, 13)) == 4
        overrides[date(2026, 3, 10)] = False
        workdays.invalidate_cache()  # what the holidays feature does after saving a day
        assert workdays_between(monday, date(2026, 3, 13)) == 3


#: Days on both sides of the years the package covers (2004-2026 in chinese_calendar 1.11),
#: where the count changes from the package's table to Monday-Friday arithmetic.
_DAYS = st.dates(min_value=date(2001, 6, 1), max_value=date(2029, 6, 30))


@settings(max_examples=300, deadline=None)
@given(
    changed=st.dictionaries(_DAYS, st.booleans(), max_size=12),
    start=_DAYS,
    end=_DAYS,
)
def test_any_count_agrees_with_a_day_by_day_walk_across_the_covered_years(changed, start, end):
    # the fixture's dict is shared by the examples: each example writes its own overrides
    data: dict[date, bool] = {}
    signal = Signal()
    signal.connect(lambda _sender, **_kw: data, weak=False)
    original = workdays.workday_overrides
    workdays.workday_overrides = signal
    try:
        data.update(changed)
        with Flask(__name__).app_context():
            assert workdays_between(start, end) == _walked(start, end)
            assert workdays_between(start, add_workdays(start, 15)) == 15
    finally:
        workdays.workday_overrides = original
