"""The cascade's writes: decompose a city item into bureau tasks (or link existing ones), ask
not to carry it (申请不承担) and the office's answer, the office's consent to a later deadline.
Every write is audited; each side hears of the other's step."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.accounts.queries import coordinators_of
from tracker.audit.service import changes, log_event
from tracker.cascade import follow, queries
from tracker.cascade.models import CascadeShare
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.urls import link_to
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.inbox import notify
from tracker.tasks import service as tasks
from tracker.tasks.models import Task
from tracker.units.models import Unit


def _role_of(item: Task, bureau: Unit) -> str | None:
    for named, role in queries.named_bureaus(item):
        if named.id == bureau.id:
            return role
    return None


def share_for(item: Task, bureau: Unit) -> CascadeShare:
    """The bureau's share row of the item, made when first needed (the item must name it)."""
    share = queries.share_of(item, bureau)
    if share is not None:
        return share
    role = _role_of(item, bureau)
    if role is None or not queries.is_city_item(item):
        raise DomainError(_("This city item does not name %(name)s.", name=bureau.name))
    share = CascadeShare(item=item, item_id=item.id, bureau=bureau, bureau_id=bureau.id, role=role)
    db.session.add(share)
    db.session.flush()
    return share


def _check_named(item: Task, bureau: Unit) -> CascadeShare | None:
    share = queries.share_of(item, bureau)
    if share is not None and share.decline_state == "accepted":
        raise DomainError(_("The city office has taken %(name)s off this item.", name=bureau.name))
    if _role_of(item, bureau) is None or not queries.is_city_item(item):
        raise DomainError(_("This city item does not name %(name)s.", name=bureau.name))
    return share


def deadline_refusal(item: Task, bureau_id: int, due: date | None, continuous: bool) -> str | None:
    """Why a bureau task for `item` may not have this deadline, or None: it may not be due
    later than the item unless the city office consented (up to the day it consented to)."""
    if item.due_date is None:
        return None
    share = db.session.scalar(
        db.select(CascadeShare).filter_by(item_id=item.id, bureau_id=bureau_id)
    )
    allowed = item.due_date
    if share is not None and share.consented_due_date is not None:
        allowed = max(allowed, share.consented_due_date)
    if continuous or due is None:
        return _(
            "The city item is due on %(date)s: a task decomposing it needs a due date.",
            date=item.due_date.isoformat(),
        )
    if due > allowed:
        return _(
            "The due date %(date)s is later than the city item's deadline %(limit)s. Ask the "
            "city office to consent to a later deadline first.",
            date=due.isoformat(),
            limit=allowed.isoformat(),
        )
    return None


def decompose(actor, item: Task, plan: Plan, data: tasks.TaskData) -> Task:
    """任务分解: a task of the bureau's own `plan`, linked to the city item."""
    bureau = plan.bureau
    _check_named(item, bureau)
    refusal = deadline_refusal(item, bureau.id, data.due_date, data.is_continuous)
    if refusal:
        raise DomainError(refusal, "due_date")
    task = tasks.create_task(actor, plan, data)
    _link(actor, task, item)
    return task


def link_task(actor, task: Task, item: Task) -> Task:
    """Link an existing task of a bureau's plan to the city item it decomposes."""
    bureau = task.plan.bureau
    _check_named(item, bureau)
    if task.parent_id is not None:
        raise DomainError(_("Link the recurring task itself, not one of its occurrences."))
    refusal = deadline_refusal(item, bureau.id, task.due_date, task.is_continuous)
    if refusal:
        raise DomainError(refusal, "task_id")
    _link(actor, task, item)
    return task


def _link(actor, task: Task, item: Task) -> None:
    before = task.city_item_id
    task.city_item_id = item.id
    tasks.touch(actor, task)
    db.session.flush()
    log_event(
        actor,
        "cascade.decompose",
        task,
        before={"city_item_id": before},
        after={"city_item_id": item.id, "city_item": f"{item.number} {item.title}".strip()},
    )
    if before is not None and before != item.id:
        follow.follow(before)
    follow.follow(item.id)


def decline(actor, item: Task, bureau: Unit, reason: str) -> CascadeShare:
    """申请不承担: the bureau says the item is not its own, with a reason; the office decides."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the item is not your bureau's."), "reason")
    _check_named(item, bureau)
    share = share_for(item, bureau)
    if share.decline_state == "pending":
        raise DomainError(_("The request is already waiting for the city office."))
    before = share.to_audit()
    share.decline_state = "pending"
    share.decline_reason = reason
    share.declined_by_id = actor.id
    share.declined_at = clock.now()
    share.resolution_note = ""
    share.resolved_by_id = None
    share.resolved_at = None
    db.session.flush()
    old, new = changes(before, share.to_audit())
    log_event(actor, "cascade.decline", share, before=old, after=new)
    link = link_to("tasks.show", task_id=item.id)
    for person in queries.office_users(item.plan.bureau):
        notify(
            person,
            "cascade",
            _("%(bureau)s asks not to carry: %(title)s", bureau=bureau.name, title=item.title),
            body=reason,
            link=link,
            task=item,
        )
    return share


def resolve(actor, share: CascadeShare, *, accept: bool, note: str = "") -> CascadeShare:
    """The office's answer: 同意 takes the bureau off the item (a lead bureau's place goes
    back to the city office, which names another bureau by editing the item); 驳回 sends the
    item back to the bureau's 待分解 with a note."""
    if share.decline_state != "pending":
        raise DomainError(_("There is no request waiting for an answer."))
    note = note.strip()
    if not accept and not note:
        raise DomainError(_("Say why the request is rejected."), "note")
    before = share.to_audit()
    item = share.item
    share.decline_state = "accepted" if accept else "rejected"
    share.resolution_note = note
    share.resolved_by_id = actor.id
    share.resolved_at = clock.now()
    if accept:
        item_before = item.to_audit()
        if item.lead_unit_id == share.bureau_id:
            item.lead_unit = item.plan.bureau
        item.co_units = [u for u in item.co_units if u.id != share.bureau_id]
        tasks.touch(actor, item)
        db.session.flush()
        old, new = changes(item_before, item.to_audit())
        log_event(actor, "task.update", item, before=old, after=new)
    db.session.flush()
    old, new = changes(before, share.to_audit())
    log_event(actor, "cascade.resolve", share, before=old, after=new)
    if accept:
        follow.follow(item.id)
    title = (
        _("Request agreed, no longer yours: %(title)s", title=item.title)
        if accept
        else _("Request rejected, please decompose: %(title)s", title=item.title)
    )
    for person in coordinators_of(share.bureau):
        notify(person, "cascade", title, body=note, link=link_to("cascade.inbox"), task=item)
    return share


def consent(actor, share: CascadeShare, *, due: date | None, note: str = "") -> CascadeShare:
    """The office consents to the bureau's tasks for the item being due as late as `due`
    (None withdraws the consent)."""
    item = share.item
    if due is not None and item.due_date is not None and due <= item.due_date:
        raise DomainError(_("A consent is for a day after the item's deadline."), "due")
    before = share.to_audit()
    share.consented_due_date = due
    share.consent_note = note.strip()
    share.consented_by_id = actor.id
    share.consented_at = clock.now()
    db.session.flush()
    old, new = changes(before, share.to_audit())
    if new:
        log_event(actor, "cascade.consent", share, before=old, after=new)
    if due is not None:
        for person in coordinators_of(share.bureau):
            notify(
                person,
                "cascade",
                _(
                    "Later deadline agreed (%(date)s): %(title)s",
                    date=due.isoformat(),
                    title=item.title,
                ),
                body=share.consent_note,
                link=link_to("cascade.inbox"),
                task=item,
            )
    return share


def notify_published(plan: Plan) -> None:
    """A city plan was published: each bureau it names hears once which items to decompose."""
    if plan.bureau.kind != "city":
        return
    items = plan_items(plan)
    by_bureau: dict[int, tuple[Unit, list[Task]]] = {}
    for item in items:
        for bureau, _role in queries.named_bureaus(item):
            by_bureau.setdefault(bureau.id, (bureau, []))[1].append(item)
    for bureau, its_items in by_bureau.values():
        for person in coordinators_of(bureau):
            notify(
                person,
                "cascade",
                ngettext(
                    "%(plan)s names your bureau in %(num)d item: decompose it",
                    "%(plan)s names your bureau in %(num)d items: decompose them",
                    len(its_items),
                    plan=plan.title,
                ),
                body="\n".join(f"{t.number} {t.title}".strip() for t in its_items),
                link=link_to("cascade.inbox"),
            )


def plan_items(plan: Plan) -> list[Task]:
    return list(
        db.session.scalars(
            db.select(Task)
            .where(Task.plan_id == plan.id, Task.parent_id.is_(None))
            .order_by(Task.position, Task.id)
        )
    )
