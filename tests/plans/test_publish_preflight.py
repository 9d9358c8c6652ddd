"""Publishing runs a pre-flight check: tasks with no lead unit or dates outside the plan refuse
it; tasks with no deadline, no owner or a deadline already past need confirming one by one; a
plan published late never escalates to the principal on the day it is published."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import form_data, make_plan, make_task
from tests.reminders import conftest as reminder_fixtures
from tests.reminders.conftest import at, sweep
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.reminders.models import Notification

#: the org with e-mail addresses, as the reminder tests use it
reminder_org = reminder_fixtures.reminder_org

#: Mon 2026-05-11, bureau time
TODAY = date(2026, 5, 11)


@pytest.fixture
def draft(org):
    with clock.frozen_at(at(TODAY)):
        plan = make_plan(org)
        fine = make_task(org, plan, "按时完成的任务", due_date=date(2026, 9, 30))
        past = make_task(org, plan, "已过期的任务", due_date=date(2026, 3, 31))
        ownerless = make_task(
            org, plan, "无人负责", lead_unit=org.elderly, due_date=date(2026, 9, 30)
        )
        undated = make_task(org, plan, "没有时限", owner=org.users.staff)
        db.session.commit()
    return plan, fine, past, ownerless, undated


def reload_plan(plan: Plan) -> Plan:
    db.session.expire_all()
    return db.session.get(Plan, plan.id)


def test_the_check_lists_every_problem_task(draft):
    plan, fine, past, ownerless, undated = draft
    items = plans.preflight(plan, TODAY)
    found = {item.task.title: item.problems for item in items}
    assert fine.title not in found
    assert found == {
        "已过期的任务": ["past_due"],
        "无人负责": ["no_owner"],
        "没有时限": ["no_due_date"],
    }
    assert not any(item.is_blocking for item in items)


def test_publishing_needs_each_listed_task_confirmed(org, draft):
    plan, fine, past, ownerless, undated = draft
    with clock.frozen_at(at(TODAY)):
        with pytest.raises(DomainError):
            plans.publish_plan(
                org.users.coordinator, plan, confirmed_task_ids=[past.id, ownerless.id]
            )
        assert plan.status == "draft"
        plans.publish_plan(
            org.users.coordinator, plan, confirmed_task_ids=[past.id, ownerless.id, undated.id]
        )
    assert plan.status == "active"
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "plan.publish")
    ).one()
    assert event.after["preflight"][str(past.id)] == ["past_due"]


def test_dates_outside_the_span_refuse_publishing(org, draft):
    plan, fine, *_ = draft
    fine.due_date = date(2025, 12, 31)  # an old row, from before dates were checked
    db.session.commit()
    item = next(i for i in plans.preflight(plan, TODAY) if i.task.id == fine.id)
    assert item.is_blocking and item.problems == ["outside_span", "past_due"]
    with clock.frozen_at(at(TODAY)), pytest.raises(DomainError) as refused:
        plans.publish_plan(org.users.coordinator, plan, confirmed_task_ids=[fine.id])
    assert "按时完成的任务" in refused.value.message


def test_the_publish_page_redisplays_until_confirmed(org, auth, draft):
    plan, fine, past, ownerless, undated = draft
    url = f"/plans/{plan.id}/publish"
    auth.login("office")
    with clock.frozen_at(at(TODAY)):
        page = auth.client.get(url)
        assert page.status_code == 200
        for title in ("已过期的任务", "无人负责", "没有时限"):
            assert title in page.text
        data = form_data(page.text) | {"confirm": [str(past.id), str(undated.id)]}
        response = auth.client.post(url, data=data)
        assert response.status_code == 422
        assert "无人负责" in response.text and "checked" in response.text
        assert reload_plan(plan).status == "draft"
        tampered = auth.client.post(url, data=data | {"confirm": ["x", "99999"]})
        assert tampered.status_code == 422
        data["confirm"].append(str(ownerless.id))
        response = auth.client.post(url, data=data)
    assert response.status_code == 302
    assert reload_plan(plan).status == "active"


def test_a_chief_may_not_open_the_check(auth, draft):
    plan, *_ = draft
    auth.login("chief-relief")
    assert auth.client.get(f"/plans/{plan.id}/publish").status_code == 403


def test_a_plan_published_late_does_not_escalate_on_the_day(reminder_org):
    org = reminder_org
    publish_day = date(2024, 10, 25)  # a Friday; the task was due Wed 9 Oct
    with clock.frozen_at(at(publish_day)):
        plan = make_plan(org, year=2024)
        task = make_task(
            org,
            plan,
            "迟发布的任务",
            due_date=date(2024, 10, 9),
            supervisor=org.users.leader,
            confirm_past_due=True,
        )
        plans.publish_plan(org.users.coordinator, plan, confirmed_task_ids=[task.id])
        db.session.commit()
    sweep(publish_day)
    kinds = {n.kind for n in db.session.scalars(sa.select(Notification))}
    assert "overdue" in kinds and "escalation" not in kinds
    sweep(date(2024, 10, 30))  # 3 working days after publishing: the supervisor
    sweep(date(2024, 11, 7))  # 9 working days: still not the principal
    escalations = [
        (n.step, n.recipient.username)
        for n in db.session.scalars(
            sa.select(Notification).where(Notification.kind == "escalation")
        )
    ]
    assert escalations == [(1, "deputy")]
    sweep(date(2024, 11, 8))  # 10 working days after publishing
    principal = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "escalation", Notification.step == 2)
    ).all()
    assert [n.recipient.username for n in principal] == ["director"]
