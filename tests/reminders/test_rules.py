"""The policy's rules as pure functions: thresholds, overdue periods, escalation levels."""

import pytest

from tracker.reminders.rules import Rules, escalation_level, overdue_period, threshold_step


@pytest.mark.parametrize(
    ("left", "step"),
    [(6, None), (5, 5), (4, 5), (2, 5), (1, 1), (0, 1), (-1, None)],
)
def test_due_soon_step_is_the_tightest_threshold_reached(left, step):
    assert threshold_step(left, (5, 1)) == step


@pytest.mark.parametrize(
    ("overdue", "period"), [(0, None), (1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (10, 4)]
)
def test_overdue_notice_on_first_working_day_then_every_three(overdue, period):
    assert overdue_period(overdue, 3) == period


@pytest.mark.parametrize(("overdue", "level"), [(0, 0), (2, 0), (3, 1), (9, 1), (10, 2), (40, 2)])
def test_escalation_ladder_supervisor_after_three_principal_after_ten(overdue, level):
    assert escalation_level(overdue, Rules()) == level
