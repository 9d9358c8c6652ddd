"""What the cascade reads: a bureau's inbox of city items (上级交办), a city item's shares and
its roll-up from the bureaus' tasks."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from tracker.accounts.models import User
from tracker.cascade.models import CascadeShare
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import Task, task_co_units
from tracker.units.models import Unit

#: The states of a bureau's share of an item, as the inbox shows them.
STATES = ("pending", "decomposed", "declining", "released")


def is_city_item(task: Task) -> bool:
    """A top-level task of a city's plan (an item the city office issues to bureaus)."""
    return task.parent_id is None and task.plan.bureau.kind == "city"


def named_bureaus(item: Task) -> list[tuple[Unit, str]]:
    """The bureaus the item names, with their role ("lead" or "assist"), lead first."""
    named = []
    if item.lead_unit is not None and item.lead_unit.kind == "bureau":
        named.append((item.lead_unit, "lead"))
    named += [(u, "assist") for u in item.co_units if u.kind == "bureau"]
    return named


def has_city_above(bureau: Unit) -> bool:
    """Whether a city node lies above the bureau (one query)."""
    ancestors = [i for i in bureau.ancestor_ids if i != bureau.id]
    if not ancestors:
        return False
    return (
        db.session.scalar(
            sa.select(Unit.id).where(Unit.id.in_(ancestors), Unit.kind == "city").limit(1)
        )
        is not None
    )


def share_of(item: Task, bureau: Unit) -> CascadeShare | None:
    return db.session.scalar(
        sa.select(CascadeShare).where(
            CascadeShare.item_id == item.id, CascadeShare.bureau_id == bureau.id
        )
    )


def linked_tasks(item_ids: list[int], bureau_id: int | None = None) -> list[Task]:
    """The bureau tasks decomposing these items (of one bureau, or of all), in plan order."""
    if not item_ids:
        return []
    query = (
        sa.select(Task)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Task.city_item_id.in_(item_ids))
        .options(selectinload(Task.plan))
        .order_by(Task.plan_id, Task.position, Task.id)
    )
    if bureau_id is not None:
        query = query.where(Plan.bureau_id == bureau_id)
    return list(db.session.scalars(query))


def share_state(share: CascadeShare | None, tasks: list[Task]) -> str:
    """待分解 / 已分解 / 申请不承担 / 已同意不承担 (STATES) from the share row and linked tasks."""
    decline = share.decline_state if share is not None else ""
    if decline == "accepted":
        return "released"
    if decline == "pending":
        return "declining"
    return "decomposed" if tasks else "pending"


@dataclass
class InboxEntry:
    """One city item as a bureau sees it."""

    item: Task
    role: str
    share: CascadeShare | None
    tasks: list[Task] = field(default_factory=list)

    @property
    def state(self) -> str:
        return share_state(self.share, self.tasks)


def inbox(bureau: Unit) -> list[InboxEntry]:
    """The items of the published plans of the cities above `bureau` that name it (as lead or
    co-unit), or named it until the office took it off: a few queries however many items."""
    named = sa.or_(
        Task.lead_unit_id == bureau.id,
        Task.id.in_(sa.select(task_co_units.c.task_id).where(task_co_units.c.unit_id == bureau.id)),
        Task.id.in_(sa.select(CascadeShare.item_id).where(CascadeShare.bureau_id == bureau.id)),
    )
    items = list(
        db.session.scalars(
            sa.select(Task)
            .join(Plan, Plan.id == Task.plan_id)
            .join(Unit, Unit.id == Plan.bureau_id)
            .where(
                Plan.bureau_id.in_(bureau.ancestor_ids),
                Unit.kind == "city",
                Plan.status.in_(("active", "closed")),
                Task.parent_id.is_(None),
                Task.status != "cancelled",
                named,
            )
            .options(selectinload(Task.co_units), selectinload(Task.plan))
            .order_by(Plan.year.desc(), Plan.id, Task.position, Task.id)
        )
    )
    ids = [item.id for item in items]
    shares = (
        {
            s.item_id: s
            for s in db.session.scalars(
                sa.select(CascadeShare).where(
                    CascadeShare.bureau_id == bureau.id, CascadeShare.item_id.in_(ids)
                )
            )
        }
        if ids
        else {}
    )
    by_item: dict[int, list[Task]] = {}
    for task in linked_tasks(ids, bureau.id):
        by_item.setdefault(task.city_item_id, []).append(task)
    entries = []
    for item in items:
        share = shares.get(item.id)
        if item.lead_unit_id == bureau.id:
            role = "lead"
        elif any(u.id == bureau.id for u in item.co_units):
            role = "assist"
        else:
            role = share.role if share is not None else "assist"
        entries.append(InboxEntry(item, role, share, by_item.get(item.id, [])))
    return entries


def pending_count(bureau: Unit) -> int:
    """How many items wait for the bureau to decompose them (the navigation's badge)."""
    return sum(1 for entry in inbox(bureau) if entry.state == "pending")


@dataclass
class BureauShare:
    bureau: Unit
    role: str
    share: CascadeShare | None
    tasks: list[Task]

    @property
    def state(self) -> str:
        return share_state(self.share, self.tasks)

    @property
    def progress(self) -> int | None:
        return _mean_progress(self.tasks)

    @property
    def is_done(self) -> bool:
        live = [t for t in self.tasks if t.status != "cancelled"]
        return bool(live) and all(t.status == "done" for t in live)


@dataclass
class Rollup:
    """A city item's progress and status as its bureaus' tasks make them."""

    shares: list[BureauShare]
    #: "not_started" (no lead bureau has decomposed it), "in_progress", "done".
    status: str
    progress: int | None


def _progress_of(task: Task) -> int:
    return 100 if task.status == "done" else task.progress


def _mean_progress(tasks: list[Task]) -> int | None:
    live = [t for t in tasks if t.status != "cancelled"]
    if not live:
        return None
    return round(sum(_progress_of(t) for t in live) / len(live))


def rollup(item: Task) -> Rollup:
    """Each named bureau's share of the item (its linked tasks), and the item's roll-up: done
    when every lead bureau has linked tasks and all of them are done; progress the mean of the
    lead bureaus' linked tasks (done counts 100; cancelled ones do not count)."""
    named = named_bureaus(item)
    shares = {
        s.bureau_id: s
        for s in db.session.scalars(
            sa.select(CascadeShare)
            .where(CascadeShare.item_id == item.id)
            .options(selectinload(CascadeShare.bureau))
        )
    }
    for share in shares.values():  # bureaus the office took off the item are still shown
        if share.decline_state == "accepted" and all(b.id != share.bureau_id for b, _r in named):
            named.append((share.bureau, share.role))
    by_bureau: dict[int, list[Task]] = {}
    for task in linked_tasks([item.id]):
        by_bureau.setdefault(task.plan.bureau_id, []).append(task)
    rows = [
        BureauShare(bureau, role, shares.get(bureau.id), by_bureau.get(bureau.id, []))
        for bureau, role in named
    ]
    leads = [r for r in rows if r.role == "lead" and r.state != "released"]
    lead_tasks = [t for r in leads for t in r.tasks]
    progress = _mean_progress(lead_tasks)
    if leads and all(r.is_done for r in leads):
        status = "done"
    elif progress is None:
        status = "not_started"
    else:
        status = "in_progress"
    return Rollup(rows, status, progress)


def waiting_requests(city: Unit) -> list[CascadeShare]:
    """The bureaus' requests not to carry an item of the city's plans (申请不承担) that wait
    for the office's answer, oldest first."""
    return list(
        db.session.scalars(
            sa.select(CascadeShare)
            .join(Task, Task.id == CascadeShare.item_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Plan.bureau_id == city.id, CascadeShare.decline_state == "pending")
            .options(
                selectinload(CascadeShare.item).selectinload(Task.plan),
                selectinload(CascadeShare.bureau),
            )
            .order_by(CascadeShare.declined_at, CascadeShare.id)
        )
    )


def city_items_led_by_bureaus():
    """A select of the ids of the city's items a bureau leads: the reminder sweep leaves them
    alone (the bureau tasks decomposing them are reminded on their own; the office follows the
    item through its roll-up)."""
    owner, lead = aliased(Unit), aliased(Unit)
    return (
        sa.select(Task.id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(owner, owner.id == Plan.bureau_id)
        .join(lead, lead.id == Task.lead_unit_id)
        .where(owner.kind == "city", lead.kind == "bureau")
    )


def office_users(city: Unit) -> list[User]:
    """The city office's active coordinators (seated at the city node itself)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.unit_id == city.id, User.role == "coordinator", User.is_disabled.is_(False))
            .order_by(User.id)
        )
    )


def open_plans_of(bureau: Unit) -> list[Plan]:
    """The bureau's plans a decomposed task may go into (not closed), newest first."""
    return list(
        db.session.scalars(
            sa.select(Plan)
            .where(Plan.bureau_id == bureau.id, Plan.status != "closed")
            .order_by(Plan.year.desc(), Plan.id.desc())
        )
    )


@dataclass
class BureauCascade:
    """One bureau's part in a city's plans of a year, as the city dashboard shows it."""

    #: items naming the bureau (lead or co-unit) or that named it until the office took it off
    named: int = 0
    decomposed: int = 0
    #: 待分解: named, not decomposed, not asking not to carry, not taken off
    waiting: int = 0
    #: 申请不承担 waiting for the office's answer
    declining: int = 0
    released: int = 0
    #: the bureau's tasks decomposing these items (cancelled ones not counted)
    tasks: int = 0
    tasks_done: int = 0

    @property
    def completion(self) -> float | None:
        return self.tasks_done / self.tasks if self.tasks else None


def city_cascade(city_id: int, year: int, bureau_ids: set[int]) -> dict[int, BureauCascade]:
    """Per bureau of `bureau_ids`, the items of the city's published plans of `year` naming it
    and the state of its shares and decomposed tasks: four statements however many bureaus
    and items."""
    items = db.session.execute(
        sa.select(Task.id, Task.lead_unit_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.bureau_id == city_id,
            Plan.year == year,
            Plan.status.in_(("active", "closed")),
            Task.parent_id.is_(None),
            Task.status != "cancelled",
        )
    ).all()
    if not items:
        return {}
    ids = [i.id for i in items]
    named: dict[int, set[int]] = {}  # bureau id → item ids
    for item in items:
        if item.lead_unit_id in bureau_ids:
            named.setdefault(item.lead_unit_id, set()).add(item.id)
    for task_id, unit_id in db.session.execute(
        sa.select(task_co_units.c.task_id, task_co_units.c.unit_id).where(
            task_co_units.c.task_id.in_(ids)
        )
    ):
        if unit_id in bureau_ids:
            named.setdefault(unit_id, set()).add(task_id)
    decline: dict[tuple[int, int], str] = {}
    for item_id, bureau_id, state in db.session.execute(
        sa.select(CascadeShare.item_id, CascadeShare.bureau_id, CascadeShare.decline_state).where(
            CascadeShare.item_id.in_(ids)
        )
    ):
        decline[(item_id, bureau_id)] = state
        if state == "accepted" and bureau_id in bureau_ids:
            named.setdefault(bureau_id, set()).add(item_id)
    linked: dict[tuple[int, int], tuple[int, int]] = {}
    for item_id, bureau_id, total, done in db.session.execute(
        sa.select(
            Task.city_item_id,
            Plan.bureau_id,
            sa.func.count(Task.id),
            sa.func.sum(sa.case((Task.status == "done", 1), else_=0)),
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(Task.city_item_id.in_(ids), Task.status != "cancelled")
        .group_by(Task.city_item_id, Plan.bureau_id)
    ):
        linked[(item_id, bureau_id)] = (total, int(done or 0))
    rows: dict[int, BureauCascade] = {}
    for bureau_id, its_items in named.items():
        row = rows[bureau_id] = BureauCascade(named=len(its_items))
        for item_id in its_items:
            state = decline.get((item_id, bureau_id), "")
            total, done = linked.get((item_id, bureau_id), (0, 0))
            row.tasks += total
            row.tasks_done += done
            if state == "accepted":
                row.released += 1
            elif state == "pending":
                row.declining += 1
            elif total:
                row.decomposed += 1
            else:
                row.waiting += 1
    return rows
