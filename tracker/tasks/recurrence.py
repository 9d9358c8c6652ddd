"""Expand a recurring task into one occurrence per period, due on the period's last working day."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from tracker.core import workdays

MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date

    @property
    def due_date(self) -> date:
        return workdays.last_workday_on_or_before(self.end)


def _label(recurrence: str, year: int, index: int) -> str:
    # Stored data, written the way the bureau writes periods (not UI text).
    if recurrence == "monthly":
        return f"{year}年{index + 1}月"
    if recurrence == "quarterly":
        return f"{year}年第{'一二三四'[index]}季度"
    if recurrence == "half-yearly":
        return f"{year}年{'上下'[index]}半年"
    return f"{year}年度"


def periods(
    recurrence: str, year: int, start: date | None = None, end: date | None = None
) -> list[Period]:
    """The periods of `year` for `recurrence` that overlap [start, end] (whole year by default)."""
    if recurrence not in MONTHS_PER_PERIOD:
        return []
    step = MONTHS_PER_PERIOD[recurrence]
    start = start or date(year, 1, 1)
    end = end or date(year, 12, 31)
    result = []
    for index, first_month in enumerate(range(1, 13, step)):
        last_month = first_month + step - 1
        period = Period(
            _label(recurrence, year, index),
            date(year, first_month, 1),
            date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
        if period.end >= start and period.start <= end:
            result.append(period)
    return result
