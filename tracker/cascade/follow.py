"""The city item follows its bureaus: its progress and status are written from the roll-up of
the bureau tasks decomposing it whenever one of them (or a bureau's share) changes.

The item moves to 办理中 once a bureau has decomposed it; when every lead bureau's tasks are
done it goes to 申请办结, which asks the city office to accept it (办结) or return it (退回) as
for any task — the roll-up never marks it done itself. When a bureau task is reopened, the
item follows back to 办理中. Each automatic change is audited as the system, with a reason
code the audit page names (audit.labels.VALUE_LABELS)."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _

from tracker.audit.service import log_event
from tracker.cascade import queries
from tracker.core import clock
from tracker.core.urls import link_to
from tracker.extensions import db
from tracker.reminders.inbox import notify
from tracker.tasks.models import Task
from tracker.tasks.service import add_timeline_entry, touch

#: Why the roll-up changed the item (stored in the audit event; labelled on the audit page).
REASON_DECOMPOSED = "cascade_decomposed"
REASON_BUREAUS_DONE = "cascade_bureaus_done"
REASON_REOPENED = "cascade_reopened"
REASON_PROGRESS = "cascade_progress"


def _system():
    """Who the timeline names for the roll-up's steps (no user: audited as `system`)."""
    return SimpleNamespace(id=None, display_name=_("City roll-up"), username="system")


def _result_of(roll: queries.Rollup) -> str:
    """The item's 成效, gathered from the lead bureaus' done tasks."""
    parts = []
    for share in roll.shares:
        if share.role != "lead" or share.state == "released":
            continue
        said = [t.result_statement.strip() for t in share.tasks if t.status == "done"]
        said = [s for s in said if s]
        if said:
            parts.append(f"{share.bureau.name}：{'；'.join(said)}")
    return "\n".join(parts) or _("Every lead bureau has completed its tasks.")


def follow(item_id: int | None) -> None:
    """Write the roll-up of the city item `item_id` into its progress and status."""
    if item_id is None:
        return
    item = db.session.get(Task, item_id)
    if item is None or not queries.is_city_item(item):
        return
    if item.plan.status != "active" or item.status in ("draft", "cancelled"):
        return
    if item.lead_unit is None or item.lead_unit.kind != "bureau":
        return  # the office carries the item itself: nothing to follow
    db.session.flush()
    roll = queries.rollup(item)
    before = {"status": item.status, "progress": item.progress}
    status, reason = item.status, REASON_PROGRESS
    if roll.status == "done":
        progress = 100
        if item.status in ("assigned", "in_progress"):
            status, reason = "submitted", REASON_BUREAUS_DONE
    else:
        progress = roll.progress or 0
        decomposed = any(s.state == "decomposed" for s in roll.shares)
        if item.status in ("submitted", "done"):
            status, reason = "in_progress", REASON_REOPENED
        elif item.status == "assigned" and decomposed:
            status, reason = "in_progress", REASON_DECOMPOSED
    if item.status == "done" and status == "done":
        progress = 100
    if (status, progress) == (item.status, item.progress):
        return
    system = _system()
    item.progress = progress
    if status != item.status:
        item.status = status
        kind = {"submitted": "submit", "in_progress": "claim"}[status]
        if reason == REASON_REOPENED:
            kind = "return"
            item.completed_at = None
            item.submitted_on = None
        if status == "submitted":
            item.submitted_on = clock.today()
            if not item.result_statement.strip():
                item.result_statement = _result_of(roll)
        add_timeline_entry(
            system, item, kind, status_from=before["status"], status_to=status, progress=progress
        )
    touch(None, item)
    db.session.flush()
    after = {"status": item.status, "progress": item.progress, "reason": reason}
    if before["status"] == item.status:
        del before["status"], after["status"]
    log_event(None, "cascade.follow", item, before=before, after=after, actor_name="system")
    if item.status == "submitted" and before.get("status") != "submitted":
        for person in queries.office_users(item.plan.bureau):
            notify(
                person,
                "cascade",
                _("Every lead bureau is done, please accept: %(title)s", title=item.title),
                body=item.result_statement,
                link=link_to("tasks.show", task_id=item.id),
                task=item,
            )
