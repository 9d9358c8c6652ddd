"""The holidays feature's answers to other features: the calendar overrides for core.workdays."""

from __future__ import annotations

from datetime import date

from tracker.core import workdays
from tracker.core.signals import tasks_listed, workday_overrides
from tracker.holidays.service import load_overrides, load_overrides_of


@workday_overrides.connect
def _calendar_overrides(_sender, *, unit_id: int | None = None) -> dict[date, bool]:
    return load_overrides(unit_id)


@tasks_listed.connect
def _calendars_of_listed_tasks(tasks) -> None:
    """The calendars of the bureaus whose tasks a list shows (their lateness is counted in
    each bureau's own), read together when there are several."""
    missing = workdays.overrides_not_kept({task.plan.bureau_id for task in tasks})
    if len(missing) > 1:
        workdays.keep_overrides(load_overrides_of(missing))
