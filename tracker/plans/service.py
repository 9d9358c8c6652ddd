"""Plan writes: plans and sections, publishing (交办), closing, copying last year's plan."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.audit.service import changes, log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.ordering import move_among
from tracker.core.signals import collect, plan_assigned, plan_copying, plan_published
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.tasks.models import OPEN_STATUSES, Task
from tracker.tasks.service import assign, plan_content
from tracker.units.models import Unit

log = logging.getLogger(__name__)


def _check_plan_fields(bureau: Unit, year: int, title: str, exclude_id: int | None = None) -> str:
    title = title.strip()
    if not title:
        raise DomainError(_("A plan needs a title."), "title")
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), "year")
    query = sa.select(Plan.id).where(Plan.bureau_id == bureau.id, Plan.title == title)
    if exclude_id is not None:
        query = query.where(Plan.id != exclude_id)
    if db.session.execute(query).first():
        raise DomainError(
            _("This bureau already has a plan titled %(title)s.", title=title), "title"
        )
    return title


def _check_last_year(year: int, last_year: int | None) -> int | None:
    if last_year is None or last_year == year:
        return None
    if not year < last_year <= year + 4:
        raise DomainError(
            _("A multi-year plan ends after its first year and spans at most five years."),
            "last_year",
        )
    return last_year


def create_plan(
    actor,
    *,
    bureau: Unit,
    year: int,
    title: str,
    document_number: str = "",
    source_text: str | None = None,
    last_year: int | None = None,
) -> Plan:
    """Start a draft plan for a bureau and year (or a span of years ending in `last_year`)."""
    if bureau.kind not in ("bureau", "city"):  # a city office plans for the whole city
        raise DomainError(_("Plans belong to a bureau."), "bureau_id")
    title = _check_plan_fields(bureau, year, title)
    plan = Plan(
        bureau=bureau,
        bureau_id=bureau.id,
        year=year,
        last_year=_check_last_year(year, last_year),
        title=title,
        document_number=document_number.strip(),
        status="draft",
        source_text=source_text,
    )
    db.session.add(plan)
    db.session.flush()
    log_event(actor, "plan.create", plan, after=plan.to_audit())
    return plan


def update_plan(
    actor,
    plan: Plan,
    *,
    year: int,
    title: str,
    document_number: str,
    last_year: int | None = None,
) -> Plan:
    """Change a plan's title, year, span or document number."""
    if plan.status == "closed":
        raise DomainError(_("The plan is closed."))
    if year != plan.year and plan.status != "draft":
        raise DomainError(_("The year of a published plan cannot change."), "year")
    before = plan.to_audit()
    plan.title = _check_plan_fields(plan.bureau, year, title, exclude_id=plan.id)
    last_year = _check_last_year(year, last_year)
    if last_year != plan.last_year and plan.status != "draft":
        raise DomainError(_("The span of a published plan cannot change."), "last_year")
    plan.year = year
    plan.last_year = last_year
    plan.document_number = document_number.strip()
    db.session.flush()
    old, new = changes(before, plan.to_audit())
    if new:
        log_event(actor, "plan.update", plan, before=old, after=new)
    return plan


# -- sections --------------------------------------------------------------------------------


def outline(plan: Plan) -> list[Section]:
    """The plan's sections depth-first in written order."""
    children: dict[int | None, list[Section]] = defaultdict(list)
    for section in plan.sections:
        children[section.parent_id].append(section)
    ordered: list[Section] = []

    def walk(parent_id: int | None) -> None:
        for section in sorted(children[parent_id], key=lambda s: (s.position, s.id)):
            ordered.append(section)
            walk(section.id)

    walk(None)
    return ordered


def save_section(
    actor, plan: Plan, section: Section | None, *, number: str, title: str, parent: Section | None
) -> Section:
    """Create or change a section (heading) of the plan."""
    if plan.status == "closed":
        raise DomainError(_("The plan is closed."))
    title = title.strip()
    if not title:
        raise DomainError(_("A section needs a title."), "title")
    if parent is not None and parent.plan_id != plan.id:
        raise DomainError(_("Choose a section of this plan."), "parent_id")
    if section is not None and parent is not None:
        node = parent
        while node is not None:
            if node.id == section.id:
                raise DomainError(_("A section cannot be moved below itself."), "parent_id")
            node = node.parent
    creating = section is None
    if creating:
        siblings = [s for s in plan.sections if s.parent_id == (parent.id if parent else None)]
        section = Section(plan=plan, position=(max((s.position for s in siblings), default=0) + 10))
        db.session.add(section)
    before = {} if creating else section.to_audit()
    if not creating and (parent.id if parent else None) != section.parent_id:
        siblings = [s for s in plan.sections if s.parent_id == (parent.id if parent else None)]
        section.position = max((s.position for s in siblings), default=0) + 10
    section.number = number.strip()  # as written: 一、 / （一） / 1. — or bare
    section.title = title
    section.parent = parent
    db.session.flush()
    if creating:
        log_event(actor, "section.create", section, after=section.to_audit())
    else:
        old, new = changes(before, section.to_audit())
        if new:
            log_event(actor, "section.update", section, before=old, after=new)
    return section


def move_section(actor, section: Section, direction: str) -> None:
    """Move a section one place up or down among its siblings."""
    siblings = sorted(
        (s for s in section.plan.sections if s.parent_id == section.parent_id),
        key=lambda s: (s.position, s.id),
    )
    if move_among(siblings, section, direction):
        log_event(actor, "section.move", section, after={"direction": direction})


def delete_section(actor, section: Section) -> None:
    """Remove an empty section."""
    has_tasks = db.session.scalar(
        sa.select(sa.func.count(Task.id)).where(Task.section_id == section.id)
    )
    if has_tasks or section.children:
        raise DomainError(
            _("Move or delete the tasks and sub-sections of %(title)s first.", title=section.title)
        )
    log_event(actor, "section.delete", section, before=section.to_audit())
    section.plan.sections.remove(section)
    db.session.delete(section)


# -- publishing, closing, copying ------------------------------------------------------------


#: What the pre-flight check finds wrong with a task; the first refuses publishing outright,
#: the others need the coordinator's confirmation task by task.
BLOCKING_PROBLEMS = ("no_lead_unit", "outside_span")
PROBLEMS = (*BLOCKING_PROBLEMS, "no_due_date", "no_owner", "past_due")


@dataclass
class PreflightItem:
    """One task of a draft plan that publishing would assign with a problem."""

    task: Task
    problems: list[str]

    @property
    def is_blocking(self) -> bool:
        return any(problem in BLOCKING_PROBLEMS for problem in self.problems)


def _top_tasks(plan: Plan) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.plan_id == plan.id, Task.parent_id.is_(None))
            .order_by(Task.position, Task.id)
        )
    )


def preflight(plan: Plan, today: date) -> list[PreflightItem]:
    """Every task of the plan with no deadline, no lead unit, no owner or a deadline already
    past (or outside the plan's span), in plan order."""
    items = []
    for task in _top_tasks(plan):
        problems = []
        if task.lead_unit is None and not task.is_principal_duty:
            problems.append("no_lead_unit")
        for day in (task.start_date, task.due_date):
            if day is not None and not plan.start_date <= day <= plan.span_end_date:
                problems.append("outside_span")
                break
        if task.due_date is None and not task.is_continuous and task.recurrence == "none":
            problems.append("no_due_date")
        if task.owner is None:
            problems.append("no_owner")
        if task.due_date is not None and task.due_date < today:
            problems.append("past_due")
        if problems:
            items.append(PreflightItem(task, problems))
    return items


def publish_plan(actor, plan: Plan, *, confirmed_task_ids: Collection[int] | None = None) -> int:
    """交办: the draft plan becomes active, its tasks assigned, each lead unit's chief notified.

    The pre-flight check runs first: a task with no lead unit or with dates outside the plan's
    span refuses publishing; one with no deadline, no owner or a deadline already past needs its
    id in `confirmed_task_ids` (None: the caller, a script or the demo, confirms them all).
    Returns the number of tasks assigned."""
    if plan.status != "draft":
        raise DomainError(_("Only a draft plan can be published."))
    tasks = _top_tasks(plan)
    if not tasks:
        raise DomainError(_("The plan has no tasks yet."))
    items = preflight(plan, clock.today())
    missing = [item.task for item in items if "no_lead_unit" in item.problems]
    if missing:
        raise DomainError(
            ngettext(
                "%(num)d task has no lead unit yet: %(title)s.",
                "%(num)d tasks have no lead unit yet, e.g. %(title)s.",
                len(missing),
                title=missing[0].title,
            )
        )
    outside = [item.task for item in items if "outside_span" in item.problems]
    if outside:
        raise DomainError(
            ngettext(
                "%(num)d task is dated outside the plan's span: %(title)s.",
                "%(num)d tasks are dated outside the plan's span, e.g. %(title)s.",
                len(outside),
                title=outside[0].title,
            )
        )
    if confirmed_task_ids is not None:
        unconfirmed = [item.task for item in items if item.task.id not in set(confirmed_task_ids)]
        if unconfirmed:
            raise DomainError(
                ngettext(
                    "Confirm %(num)d task listed by the check before publishing: %(title)s.",
                    "Confirm the %(num)d tasks listed by the check before publishing, e.g. "
                    "%(title)s.",
                    len(unconfirmed),
                    title=unconfirmed[0].title,
                )
            )
    today = clock.today()
    plan.status = "active"
    plan.published_at = clock.now()
    plan.published_by_id = getattr(actor, "id", None)
    # other features add tasks of their own, assigned and announced with the plan's (reports:
    # the office's task to submit and publish this year's report)
    tasks.extend(collect(plan_published, plan, actor=actor))
    for task in tasks:
        assign(actor, task, today=today)
    plan_assigned.send(plan, actor=actor, tasks=tasks)
    log_event(
        actor,
        "plan.publish",
        plan,
        before={"status": "draft"},
        after={
            "status": "active",
            "tasks": len(tasks),
            "preflight": {str(item.task.id): item.problems for item in items},
        },
    )
    log.info("plan %s published with %d tasks", plan.id, len(tasks))
    return len(tasks)


def close_plan(actor, plan: Plan) -> None:
    """Close an active plan once every task is done or cancelled."""
    if plan.status != "active":
        raise DomainError(_("Only an active plan can be closed."))
    still_open = db.session.scalar(
        sa.select(sa.func.count(Task.id)).where(
            Task.plan_id == plan.id, Task.status.in_(OPEN_STATUSES)
        )
    )
    if still_open:
        raise DomainError(
            ngettext(
                "%(num)d task is still open; accept or cancel it first.",
                "%(num)d tasks are still open; accept or cancel them first.",
                still_open,
            )
        )
    plan.status = "closed"
    plan.closed_at = clock.now()
    log_event(actor, "plan.close", plan, before={"status": "active"}, after={"status": "closed"})


def _shift_year(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def copy_plan(actor, plan: Plan, *, year: int | None = None, title: str | None = None) -> Plan:
    """Start next year's draft from `plan`: same sections and tasks, dates a year later,
    statuses, progress, results and counts reset; recurring tasks re-expand on publishing."""
    year = year or plan.year + 1
    shift = year - plan.year
    if title is None:
        title = re.sub(str(plan.year), str(year), plan.title, count=1)
        if title == plan.title:
            title = f"{year} {plan.title}"
    copy = create_plan(actor, bureau=plan.bureau, year=year, title=title)
    copy.copied_from_id = plan.id
    section_map: dict[int, Section] = {}
    for section in outline(plan):
        new = Section(
            plan=copy,
            number=section.number,
            title=section.title,
            position=section.position,
            parent=section_map.get(section.parent_id) if section.parent_id else None,
        )
        db.session.add(new)
        section_map[section.id] = new
    db.session.flush()
    query = (
        sa.select(Task)
        .where(Task.plan_id == plan.id, Task.parent_id.is_(None), Task.status != "cancelled")
        .order_by(Task.position, Task.id)
    )
    # other features name tasks not to copy (reports: the reporting task, as publishing the copy
    # makes the one for its own year)
    for _receiver, excluded in plan_copying.send(plan):
        if excluded is not None:
            query = query.where(Task.id.not_in(excluded))
    originals = db.session.scalars(query)
    # start dates that publishing filled in (the publication day) are not the plan's own:
    # shifted, they would cut off next year's first periods
    published_on = clock.to_local(plan.published_at).date() if plan.published_at else None
    count = 0
    for task in originals:
        new = Task(
            **plan_content(task),
            plan=copy,
            section=section_map.get(task.section_id),
            start_date=None
            if task.start_date == published_on
            else _shift_year(task.start_date, shift),
            due_date=_shift_year(task.due_date, shift),
            status="draft",
            progress=0,
            position=task.position,
            updated_by_id=getattr(actor, "id", None),
        )
        db.session.add(new)
        count += 1
    db.session.flush()
    log_event(
        actor,
        "plan.copy",
        copy,
        after={"copied_from": plan.id, "tasks": count, "sections": len(section_map)},
    )
    return copy
