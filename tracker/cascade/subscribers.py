"""The cascade's part in other features: the task page of a city item shows each bureau's
share and the roll-up (a bureau task, the city item it decomposes); a decomposing task's
deadline stays within the city item's; publishing a city plan tells the bureaus it names; the
reminder sweep leaves a city item a bureau leads to the bureau tasks decomposing it; a bureau
task's change is written into the city item's progress and status (cascade.follow)."""

from __future__ import annotations

from flask_login import current_user

from tracker.cascade import follow, queries, service
from tracker.core.signals import (
    plan_assigned,
    reminders_settled,
    task_changed,
    task_dates_changing,
    task_page,
)
from tracker.tasks.labels import STATUS_LABELS


@task_page.connect
def _cascade_panel(task) -> dict:
    if task.city_item_id is not None:
        return {"cascade_city_item": task.city_item}
    if queries.is_city_item(task):
        rollup = queries.rollup(task)
        # a bureau reading the item sees its own share only, never another bureau's
        viewer = getattr(current_user, "bureau", None)
        if viewer is not None and viewer.kind != "city":
            rollup.shares = [s for s in rollup.shares if s.bureau.id == viewer.id]
        return {"cascade_rollup": rollup, "cascade_status_labels": STATUS_LABELS}
    return {}


@task_dates_changing.connect
def _within_city_deadline(task, *, due_date, is_continuous):
    if task.city_item_id is None:
        return None
    return service.deadline_refusal(task.city_item, task.plan.bureau_id, due_date, is_continuous)


@plan_assigned.connect
def _tell_named_bureaus(plan, *, actor, tasks) -> None:
    service.notify_published(plan)


@reminders_settled.connect
def _city_items(_sender):
    return queries.city_items_led_by_bureaus()


@task_changed.connect
def _city_item_follows(task) -> None:
    follow.follow(task.city_item_id)
