"""Causes of delay: an overdue, returned or late-submitted task states why (a cause from the
bureau's list, a sentence, the remedy); shown on the task page; refused without one when late."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.factories import form_data, make_plan, make_task, walk
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks import causes, workflow
from tracker.tasks.models import DEFAULT_DELAY_CAUSES, CauseStatement, Task

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
#: 2026-10-12 10:00 in Asia/Shanghai: after the task's deadline of 30 September
LATE = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
CAUSE = {
    "cause": "人员力量不足",
    "cause_explanation": "科室仅有2名工作人员，同时承担低保年审。",
    "cause_remedy": "抽调1名干部专职负责，11月底前完成。",
}


@pytest.fixture
def work(org):
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org)
        task = make_task(org, plan, title="开展低保专项治理", due_date=date(2026, 9, 30))
        plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return SimpleNamespace(plan=plan, task=task)


@pytest.fixture
def late():
    with clock.frozen_at(LATE):
        yield


def reload(task: Task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def statements() -> list[CauseStatement]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(CauseStatement).order_by(CauseStatement.id)))


def test_an_overdue_task_asks_its_unit_for_the_cause_and_shows_it(org, auth, work, late):
    walk(org, work.task, "in_progress")
    db.session.commit()
    url = f"/tasks/{work.task.id}"
    auth.login("staff-relief")
    page = auth.client.get(url)
    assert "State the cause of the delay" in page.text
    for label in DEFAULT_DELAY_CAUSES:
        assert f'value="{label}"' in page.text
    response = auth.client.post(f"{url}/cause", data=form_data(page.text, f"{url}/cause") | CAUSE)
    assert response.status_code == 302
    [statement] = statements()
    assert (statement.occasion, statement.cause, statement.remedy) == (
        "overdue",
        "人员力量不足",
        CAUSE["cause_remedy"],
    )
    page = auth.client.get(url).text
    assert "Causes of delay" in page and CAUSE["cause_explanation"] in page
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "cause.state" and event.after["cause"] == "人员力量不足"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("cause", "", "Choose the cause."),
        ("cause", "天气原因", "Choose a cause from the list."),
        ("cause_explanation", " ", "Say in a sentence what held the work up."),
        ("cause_remedy", "", "Say what will be done about it."),
    ],
)
def test_a_cause_needs_a_listed_cause_a_sentence_and_a_remedy(
    org, auth, work, late, field, value, message
):
    walk(org, work.task, "in_progress")
    db.session.commit()
    url = f"/tasks/{work.task.id}"
    auth.login("staff-relief")
    data = form_data(auth.client.get(url).text, f"{url}/cause") | CAUSE | {field: value}
    response = auth.client.post(f"{url}/cause", data=data)
    assert response.status_code == 422 and message in response.text
    assert statements() == []


def test_a_task_on_time_needs_no_cause(org, work):
    walk(org, work.task, "in_progress")
    with clock.frozen_at(datetime(2026, 5, 11, 2, tzinfo=UTC)):
        assert causes.occasion_for(work.task) is None
        with pytest.raises(DomainError, match="neither overdue nor returned"):
            causes.state_cause(org.users.chief, work.task, causes.CauseInput("其他", "a", "b"))


def test_applying_late_for_completion_is_refused_without_a_cause(org, auth, work, late):
    walk(org, work.task, "in_progress")
    db.session.commit()
    url = f"/tasks/{work.task.id}"
    auth.login("staff-relief")
    page = auth.client.get(url).text
    assert "The deadline has passed: state the cause of the delay and the remedy." in page
    data = form_data(page, f"{url}/submit") | {"result_statement": "核查低保对象1200户。"}
    response = auth.client.post(f"{url}/submit", data=data)
    assert response.status_code == 422
    assert reload(work.task).status == "in_progress" and statements() == []

    response = auth.client.post(f"{url}/submit", data=data | CAUSE)
    assert response.status_code == 302
    assert reload(work.task).status == "submitted"
    [statement] = statements()
    assert statement.occasion == "late_submission" and statement.task_id == work.task.id


def test_a_cause_stated_while_overdue_lets_the_late_submission_through(org, work, late):
    walk(org, work.task, "in_progress")
    causes.state_cause(
        org.users.chief, work.task, causes.CauseInput("经费保障不足", "经费未到位。", "追加预算。")
    )
    workflow.transition(org.users.chief, work.task, "submit", result_statement="已完成。")
    assert work.task.status == "submitted"


def test_a_returned_task_states_why(org, work):
    with clock.frozen_at(datetime(2026, 5, 11, 2, tzinfo=UTC)):
        walk(org, work.task, "submitted")
        workflow.transition(org.users.coordinator, work.task, "return", note="缺少佐证材料")
        assert causes.occasion_for(work.task) == "returned"
        statement = causes.state_cause(
            org.users.chief,
            work.task,
            causes.CauseInput("部门协调难度大", "需公安部门提供数据。", "建立月度会商机制。"),
        )
    assert statement.occasion == "returned"


def test_the_bureau_edits_its_list_and_old_statements_keep_their_label(org, work, late):
    bureau = work.plan.bureau
    walk(org, work.task, "in_progress")
    causes.state_cause(
        org.users.chief, work.task, causes.CauseInput("其他", "另有安排。", "尽快办结。")
    )
    labels = causes.set_delay_causes(
        org.users.coordinator, bureau, ["人员力量不足", " 疫情影响 ", "人员力量不足"]
    )
    assert labels == causes.cause_choices(bureau) == ["人员力量不足", "疫情影响"]
    assert statements()[0].cause == "其他"
    with pytest.raises(DomainError, match="Choose a cause from the list"):
        causes.state_cause(org.users.chief, work.task, causes.CauseInput("其他", "a", "b"))
    with pytest.raises(causes.CauseDenied):
        causes.set_delay_causes(org.users.chief, bureau, ["其他"])
