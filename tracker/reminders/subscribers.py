"""The reminders' part in other features' steps: who is told what, and the task page's list of
the notices sent."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import ngettext

from tracker.core.signals import plan_assigned, task_page
from tracker.reminders.inbox import notify
from tracker.reminders.sweep import reminders_for_task
from tracker.tasks.workflow import chiefs_of


@task_page.connect
def _reminders_panel(task) -> dict:
    return {"reminders": reminders_for_task(task)}


@plan_assigned.connect
def _notify_lead_units(plan, *, actor, tasks) -> None:
    """Tell each lead unit's chiefs, once, which of the newly published plan's tasks it leads."""
    by_unit: dict[int, list] = defaultdict(list)
    for task in tasks:
        if task.lead_unit is not None:
            by_unit[task.lead_unit.id].append(task)
    for unit_tasks in by_unit.values():
        unit = unit_tasks[0].lead_unit
        for chief in chiefs_of(unit):
            notify(
                chief,
                "assigned",
                ngettext(
                    "%(plan)s was assigned: %(num)d task led by %(unit)s",
                    "%(plan)s was assigned: %(num)d tasks led by %(unit)s",
                    len(unit_tasks),
                    plan=plan.title,
                    unit=unit.name,
                ),
                body="\n".join(f"{t.number} {t.title}".strip() for t in unit_tasks),
                link=f"/plans/{plan.id}?unit={unit.id}",
            )
