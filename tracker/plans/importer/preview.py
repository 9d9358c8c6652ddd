"""The editable preview of an import as flat rows, and back into the contract's tree.

Pure helpers for the browser preview: a parsed plan becomes rows (sections and tasks, each with
a depth); the coordinator edits them (titles, units, dates, kinds, merge into the previous task,
split a task, leave a row out); the rows become the contract-shaped tree the import service
creates the plan from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tracker.plans.importer.deadlines import parse_deadline
from tracker.plans.importer.decompose import Bureau, item_number, role_of, upper_units
from tracker.plans.importer.interpret import Context, Interpreter
from tracker.plans.importer.model import ParsedPlan, ParsedSection, ParsedTask
from tracker.plans.importer.outline import split_enumeration
from tracker.plans.importer.units import UnitMatcher, split_units

#: Skipped paragraphs worth offering back to the user as possible tasks.
OFFERED_REASONS = ("preamble", "intro", "section_intro", "lead_in")
RECURRENCE_CHOICES = ("", "monthly", "quarterly", "half-yearly", "yearly", "periodic")


@dataclass
class Row:
    kind: str  # "section" or "task"
    depth: int = 0
    number: str = ""
    title: str = ""
    text: str = ""
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    unmatched_units: list[str] = field(default_factory=list)
    due_date: str = ""  # ISO date as typed
    deadline_text: str = ""
    #: The wording the date was last read from: wording typed since is read again (更新预览).
    deadline_parsed: str = ""
    continuous: bool = False
    recurrence: str = ""
    task_kind: str = "general"
    include: bool = True
    #: "", "merge" (into the task above) or "split" (at blank lines / 一是…二是…)
    action: str = ""
    #: Sub-points (①②③) as contract dicts; split_children makes them tasks of their own.
    children: list[dict] = field(default_factory=list)
    split_children: bool = False
    #: Where the row came from: "parsed", or the reason a paragraph was left out.
    origin: str = "parsed"
    errors: dict[str, str] = field(default_factory=dict)
    #: Names of bodies outside the bureau (市法制办, 各县（市、区）…): labelled, never offered
    #: as internal units.
    external_units: list[str] = field(default_factory=list)
    #: A decomposed upper plan: the item's number there, our role (lead, assist, maybe or ""
    #: when it does not name us) and the bodies it names, as written.
    upper_number: str = ""
    upper_role: str = ""
    upper_units: str = ""

    @property
    def is_task(self) -> bool:
        return self.kind == "task"

    @property
    def missing_deadline(self) -> bool:
        return self.is_task and not self.due_date and not self.continuous and not self.recurrence


def _task_row(task: ParsedTask, depth: int, origin: str = "parsed") -> Row:
    return Row(
        kind="task",
        depth=depth,
        number=task.number,
        title=task.title,
        text=task.text,
        lead_units=list(task.lead_units),
        co_units=list(task.co_units),
        unmatched_units=list(task.unmatched_units),
        due_date=task.due_date.isoformat() if task.due_date else "",
        deadline_text=task.deadline_text or "",
        deadline_parsed=task.deadline_text or "",
        continuous=task.continuous,
        recurrence=task.recurrence or "",
        task_kind=guess_kind(task.title, task.text),
        children=[child.to_dict() for child in task.children],
        origin=origin,
        external_units=list(task.external_units),
    )


def _decomposed_row(task: ParsedTask, depth: int, numbers: list[str], bureau: Bureau) -> Row:
    """A row of an upper plan: the bodies it names become the source, not our units (the
    coordinator assigns an internal unit); only the items that concern us are ticked."""
    row = _task_row(task, depth)
    row.upper_number = item_number(numbers, task.number)
    row.upper_role = role_of(task, bureau) or ""
    row.upper_units = upper_units(task)
    row.lead_units, row.co_units, row.unmatched_units, row.external_units = [], [], [], []
    row.include = bool(row.upper_role)
    return row


def rows_from_plan(plan: ParsedPlan, decompose_for: Bureau | None = None) -> list[Row]:
    """The parsed plan as preview rows in document order, then the paragraphs left out as
    preamble (unticked, to be taken in if the user wants them). With `decompose_for` (a higher
    level's plan) only the items that concern the bureau, and the sections above them, are
    ticked."""
    rows: list[Row] = []

    def walk(entries: list, depth: int, numbers: list[str]) -> None:
        for entry in entries:
            if isinstance(entry, ParsedSection):
                rows.append(
                    Row(kind="section", depth=depth, number=entry.number, title=entry.title)
                )
                walk(entry.in_order(), depth + 1, [*numbers, entry.number])
            elif decompose_for is not None:
                rows.append(_decomposed_row(entry, depth, numbers, decompose_for))
            else:
                rows.append(_task_row(entry, depth))

    walk(plan.in_order(), 0, [])
    if decompose_for is not None:
        for index, row in enumerate(rows):
            if row.kind == "section":
                below = []
                for other in rows[index + 1 :]:
                    if other.depth <= row.depth:
                        break
                    below.append(other)
                row.include = any(r.is_task and r.include for r in below)
        return rows
    interpreter = Interpreter(plan.year, UnitMatcher(None))
    for skipped in plan.skipped:
        if skipped.reason in OFFERED_REASONS and skipped.text.strip():
            row = _task_row(interpreter.task("", skipped.text, _empty_context()), 0, skipped.reason)
            row.include = False
            rows.append(row)
    return rows


def _empty_context():
    return Context()


def guess_kind(title: str, text: str) -> str:
    """The task kind a coordinator would most likely pick (the preview lets them change it)."""
    rules = [
        ("normative_review", r"规范性文件"),
        ("major_decision", r"重大行政决策|重大决策"),
        ("legal_counsel", r"法律顾问|公职律师"),
        ("enforcement_cert", r"执法证|执法资格|持证上岗"),
        ("inspection", r"双随机|抽查|专项检查|执法检查|督察|督查"),
        ("study", r"学法|中心组|学习|培训"),
        ("publicity", r"普法|法治宣传|宣传教育"),
    ]
    for source in (title, text):
        for kind, pattern in rules:
            if re.search(pattern, source or ""):
                return kind
    return "general"


# -- editing -------------------------------------------------------------------------------------


def _rematch(row: Row, matcher: UnitMatcher) -> None:
    if not matcher.active:
        row.unmatched_units = []
        return
    unmatched = []
    for attribute in ("lead_units", "co_units"):
        names = []
        for name in getattr(row, attribute):
            found = matcher.match(name)
            if found is None:
                unmatched.append(name)
                names.append(name)
            elif found not in names:
                names.append(found)
        setattr(row, attribute, names)
    row.co_units = [n for n in row.co_units if n not in row.lead_units]
    row.unmatched_units = list(dict.fromkeys(unmatched))
    row.external_units = [n for n in row.unmatched_units if matcher.is_external(n)]


def _split_parts(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(parts) > 1:
        return parts
    enumeration = split_enumeration(text)
    if enumeration:
        return [f"{number}{body}" for number, body, _ in enumeration.items]
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    return parts


def apply_edits(rows: list[Row], year: int, units, owner=None) -> list[Row]:
    """Merge and split as asked, re-match the units, and check every included row."""
    matcher = UnitMatcher(units, owner)
    interpreter = Interpreter(year, matcher)
    result: list[Row] = []
    for row in rows:
        if row.include and row.is_task and row.action == "merge":
            target = next((r for r in reversed(result) if r.include and r.is_task), None)
            if target is not None:
                target.text = f"{target.text}\n{row.text}".strip()
                target.lead_units = list(dict.fromkeys(target.lead_units + row.lead_units))
                target.co_units = list(dict.fromkeys(target.co_units + row.co_units))
                if not target.due_date and not target.continuous:
                    target.due_date, target.deadline_text = row.due_date, row.deadline_text
                    target.continuous = row.continuous
                target.recurrence = target.recurrence or row.recurrence
                target.children.extend(row.children)
                continue
        if row.include and row.is_task and row.action == "split":
            parts = _split_parts(row.text)
            if len(parts) > 1:
                for part in parts:
                    parsed = interpreter.task("", part, _context_of(row))
                    number = ""
                    match = re.match(
                        r"^([一二三四五六七八九十]+是|第[一二三四五六七八九十]+)", part
                    )
                    if match:
                        number = match.group(1)
                        parsed = interpreter.task(
                            number, part[match.end() :].lstrip("，,、：:"), _context_of(row)
                        )
                    new = _task_row(parsed, row.depth)
                    new.task_kind = row.task_kind
                    new.upper_number, new.upper_role = row.upper_number, row.upper_role
                    new.upper_units = row.upper_units
                    result.append(new)
                continue
        row.action = ""
        result.append(row)
    for row in result:
        if row.include and row.is_task:
            reread_deadline(row, year)
        _rematch(row, matcher)
        check_row(row)
    return result


def reread_deadline(row: Row, year: int) -> None:
    """Date the wording the user typed (6月底前 → 6-30 of the plan year); wording left as it was
    keeps the date the user may have set by hand. Undated wording leaves the row as it is."""
    wording = row.deadline_text.strip()
    typed = wording != row.deadline_parsed.strip()
    undated = not row.due_date and not row.continuous and not row.recurrence
    if not wording or not (typed or undated):
        return
    found = parse_deadline(wording, year, labelled=wording)
    if found.due_date is not None:
        row.due_date, row.continuous = found.due_date.isoformat(), False
    elif found.continuous:
        row.due_date, row.continuous = "", True
    if found.recurrence:
        row.recurrence = found.recurrence
    row.deadline_parsed = wording


def _context_of(row: Row):
    deadline = None
    if row.due_date or row.continuous:
        deadline = parse_deadline(row.deadline_text or "", 2000)
        try:
            deadline.due_date = date.fromisoformat(row.due_date) if row.due_date else None
        except ValueError:
            deadline.due_date = None
        deadline.continuous = row.continuous
    return Context(list(row.lead_units), list(row.co_units), deadline)


def check_row(row: Row) -> None:
    """Record what would stop the row from being imported."""
    row.errors = {}
    if not row.include:
        return
    if not row.title.strip():
        row.errors["title"] = "title"
    elif len(row.title.strip()) > 300:
        row.errors["title"] = "long"
    if row.is_task and row.due_date:
        try:
            date.fromisoformat(row.due_date)
        except ValueError:
            row.errors["due_date"] = "date"
    if row.recurrence not in RECURRENCE_CHOICES:
        row.errors["recurrence"] = "recurrence"


def rows_have_errors(rows: list[Row]) -> bool:
    return any(row.errors for row in rows if row.include)


# -- back to the contract ------------------------------------------------------------------------


def _task_dict(row: Row) -> dict:
    due = None
    if row.due_date:
        try:
            due = date.fromisoformat(row.due_date).isoformat()
        except ValueError:
            due = None
    return {
        "number": row.number.strip(),
        "title": row.title.strip(),
        "text": row.text.strip(),
        "lead_units": list(row.lead_units),
        "co_units": list(row.co_units),
        "unmatched_units": list(row.unmatched_units),
        "due_date": due,
        "deadline_text": row.deadline_text.strip() or None,
        "continuous": bool(row.continuous and not due),
        "recurrence": row.recurrence or None,
        "children": list(row.children),
        "kind": row.task_kind,
        "split_children": row.split_children,
        **(
            {
                "upper_number": row.upper_number.strip(),
                "upper_role": row.upper_role,
                "upper_units": row.upper_units.strip(),
            }
            if row.upper_number.strip() or row.upper_role
            else {}
        ),
    }


def tree_from_rows(rows: list[Row]) -> dict:
    """{"sections": [...], "tasks": [...]} from the included rows: a section at depth d hangs
    under the last section above it with a smaller depth; a task under the last section above
    it with a smaller depth (or outside any section)."""
    tree: dict = {"sections": [], "tasks": []}
    stack: list[tuple[int, dict]] = []
    for row in rows:
        if not row.include:
            continue
        while stack and stack[-1][0] >= row.depth:
            stack.pop()
        if row.kind == "section":
            section = {"number": row.number.strip(), "title": row.title.strip(),
                       "sections": [], "tasks": []}  # fmt: skip
            (stack[-1][1]["sections"] if stack else tree["sections"]).append(section)
            stack.append((row.depth, section))
        else:
            (stack[-1][1]["tasks"] if stack else tree["tasks"]).append(_task_dict(row))
    return tree


def split_names(value: str) -> list[str]:
    """Unit names typed into a preview field (、，; or new lines between them)."""
    return split_units(value) if value.strip() else []
