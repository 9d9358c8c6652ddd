"""Fixtures for reminder tests: a published plan with one task due around National Day 2024."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_plan, make_task
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reminders.sweep import run_reminders

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 8, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def sweep(day: date, hour: int = 8, minute: int = 30):
    """One committed sweep at `day` 08:30 (bureau time), as the scheduler would run it."""
    report = run_reminders(at(day, hour, minute))
    db.session.commit()
    return report


@pytest.fixture
def reminder_org(org):
    """The org with e-mail addresses and a supervisor for the deputy leader."""
    for name in ("staff", "chief", "coordinator", "principal", "leader"):
        user = getattr(org.users, name)
        user.email = f"{user.username}@example.org"
    db.session.commit()
    return org


@pytest.fixture
def holiday_task(reminder_org):
    """A task of 社会救助科 owned by its staff, supervised by the deputy, due Wed 2024-10-09:
    right after the National Day holiday (1–7 Oct; Sun 29 Sep and Sat 12 Oct are working)."""
    org = reminder_org
    with clock.frozen_at(at(date(2024, 9, 2))):
        plan = make_plan(org, year=2024)
        task = make_task(
            org,
            plan,
            "完成社会救助领域规范性文件清理",
            due_date=date(2024, 10, 9),
            start_date=date(2024, 9, 2),
            supervisor=org.users.leader,
        )
        plans.publish_plan(org.users.coordinator, plan)
        db.session.commit()
    return task
