"""Deadlines are validated: task dates lie within the plan's year or declared span, and a due
date already past needs an explicit confirmation and is marked on the task."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import form_data, make_plan, make_task
from tracker.audit.models import AuditEvent
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks import service as tasks
from tracker.tasks.models import Task

#: 2026-05-11 10:00 in Asia/Shanghai, a Monday
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock_at_now():
    with time_machine.travel(NOW, tick=False):
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


def test_the_task_form_redisplays_a_past_date_until_confirmed(org, auth):
    plan = make_plan(org)
    db.session.commit()
    url = f"/tasks/new/{plan.id}"
    auth.login("office")
    data = form_data(auth.client.get(url).text) | {
        "title": "补录：上季度培训",
        "lead_unit_id": str(org.elderly.id),
        "due_date": "2026-03-31",
    }
    data.pop("confirm_past_due", None)
    response = auth.client.post(url, data=data)
    assert response.status_code == 422
    assert "2026-03-31" in response.text and "补录：上季度培训" in response.text
    assert db.session.scalar(sa.select(Task).where(Task.title == "补录：上季度培训")) is None
    response = auth.client.post(url, data=data | {"confirm_past_due": "y"})
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).where(Task.title == "补录：上季度培训"))
    assert task.is_due_date_past_confirmed
    page = auth.client.get(f"/tasks/{task.id}").text
    assert "Set after the date" in page


def test_the_task_form_refuses_a_date_of_another_year(org, auth):
    plan = make_plan(org, year=2027, title="2027年法治建设工作要点")
    db.session.commit()
    url = f"/tasks/new/{plan.id}"
    auth.login("office")
    data = form_data(auth.client.get(url).text) | {
        "title": "跨年任务",
        "lead_unit_id": str(org.elderly.id),
        "due_date": "2026-01-10",
    }
    response = auth.client.post(url, data=data)
    assert response.status_code == 422 and "2027-01-01" in response.text


def test_a_plan_declares_its_span_through_the_form(org, auth):
    auth.login("office")
    data = form_data(auth.client.get("/plans/new").text) | {
        "title": "法治政府建设三年规划",
        "year": "2026",
        "last_year": "2028",
    }
    assert auth.client.post("/plans/new", data=data).status_code == 302
    plans_ = db.session.scalars(sa.select(Plan).where(Plan.last_year == 2028)).all()
    assert [p.title for p in plans_] == ["法治政府建设三年规划"]
