"""Recurring tasks: one occurrence per period, due on the period's last working day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories import audit_actions, last_audit_id, make_plan, make_task
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks import workflow
from tracker.tasks.causes import CauseInput
from tracker.tasks.models import Task
from tracker.tasks.recurrence import periods

D = datetime.fromisoformat


#: Occurrences are submitted after their quarter ends, so the unit states why.
LATE = CauseInput("人员力量不足", "季度末集中报送，人手不足。", "按月跟踪报送进度。")


def day(text: str):
    return D(text).date()


def occurrences_of(task: Task) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.parent_id == task.id).order_by(Task.due_date, Task.id)
        )
    )


def published_with(org, year: int, **recurring) -> dict[str, Task]:
    """A plan of `year` with one task per recurrence (name → extra fields), published."""
    plan = make_plan(org, year=year, title=f"{year}年周期任务")
    made = {
        recurrence: make_task(
            org,
            plan,
            title=f"{recurrence}报送",
            recurrence=recurrence,
            co_units=[org.elderly],
            **fields,
        )
        for recurrence, fields in recurring.items()
    }
    plans.publish_plan(org.users.coordinator, plan)
    return made


def test_publishing_expands_every_recurrence_over_the_year(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        made = published_with(org, 2026, monthly={}, quarterly={}, **{"half-yearly": {}}, yearly={})
    counts = {name: len(occurrences_of(task)) for name, task in made.items()}
    assert counts == {"monthly": 12, "quarterly": 4, "half-yearly": 2, "yearly": 1}

    quarterly = occurrences_of(made["quarterly"])
    assert [(o.period_label, o.due_date) for o in quarterly] == [
        ("2026年第一季度", day("2026-03-31")),
        ("2026年第二季度", day("2026-06-30")),
        ("2026年第三季度", day("2026-09-30")),  # a Wednesday
        ("2026年第四季度", day("2026-12-31")),
    ]
    assert [(o.period_label, o.due_date) for o in occurrences_of(made["half-yearly"])] == [
        ("2026年上半年", day("2026-06-30")),
        ("2026年下半年", day("2026-12-31")),
    ]
    yearly = occurrences_of(made["yearly"])
    assert [(o.period_label, o.due_date) for o in yearly] == [("2026年度", day("2026-12-31"))]

    monthly = {o.period_label: o.due_date for o in occurrences_of(made["monthly"])}
    assert monthly["2026年1月"] == day("2026-01-30")  # 01-31 is a Saturday
    assert monthly["2026年2月"] == day("2026-02-28")  # a Saturday, but a make-up working day
    assert monthly["2026年5月"] == day("2026-05-29")  # 05-31 is a Sunday
    assert monthly["2026年10月"] == day("2026-10-30")  # 10-31 is a Saturday
    assert monthly["2026年12月"] == day("2026-12-31")


def test_occurrences_inherit_the_task_and_are_assigned(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        since = last_audit_id()
        task = published_with(org, 2026, quarterly={})["quarterly"]
    third = occurrences_of(task)[2]
    assert third.title == "quarterly报送（2026年第三季度）"
    assert third.deadline_text == "2026年第三季度"
    assert (third.status, third.recurrence, third.parent_id) == ("assigned", "none", task.id)
    assert third.lead_unit is org.relief and third.owner is org.users.staff
    assert [u.name for u in third.co_units] == ["养老服务科"]
    assert third.start_date == day("2026-07-01") and third.plan_id == task.plan_id
    # the container is due with its last occurrence
    assert task.status == "assigned" and task.due_date == day("2026-12-31")
    # the task, its four occurrences, and the plan's reporting task (报送并公开…报告)
    assert audit_actions(since).count("task.create") == 1 + 4 + 1


def test_a_period_ending_in_a_holiday_is_due_before_it():
    # 2023: Mid-Autumn and National Day ran 09-29..10-06; 12-30/31 was a weekend
    labels_and_dues = [(p.label, p.due_date) for p in periods("quarterly", 2023)]
    assert labels_and_dues[2] == ("2023年第三季度", day("2023-09-28"))
    assert labels_and_dues[3] == ("2023年第四季度", day("2023-12-29"))
    months = {p.label: p.due_date for p in periods("monthly", 2023)}
    assert months["2023年4月"] == day("2023-04-28")  # 04-29..05-03 Labour Day
    assert [p.due_date for p in periods("yearly", 2023)] == [day("2023-12-29")]


def test_a_plan_year_with_holidays_in_period_ends(shared):
    org = shared
    with clock.frozen_at(datetime(2023, 1, 4, 2, tzinfo=UTC)):
        task = published_with(org, 2023, quarterly={})["quarterly"]
    assert [o.due_date for o in occurrences_of(task)] == [
        day("2023-03-31"),
        day("2023-06-30"),
        day("2023-09-28"),
        day("2023-12-29"),
    ]


def test_a_task_starting_mid_year_gets_only_the_remaining_periods(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        made = published_with(
            org,
            2026,
            quarterly={"start_date": day("2026-05-15")},
            monthly={"start_date": day("2026-08-10")},
        )
    quarterly = occurrences_of(made["quarterly"])
    assert [o.period_label for o in quarterly] == [
        "2026年第二季度",
        "2026年第三季度",
        "2026年第四季度",
    ]
    assert quarterly[0].start_date == day("2026-05-15")  # not before the task starts
    assert quarterly[1].start_date == day("2026-07-01")
    monthly = occurrences_of(made["monthly"])
    assert [o.period_label for o in monthly] == [f"2026年{m}月" for m in range(8, 13)]


def test_a_recurring_task_added_to_an_active_plan_starts_today(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        plan = make_plan(org, title="年中追加")
        make_task(org, plan, title="先有的任务")
        plans.publish_plan(org.users.coordinator, plan)
    with clock.frozen_at(datetime(2026, 7, 20, 2, tzinfo=UTC)):
        added = make_task(org, plan, title="半年报送", recurrence="half-yearly")
    assert added.start_date == day("2026-07-20")
    assert [o.period_label for o in occurrences_of(added)] == ["2026年下半年"]


def test_a_due_date_ends_the_periods(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        task = published_with(org, 2026, quarterly={"due_date": day("2026-06-30")})["quarterly"]
    assert [o.period_label for o in occurrences_of(task)] == ["2026年第一季度", "2026年第二季度"]
    assert task.due_date == day("2026-06-30")


def test_a_draft_recurring_task_has_no_occurrences_until_published(shared):
    org = shared
    plan = make_plan(org, title="草稿周期")
    task = make_task(org, plan, recurrence="monthly")
    assert occurrences_of(task) == []
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        plans.publish_plan(org.users.coordinator, plan)
    assert len(occurrences_of(task)) == 12


def test_the_recurring_task_progress_is_the_share_of_done_occurrences(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        task = published_with(org, 2026, quarterly={})["quarterly"]
    first, second, third, _fourth = occurrences_of(task)
    for occurrence in (first, second):
        workflow.transition(org.users.chief, occurrence, "claim")
        workflow.transition(
            org.users.chief, occurrence, "submit", result_statement="已报送。", cause=LATE
        )
        workflow.transition(org.users.coordinator, occurrence, "accept")
    assert task.progress == 50
    workflow.transition(org.users.coordinator, third, "cancel", note="本季度不再报送")
    assert task.progress == 67  # 2 of the 3 that still count


@pytest.mark.parametrize(
    "recurrence,expected",
    [("none", []), ("weekly", []), ("yearly", ["2026年度"])],
)
def test_periods_of_unknown_or_no_recurrence(recurrence, expected):
    assert [p.label for p in periods(recurrence, 2026)] == expected


def test_no_occurrence_is_due_after_its_recurring_task(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        task = published_with(org, 2026, quarterly={"due_date": day("2026-08-14")})["quarterly"]
    occurrences = occurrences_of(task)
    assert [o.period_label for o in occurrences][-1] == "2026年第三季度"
    assert all(o.due_date <= task.due_date for o in occurrences)


def test_cancelling_a_recurring_task_cancels_its_open_occurrences(shared):
    org = shared
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        task = published_with(org, 2026, quarterly={})["quarterly"]
    first = occurrences_of(task)[0]
    with clock.frozen_at(datetime(2026, 4, 7, 2, tzinfo=UTC)):
        workflow.transition(org.users.chief, first, "claim")
        workflow.transition(
            org.users.chief, first, "submit", result_statement="已报送。", cause=LATE
        )
        workflow.transition(org.users.coordinator, first, "accept")
        workflow.transition(org.users.coordinator, task, "cancel", note="制度调整，不再按季度报送")
    assert task.status == "cancelled"
    assert [o.status for o in occurrences_of(task)] == [
        "done",
        "cancelled",
        "cancelled",
        "cancelled",
    ]
