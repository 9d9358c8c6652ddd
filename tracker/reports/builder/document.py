"""The builder's output: a report of parts, sections, paragraphs and sentences, each sentence with
its sources and the figures it cites."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .text import chinese_date, number_text


@dataclass
class Figure:
    """A number the report cites, with where it came from."""

    label: str
    value: int | Decimal
    unit: str = ""
    record_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)
    metric_ids: list[int] = field(default_factory=list)
    #: For a metric: the year of `value` and its baseline (e.g. 2015年的2286元).
    year: int | None = None
    baseline_value: int | Decimal | None = None
    baseline_year: int | None = None
    #: Set when the figure is placed in the report.
    part: str = ""
    part_key: str = ""
    section: str = ""
    #: The sentence that cites it.
    text: str = ""
    #: Where the number stands in that sentence (start, end), when it is written out.
    span: tuple[int, int] | None = None

    @property
    def display(self) -> str:
        return f"{number_text(self.value)}{self.unit}"

    @property
    def values(self) -> list[int | Decimal]:
        return [self.value] + ([self.baseline_value] if self.baseline_value is not None else [])


@dataclass
class Sentence:
    text: str
    #: statement (a task's result), generated (from records), edited (the coordinator's text),
    #: placeholder (to be written), fixed (wording of the template)
    origin: str = "generated"
    task_ids: list[int] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)
    metric_ids: list[int] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    #: Numbers written in the text that no record backs.
    unsourced: list[str] = field(default_factory=list)
    #: Reference number of the sentence in a page's list of sources, and whether the number is
    #: written after it (consecutive sentences with the same sources share one; set by the page).
    ref: int = 0
    show_ref: bool = False
    anchor: bool = False

    @property
    def source_key(self) -> tuple:
        return (tuple(self.task_ids), tuple(self.record_ids), tuple(self.evidence_ids))

    @property
    def has_sources(self) -> bool:
        return bool(self.task_ids or self.record_ids or self.evidence_ids)

    def add_sources(self, *, task_ids=(), record_ids=(), evidence_ids=(), metric_ids=()) -> None:
        for mine, theirs in (
            (self.task_ids, task_ids),
            (self.record_ids, record_ids),
            (self.evidence_ids, evidence_ids),
            (self.metric_ids, metric_ids),
        ):
            for ident in theirs:
                if ident not in mine:
                    mine.append(ident)

    def segments(self) -> list[tuple[str, Figure | None]]:
        """The text cut at the figures written in it: (text, figure or None) pieces."""
        spans = sorted((f.span, f) for f in self.figures if f.span is not None)
        pieces, at = [], 0
        for (start, end), figure in spans:
            if start < at:
                continue
            if start > at:
                pieces.append((self.text[at:start], None))
            pieces.append((self.text[start:end], figure))
            at = end
        if at < len(self.text):
            pieces.append((self.text[at:], None))
        return pieces


@dataclass
class Paragraph:
    sentences: list[Sentence] = field(default_factory=list)
    #: 一是 / 二是 …, written before the first sentence.
    ordinal: str = ""
    #: A run-in heading (（一）加强规范性文件的制定。) written in heading type before the text.
    lead: str = ""

    @property
    def text(self) -> str:
        return self.ordinal + "".join(s.text for s in self.sentences)


@dataclass
class Section:
    number: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    #: Depth 1: （一） headings (楷体); depth 2: 1. headings (bold).
    depth: int = 1
    source_section_ids: list[int] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"

    def all_paragraphs(self) -> Iterator[Paragraph]:
        yield from self.paragraphs
        for sub in self.subsections:
            yield from sub.all_paragraphs()


@dataclass
class Edit:
    """How a part's shown text relates to the coordinator's revision."""

    revision_id: int
    author: str
    created_at: datetime | None
    note: str
    base_text: str
    #: The data behind the generated text changed since the coordinator edited it.
    data_changed: bool
    #: Figures of the data that the edited text no longer cites.
    dropped: list[Figure] = field(default_factory=list)


@dataclass
class ReportWarning:
    """Something the person signing the report should look at; `code` names the message."""

    code: str
    part_key: str = ""
    params: dict = field(default_factory=dict)
    task_ids: list[int] = field(default_factory=list)


@dataclass
class Part:
    key: str
    #: 一、 … 五、 ("" for the opening paragraph)
    number: str
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    #: Fingerprint and plain text of the generated version (whatever is shown).
    fingerprint: str = ""
    generated_text: str = ""
    edit: Edit | None = None

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"

    def all_paragraphs(self) -> Iterator[Paragraph]:
        yield from self.paragraphs
        for section in self.sections:
            yield from section.all_paragraphs()

    def sentences(self) -> Iterator[Sentence]:
        for paragraph in self.all_paragraphs():
            yield from paragraph.sentences

    def plain_text(self) -> str:
        return part_plain_text(self.paragraphs, self.sections)

    @property
    def is_empty(self) -> bool:
        return not any(s.text.strip() for s in self.sentences())


@dataclass
class Report:
    plan_id: int
    year: int
    bureau: str
    title: str
    opening: Part
    parts: list[Part]
    signatory: str
    signed_on: date
    warnings: list[ReportWarning] = field(default_factory=list)
    #: The body the report is addressed to (主送机关), "" for none; shown under the title.
    addressee: str = ""

    @property
    def shown_parts(self) -> list[Part]:
        """The numbered parts the document shows: 五、 only when the coordinator wrote it."""
        return [p for p in self.parts if p.key != "other" or not p.is_empty]

    def all_parts(self) -> list[Part]:
        """The opening and the parts the document shows, in reading order."""
        return [self.opening, *self.shown_parts]

    def part(self, key: str) -> Part | None:
        """Any part by key, shown or not (the editor needs 五、 before it has text)."""
        return next((p for p in [self.opening, *self.parts] if p.key == key), None)

    def sentences(self) -> Iterator[Sentence]:
        for part in self.all_parts():
            yield from part.sentences()

    def figures(self) -> Iterator[Figure]:
        """Every figure the report cites, in reading order, with its provenance."""
        for sentence in self.sentences():
            yield from sentence.figures

    @property
    def addressee_line(self) -> str:
        """The 主送机关 line: the addressee and a full-width colon, "" when there is none."""
        return f"{self.addressee}：" if self.addressee else ""

    @property
    def signed_on_text(self) -> str:
        return chinese_date(self.signed_on)

    @property
    def title_lines(self) -> list[str]:
        """The title broken where it reads well when it would fill a line of 2号 type (20
        characters across the type area; 18 leaves room for wider digits): the bureau, then the
        rest, as GB/T 9704 wants multi-line titles split between words."""
        width = sum(0.5 if ord(ch) < 128 else 1 for ch in self.title)
        if width <= 18 or not self.title.startswith(self.bureau) or not self.bureau:
            return [self.title]
        return [self.bureau, self.title[len(self.bureau) :]]


def part_plain_text(paragraphs: list[Paragraph], sections: list[Section]) -> str:
    lines = [p.text for p in paragraphs if p.text]

    def walk(section: Section) -> None:
        if section.paragraphs and section.paragraphs[0].lead:
            first, *rest = section.paragraphs
            lines.append(first.lead + first.text)
            lines.extend(p.text for p in rest)
        else:
            lines.append(section.heading)
            lines.extend(p.text for p in section.paragraphs)
        for sub in section.subsections:
            walk(sub)

    for section in sections:
        walk(section)
    return "\n".join(lines)
