"""A user's task deadlines as an iCalendar (RFC 5545) feed: one all-day event per open task.

Each event keeps its UID (`task-<id>@<host>`) from one download to the next, so calendar programs
update an event rather than add a second one; SEQUENCE follows the task's version. The event
carries the task's link (TRACKER_BASE_URL) and a reminder at 09:00 the day before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.urls import external_url
from tracker.extensions import db
from tracker.tasks import versions
from tracker.tasks.labels import STATUS_LABELS
from tracker.tasks.models import OPEN_STATUSES, Task
from tracker.tasks.queries import work_scope

PRODUCT_ID = "-//Duban//Task deadlines//ZH"
#: The reminder fires this long before the (all-day) event starts: 09:00 the day before.
REMINDER_BEFORE = timedelta(hours=15)
#: How often calendar programs should fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=1)


if TYPE_CHECKING:
    from icalendar import Event

# icalendar is imported when a feed is built (not in every web worker)


def calendar_tasks(user: User) -> list[Task]:
    """The open tasks with a deadline that are the user's to watch, soonest first: staff their
    own; chiefs their unit's; leaders those they supervise or own (第一责任人职责); coordinators,
    viewers and admins the bureau's. Recurring tasks appear through their occurrences."""
    query = _watched(sa.select(Task), user).options(
        joinedload(Task.plan), joinedload(Task.lead_unit), joinedload(Task.owner)
    )
    return list(db.session.scalars(query.order_by(Task.due_date, Task.id)))


def calendar_task_count(user: User) -> int:
    """How many tasks `calendar_tasks` gives, counted in the database (one statement), kept
    between changes to the tasks the user reads (tracker.tasks.versions: 70 ms at 100k)."""

    def compute() -> int:
        return db.session.scalar(_watched(sa.select(sa.func.count(Task.id)), user)) or 0

    key = (user.id, user.role, user.unit_id)
    return versions.kept("calendar_tasks", key, versions.reader_scopes(user), compute)


def _watched(query, user: User):
    query = query.where(
        Task.status.in_(OPEN_STATUSES),
        Task.due_date.is_not(None),
        sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)),
    )
    if user.role == "leader":
        query = work_scope(query, user).where(
            sa.or_(Task.supervisor_id == user.id, Task.owner_id == user.id)
        )
    else:
        query = work_scope(query, user)
    return query


def task_url(task: Task) -> str:
    return external_url("tasks.show", task_id=task.id)


def event_uid(task: Task) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "duban"
    return f"task-{task.id}@{host}"


def _event(task: Task, stamp) -> Event:
    from icalendar import Alarm, Event

    name = " ".join(part for part in (task.number, task.title) if part)
    url = task_url(task)
    event = Event()
    event.add("uid", event_uid(task))
    event.add("dtstamp", stamp)
    event.add("dtstart", task.due_date)
    event.add("dtend", task.due_date + timedelta(days=1))
    event.add("summary", _("Due: %(task)s", task=name))
    details = [
        task.plan.title,
        _("Lead unit: %(unit)s", unit=task.lead_unit.name if task.lead_unit else "—"),
        _("Owner: %(owner)s", owner=task.owner.display_name if task.owner else "—"),
        _("Status: %(status)s", status=STATUS_LABELS[task.status]),
    ]
    if task.deadline_text:
        details.append(_("Deadline as written: %(text)s", text=task.deadline_text))
    details.append(url)
    event.add("description", "\n".join(str(line) for line in details))
    event.add("url", url)
    event.add("sequence", task.version)
    event.add("last-modified", task.updated_at)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Due tomorrow: %(task)s", task=name))
    alarm.add("trigger", -REMINDER_BEFORE)
    event.add_component(alarm)
    return event


def build_calendar(user: User, tasks: Iterable[Task]) -> bytes:
    """The feed as iCalendar bytes (UTF-8, CRLF line ends, lines folded at 75 octets)."""
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Duban deadlines: %(name)s", name=user.display_name)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", current_app.config["TIMEZONE"])
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    stamp = clock.now()
    for task in tasks:
        calendar.add_component(_event(task, stamp))
    return calendar.to_ical()
