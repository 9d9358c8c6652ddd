"""Traffic lights: each threshold edge, working days across holidays, and light_sql == light_of.

Every threshold case is evaluated twice — in Python (`light_of`) and by the database under test
(`light_sql`) — and a few hundred generated tasks hold the two rules against each other.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.factories import make_plan
from tracker.core import workdays
from tracker.extensions import db
from tracker.tasks.lights import (
    LIGHTS,
    LightPolicy,
    calendar_days_overdue,
    days_overdue,
    light_of,
    light_sql,
)
from tracker.tasks.models import TASK_STATUSES, Task

D = date.fromisoformat
_plan_numbers = itertools.count(1)
MONDAY = D("2026-06-08")  # an ordinary week: the 5th working day after it is Monday 06-15


def lights_of(org, policy: LightPolicy, **fields) -> tuple[str, str]:
    """(light_of, light_sql) of one task with these fields, stored in a plan of the org."""
    plan = make_plan(org, title=f"灯测试{next(_plan_numbers)}")
    fields.setdefault("status", "in_progress")
    task = Task(plan=plan, plan_id=plan.id, title="灯", lead_unit=org.relief, **fields)
    db.session.add(task)
    db.session.flush()
    from_sql = db.session.scalar(sa.select(light_sql(policy)).where(Task.id == task.id))
    return light_of(task, policy), from_sql


CASES = [
    # (why, today, fields, light)
    ("overdue by a day", MONDAY, dict(start_date=D("2026-01-01"), due_date=D("2026-06-07")), "red"),
    ("due today", MONDAY, dict(start_date=D("2026-01-01"), due_date=MONDAY), "orange"),
    (
        "due today, started today",
        MONDAY,
        dict(start_date=MONDAY, due_date=MONDAY),
        "orange",
    ),
    # a 100-day task: 15 days left is orange, 16 yellow, 30 yellow, 31 green
    (
        "15 % left",
        MONDAY,
        dict(start_date=D("2026-03-15"), due_date=D("2026-06-23")),
        "orange",
    ),
    (
        "16 % left",
        MONDAY,
        dict(start_date=D("2026-03-16"), due_date=D("2026-06-24")),
        "yellow",
    ),
    (
        "30 % left",
        MONDAY,
        dict(start_date=D("2026-03-30"), due_date=D("2026-07-08")),
        "yellow",
    ),
    (
        "31 % left",
        MONDAY,
        dict(start_date=D("2026-03-31"), due_date=D("2026-07-09")),
        "green",
    ),
    # a short task: the 5-working-day rule alone decides
    (
        "5 working days left",
        MONDAY,
        dict(start_date=D("2026-06-06"), due_date=D("2026-06-15")),
        "yellow",
    ),
    (
        "6 working days left",
        MONDAY,
        dict(start_date=D("2026-06-06"), due_date=D("2026-06-16")),
        "green",
    ),
    # 2024 National Day: 10-01..10-07 off, Saturday 10-12 is a working day
    (
        "3 working days across National Day",
        D("2024-09-30"),
        dict(start_date=D("2024-09-20"), due_date=D("2024-10-10")),
        "yellow",
    ),
    (
        "5 working days ending on make-up Saturday",
        D("2024-09-30"),
        dict(start_date=D("2024-09-20"), due_date=D("2024-10-12")),
        "yellow",
    ),
    (
        "6 working days across National Day",
        D("2024-09-30"),
        dict(start_date=D("2024-09-20"), due_date=D("2024-10-14")),
        "green",
    ),
    ("no start date, due in 3 days", MONDAY, dict(due_date=D("2026-06-11")), "yellow"),
    ("no start date, due in 20 days", MONDAY, dict(due_date=D("2026-06-28")), "green"),
    ("continuous (no due date)", MONDAY, dict(due_date=None, is_continuous=True), "green"),
    (
        "submitted on time, now past due",
        MONDAY,
        dict(status="submitted", due_date=D("2026-06-01"), submitted_on=D("2026-06-01")),
        "green",
    ),
    (
        "submitted late",
        MONDAY,
        dict(status="submitted", due_date=D("2026-06-01"), submitted_on=D("2026-06-02")),
        "red",
    ),
    (
        "submitted before due, still running",
        MONDAY,
        dict(
            status="submitted",
            start_date=D("2026-01-01"),
            due_date=MONDAY,
            submitted_on=D("2026-06-05"),
        ),
        "green",
    ),
    ("assigned, overdue", MONDAY, dict(status="assigned", due_date=D("2026-05-01")), "red"),
    ("done, overdue", MONDAY, dict(status="done", due_date=D("2026-05-01")), "grey"),
    ("cancelled, overdue", MONDAY, dict(status="cancelled", due_date=D("2026-05-01")), "grey"),
    ("draft, overdue", MONDAY, dict(status="draft", due_date=D("2026-05-01")), "none"),
]


@pytest.mark.parametrize("why,today,fields,light", CASES, ids=[c[0] for c in CASES])
def test_light_at_its_threshold(shared, why, today, fields, light):
    assert lights_of(shared, LightPolicy(today=today), **fields) == (light, light)


def test_working_days_across_the_2024_national_day_holiday():
    assert workdays.workdays_between(D("2024-09-30"), D("2024-10-10")) == 3
    assert workdays.is_workday(D("2024-10-12"))  # Saturday, a make-up working day
    assert not workdays.is_workday(D("2024-10-07"))  # Monday inside the holiday
    assert workdays.add_workdays(D("2024-09-30"), 5) == D("2024-10-12")
    assert workdays.add_workdays(D("2024-10-11"), 1) == D("2024-10-12")
    assert LightPolicy(today=D("2024-09-30")).yellow_date == D("2024-10-12")


def test_configured_thresholds_are_used(shared, monkeypatch):
    # this module runs in the shared app (a function-scoped `app` would empty its tables)
    for name, value in [
        ("LIGHT_ORANGE_PERCENT", 20),
        ("LIGHT_YELLOW_PERCENT", 40),
        ("LIGHT_YELLOW_WORKDAYS", 3),
    ]:
        monkeypatch.setitem(current_app.config, name, value)
    policy = LightPolicy.current(MONDAY)
    assert (policy.orange_percent, policy.yellow_percent, policy.yellow_workdays) == (20, 40, 3)
    task = Task(status="in_progress", start_date=D("2026-03-15"), due_date=D("2026-06-27"))
    assert light_of(task, policy) == "orange"  # 19 of 104 days left: orange at 20 %
    assert light_of(task, LightPolicy(today=MONDAY)) == "yellow"


def test_days_overdue_counts_working_days_of_open_tasks():
    today = MONDAY
    late = Task(status="in_progress", due_date=D("2026-06-01"))
    assert days_overdue(late, today) == 5  # Tue–Fri and the Monday itself
    assert calendar_days_overdue(late, today) == 7
    on_time = Task(status="submitted", due_date=D("2026-06-01"), submitted_on=D("2026-05-29"))
    assert days_overdue(on_time, today) == 0
    assert days_overdue(Task(status="done", due_date=D("2026-06-01")), today) == 0
    assert days_overdue(Task(status="assigned", due_date=today), today) == 0


# -- the SQL rule against the Python rule ---------------------------------------------------------


def _random_task(rng: random.Random, plan, units) -> Task:
    status = rng.choice(TASK_STATUSES)
    anchor = rng.choice([D("2024-09-30"), MONDAY, D("2026-11-20")])
    due = None if rng.random() < 0.08 else anchor + timedelta(days=rng.randint(-40, 60))
    start = None
    if due is not None and rng.random() < 0.85:
        start = due - timedelta(days=rng.randint(0, 200))
    submitted_on = None
    if status == "submitted" and due is not None and rng.random() < 0.8:
        submitted_on = due + timedelta(days=rng.randint(-10, 10))
    return Task(
        plan=plan,
        plan_id=plan.id,
        title=f"生成任务{rng.random()}",
        lead_unit=rng.choice(units),
        status=status,
        start_date=start,
        due_date=due,
        is_continuous=due is None,
        submitted_on=submitted_on,
        progress=rng.randint(0, 100),
    )


POLICIES = [
    LightPolicy(today=D("2024-09-30")),
    LightPolicy(today=D("2024-10-12")),
    LightPolicy(today=MONDAY),
    LightPolicy(today=D("2026-11-20")),
    LightPolicy(today=MONDAY, orange_percent=20, yellow_percent=45, yellow_workdays=3),
]


def test_light_sql_agrees_with_light_of_on_generated_tasks(shared):
    org = shared
    rng = random.Random(20241001)
    plan = make_plan(org, title="生成的计划")
    generated = [_random_task(rng, plan, [org.relief, org.elderly, org.office]) for _ in range(400)]
    db.session.add_all(generated)
    db.session.flush()
    by_id = {task.id: task for task in generated}
    seen = set()
    for policy in POLICIES:
        rows = db.session.execute(
            sa.select(Task.id, light_sql(policy)).where(Task.plan_id == plan.id)
        ).all()
        assert len(rows) == len(generated)
        mismatches = [
            (task_id, from_sql, light_of(by_id[task_id], policy))
            for task_id, from_sql in rows
            if from_sql != light_of(by_id[task_id], policy)
        ]
        assert not mismatches, (policy, mismatches[:5])
        seen |= {light for _, light in rows}
        # filtering by light in SQL selects exactly the tasks light_of gives that light
        for light in LIGHTS:
            selected = set(
                db.session.scalars(
                    sa.select(Task.id).where(Task.plan_id == plan.id, light_sql(policy) == light)
                )
            )
            assert selected == {i for i, t in by_id.items() if light_of(t, policy) == light}
    assert seen == set(LIGHTS)
