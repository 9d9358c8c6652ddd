"""The holidays feature's answers to other features: the calendar overrides for core.workdays."""

from __future__ import annotations

from datetime import date

from tracker.core.signals import workday_overrides
from tracker.holidays.service import load_overrides


@workday_overrides.connect
def _calendar_overrides(_sender, *, unit_id: int | None = None) -> dict[date, bool]:
    return load_overrides(unit_id)
