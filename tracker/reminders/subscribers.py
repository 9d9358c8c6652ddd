"""The reminders' part in other features' steps: who is told what when a plan is published or a
task moves through the workflow, and the task page's list of the notices sent."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.accounts.models import User
from tracker.accounts.queries import chiefs_of, coordinators_of
from tracker.core.signals import (
    plan_assigned,
    task_owner_assigned,
    task_page,
    task_transitioned,
    tasks_listed,
)
from tracker.core.urls import link_to
from tracker.reminders.inbox import notify
from tracker.reminders.policy import keep_rules_of
from tracker.reminders.sweep import reminders_for_task
from tracker.tasks.models import Task


@task_page.connect
def _reminders_panel(task) -> dict:
    return {"reminders": reminders_for_task(task)}


@tasks_listed.connect
def _rules_of_listed_tasks(tasks) -> None:
    """The reminder rules of the bureaus whose tasks a list shows (a row's escalation step)."""
    keep_rules_of({task.plan.bureau_id for task in tasks})


@plan_assigned.connect
def _notify_lead_units(plan, *, actor, tasks) -> None:
    """Tell each lead unit's chiefs, once, which of the newly published plan's tasks it leads."""
    by_unit: dict[int, list] = defaultdict(list)
    for task in tasks:
        if task.lead_unit is not None:
            if plan.bureau.kind == "city" and task.lead_unit.kind == "bureau":
                continue  # a city item naming a bureau: the cascade's inbox tells the bureau
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
                link=link_to("plans.show", plan_id=plan.id, unit=unit.id),
            )


def _people_responsible(task: Task) -> list[User]:
    people = {u.id: u for u in chiefs_of(task.lead_unit)}
    if task.owner is not None and not task.owner.is_disabled:
        people[task.owner.id] = task.owner
    return list(people.values())


@task_transitioned.connect
def _notify_transition(task: Task, *, actor, action: str, note: str) -> None:
    """申请办结 goes to the legal office; 退回, 办结 and 撤销 to the people responsible."""
    link = link_to("tasks.show", task_id=task.id)
    if action == "submit":
        for coordinator in coordinators_of(task.plan.bureau):
            notify(
                coordinator,
                "submitted",
                _("Submitted for acceptance: %(title)s", title=task.title),
                link=link,
                task=task,
            )
        return
    titles = {
        "return": _("Returned: %(title)s", title=task.title),
        "accept": _("Accepted as done: %(title)s", title=task.title),
        "cancel": _("Cancelled: %(title)s", title=task.title),
    }
    if action not in titles:
        return
    for person in _people_responsible(task):
        if person.id != getattr(actor, "id", None):
            notify(
                person,
                {"return": "returned"}.get(action, action),
                titles[action],
                body=note,
                link=link,
                task=task,
            )


@task_owner_assigned.connect
def _notify_new_owner(task: Task, *, actor, owner: User | None) -> None:
    """The new person responsible hears of it, unless they named themselves or the task is
    still a draft."""
    if owner is not None and owner.id != getattr(actor, "id", None) and task.status != "draft":
        notify(
            owner,
            "assigned",
            _("Assigned to you: %(title)s", title=task.title),
            link=link_to("tasks.show", task_id=task.id),
            task=task,
        )
