"""The city level in the one permission table: the 依法治市办 reads every bureau but writes only
the city's own work; a bureau never reads or writes another bureau's."""

from __future__ import annotations

from datetime import date

import pytest

from tests.upward.conftest import MADE_AT, build_city
from tracker.core import clock
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.tasks import service as tasks
from tracker.tasks.models import Task

WRITES_ON_TASK = [
    "task.edit",
    "task.claim",
    "task.update",
    "task.assign_owner",
    "task.submit",
    "task.accept",
    "task.return",
    "task.cancel",
    "task.urge",
    "supervision.issue",
    "record.edit",
    "evidence.add",
    "evidence.review",
]
WRITES_ON_PLAN = ["plan.edit", "plan.publish", "plan.close", "report.edit", "advisor.manage"]
READS_ON_TASK = ["task.read", "record.read", "evidence.read", "supervision.read"]


@pytest.fixture
def city(app):
    return build_city()


def first_task(plan):
    return db.session.execute(
        db.select(Task).filter_by(plan_id=plan.id).order_by(Task.id).limit(1)
    ).scalar_one()


def plan_of(bureau):
    return db.session.execute(db.select(Plan).filter_by(bureau_id=bureau.id)).scalar_one()


def test_city_office_reads_every_bureau(city):
    for bureau in city.bureaus:
        plan = plan_of(bureau)
        assert can(city.office, "plan.read", plan)
        for action in READS_ON_TASK:
            assert can(city.office, action, first_task(plan)), action
        assert can(city.leader, "task.read", first_task(plan))


@pytest.mark.parametrize("action", WRITES_ON_TASK)
def test_city_office_may_not_write_a_bureaus_task(city, action):
    task = first_task(plan_of(city.bureaus[0]))
    assert not can(city.office, action, task)
    assert not can(city.leader, action, task)
    # the bureau's own office still may (where its role allows)
    if action not in {"task.claim", "task.submit"}:
        assert can(city.coordinators[0], action, task)


@pytest.mark.parametrize("action", WRITES_ON_PLAN)
def test_city_office_may_not_write_a_bureaus_plan(city, action):
    plan = plan_of(city.bureaus[0])
    assert not can(city.office, action, plan)
    assert can(city.coordinators[0], action, plan)


@pytest.mark.parametrize("action", WRITES_ON_PLAN + ["task.edit", "task.urge", "task.accept"])
def test_city_office_writes_the_citys_own_plan(city, action):
    with clock.frozen_at(MADE_AT):
        plan = plans.create_plan(city.office, bureau=city.city, year=2025, title="全市要点")
        task = tasks.create_task(
            city.office,
            plan,
            tasks.TaskData(title="市级任务", lead_unit=city.city, due_date=date(2025, 6, 30)),
        )
    db.session.commit()
    target = task if action.startswith("task.") else plan
    assert can(city.office, action, target)
    assert can(city.office, "plan.create")


@pytest.mark.parametrize("action", READS_ON_TASK + WRITES_ON_TASK)
def test_a_bureau_never_touches_another_bureaus_task(city, action):
    task = first_task(plan_of(city.bureaus[1]))
    assert not can(city.coordinators[0], action, task)
    assert not can(city.coordinators[0], "plan.read", plan_of(city.bureaus[1]))
