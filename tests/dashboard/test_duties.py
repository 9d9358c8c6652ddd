"""The duty list and its lag rule, on a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from tests.factories import make_duty, make_plan, make_task
from tracker.core import clock
from tracker.dashboard.duties import assess, duty_report, elapsed_share, expected_by
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service as records
from tracker.tasks import workflow
from tracker.tasks.lights import LightPolicy

YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (date(2025, 12, 1), 0.0),  # before the year
        (YEAR_START, 0.0),
        (date(2026, 7, 2), 182 / 364),
        (YEAR_END, 1.0),
        (date(2027, 1, 5), 1.0),  # after it
    ],
)
def test_elapsed_share(today, share):
    assert elapsed_share(YEAR_START, YEAR_END, today) == pytest.approx(share)


def test_expected_count_is_rounded_down_to_whole_sessions():
    assert expected_by(12, 0.49) == 5
    assert expected_by(12, 0.5) == 6
    assert expected_by(4, 0.2499) == 0
    assert expected_by(18, 1.0) == 18


def duty(achieved, target=12, status="in_progress", start=None, due=YEAR_END):
    return SimpleNamespace(
        plan=SimpleNamespace(year=2026),
        start_date=start,
        due_date=due,
        target_count=target,
        achieved_count=achieved,
        status=status,
    )


@pytest.mark.parametrize(
    ("today", "achieved", "state", "expected"),
    [
        # 8 June: 158 of 364 days gone, 12 × 0.434 = 5.2 → 5 sessions expected
        (date(2026, 6, 8), 5, "on_track", 5),
        (date(2026, 6, 8), 4, "lagging", 5),
        (date(2026, 6, 8), 12, "reached", 5),
        # in the first days of the year nothing is expected yet
        (date(2026, 1, 20), 0, "on_track", 0),
        # after the year the whole target is expected
        (date(2027, 1, 5), 11, "lagging", 12),
    ],
)
def test_lag_rule_for_a_duty_with_a_target(today, achieved, state, expected):
    row = assess(duty(achieved), "green", today)
    assert (row.state, row.expected) == (state, expected)
    assert row.shortfall == max(expected - achieved, 0)


def test_lag_rule_uses_the_duty_own_window():
    # due at the end of June: on 8 June 158 of 180 days are gone → 10 of 12 expected
    row = assess(duty(9, due=date(2026, 6, 30)), "orange", date(2026, 6, 8))
    assert row.expected == 10 and row.is_lagging


def test_duty_without_target_lags_only_when_overdue():
    assert assess(duty(0, target=None), "red", date(2026, 6, 8)).is_lagging
    assert not assess(duty(0, target=None), "orange", date(2026, 6, 8)).is_lagging


def test_a_duty_accepted_as_done_never_lags():
    row = assess(duty(3, status="done"), "grey", date(2027, 1, 5))
    assert row.state == "done" and not row.is_lagging


def session_data(day, chair, name=""):
    return {
        "session_kind": "center_group",
        "held_on": day,
        "topic": "学习民法典",
        "chaired_by_id": chair.id if chair else None,
        "chaired_by_name": name,
        "attendees": "局党组成员",
        "attendee_count": 9,
    }


@pytest.fixture
def duties(org):
    """Three principal duties of 2026 and the principal's sessions, entered in the past."""
    plan = make_plan(org)
    study = make_duty(
        org, plan, target_count=12, target_measure="次", start_date=YEAR_START, due_date=YEAR_END
    )
    report = make_duty(
        org,
        plan,
        title="年度述法",
        kind="general",
        lead_unit=None,
        start_date=YEAR_START,
        due_date=date(2026, 3, 31),
    )
    make_task(org, plan, title="不是职责", start_date=YEAR_START, due_date=YEAR_END)
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.principal, study, "claim")
    workflow.transition(org.users.principal, report, "claim")
    for month in range(1, 5):  # four sessions chaired by the principal
        records.create_record(
            org.users.principal,
            study,
            "study_session",
            session_data(date(2026, month, 10), org.users.principal),
        )
    # chaired by someone else, recorded by name only, and one voided: not the principal's
    records.create_record(
        org.users.principal, study, "study_session", session_data(date(2026, 5, 8), None, "副局长")
    )
    voided = records.create_record(
        org.users.principal,
        study,
        "study_session",
        session_data(date(2026, 5, 20), org.users.principal),
    )
    records.void_record(org.users.principal, voided, "重复录入")
    db.session.commit()
    return SimpleNamespace(plan=plan, study=study, report=report)


def report_on(org, day):
    with clock.frozen_at(datetime(day.year, day.month, day.day, 4, tzinfo=UTC)):
        return duty_report(org.bureau, 2026, LightPolicy.current(clock.today()))


def test_duty_report_lists_duties_with_targets_and_the_principal_sessions(org, duties):
    report = report_on(org, date(2026, 6, 8))
    assert report.principal == org.users.principal
    assert [r.task.title for r in report.rows] == ["主持党组中心组学法", "年度述法"]
    study, statement = report.rows
    # five live records count toward the target; four of them chaired by the principal
    assert (study.achieved, study.target, study.expected) == (5, 12, 5)
    assert study.record_count == 5
    assert study.state == "on_track"
    assert statement.state == "lagging"  # overdue since 31 March
    assert [s.held_on.month for s in report.sessions] == [1, 2, 3, 4]
    assert report.session_counts == {"center_group": 4}
    assert report.lagging == [statement]


def test_the_same_duty_lags_a_month_later(org, duties):
    report = report_on(org, date(2026, 7, 15))  # 195/364 × 12 = 6.4 → 6 expected, 5 achieved
    study = report.rows[0]
    assert (study.expected, study.state, study.shortfall) == (6, "lagging", 1)


def test_duty_report_without_a_principal(org, duties):
    org.users.principal.is_principal = False
    db.session.commit()
    report = report_on(org, date(2026, 6, 8))
    assert report.principal is None
    assert report.sessions == []
    assert len(report.rows) == 2
