"""The writes of 督办: 催办 a task (notify and escalate) and issue a numbered 督办通知单."""

from __future__ import annotations

import logging

from flask_babel import force_locale, gettext

from tracker.accounts.queries import chiefs_of, users_in
from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.urls import external_url, link_to
from tracker.extensions import db
from tracker.reminders.inbox import notify
from tracker.reminders.notices import locale_of
from tracker.reminders.outbox import queue_email
from tracker.supervision import queries
from tracker.supervision.models import SupervisionNotice, Urge

log = logging.getLogger(__name__)

URGEABLE_STATUSES = ("assigned", "in_progress")


def level_label(level: int) -> str:
    """The 督办 level in words (the same steps as the reminder escalation)."""
    return {
        0: gettext("Lead unit chief"),
        1: gettext("Step 1: supervising leader"),
        2: gettext("Step 2: principal leader"),
    }.get(level, "")


def _recipients(task, level: int) -> list:
    people: dict[int, object] = {u.id: u for u in chiefs_of(task.lead_unit)}
    if level >= 1 and task.supervisor is not None and not task.supervisor.is_disabled:
        people.setdefault(task.supervisor.id, task.supervisor)
    if level >= 2:
        for principal in users_in(task.plan.bureau, role="leader", principal=True):
            people.setdefault(principal.id, principal)
    return list(people.values())


def urge(actor, task, note: str = "") -> Urge:
    """催办: tell the lead unit's chiefs (in the app and by e-mail) to move the task; a repeat
    within the window climbs a level and also tells the supervising leader, then the principal.
    """
    if task.status not in URGEABLE_STATUSES:
        raise DomainError(gettext("Only a task being worked on can be urged."))
    if task.lead_unit is None:
        raise DomainError(gettext("The task has no lead unit to urge."))
    today = clock.today()
    rules = queries.rules_for(task)
    recent = len(queries.recent_urges(task, today, rules))
    level = min(max(recent, queries.overdue_escalation(task, today, rules)), 2)
    recipients = _recipients(task, level)
    note = (note or "").strip()
    count = len(queries.urge_summary(task).urges or []) + 1
    record = Urge(
        task_id=task.id,
        actor_id=actor.id,
        level=level,
        note=note,
        recipient_count=len(recipients),
        created_at=clock.now(),
    )
    db.session.add(record)
    db.session.flush()
    link = link_to("tasks.show", task_id=task.id)
    for person in recipients:
        with force_locale(locale_of(person)):
            title = gettext("Urged (%(count)d): %(title)s", count=count, title=task.title)
            lines = [
                gettext(
                    "The legal office urges %(unit)s to move this task forward (%(level)s).",
                    unit=task.lead_unit.name,
                    level=level_label(level),
                ),
                gettext(
                    "Due date: %(date)s",
                    date=task.due_date.isoformat() if task.due_date else "—",
                ),
            ]
            if note:
                lines.append(gettext("Note: %(note)s", note=note))
            body = "\n".join(lines)
        notification = notify(person, "urge", title, body=body, link=link, task=task)
        email = queue_email(
            db.session,
            recipient=person,
            subject=f"[Duban] {title}",
            text=f"{body}\n\n{external_url('tasks.show', task_id=task.id)}\n",
            kind="urge",
            dedupe_key=f"urge:{record.id}:u{person.id}",
        )
        if email is not None and notification is not None:
            # the urge went out by e-mail at once: the next digest does not carry it again
            db.session.flush()
            notification.email_id = email.id
    log_event(
        actor,
        "task.urge",
        task,
        after={
            "urge_id": record.id,
            "level": level,
            "count": count,
            "note": note,
            "recipients": [p.id for p in recipients],
        },
    )
    log.info("urge task %s level %s: %d recipients", task.id, level, len(recipients))
    return record


def _issuing_office(actor, bureau) -> str:
    unit = actor.unit
    if unit is None or unit.id == bureau.id:
        return bureau.name
    return f"{bureau.name}{unit.name}"


def issue_notice(actor, *, task=None, unit=None) -> SupervisionNotice:
    """Issue a 督办通知单 for one task, or for the open tasks a unit leads; number it
    督办〔year〕第N号 in order within the bureau and year, and keep what it listed."""
    if task is not None:
        if not task.is_open:
            raise DomainError(gettext("A closed task needs no supervision notice."))
        tasks, unit, bureau = [task], task.lead_unit, task.plan.bureau
    else:
        tasks = queries.open_tasks_led_by(unit)
        bureau = unit.bureau or unit
        if not tasks:
            raise DomainError(gettext("%(unit)s has no open task.", unit=unit.name))
    today = clock.today()
    year = today.year
    notice = SupervisionNotice(
        bureau_id=bureau.id,
        year=year,
        serial=queries.next_serial(bureau.id, year),
        task_id=task.id if task is not None else None,
        unit_id=unit.id if unit is not None else None,
        issuing_office=_issuing_office(actor, bureau),
        level=max(queries.supervision_level(t, today) for t in tasks),
        task_ids=[t.id for t in tasks],
        issued_by_id=actor.id,
        issued_at=clock.now(),
    )
    db.session.add(notice)
    db.session.flush()
    log_event(
        actor,
        "supervision.issue",
        notice,
        after={"number": notice.number, "task_ids": notice.task_ids, "level": notice.level},
    )
    log.info("supervision notice %s issued for %d tasks", notice.number, len(tasks))
    return notice
