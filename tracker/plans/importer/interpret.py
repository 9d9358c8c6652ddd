"""Turn the outline tree into sections and tasks.

A numbered node with numbered children is a section; a leaf is a task. 一、 headings are
sections even when their items are unnumbered paragraphs. Inline enumerations (一是…二是…)
become sibling tasks under the heading they follow. Units and deadlines stated once for a
group (at the end of the last item, or for the heading) apply to every item that states none.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from tracker.plans.importer.deadlines import Deadline, parse_deadline
from tracker.plans.importer.model import ParsedSection, ParsedTask, Skipped, Warning_
from tracker.plans.importer.outline import split_enumeration
from tracker.plans.importer.patterns import (
    compact,
    strip_trailing_punctuation,
)
from tracker.plans.importer.tables import read_task_table, split_category
from tracker.plans.importer.titles import make_title, similarity, split_heading
from tracker.plans.importer.tree import Node, TableRef
from tracker.plans.importer.units import (
    Annotation,
    UnitMatcher,
    extract_annotation,
    strip_annotations,
    units_with_roles,
)

_PREAMBLE_WORDS = (
    r"总体要求|指导思想|基本原则|工作原则|工作目标|主要目标|总体目标|总体思路|基本要求|目标要求|工作思路"
    r"|指导原则|基本遵循|目标任务和基本原则"
)
PREAMBLE_TITLE = re.compile(rf"^(?:{_PREAMBLE_WORDS})(?:[和与及、](?:{_PREAMBLE_WORDS}))*$")
_ANNOTATION_ONLY = re.compile(
    r"^[（(〔【\[].*[）)〕】\]][。；;，,]?$|^(?:【\s*)?[\u4e00-\u9fff]{2,6}(?:\s*】)?\s*[:：]"
)

Entry = ParsedSection | ParsedTask

log = logging.getLogger(__name__)


@dataclass
class Context:
    """Units and deadline a group of items inherits when an item states none itself."""

    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    deadline: Deadline | None = None

    def with_annotation(
        self, annotation: Annotation, text: str, year: int, first_leads: bool = False
    ) -> Context:
        if annotation.has_units:
            lead, co = annotation.resolve(first_leads=first_leads)
        else:
            lead, co = self.lead, self.co
        deadline = self.deadline
        if annotation.deadline_text:
            deadline = parse_deadline(text, year, labelled=annotation.deadline_text)
        return Context(list(lead), list(co), deadline)


def _is_annotation_paragraph(text: str) -> bool:
    if not _ANNOTATION_ONLY.match(text.strip()):
        return False
    annotation = extract_annotation(text)
    if not (annotation.has_units or annotation.deadline_text):
        return False
    rest = strip_annotations(text, annotation)
    return re.fullmatch(r"[\s。；;，,]*", rest) is not None


def _annotation_after_sentence(text: str, annotation: Annotation) -> bool:
    """The annotation follows the last sentence (it closes a group, not one clause)."""
    if not annotation.spans or not annotation.trailing:
        return False
    start = min(s for s, _ in annotation.spans)
    before = text[:start].rstrip()
    return before.endswith(("。", "！", "？")) or "\n" in text[:start][-2:] or before == ""


def _sections_of(section: ParsedSection):
    yield section
    for child in section.sections:
        yield from _sections_of(child)


def _fill_from(task: ParsedTask, row: ParsedTask, *, only_missing: bool) -> None:
    """Take a task-division table row's units and deadline (the table is the formal division of
    work, so it wins, unless `only_missing`)."""
    if (row.lead_units or row.co_units) and not (only_missing and task.lead_units):
        task.lead_units, task.co_units = list(row.lead_units), list(row.co_units)
        task.unmatched_units = list(row.unmatched_units)
    has_own = task.due_date or task.continuous or task.recurrence
    if (row.due_date or row.continuous or row.recurrence) and not (only_missing and has_own):
        task.due_date, task.deadline_text = row.due_date, row.deadline_text
        task.continuous, task.recurrence = row.continuous, row.recurrence


def _tasks_of(entries: list[Entry]) -> list[ParsedTask]:
    result: list[ParsedTask] = []
    for entry in entries:
        if isinstance(entry, ParsedSection):
            result.extend(entry.all_tasks())
        else:
            result.extend(entry.walk())
    return result


class Interpreter:
    def __init__(self, year: int, matcher: UnitMatcher, *, first_leads: bool = False):
        self.year = year
        #: The plan says the first unit of each list leads (排在第一位的为牵头单位).
        self.first_leads = first_leads
        self.matcher = matcher
        self.skipped: list[Skipped] = []
        self.warnings: list[Warning_] = []
        self.annexes: list[tuple[TableRef, list[Entry]]] = []

    # -- degrading one item, never the document ----------------------------------------------

    def unparsed(self, number: str, text: str, error: Exception) -> ParsedTask:
        """An item whose reading failed: its text kept as a task, flagged for the user."""
        log.warning("could not parse a plan item: %r", error, exc_info=error)
        text = text.strip()
        try:
            title = make_title(text)
        except Exception:  # noqa: BLE001 - the plainest title: the first line
            title = strip_trailing_punctuation(text.split("\n", 1)[0][:120])
        title = title or text[:120] or "?"
        self.warnings.append(
            Warning_("unparsed", "This item could not be parsed: %(title)s", {"title": title})
        )
        return ParsedTask(number=number, title=title, text=text, unparsed=True)

    def safe_node(self, node: Node, context: Context) -> list[Entry]:
        try:
            return self.node(node, context)
        except Exception as error:  # noqa: BLE001 - one item degrades, never the document
            return [self.unparsed(node.number, node.full_text(), error)]

    def safe_table(self, ref: TableRef, context: Context) -> list[Entry]:
        try:
            return self.table(ref, context)
        except Exception as error:  # noqa: BLE001
            rows = ["\t".join(c for c in row if c) for row in ref.table.rows]
            return [self.unparsed("", row, error) for row in rows if row.strip()]

    def safe_shared_context(self, children: list[Node], context: Context) -> Context:
        try:
            return self.shared_context(children, context)
        except Exception:  # noqa: BLE001 - a group annotation that cannot be read is not shared
            log.warning("could not read a group annotation", exc_info=True)
            return context

    # -- tasks -------------------------------------------------------------------------------

    def task(
        self, number: str, text: str, context: Context, *, title: str | None = None
    ) -> ParsedTask:
        try:
            return self._task(number, text, context, title=title)
        except Exception as error:  # noqa: BLE001 - one item degrades, never the document
            return self.unparsed(number, text, error)

    def _task(
        self, number: str, text: str, context: Context, *, title: str | None = None
    ) -> ParsedTask:
        annotation = extract_annotation(text)
        if annotation.has_units:
            lead, co = annotation.resolve(first_leads=self.first_leads)
        else:
            lead, co = list(context.lead), list(context.co)
        deadline = parse_deadline(text, self.year, labelled=annotation.deadline_text)
        if deadline.due_date is None and not deadline.continuous and context.deadline is not None:
            inherited = context.deadline
            deadline = Deadline(
                inherited.due_date,
                inherited.text,
                inherited.continuous,
                deadline.recurrence or inherited.recurrence,
            )
        task = ParsedTask(
            number=number,
            title=title or make_title(text),
            text=text.strip(),
            lead_units=lead,
            co_units=co,
            due_date=deadline.due_date,
            deadline_text=deadline.text,
            continuous=deadline.continuous and deadline.due_date is None,
            recurrence=deadline.recurrence,
        )
        self.match_units(task)
        return task

    def match_units(self, task: ParsedTask) -> None:
        if not self.matcher.active:
            return
        unmatched = []

        def canonical(names: list[str]) -> list[str]:
            result = []
            for name in names:
                found = self.matcher.match(name)
                if found is None:
                    unmatched.append(name)
                    result.append(name)
                elif found not in result:
                    result.append(found)
            return result

        task.lead_units = canonical(task.lead_units)
        task.co_units = [n for n in canonical(task.co_units) if n not in task.lead_units]
        task.unmatched_units = list(dict.fromkeys(unmatched))
        task.external_units = [n for n in task.unmatched_units if self.matcher.is_external(n)]

    def enumerated_tasks(
        self, items: list[tuple[str, str, int]], context: Context
    ) -> list[ParsedTask]:
        """Sibling tasks of an inline enumeration; an annotation closing the last item and none
        elsewhere is shared by all."""
        annotations = [extract_annotation(text) for _, text, _ in items]
        last_text = items[-1][1]
        shared = context
        if (
            annotations[-1].has_units
            and not any(a.has_units for a in annotations[:-1])
            and _annotation_after_sentence(last_text, annotations[-1])
        ):
            shared = context.with_annotation(
                annotations[-1], last_text, self.year, self.first_leads
            )
        return [self.task(number, text, shared) for number, text, _ in items]

    def paragraph_tasks(self, paragraphs: list[str], context: Context) -> list[ParsedTask]:
        """Unnumbered paragraphs as tasks (a label or annotation line joins the one above)."""
        groups: list[list[str]] = []
        for paragraph in paragraphs:
            if groups and _is_annotation_paragraph(paragraph):
                groups[-1].append(paragraph)
            else:
                groups.append([paragraph])
        tasks: list[ParsedTask] = []
        for group in groups:
            text = "\n".join(group)
            enumeration = split_enumeration(text)
            if enumeration:
                if enumeration.lead_in:
                    self.skipped.append(Skipped("lead_in", enumeration.lead_in))
                tasks.extend(self.enumerated_tasks(enumeration.items, context))
            else:
                tasks.append(self.task("", text, context))
        return tasks

    # -- nodes -------------------------------------------------------------------------------

    def node(self, node: Node, context: Context) -> list[Entry]:
        plain_head = strip_annotations(node.head, extract_annotation(node.head))
        heading, rest = split_heading(plain_head)
        heading = strip_trailing_punctuation(heading)
        if PREAMBLE_TITLE.match(compact(heading)) and node.kind in ("part", "cn", "cnp"):
            self.skipped.append(Skipped("preamble", f"{node.marker.text}{node.full_text()}"))
            self.warnings.append(
                Warning_("preamble", "Left out as preamble: %(title)s", {"title": heading})
            )
            return []
        if node.nodes or node.tables:
            children = node.nodes
            if (
                children
                and not node.tables
                and node.kind not in ("part", "cn")
                and all(c.kind == "circ" for c in children)
            ):
                return [self.task_with_children(node, context)]
            return [self.section(node, context, heading)]
        text = node.own_text
        enumeration = split_enumeration(text)
        if enumeration:
            title = make_title(enumeration.lead_in) if enumeration.lead_in else ""
            if not title:
                return self.enumerated_tasks(enumeration.items, context)
            intro = enumeration.lead_in
            intro_annotation = extract_annotation(intro)
            _, lead_rest = split_heading(strip_annotations(intro, intro_annotation))
            if lead_rest:
                self.skipped.append(Skipped("lead_in", lead_rest))
            if intro_annotation.has_units or intro_annotation.deadline_text:
                # （一）加强领导（牵头单位：办公室）。一是…二是…: the heading's units for all
                context = context.with_annotation(
                    intro_annotation, intro, self.year, self.first_leads
                )
            section = ParsedSection(node.number, title)
            section.tasks = self.enumerated_tasks(enumeration.items, context)
            return [section]
        annotated = [
            p
            for p in node.body
            if extract_annotation(p).has_units and not _is_annotation_paragraph(p)
        ]
        if not rest and len(heading) <= 80 and len(node.body) >= 2 and len(annotated) >= 2:
            # a heading whose unnumbered paragraphs each name their units: one task each
            section = ParsedSection(node.number, heading)
            for task in self.paragraph_tasks(node.body, context):
                section.add(task)
            return [section]
        if node.kind in ("part", "cn") and not rest and len(heading) <= 80:
            section = ParsedSection(node.number, heading)
            if node.body:
                section.tasks = self.paragraph_tasks(node.body, context)
            else:
                self.warnings.append(
                    Warning_("empty_section", "Section %(title)s has no tasks.", {"title": heading})
                )
            return [section]
        return [self.task(node.number, text, context)]

    def section(self, node: Node, context: Context, heading: str) -> ParsedSection:
        section = ParsedSection(node.number, heading)
        _, rest = split_heading(node.head)
        intro = "\n".join(t for t in [rest, *node.body] if t)
        head_annotation = extract_annotation(node.head)
        child_context = context
        if head_annotation.has_units or head_annotation.deadline_text:
            child_context = context.with_annotation(
                head_annotation, node.head, self.year, self.first_leads
            )
        if intro:
            enumeration = split_enumeration(intro)
            if enumeration:
                if enumeration.lead_in:
                    self.skipped.append(Skipped("lead_in", enumeration.lead_in))
                for task in self.enumerated_tasks(enumeration.items, child_context):
                    section.add(task)
            else:
                annotation = extract_annotation(intro)
                if annotation.has_units or annotation.deadline_text:
                    child_context = child_context.with_annotation(
                        annotation, intro, self.year, self.first_leads
                    )
                if node.kind in ("part", "cn") and not node.nodes and not node.tables:
                    for task in self.paragraph_tasks(node.body, child_context):
                        section.add(task)
                else:
                    self.skipped.append(Skipped("section_intro", intro))
        children = node.nodes
        child_context = self.safe_shared_context(children, child_context)
        for child in node.children:
            if isinstance(child, TableRef):
                entries = self.safe_table(child, child_context)
                if child.annex:
                    self.annexes.append((child, entries))
                    continue
            else:
                entries = self.safe_node(child, child_context)
            for entry in entries:
                section.add(entry)
        return section

    def shared_context(self, children: list[Node], context: Context) -> Context:
        """An annotation paragraph closing the last of several items that state no units of
        their own belongs to all of them."""
        if len(children) < 2 or children[-1].nodes or not children[-1].body:
            return context
        last = children[-1].body[-1]
        if not _is_annotation_paragraph(last):
            return context
        if any(extract_annotation(c.own_text).has_units for c in children[:-1]):
            return context
        return context.with_annotation(extract_annotation(last), last, self.year, self.first_leads)

    def task_with_children(self, node: Node, context: Context) -> ParsedTask:
        """A task whose sub-points ①②③ stand on lines of their own."""
        own = extract_annotation(node.own_text)
        shared = self.shared_context(node.nodes, context)
        if own.has_units or own.deadline_text:
            shared = shared.with_annotation(own, node.own_text, self.year, self.first_leads)
        children = [self.task(child.number, child.own_text, shared) for child in node.nodes]
        full = node.full_text()
        deadline = parse_deadline(full, self.year, labelled=own.deadline_text)
        task = ParsedTask(
            number=node.number,
            title=make_title(node.head or full),
            text=full,
            lead_units=list(shared.lead),
            co_units=list(shared.co),
            due_date=deadline.due_date,
            deadline_text=deadline.text,
            continuous=deadline.continuous and deadline.due_date is None,
            recurrence=deadline.recurrence,
            children=children,
        )
        if own.has_units:
            task.lead_units, task.co_units = own.resolve(first_leads=self.first_leads)
        self.match_units(task)
        return task

    # -- tables ------------------------------------------------------------------------------

    def table(self, ref: TableRef, context: Context) -> list[Entry]:
        table = read_task_table(ref.table.rows)
        if table is None:
            # a layout table: its cells are ordinary paragraphs
            cells = [c for row in ref.table.rows for c in dict.fromkeys(row) if c.strip()]
            self.skipped.extend(Skipped("table", c) for c in cells)
            return []
        roots: list[Entry] = []
        open_sections: list[tuple[str, ParsedSection]] = []
        for row in table.rows:
            annotation = Annotation()
            for role, value in (
                ("lead", row.lead),
                ("co", row.co),
                ("responsible", row.responsible),
            ):
                order = {"lead": 0, "responsible": 1, "co": 2}[role]
                for name_role, name in units_with_roles(value, role):
                    annotation.names.append((name_role, name, order))
            lead, co = annotation.resolve(first_leads=self.first_leads)
            deadline = parse_deadline(row.text, self.year, labelled=row.deadline.strip() or None)
            extra = []
            if row.lead.strip():
                extra.append(f"牵头单位：{row.lead.strip()}")
            if row.responsible.strip():
                extra.append(f"责任单位：{row.responsible.strip()}")
            if row.co.strip():
                extra.append(f"配合单位：{row.co.strip()}")
            if row.deadline.strip():
                extra.append(f"完成时限：{row.deadline.strip()}")
            text = row.text + ("\n（" + "；".join(extra) + "）" if extra else "")
            task = ParsedTask(
                number=row.number,
                title=make_title(row.text),
                text=text,
                lead_units=lead if annotation.has_units else list(context.lead),
                co_units=co if annotation.has_units else list(context.co),
                due_date=deadline.due_date,
                deadline_text=deadline.text,
                continuous=deadline.continuous and deadline.due_date is None,
                recurrence=deadline.recurrence,
            )
            self.match_units(task)
            # place it under its categories
            path = [c for c in row.categories if c]
            depth = 0
            while depth < len(open_sections) and depth < len(path):
                if open_sections[depth][0] != path[depth]:
                    break
                depth += 1
            del open_sections[depth:]
            for level in range(depth, len(path)):
                number, title = split_category(path[level])
                section = ParsedSection(number, title)
                if open_sections:
                    open_sections[-1][1].add(section)
                else:
                    roots.append(section)
                open_sections.append((path[level], section))
            if open_sections:
                open_sections[-1][1].add(task)
            else:
                roots.append(task)
        return roots

    def merge_annexes(self, sections: list[ParsedSection], tasks: list[ParsedTask]) -> None:
        """Fill the units and deadlines of the text's tasks from an annexed task-division table
        (matched by title); rows that match no task are added in a section of their own."""
        for ref, entries in self.annexes:
            rows = [t for t in _tasks_of(entries)]
            existing = [t for s in sections for t in s.all_tasks()] + [
                t for task in tasks for t in task.walk()
            ]
            if not existing:
                for entry in entries:
                    (sections if isinstance(entry, ParsedSection) else tasks).append(entry)
                continue
            groups = [g for s in sections for g in _sections_of(s)]
            used: set[int] = set()
            unmatched = []
            for row in rows:
                best, score = None, 0.0
                for candidate in [*existing, *groups]:
                    if id(candidate) in used:
                        continue
                    value = max(
                        similarity(row.title, candidate.title),
                        similarity(row.text.split("\n")[0], candidate.title),
                    )
                    if value > score:
                        best, score = candidate, value
                if best is None or score < 0.5:
                    unmatched.append(row)
                    continue
                used.add(id(best))
                if isinstance(best, ParsedSection):
                    # the table names a heading: its items that say nothing themselves take it
                    for task in best.all_tasks():
                        _fill_from(task, row, only_missing=True)
                else:
                    _fill_from(task=best, row=row, only_missing=False)
            if unmatched:
                caption = ref.caption or "任务分工表"
                section = ParsedSection("", caption, tasks=unmatched)
                sections.append(section)
                self.warnings.append(
                    Warning_(
                        "annex_unmatched",
                        "%(count)d rows of the table %(caption)s match no task of the text; "
                        "they were added as tasks of their own.",
                        {"count": len(unmatched), "caption": caption},
                    )
                )

    def run(self, root: Node) -> tuple[list[ParsedSection], list[ParsedTask], list[Entry]]:
        sections: list[ParsedSection] = []
        tasks: list[ParsedTask] = []
        order: list[Entry] = []
        context = Context()
        if root.body and not root.nodes and not root.tables:
            try:
                tasks.extend(self.paragraph_tasks(root.body, context))
            except Exception as error:  # noqa: BLE001
                tasks.extend(self.unparsed("", p, error) for p in root.body if p.strip())
            order.extend(tasks)
        elif root.body:
            self.skipped.extend(Skipped("intro", t) for t in root.body)
        context = self.safe_shared_context(root.nodes, context)
        for child in root.children:
            if isinstance(child, TableRef):
                entries = self.safe_table(child, context)
                if child.annex:
                    self.annexes.append((child, entries))
                    continue
            else:
                entries = self.safe_node(child, context)
            for entry in entries:
                (sections if isinstance(entry, ParsedSection) else tasks).append(entry)
                order.append(entry)
        try:
            self.merge_annexes(sections, tasks)
        except Exception:  # noqa: BLE001 - the annex rows stay where they are
            log.warning("could not merge an annexed task table", exc_info=True)
        return sections, tasks, order
