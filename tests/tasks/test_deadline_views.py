"""Deadlines through the pages: the task form asks to confirm a past due date and refuses a
date outside the plan; the plan form declares a multi-year span.

(Apart from test_deadlines.py: those tests share one module-scoped organisation, these each
build their own app.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories import form_data, make_plan
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import Task

#: 2026-05-11 10:00 in Asia/Shanghai, a Monday
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock_at_now():
    with clock.frozen_at(NOW):
        yield


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
