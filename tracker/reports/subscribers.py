"""The annual report's part in other features' steps: its task in every published plan."""

from __future__ import annotations

from tracker.core.signals import plan_copying, plan_published
from tracker.reports.service import create_report_task, report_task_ids


@plan_published.connect
def _add_report_task(plan, *, actor) -> list:
    """The office's task to submit and publish the year's report, assigned with the plan's."""
    task = create_report_task(actor, plan)
    return [] if task is None else [task]


@plan_copying.connect
def _leave_out_report_tasks(plan):
    """The reporting task is not copied: publishing the copy makes the one for its own year."""
    return report_task_ids()
