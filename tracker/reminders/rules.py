"""The reminder policy as pure rules: which step a deadline is on, given working-day counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    """The numbers of a bureau's ReminderPolicy (defaults are the issue's: 5/1, 3, 3, 10…)."""

    due_soon_steps: tuple[int, ...] = (5, 1)
    overdue_repeat_days: int = 3
    escalate_supervisor_days: int = 3
    escalate_principal_days: int = 10
    certificate_steps: tuple[int, ...] = (60, 30)
    rectification_due_days: int = 5

    @classmethod
    def of(cls, policy) -> Rules:
        if policy is None:
            return cls()
        return cls(
            due_soon_steps=tuple(policy.due_soon_steps),
            overdue_repeat_days=max(policy.overdue_repeat_days, 1),
            escalate_supervisor_days=policy.escalate_supervisor_days,
            escalate_principal_days=policy.escalate_principal_days,
            certificate_steps=tuple(policy.certificate_steps),
            rectification_due_days=policy.rectification_due_days,
        )


def threshold_step(left: int, steps: tuple[int, ...]) -> int | None:
    """The tightest threshold that `left` days have reached: with steps (5, 1), 4 days left is
    step 5 and 0 or 1 day left is step 1; more than 5 days left is no step.

    Level-triggered: a run that missed the day a threshold was crossed still finds its step."""
    reached = [step for step in steps if 0 <= left <= step]
    return min(reached) if reached else None


def overdue_period(days_overdue: int, repeat_days: int) -> int | None:
    """1 on the first working day after the due date, 2 after `repeat_days` more, and so on."""
    if days_overdue < 1:
        return None
    return (days_overdue - 1) // max(repeat_days, 1) + 1


def escalation_level(days_overdue: int, rules: Rules) -> int:
    """0 (not escalated), 1 (the supervisor, 分管领导) or 2 (the principal leader, 主要负责人)."""
    if days_overdue >= rules.escalate_principal_days:
        return 2
    if days_overdue >= rules.escalate_supervisor_days:
        return 1
    return 0
