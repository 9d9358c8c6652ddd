"""The importer's test corpus: documents with expected answers, and how the parser is scored on
them (shared by the tests and scripts/score_import.py)."""

from __future__ import annotations

import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
#: Real published plans gathered after the parser was written, never tuned on one by one: the
#: honest measure (each expected parse written by hand; `url` and `source_title` say where from).
UNSEEN = Path(__file__).parent / "unseen"


@dataclass
class Case:
    name: str
    expected: dict
    source: Path

    def data(self) -> bytes:
        if self.source.name.endswith(".docx.json"):
            return build_docx(json.loads(self.source.read_text("utf-8")))
        return self.source.read_bytes()

    @property
    def filename(self) -> str:
        name = self.source.name
        return name[: -len(".json")] if name.endswith(".docx.json") else name

    def units(self) -> tuple[list | None, str | None]:
        """(units, owner) the document is imported with: its own list, or with `bureau` the
        demo bureau's units and aliases (a bureau importing someone else's plan)."""
        if self.expected.get("bureau"):
            from tracker.demo import data

            units = [(name, aliases.split(",")) for name, _, aliases in data.UNITS]
            return units, self.expected["bureau"]
        return self.expected.get("units") or None, self.expected.get("owner")

    def parse(self):
        from tracker.plans.importer import parse_bytes

        units, owner = self.units()
        return parse_bytes(
            self.data(), self.filename, year=self.expected["year"], units=units, owner=owner
        )


def cases(folder: Path = CORPUS) -> list[Case]:
    found = []
    for path in sorted(folder.glob("*.expected.json")):
        expected = json.loads(path.read_text("utf-8"))
        found.append(
            Case(path.name[: -len(".expected.json")], expected, folder / expected["source"])
        )
    return found


def build_docx(spec: dict) -> bytes:
    """A .docx from a corpus spec: paragraphs, and tables with vertically merged cells."""
    import docx

    document = docx.Document()
    for block in spec["blocks"]:
        if "p" in block:
            document.add_paragraph(block["p"])
            continue
        rows = block["table"]
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        for column, first, last in block.get("vmerge", []):
            for r in range(first + 1, last + 1):
                table.cell(r, column).text = ""
            table.cell(first, column).merge(table.cell(last, column))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def norm(text: str | None) -> str:
    """Titles compare in NFKC with white space removed (，/, and （/( are the same)."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Score:
    expected_tasks: int = 0
    found_tasks: int = 0
    titles: int = 0
    units: int = 0
    deadlines: int = 0
    sections_expected: int = 0
    sections_right: int = 0
    extra_tasks: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "expected_tasks", "found_tasks", "titles", "units", "deadlines",
            "sections_expected", "sections_right", "extra_tasks",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses.extend(other.misses)

    def percent(self, name: str) -> float:
        base = self.sections_expected if name == "sections_right" else self.expected_tasks
        return 100.0 * getattr(self, name) / base if base else 100.0


def _flat_sections(sections, depth=0):
    for section in sections:
        yield depth, norm(section["title"])
        yield from _flat_sections(section.get("sections", []), depth + 1)


def _parsed_tasks(plan) -> list[tuple[str | None, object]]:
    """(innermost section title, task) for every task and child task, in document order."""
    result = []

    def walk_task(section_title, task):
        result.append((section_title, task))
        for child in task.children:
            walk_task(section_title, child)

    for task in plan.tasks:
        walk_task(None, task)

    def walk(sections):
        for section in sections:
            for task in section.tasks:
                walk_task(section.title, task)
            walk(section.sections)

    walk(plan.sections)
    return result


def score(case: Case, plan) -> Score:
    result = Score()
    expected = case.expected
    parsed = _parsed_tasks(plan)
    result.found_tasks = len(parsed)
    wanted_sections = list(_flat_sections(expected["sections"]))
    got_sections = list(_flat_sections([s.to_dict() for s in plan.sections]))
    result.sections_expected = len(wanted_sections)
    remaining = list(got_sections)
    for item in wanted_sections:
        if item in remaining:
            remaining.remove(item)
            result.sections_right += 1
    used: set[int] = set()
    for want in expected["tasks"]:
        result.expected_tasks += 1
        match = None
        for index, (_, task) in enumerate(parsed):
            if index not in used and norm(task.title) == norm(want["title"]):
                match = index
                break
        label = f"{case.name}: {want['title'][:30]}"
        if match is None:
            result.misses.append(f"title  {label}")
            continue
        used.add(match)
        result.titles += 1
        task = parsed[match][1]
        lead = [norm(n) for n in task.lead_units]
        co = [norm(n) for n in task.co_units]
        if (
            lead == [norm(n) for n in want["lead_units"]]
            and co == [norm(n) for n in want["co_units"]]
            and (
                "unmatched_units" not in want
                or sorted(task.unmatched_units) == sorted(want["unmatched_units"])
            )
        ):
            result.units += 1
        else:
            result.misses.append(
                f"units  {label}: got {task.lead_units}/{task.co_units}"
                f" want {want['lead_units']}/{want['co_units']}"
            )
        due = task.due_date.isoformat() if task.due_date else None
        right = due == want.get("due_date") and task.continuous == want.get("continuous", False)
        if "recurrence" in want:
            right = right and task.recurrence == want["recurrence"]
        if right:
            result.deadlines += 1
        else:
            result.misses.append(
                f"date   {label}: got {due} {task.continuous} {task.recurrence}"
                f" want {want.get('due_date')} {want.get('continuous', False)}"
                f" {want.get('recurrence')}"
            )
    result.extra_tasks = len(parsed) - len(used)
    return result
