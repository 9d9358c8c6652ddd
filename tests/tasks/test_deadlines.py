"""Deadlines are validated: task dates lie within the plan's year or declared span, and a due
date already past needs an explicit confirmation and is marked on the task."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_task
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.tasks import service as tasks

#: 2026-05-11 10:00 in Asia/Shanghai, a Monday
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock_at_now():
    with clock.frozen_at(NOW):
        yield


def test_a_due_date_outside_the_plan_year_is_refused(shared):
    plan = make_plan(shared, year=2027)
    with pytest.raises(DomainError) as refused:
        make_task(shared, plan, due_date=date(2026, 1, 10))
    assert refused.value.field == "due_date"
    with pytest.raises(DomainError) as refused:
        make_task(shared, plan, start_date=date(2028, 1, 2))
    assert refused.value.field == "start_date"
    assert make_task(shared, plan, due_date=date(2027, 12, 31)).due_date == date(2027, 12, 31)


def test_a_multi_year_plan_accepts_dates_in_its_span(shared):
    plan = make_plan(shared, year=2026, last_year=2028)
    assert plan.span_end_date == date(2028, 12, 31)
    assert make_task(shared, plan, due_date=date(2028, 6, 30)).due_date == date(2028, 6, 30)
    with pytest.raises(DomainError):
        make_task(shared, plan, due_date=date(2029, 1, 5))


@pytest.mark.parametrize("last_year", [2025, 2032])
def test_a_span_ends_after_the_first_year_and_within_five(shared, last_year):
    with pytest.raises(DomainError) as refused:
        make_plan(shared, year=2026, last_year=last_year)
    assert refused.value.field == "last_year"


def test_a_past_due_date_needs_a_confirmation_and_is_marked(shared):
    plan = make_plan(shared)
    with pytest.raises(DomainError) as refused:
        make_task(shared, plan, due_date=date(2026, 3, 31), confirm_past_due=False)
    assert refused.value.field == "due_date" and "2026-03-31" in refused.value.message
    task = make_task(shared, plan, due_date=date(2026, 3, 31), confirm_past_due=True)
    assert task.is_due_date_past_confirmed
    created = sa.select(AuditEvent).where(AuditEvent.action == "task.create")
    event = db.session.scalars(created.order_by(AuditEvent.id.desc())).first()
    assert event.after["is_due_date_past_confirmed"] is True


def test_editing_other_fields_of_an_overdue_task_asks_nothing(shared):
    plan = make_plan(shared)
    task = make_task(shared, plan, due_date=date(2026, 3, 31), confirm_past_due=True)
    data = tasks.TaskData(
        title="改了标题",
        lead_unit=task.lead_unit,
        owner=task.owner,
        due_date=task.due_date,
        confirm_past_due=False,
    )
    tasks.update_task(shared.users.coordinator, task, data, expected_version=task.version)
    assert task.title == "改了标题" and task.is_due_date_past_confirmed
    data.due_date = date(2026, 9, 30)
    tasks.update_task(shared.users.coordinator, task, data, expected_version=task.version)
    assert not task.is_due_date_past_confirmed
    data.due_date = date(2026, 4, 30)
    with pytest.raises(DomainError):
        tasks.update_task(shared.users.coordinator, task, data, expected_version=task.version)
