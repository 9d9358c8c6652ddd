"""Create a draft plan from an imported document: sections and tasks in one transaction.

The tree comes in the import contract's shape (see tracker.plans.importer), as the parser or
the browser preview made it. Unit names are matched to the bureau's units again here; a name
that matches none is kept in the task's text so nothing the document said is lost. Tasks without
a lead unit are allowed in the draft (publishing refuses them until one is chosen).
"""

from __future__ import annotations

import logging
from datetime import date

from flask_babel import gettext as _

from tracker.audit.service import log_event
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import UPPER_ROLES, Plan, Section, UpperSource
from tracker.tasks import service as tasks
from tracker.tasks.models import RECURRENCES, TASK_KINDS
from tracker.units.models import Unit
from tracker.units.queries import subtree

log = logging.getLogger(__name__)


def bureau_units(bureau: Unit) -> list[Unit]:
    """The units a task of the bureau's plan can be given to (active, below the bureau)."""
    return [u for u in subtree(bureau, active_only=True) if u.id != bureau.id]


def unit_list(bureau: Unit) -> list[tuple[str, list[str]]]:
    """The bureau's units as plain (name, aliases) pairs for the parser."""
    return [(u.name, u.alias_list) for u in bureau_units(bureau)]


def owner_names(bureau: Unit) -> list[str]:
    """The bureau's own names: 忻州市民政局办公室 is its 办公室, 市政府办公室 is not."""
    return [bureau.name, *bureau.alias_list]


def _section_number(number: str, depth: int) -> str:
    number = (number or "").strip()
    # the contract gives 一、 as a bare 一: store it as written, so its depth cannot re-dress it
    if number and depth == 0 and all(c in "一二三四五六七八九十" for c in number):
        return f"{number}、"
    return number[:20]


def _clip(text: str | None, length: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def _due(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(_("%(value)s is not a date.", value=value), "due_date") from None


class _Importer:
    def __init__(self, actor, plan: Plan, units: list[Unit], owner: list[str]):
        # the importer's modules load with the first plan imported, not in every web worker
        from tracker.plans.importer import UnitMatcher

        self.actor = actor
        self.plan = plan
        self.by_name: dict[str, Unit] = {}
        for unit in units:
            self.by_name.setdefault(unit.name, unit)
        self.matcher = UnitMatcher([(u.name, u.alias_list) for u in units], owner)
        self.sections = 0
        self.tasks = 0
        self.without_lead = 0
        self.roles: dict[str, int] = {}

    def unit(self, name: str) -> Unit | None:
        found = self.matcher.match(name)
        return self.by_name.get(found) if found else None

    def section(self, data: dict, parent: Section | None, depth: int) -> None:
        title = _clip(data.get("title"), 300)
        if not title:
            raise DomainError(_("A section needs a title."), "title")
        section = plans.save_section(
            self.actor,
            self.plan,
            None,
            number=_section_number(data.get("number", ""), depth),
            title=title,
            parent=parent,
        )
        self.sections += 1
        for task in data.get("tasks", []):
            self.task(task, section)
        for child in data.get("sections", []):
            self.section(child, section, depth + 1)

    def task(self, data: dict, section: Section | None, inherited: dict | None = None) -> None:
        children = data.get("children") or []
        if children and data.get("split_children"):
            for child in children:
                self.task(child, section, inherited=data)
            return
        lead_names = list(data.get("lead_units") or [])
        co_names = list(data.get("co_units") or [])
        if inherited is not None and not lead_names and not co_names:
            lead_names = list(inherited.get("lead_units") or [])
            co_names = list(inherited.get("co_units") or [])
        leads = [u for u in (self.unit(n) for n in lead_names) if u is not None]
        co_units = [u for u in (self.unit(n) for n in co_names) if u is not None]
        lead = leads[0] if leads else None
        # several lead units: the first answers for the task, the others work with it
        co_units = [u for u in dict.fromkeys(leads[1:] + co_units) if u is not lead]
        unmatched = [n for n in lead_names + co_names if self.unit(n) is None]
        text = (data.get("text") or "").strip()
        missing = [n for n in dict.fromkeys(unmatched) if n not in text]
        if missing:
            text = f"{text}\n（{'、'.join(missing)}）".strip()
        try:
            due_date = _due(data.get("due_date"))
        except DomainError:
            if inherited is None:
                raise
            due_date = None  # a sub-item's unreadable date: the task keeps its own words
        continuous = bool(data.get("continuous")) and due_date is None
        recurrence = data.get("recurrence") or "none"
        if recurrence not in RECURRENCES:
            recurrence = "none"  # 定期 (periodic): no fixed period to expand
        if continuous and recurrence != "none":
            continuous = False
        from tracker.plans.importer.preview import guess_kind

        kind = data.get("kind") or guess_kind(data.get("title") or "", data.get("text") or "")
        title = _clip(data.get("title"), 300)
        if not title:
            raise DomainError(_("A task needs a title."), "title")
        task_data = tasks.TaskData(
            title=title,
            section=section,
            number=_clip(data.get("number"), 20),
            text=text,
            kind=kind if kind in TASK_KINDS else "general",
            lead_unit=lead,
            co_units=co_units,
            due_date=due_date,
            is_continuous=continuous,
            deadline_text=_clip(data.get("deadline_text"), 100),
            recurrence=recurrence,
        )
        task = tasks.create_task(self.actor, self.plan, task_data, allow_missing_lead=True)
        upper = inherited if inherited is not None and "upper_role" in inherited else data
        if "upper_role" in upper or "upper_number" in upper:
            role = upper.get("upper_role") or ""
            db.session.add(
                UpperSource(
                    task_id=task.id,
                    upper_number=_clip(upper.get("upper_number"), 40),
                    upper_role=role if role in UPPER_ROLES else "",
                    upper_units=_clip(upper.get("upper_units"), 500),
                )
            )
            self.roles[role or "chosen"] = self.roles.get(role or "chosen", 0) + 1
        if lead is None:  # the coordinator chooses it in the draft; publishing insists
            self.without_lead += 1
        self.tasks += 1


def count_tasks(tree: dict) -> int:
    def in_task(task: dict) -> int:
        children = task.get("children") or []
        return len(children) if children and task.get("split_children") else 1

    def in_section(section: dict) -> int:
        return sum(in_task(t) for t in section.get("tasks", [])) + sum(
            in_section(s) for s in section.get("sections", [])
        )

    return sum(in_task(t) for t in tree.get("tasks", [])) + sum(
        in_section(s) for s in tree.get("sections", [])
    )


def import_plan(
    actor,
    *,
    bureau: Unit,
    year: int,
    title: str,
    tree: dict,
    document_number: str = "",
    source_text: str | None = None,
    warnings: list[str] | None = None,
    source: dict | None = None,
) -> Plan:
    """Create a draft plan with the tree's sections and tasks; flushes, the caller commits.

    `source`: the higher level's plan this one decomposes (任务分解) — its `issuer`, `title`,
    `document_number` and the name it was read for (`decompose_for`); the tasks carry the
    upper plan's item number and our role (`upper_number`, `upper_role`)."""
    if count_tasks(tree) == 0:
        raise DomainError(_("There is nothing to import: no tasks were found."))
    plan = plans.create_plan(
        actor,
        bureau=bureau,
        year=year,
        title=_clip(title, 200),
        document_number=_clip(document_number, 100),
        source_text=source_text,
    )
    if source:
        plan.source_issuer = _clip(source.get("issuer"), 200)
        plan.source_title = _clip(source.get("title"), 300)
        plan.source_document_number = _clip(source.get("document_number"), 100)
    importer = _Importer(actor, plan, bureau_units(bureau), owner_names(bureau))
    for task in tree.get("tasks", []):
        importer.task(task, None)
    for section in tree.get("sections", []):
        importer.section(section, None, 0)
    log_event(
        actor,
        "plan.import",
        plan,
        after={
            "sections": importer.sections,
            "tasks": importer.tasks,
            "without_lead_unit": importer.without_lead,
            "warnings": list(warnings or []),
            **(
                {
                    "decomposed_for": source.get("decompose_for", ""),
                    "source_issuer": plan.source_issuer,
                    "source_title": plan.source_title,
                    "source_document_number": plan.source_document_number,
                    "roles": importer.roles,
                }
                if source
                else {}
            ),
        },
    )
    log.info(
        "plan %s imported: %d sections, %d tasks (%d without lead unit)",
        plan.id,
        importer.sections,
        importer.tasks,
        importer.without_lead,
    )
    return plan
