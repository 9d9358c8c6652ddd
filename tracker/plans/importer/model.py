"""What the importer hands back: the plan's outline as plain data, and its JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Warning_:
    """A remark for the user about the parse; `code` is stable, `args` fill its message."""

    code: str
    message: str
    args: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.args if self.args else self.message


@dataclass
class ParsedTask:
    number: str
    title: str
    text: str
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    unmatched_units: list[str] = field(default_factory=list)
    due_date: date | None = None
    deadline_text: str | None = None
    continuous: bool = False
    recurrence: str | None = None
    children: list[ParsedTask] = field(default_factory=list)
    #: Names of bodies outside the bureau (another level's 市/县/省… body, 各县（市、区）…): kept
    #: as written, never mapped onto one of the bureau's units (a subset of `unmatched_units`).
    external_units: list[str] = field(default_factory=list)
    #: The item's text is kept, but reading its units and deadline failed ("could not be parsed").
    unparsed: bool = False

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "co_units": list(self.co_units),
            "unmatched_units": list(self.unmatched_units),
            "external_units": list(self.external_units),
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "deadline_text": self.deadline_text,
            "continuous": self.continuous,
            "recurrence": self.recurrence,
            "children": [child.to_dict() for child in self.children],
            "unparsed": self.unparsed,
        }

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ParsedSection:
    number: str
    title: str
    sections: list[ParsedSection] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    #: Tasks and sub-sections interleaved as the document has them (not part of the contract).
    entries: list[ParsedSection | ParsedTask] = field(default_factory=list, repr=False)

    def add(self, entry: ParsedSection | ParsedTask) -> None:
        (self.sections if isinstance(entry, ParsedSection) else self.tasks).append(entry)
        self.entries.append(entry)

    def in_order(self) -> list[ParsedSection | ParsedTask]:
        """Tasks and sub-sections in document order."""
        known = {id(e) for e in self.entries}
        missing = [e for e in [*self.tasks, *self.sections] if id(e) not in known]
        return [*self.entries, *missing]

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "sections": [s.to_dict() for s in self.sections],
            "tasks": [t.to_dict() for t in self.tasks],
        }

    def all_tasks(self):
        for task in self.tasks:
            yield from task.walk()
        for section in self.sections:
            yield from section.all_tasks()

    def is_empty(self) -> bool:
        return not self.tasks and all(s.is_empty() for s in self.sections)


@dataclass
class Skipped:
    """A paragraph kept out of the tasks, and why (notice, preamble, intro, signature, …)."""

    reason: str
    text: str


@dataclass
class ParsedPlan:
    title: str | None
    year: int
    document_number: str | None
    sections: list[ParsedSection] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    #: Paragraphs left out of the tasks (not part of the JSON contract; the preview shows them).
    skipped: list[Skipped] = field(default_factory=list)
    #: Top-level tasks and sections interleaved in document order (not part of the contract).
    entries: list[ParsedSection | ParsedTask] = field(default_factory=list, repr=False)

    def in_order(self) -> list[ParsedSection | ParsedTask]:
        known = {id(e) for e in self.entries}
        missing = [e for e in [*self.tasks, *self.sections] if id(e) not in known]
        return [*self.entries, *missing]

    def to_dict(self) -> dict:
        """The import contract: exactly the shape `tracker plans import --dry-run` prints."""
        return {
            "title": self.title,
            "year": self.year,
            "document_number": self.document_number,
            "sections": [s.to_dict() for s in self.sections],
            "tasks": [t.to_dict() for t in self.tasks],
            "warnings": [str(w) for w in self.warnings],
        }

    def all_tasks(self):
        """Every task, depth-first in document order (children included)."""
        for task in self.tasks:
            yield from task.walk()
        for section in self.sections:
            yield from section.all_tasks()
