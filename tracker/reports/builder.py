"""Build the annual rule-of-law report (法治政府建设情况报告) from a plan's data.

Pure: plain data in (`ReportInput`, filled by `tracker.reports.queries`), a structured `Report`
out; no database, no Flask. The renderers (DOCX, HTML, PDF, Markdown) and the preview share it.

The structure is the one Art. 25 of the 2019 regulations on rule-of-law government supervision
prescribes (and the seed report follows):

    title, opening paragraph
    一、{year}年推进法治政府建设的主要举措和成效: one （一） per plan section, 一是… per done task
    二、存在的不足和原因: what was not achieved, from the data
    三、党政主要负责人履行推进法治建设第一责任人职责情况: principal duties, sessions chaired
    四、{year+1}年推进法治政府建设的主要安排: next year's plan, when one exists
    五、其他需要报告的情况: only when the coordinator writes it
    signature (bureau, date)

Every sentence keeps its provenance (task, record, evidence and metric ids). Figures come from
the ledger: a count of records ("对5份规范性文件进行了合法性审查") or a metric ("从2015年的2286元
提高到2020年的4778元"). A figure the task's result statement already cites is *anchored* there —
the number in the text is tied to the records that prove it; a figure the text does not cite gets
a sentence of its own. Numbers in the text that no record backs are reported as warnings, so the
person signing the report knows which figures are unverified.

The coordinator may replace the text of any part; the replacement is parsed back into sections,
paragraphs and sentences and the part's figures are anchored again in the new text. A
fingerprint of each generated part lets the page say "the data changed since this edit".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# -- input -----------------------------------------------------------------------------------

PART_KEYS = ("opening", "measures", "shortcomings", "principal", "arrangements", "other")


@dataclass
class SectionInfo:
    """A heading of the plan, in outline order."""

    id: int
    title: str
    number: str = ""
    parent_id: int | None = None


@dataclass
class ReturnInfo:
    """One 退回 of a task: when and why."""

    on: date | None
    note: str = ""


@dataclass
class TaskInfo:
    id: int
    title: str
    number: str = ""
    section_id: int | None = None
    #: The recurring task this one is an occurrence of.
    parent_id: int | None = None
    status: str = "done"
    kind: str = "general"
    text: str = ""
    result_statement: str = ""
    lead_unit: str = ""
    due_date: date | None = None
    submitted_on: date | None = None
    #: Local date of 办结.
    completed_on: date | None = None
    is_principal_duty: bool = False
    progress: int = 0
    target_count: int | None = None
    target_measure: str = ""
    achieved_count: int | None = None
    period_label: str = ""
    returns: list[ReturnInfo] = field(default_factory=list)
    cancel_note: str = ""
    #: Current, not rejected evidence attached to the task itself.
    evidence_ids: list[int] = field(default_factory=list)


@dataclass
class RecordInfo:
    """A live (not void) ledger record; `attrs` holds the kind's own fields."""

    id: int
    kind: str
    task_id: int
    occurred_on: date | None = None
    summary: str = ""
    evidence_ids: list[int] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)


@dataclass
class AdvisorInfo:
    firm: str
    person: str = ""
    contract_start: date | None = None
    contract_end: date | None = None


@dataclass
class NextPlanInfo:
    id: int
    year: int
    title: str
    status: str
    sections: list[SectionInfo] = field(default_factory=list)
    tasks: list[TaskInfo] = field(default_factory=list)


@dataclass
class PartEdit:
    """The coordinator's latest revision of a part (text None: back to the generated text)."""

    revision_id: int
    text: str | None
    fingerprint: str = ""
    base_text: str = ""
    author: str = ""
    created_at: datetime | None = None
    note: str = ""


@dataclass
class ReportInput:
    plan_id: int
    year: int
    bureau: str
    plan_title: str
    today: date
    document_number: str = ""
    sections: list[SectionInfo] = field(default_factory=list)
    tasks: list[TaskInfo] = field(default_factory=list)
    records: list[RecordInfo] = field(default_factory=list)
    advisors: list[AdvisorInfo] = field(default_factory=list)
    #: The principal leader(s) of the bureau (第一责任人): user ids and display names.
    principal_ids: set[int] = field(default_factory=set)
    principal_names: set[str] = field(default_factory=set)
    next_plan: NextPlanInfo | None = None
    edits: dict[str, PartEdit] = field(default_factory=dict)
    signatory: str = ""
    signed_on: date | None = None
    #: Tasks the report leaves out (none by default).
    excluded_task_ids: set[int] = field(default_factory=set)


# -- output ----------------------------------------------------------------------------------


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


# -- small helpers ---------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for n < 1000)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _DIGITS[n // 100] + "百" + tail


def ordinal(n: int) -> str:
    """一是, 二是, … as the seed numbers its measures."""
    return f"{chinese_number(n)}是"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def number_text(value) -> str:
    """4778 → "4778", Decimal("82.6100") → "82.61", Decimal("15.0000") → "15"."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


def clean_number(value) -> int | Decimal:
    """A figure's value: an int when whole, else a Decimal without trailing zeros."""
    if isinstance(value, int):
        return value
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return int(number)
    return Decimal(format(number, "f"))


def _sentence_end(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    return text if text[-1] in "。！？；…”’）" else text + "。"


_SENTENCE_RE = re.compile(r"[^。！？]*(?:[。！？]+[”’」』）)]*|$)")


def split_sentences(text: str) -> list[str]:
    """Chinese sentences, each with its closing mark (and closing quotes)."""
    return [s for s in (m.group(0) for m in _SENTENCE_RE.finditer(text.strip())) if s.strip()]


_CN = "一二三四五六七八九十"
_ORDINAL_RE = re.compile(rf"^\s*(?:[{_CN}]+是|[（(][{_CN}]+[)）]|\d+[.．、])\s*")


def strip_ordinal(text: str) -> str:
    """A statement typed as "一是…" or "1.…" loses its own number; the report numbers it."""
    return _ORDINAL_RE.sub("", text.strip(), count=1)


def _keywords(text: str) -> set[str]:
    """Character bigrams of a label, for telling which clause a figure belongs to."""
    text = re.sub(r"[\s\d%％、，。（）()《》“”]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


#: Measure words that stand for one another when a figure is looked for in a text.
UNIT_GROUPS = [
    ("人", "名", "位"),
    ("个", "家", "所", "座", "处"),
    ("次", "场", "期"),
    ("份", "件"),
    ("%", "％"),
    ("项", "条"),
]


def _unit_variants(unit: str) -> list[str]:
    for group in UNIT_GROUPS:
        if unit in group:
            return sorted(group, key=len, reverse=True)
    return [unit] if unit else []


def _number_spans(text: str, value) -> list[tuple[int, int]]:
    """Where `value` is written as a whole number in `text` (not part of a longer number)."""
    written = re.escape(number_text(value))
    return [
        (m.start(), m.end()) for m in re.finditer(rf"(?<![\d.]){written}(?![\d])(?!\.\d)", text)
    ]


def figure_spans(text: str, figure: Figure) -> list[tuple[int, int]]:
    """Every place the figure's number is written followed by its measure word: spans that
    cover the number and the measure word."""
    variants = _unit_variants(figure.unit)
    found = []
    for start, end in _number_spans(text, figure.value):
        rest = text[end:]
        if not variants:
            found.append((start, end))
            continue
        unit = next((v for v in variants if rest.startswith(v)), None)
        if unit is not None:
            found.append((start, end + len(unit)))
    return found


def find_figure(text: str, figure: Figure, taken: set[int]) -> tuple[int, int] | None:
    """The first place the figure is written whose number does not start at a `taken` index."""
    return next((span for span in figure_spans(text, figure) if span[0] not in taken), None)


_NUMBER_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d])")
#: Document titles and numbers (《…》, 忻民发〔2020〕6号): their digits are no figures.
_TITLE_RE = re.compile(r"《[^》]*》|[〔［\[]\d{4}[〕］\]]\s*\d*\s*号?")


def written_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of the figures a sentence writes out: numbers with their measure word, leaving out
    years, dates and numbers inside document titles (《…》)."""
    hidden = [(m.start(), m.end()) for m in _TITLE_RE.finditer(text)]
    spans = []
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in hidden):
            continue
        after = text[end : end + 1]
        before = text[start - 1 : start] if start else ""
        if after in ("年", "月", "日", "号", "时", "—", "-", "–", "~", "至") or before == "第":
            continue
        if after in (".", "．") and not text[end + 1 : end + 2].isdigit():
            continue  # a list number: 1.
        unit = re.match(r"[%％]|人次|万元|亿元|[^\d\s，。；、：,.;:（）()“”《》]", text[end:])
        spans.append((start, end + (len(unit.group(0)) if unit else 0)))
    return spans


def _score(sentence: str, start: int, keywords: set[str]) -> int:
    """How well the clause around `start` matches a figure's label."""
    if not keywords:
        return 0
    left = max(sentence.rfind(mark, 0, start) for mark in "，；。：")
    rights = [i for i in (sentence.find(mark, start) for mark in "，；。") if i >= 0]
    clause = sentence[left + 1 : min(rights) if rights else len(sentence)]
    return sum(1 for k in keywords if k in clause) * 2 + sum(1 for k in keywords if k in sentence)


# -- facts: figures with the sentence that states them ----------------------------------------


@dataclass
class Fact:
    """Figures drawn from records, and the sentence that states them when the text does not."""

    figures: list[Figure]
    sentence: str
    keywords: set[str] = field(default_factory=set)

    @property
    def primary(self) -> Figure:
        return self.figures[0]

    def sources(self) -> dict:
        task_ids, record_ids, evidence_ids, metric_ids = [], [], [], []
        for figure in self.figures:
            for mine, theirs in (
                (task_ids, figure.task_ids),
                (record_ids, figure.record_ids),
                (evidence_ids, figure.evidence_ids),
                (metric_ids, figure.metric_ids),
            ):
                mine.extend(i for i in theirs if i not in mine)
        return {
            "task_ids": task_ids,
            "record_ids": record_ids,
            "evidence_ids": evidence_ids,
            "metric_ids": metric_ids,
        }


def _evidence_of(records: list[RecordInfo]) -> list[int]:
    seen: list[int] = []
    for record in records:
        seen.extend(e for e in record.evidence_ids if e not in seen)
    return seen


def _figure(label: str, value, unit: str, records: list[RecordInfo], **extra) -> Figure:
    return Figure(
        label=label,
        value=clean_number(value),
        unit=unit,
        record_ids=[r.id for r in records],
        task_ids=sorted({r.task_id for r in records}),
        evidence_ids=_evidence_of(records),
        metric_ids=[r.id for r in records if r.kind == "metric"],
        **extra,
    )


CATEGORY_WORDS = {
    "litigation": "行政诉讼",
    "reconsideration": "行政复议",
    "petition": "信访",
    "document_drafting": "文件起草",
    "major_decision": "重大决策",
    "contract": "合同审查",
    "other": "其他法律事务",
}
INSPECTION_WORDS = {
    "random": "“双随机、一公开”抽查",
    "special": "专项检查",
    "joint": "联合抽查检查",
}
STEP_WORDS = {
    "public_participation": "公众参与",
    "expert_review": "专家论证",
    "risk_assessment": "风险评估",
    "legality_review": "合法性审查",
    "collective_discussion": "集体讨论决定",
}
#: How the report says a kind of session was held: (verb, name), e.g. 主持18次党组中心组学习会.
SESSION_WORDS = {
    "center_group": ("主持", "党组中心组学习会", "before"),
    "party_group_meeting": ("召开", "党组（扩大）会", "before"),
    "collective_study": ("参加", "机关集体学习", "after"),
    "seminar": ("组织", "交流研讨", "after"),
    "theme_day": ("开展", "主题党日和警示教育", "after"),
    "lecture": ("举办", "法治讲座", "before"),
    "training": ("组织", "法治专题培训", "after"),
}
SESSION_ORDER = list(SESSION_WORDS)


def _session_phrase(kind: str, count: int) -> str:
    verb, name, position = SESSION_WORDS.get(kind, ("开展", "学习活动", "after"))
    return f"{verb}{count}次{name}" if position == "before" else f"{verb}{name}{count}次"


def document_review_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    if not records:
        return []
    n = len(records)
    published = [r for r in records if r.attrs.get("is_published")]
    filed = [r for r in records if r.attrs.get("is_filed")]
    revised = [r for r in records if r.attrs.get("conclusion") == "lawful_after_revision"]
    unlawful = [r for r in records if r.attrs.get("conclusion") == "unlawful"]
    behalf = {r.attrs.get("on_behalf_of", "") for r in records}
    who = f"（{behalf.pop()}）" if len(behalf) == 1 and "" not in behalf else ""
    text = f"对{n}份规范性文件{who}进行了合法性审查"
    figures = [_figure("规范性文件合法性审查", n, "份", records)]
    if revised:
        text += f"，其中{len(revised)}份经修改后通过审查"
        figures.append(_figure("经修改后通过合法性审查", len(revised), "份", revised))
    if unlawful:
        text += f"，{len(unlawful)}份未通过审查"
        figures.append(_figure("未通过合法性审查", len(unlawful), "份", unlawful))
    if published:
        text += "，均通过网络公开" if len(published) == n else f"，{len(published)}份通过网络公开"
        figures.append(_figure("审查后通过网络公开", len(published), "份", published))
    if filed:
        text += "，均按规定报送备案" if len(filed) == n else f"，{len(filed)}份报送备案"
        figures.append(_figure("报送备案", len(filed), "份", filed))
    return [Fact(figures, text + "。", _keywords("规范性文件合法性审查"))]


def certification_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    year_end = date(year, 12, 31)
    valid = [
        r
        for r in records
        if not (r.attrs.get("revoked_on") and r.attrs["revoked_on"] <= year_end)
        and not (r.attrs.get("expires_on") and r.attrs["expires_on"] < year_end)
        and not (r.attrs.get("issued_on") and r.attrs["issued_on"] > year_end)
    ]
    if not valid:
        return []
    holders = {r.attrs.get("holder_name") or r.id for r in valid}
    text = f"行政执法人员领证人数为{len(holders)}人"
    figures = [_figure("行政执法人员持证人数", len(holders), "人", valid, year=year)]
    new = [r for r in valid if r.attrs.get("issued_on") and r.attrs["issued_on"].year == year]
    if new:
        text += f"，其中{year}年新领证{len(new)}人"
        figures.append(_figure(f"{year}年新领取执法证", len(new), "人", new, year=year))
    return [Fact(figures, text + "。", _keywords("行政执法人员领证持证人数执法证"))]


def consultation_facts(
    records: list[RecordInfo], year: int, advisors: list[AdvisorInfo]
) -> list[Fact]:
    if not records:
        return []
    n = len(records)
    categories = [c for c in CATEGORY_WORDS if any(r.attrs.get("category") == c for r in records)]
    adopted = [r for r in records if r.attrs.get("is_adopted", True)]
    firms = sorted({r.attrs.get("advisor", "") for r in records} - {""})
    if not firms:
        firms = [f"{a.firm}{a.person}".strip() for a in advisors]
    text = f"聘请{'、'.join(firms)}担任法律顾问，" if firms else ""
    text += f"全年咨询法律顾问{n}次"
    if categories:
        words = "、".join(CATEGORY_WORDS[c] for c in categories)
        text += f"，涉及{words}" + ("等事项" if len(categories) > 1 else "事项")
    figures = [_figure("咨询法律顾问", n, "次", records)]
    if adopted:
        text += "，意见均被采纳" if len(adopted) == n else f"，采纳法律顾问意见{len(adopted)}条"
        figures.append(_figure("采纳法律顾问意见", len(adopted), "条", adopted))
    return [Fact(figures, text + "。", _keywords("咨询法律顾问意见"))]


def inspection_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    done = [r for r in records if r.attrs.get("done_on")]
    if not done:
        return []
    kinds = Counter(r.attrs.get("inspection_kind", "random") for r in done)
    words = "、".join(f"{INSPECTION_WORDS.get(k, '检查')}{n}次" for k, n in kinds.items())
    text = f"组织{words}"
    figures = [_figure("开展检查", len(done), "次", done)]
    if len(kinds) > 1:
        text += f"，共{len(done)}次"
    with_problems = [r for r in done if r.attrs.get("problem_count")]
    problems = sum(r.attrs["problem_count"] for r in with_problems)
    if problems:
        fixed = [r for r in with_problems if r.attrs.get("rectified_on")]
        fixed_count = sum(r.attrs["problem_count"] for r in fixed)
        text += f"，发现问题{problems}个"
        figures.append(_figure("检查发现问题", problems, "个", with_problems))
        if fixed_count == problems:
            text += "，已全部整改到位"
        elif fixed_count:
            text += f"，已整改{fixed_count}个"
        if fixed:
            figures.append(_figure("问题已整改", fixed_count, "个", fixed))
    else:
        text += "，未发现问题"
    return [Fact(figures, text + "。", _keywords("抽查检查问题整改"))]


def _decision_title(title: str) -> str:
    return re.sub(r"[（(]重大行政决策[)）]\s*$", "", title.strip())


def decision_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    if not records:
        return []
    n = len(records)
    complete = [r for r in records if not r.attrs.get("open_steps")]
    names = "、".join(f"《{_decision_title(r.attrs.get('decision_title', ''))}》" for r in records)
    steps = "、".join(STEP_WORDS.values())
    label = f"（{names}）" if n <= 3 else ""
    if len(complete) == n:
        text = f"{n}项重大行政决策{label}" + ("均" if n > 1 else "")
        text += f"履行了{steps}法定程序"
    else:
        text = f"{n}项重大行政决策{label}中，{len(complete)}项履行了{steps}全部法定程序"
    figures = [_figure("重大行政决策", n, "项", records)]
    if complete and len(complete) != n:
        figures.append(_figure("履行全部法定程序的重大行政决策", len(complete), "项", complete))
    return [Fact(figures, text + "。", _keywords("重大行政决策法定程序"))]


def session_facts(records: list[RecordInfo], year: int, *, principal: bool = False) -> list[Fact]:
    """One fact per kind of session: 主持18次党组中心组学习会, 参加机关集体学习12次 …"""
    by_kind: dict[str, list[RecordInfo]] = defaultdict(list)
    for record in records:
        by_kind[record.attrs.get("session_kind", "")].append(record)
    facts = []
    for kind in sorted(by_kind, key=lambda k: SESSION_ORDER.index(k) if k in SESSION_ORDER else 99):
        group = by_kind[kind]
        verb, name, _position = SESSION_WORDS.get(kind, ("开展", "学习活动", "after"))
        phrase = _session_phrase(kind, len(group))
        figures = [_figure(name, len(group), "次", group)]
        attendance = sum(r.attrs.get("attendee_count") or 0 for r in group)
        if attendance and not principal:
            phrase += f"，参加{attendance}人次"
            figures.append(_figure(f"{name}参加人次", attendance, "人次", group))
        text = ("年内" if principal else "全年") + phrase + "。"
        facts.append(Fact(figures, text, _keywords(name)))
    return facts


def metric_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    facts = []
    for record in records:
        a = record.attrs
        name, unit = a.get("name", ""), a.get("measure", "")
        value = clean_number(a.get("value", 0))
        as_of = a.get("as_of")
        metric_year = as_of.year if as_of else year
        baseline = a.get("baseline_value")
        if baseline is not None and a.get("baseline_year"):
            baseline = clean_number(baseline)
            move = "提高到" if value > baseline else ("减少到" if value < baseline else "保持在")
            text = (
                f"{name}从{a['baseline_year']}年的{number_text(baseline)}{unit}"
                f"{move}{metric_year}年的{number_text(value)}{unit}。"
            )
            figure = _figure(
                name,
                value,
                unit,
                [record],
                year=metric_year,
                baseline_value=baseline,
                baseline_year=a["baseline_year"],
            )
        else:
            text = f"{name}为{number_text(value)}{unit}。"
            figure = _figure(name, value, unit, [record], year=metric_year)
        facts.append(Fact([figure], text, _keywords(name)))
    return facts


def record_facts(
    records: list[RecordInfo],
    year: int,
    advisors: list[AdvisorInfo],
    *,
    skip_kinds: tuple[str, ...] = (),
) -> list[Fact]:
    """The facts of one task's records, kind by kind in ledger order."""
    by_kind: dict[str, list[RecordInfo]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    facts: list[Fact] = []
    for kind in (
        "document_review",
        "certification",
        "consultation",
        "inspection",
        "decision",
        "study_session",
        "metric",
    ):
        group = by_kind.get(kind)
        if not group or kind in skip_kinds:
            continue
        if kind == "document_review":
            facts += document_review_facts(group, year)
        elif kind == "certification":
            facts += certification_facts(group, year)
        elif kind == "consultation":
            facts += consultation_facts(group, year, advisors)
        elif kind == "inspection":
            facts += inspection_facts(group, year)
        elif kind == "decision":
            facts += decision_facts(group, year)
        elif kind == "study_session":
            facts += session_facts(group, year)
        else:
            facts += metric_facts(group, year)
    return facts


# -- anchoring figures in text ----------------------------------------------------------------


def anchor_facts(sentences: list[Sentence], facts: list[Fact]) -> list[Fact]:
    """Tie each fact to the sentence that writes its main figure (where several do, the one
    whose clause reads most like the figure's label); return the facts no sentence writes.
    Secondary figures are kept only where that sentence writes them too."""
    taken: dict[int, set[int]] = defaultdict(set)
    left: list[Fact] = []
    for fact in facts:
        best = None
        for index, sentence in enumerate(sentences):
            for span in figure_spans(sentence.text, fact.primary):
                if span[0] in taken[index]:
                    continue
                score = _score(sentence.text, span[0], fact.keywords)
                if best is None or score > best[0]:
                    best = (score, index, span)
        if best is None:
            left.append(fact)
            continue
        _best_score, index, span = best
        sentence = sentences[index]
        taken[index].add(span[0])
        placed = [_placed(fact.primary, sentence, span)]
        for figure in fact.figures[1:]:
            other = find_figure(sentence.text, figure, taken[index])
            if other is not None:
                taken[index].add(other[0])
                placed.append(_placed(figure, sentence, other))
        sentence.figures.extend(placed)
        sentence.add_sources(**Fact(placed, "").sources())
    return left


def _placed(figure: Figure, sentence: Sentence, span: tuple[int, int] | None) -> Figure:
    copy = Figure(**{**figure.__dict__})
    copy.span = span
    copy.text = sentence.text
    return copy


def place_figures(sentence: Sentence, figures: list[Figure]) -> None:
    """Add figures to a sentence written for them, each at its own place in the text; a figure
    the wording only implies (均通过网络公开: all of them) is not cited as a number."""
    taken = {f.span[0] for f in sentence.figures if f.span}
    for figure in figures:
        span = find_figure(sentence.text, figure, taken)
        if span is not None:
            taken.add(span[0])
            sentence.figures.append(_placed(figure, sentence, span))


def fact_sentence(fact: Fact) -> Sentence:
    """The sentence a fact writes when the text does not cite it."""
    sentence = Sentence(fact.sentence, origin="generated")
    place_figures(sentence, fact.figures)
    sentence.add_sources(**fact.sources())
    return sentence


def mark_unsourced(sentence: Sentence) -> None:
    """List the numbers the sentence writes that none of its figures accounts for."""
    covered = []
    for figure in sentence.figures:
        if figure.span:
            covered.append(figure.span)
        if figure.baseline_value is not None:
            for start, end in _number_spans(sentence.text, figure.baseline_value):
                covered.append((start, end))
    sentence.unsourced = [
        sentence.text[start:end]
        for start, end in written_numbers(sentence.text)
        if not any(a <= start < b for a, b in covered)
    ]


# -- plain text of a part, and back ----------------------------------------------------------


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


_SECTION_LINE = re.compile(r"^(（[一二三四五六七八九十]+）)(.*)$")
_SUBSECTION_LINE = re.compile(r"^(\d+[.．])\s*(.*)$")


def _heading_split(rest: str) -> tuple[str, str]:
    """A heading line "title" or a run-in "title。text": (title, text)."""
    rest = rest.strip()
    cut = rest.find("。")
    if 0 <= cut < len(rest) - 1:
        return rest[: cut + 1], rest[cut + 1 :].strip()
    return rest.rstrip("。"), ""


def parse_part_text(text: str) -> tuple[list[Paragraph], list[Section]]:
    """The coordinator's text of a part as paragraphs and sections: a line "（一）标题" opens
    a section ("（一）标题。正文…" a run-in one), "1. 标题" a sub-section; other lines are
    paragraphs."""
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []

    def paragraph(body: str, lead: str = "") -> Paragraph:
        body = body.strip()
        match = re.match(r"^([一二三四五六七八九十]+是)", body)
        number = match.group(1) if match else ""
        sentences = [Sentence(s, origin="edited") for s in split_sentences(body[len(number) :])]
        return Paragraph(sentences=sentences, ordinal=number, lead=lead)

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        section_match = _SECTION_LINE.match(line)
        sub_match = _SUBSECTION_LINE.match(line) if sections else None
        if section_match:
            title, body = _heading_split(section_match.group(2))
            section = Section(number=section_match.group(1), title=title)
            if body:
                section.paragraphs.append(paragraph(body, lead=section.heading))
            sections.append(section)
        elif sub_match and len(_heading_split(sub_match.group(2))[0]) <= 60:
            title, body = _heading_split(sub_match.group(2))
            sub = Section(number=sub_match.group(1), title=title, depth=2)
            if body:
                sub.paragraphs.append(paragraph(body, lead=sub.heading))
            sections[-1].subsections.append(sub)
        else:
            target = sections[-1] if sections else None
            if target is not None and target.subsections:
                target = target.subsections[-1]
            (target.paragraphs if target is not None else paragraphs).append(paragraph(line))
    return paragraphs, sections


#: Wording that changes with the calendar, not with the data (已逾期12天 grows every day).
_CALENDAR_WORDING = re.compile(r"已逾期\d+天")


def fingerprint(paragraphs: list[Paragraph], sections: list[Section]) -> str:
    """A hash of a generated part's text and sources: it changes when its data does."""
    items = []
    for paragraph in [*paragraphs, *(p for s in sections for p in s.all_paragraphs())]:
        for sentence in paragraph.sentences:
            items.append(
                [
                    _CALENDAR_WORDING.sub("已逾期", sentence.text),
                    sorted(sentence.task_ids),
                    sorted(sentence.record_ids),
                    sorted(sentence.evidence_ids),
                ]
            )
    headings = [s.heading for s in sections] + [
        sub.heading for s in sections for sub in s.subsections
    ]
    payload = json.dumps([headings, items], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# -- the builder -----------------------------------------------------------------------------


class _Builder:
    def __init__(self, data: ReportInput):
        self.data = data
        self.year = data.year
        self.warnings: list[ReportWarning] = []
        self.tasks = [t for t in data.tasks if t.id not in data.excluded_task_ids]
        self.by_id = {t.id: t for t in self.tasks}
        self.top_tasks = [t for t in self.tasks if t.parent_id is None]
        self.occurrences: dict[int, list[TaskInfo]] = defaultdict(list)
        for task in self.tasks:
            if task.parent_id is not None:
                self.occurrences[task.parent_id].append(task)
        # records belong to the task they were entered on; an occurrence's count for its parent
        self.records_of: dict[int, list[RecordInfo]] = defaultdict(list)
        for record in data.records:
            task = self.by_id.get(record.task_id)
            if task is None:
                continue
            self.records_of[task.parent_id or task.id].append(record)
        self.facts: dict[str, list[Fact]] = defaultdict(list)

    # -- opening --------------------------------------------------------------------------

    def opening(self) -> Part:
        d = self.data
        live = [t for t in self.top_tasks if t.status != "cancelled"]
        done = [t for t in live if t.status == "done"]
        late = [t for t in live if t.status != "done"]
        plan = f"《{d.plan_title}》" + (f"（{d.document_number}）" if d.document_number else "")
        text = (
            f"{self.year}年，{d.bureau}深入贯彻落实党中央、国务院关于法治政府建设的决策部署，"
            f"按照{plan}确定的{len(live)}项重点任务，逐项明确牵头单位、责任人和完成时限，"
        )
        if late:
            text += f"全年办结{len(done)}项，{len(late)}项尚未办结。"
        else:
            text += f"{len(done)}项任务全部办结。"
        sentence = Sentence(text, origin="generated", task_ids=[t.id for t in live])
        figures = [
            Figure("工作要点重点任务", len(live), "项", task_ids=[t.id for t in live]),
            Figure("已办结任务", len(done), "项", task_ids=[t.id for t in done]),
        ]
        if late:
            figures.append(Figure("尚未办结任务", len(late), "项", task_ids=[t.id for t in late]))
        place_figures(sentence, figures)
        closing = Sentence(f"现将我局{self.year}年度法治政府建设情况报告如下：", origin="fixed")
        return Part("opening", "", "", paragraphs=[Paragraph([sentence, closing])])

    # -- 一、 measures and results ----------------------------------------------------------

    def task_paragraph(self, task: TaskInfo, number: str, part_key: str) -> Paragraph:
        statement = strip_ordinal(task.result_statement)
        periods = [o for o in self.occurrences.get(task.id, []) if o.status == "done"]
        if not statement and periods:
            # a recurring task is done when its periods are: say so, period by period
            statement = f"{task.title.rstrip('。')}，全年{len(periods)}期均按要求完成"
        elif not statement:
            statement = task.title
            self.warnings.append(ReportWarning("no_result_statement", part_key, task_ids=[task.id]))
        evidence = list(task.evidence_ids)
        for occurrence in self.occurrences.get(task.id, []):
            evidence.extend(e for e in occurrence.evidence_ids if e not in evidence)
        sentences = [
            Sentence(text, origin="statement", task_ids=[task.id], evidence_ids=list(evidence))
            for text in split_sentences(_sentence_end(statement))
        ]
        facts = record_facts(self.records_of.get(task.id, []), self.year, self.data.advisors)
        self.facts[part_key].extend(facts)
        for fact in anchor_facts(sentences, facts):
            sentences.append(fact_sentence(fact))
        return Paragraph(sentences=sentences, ordinal=number)

    def measures(self) -> Part:
        title = f"{self.year}年推进法治政府建设的主要举措和成效"
        part = Part("measures", "一、", title)
        done = [t for t in self.top_tasks if t.status == "done" and not t.is_principal_duty]
        by_section: dict[int | None, list[TaskInfo]] = defaultdict(list)
        for task in done:
            by_section[task.section_id].append(task)
        known = {s.id for s in self.data.sections}
        children: dict[int | None, list[SectionInfo]] = defaultdict(list)
        for section in self.data.sections:
            children[section.parent_id if section.parent_id in known else None].append(section)

        def subtree_ids(section: SectionInfo) -> list[int]:
            ids = [section.id]
            for child in children.get(section.id, []):
                ids.extend(subtree_ids(child))
            return ids

        def paragraphs_for(tasks: list[TaskInfo]) -> list[Paragraph]:
            numbered = len(tasks) > 1
            return [
                self.task_paragraph(t, ordinal(i) if numbered else "", part.key)
                for i, t in enumerate(tasks, 1)
            ]

        count = 0
        for top in children.get(None, []):
            own = by_section.get(top.id, [])
            subs = []
            for child in children.get(top.id, []):
                tasks = [t for sid in subtree_ids(child) for t in by_section.get(sid, [])]
                if tasks:
                    subs.append((child, tasks))
            if not own and not subs:
                if any(t.section_id in subtree_ids(top) for t in self.top_tasks):
                    self.warnings.append(
                        ReportWarning("section_without_results", part.key, {"section": top.title})
                    )
                continue
            count += 1
            section = Section(
                number=f"（{chinese_number(count)}）",
                title=top.title.strip().rstrip("。"),
                paragraphs=paragraphs_for(own),
                source_section_ids=subtree_ids(top),
            )
            for index, (child, tasks) in enumerate(subs, 1):
                section.subsections.append(
                    Section(
                        number=f"{index}.",
                        title=child.title.strip().rstrip("。"),
                        paragraphs=paragraphs_for(tasks),
                        depth=2,
                        source_section_ids=subtree_ids(child),
                    )
                )
            part.sections.append(section)
        loose = [t for t in by_section.get(None, [])] + [
            t
            for sid, tasks in by_section.items()
            if sid is not None and sid not in known
            for t in tasks
        ]
        if loose:
            count += 1
            part.sections.append(
                Section(
                    number=f"（{chinese_number(count)}）",
                    title="其他工作",
                    paragraphs=paragraphs_for(loose),
                )
            )
        if not part.sections:
            part.paragraphs.append(
                Paragraph(
                    [Sentence(f"【待补充：{self.year}年尚无办结的任务】", origin="placeholder")]
                )
            )
            self.warnings.append(ReportWarning("no_done_tasks", part.key))
        return part

    # -- 二、 shortcomings --------------------------------------------------------------------

    def _late_days(self, task: TaskInfo) -> int:
        finished = task.submitted_on or task.completed_on
        if task.due_date is None or finished is None:
            return 0
        return max(0, (finished - task.due_date).days)

    def shortcomings(self) -> Part:
        part = Part("shortcomings", "二、", "存在的不足和原因")
        today = self.data.today
        groups: list[tuple[str, list[Sentence]]] = []

        def label(task: TaskInfo) -> str:
            name = f"“{task.title}”"
            return f"{name}（{task.lead_unit}牵头）" if task.lead_unit else name

        unfinished, overdue = [], []
        for task in self.top_tasks:
            if task.status not in ("assigned", "in_progress", "submitted", "draft"):
                continue
            text = label(task)
            if task.due_date:
                text += f"原定{chinese_date(task.due_date)}前完成，"
            if task.status == "submitted":
                text += "已申请办结，尚待审核"
            else:
                text += f"尚未完成，进度{task.progress}%"
            if task.due_date and task.due_date < today and task.status != "submitted":
                text += f"，已逾期{(today - task.due_date).days}天"
                overdue.append(task.id)
            open_periods = [
                o.period_label
                for o in self.occurrences.get(task.id, [])
                if o.status not in ("done", "cancelled") and o.due_date and o.due_date < today
            ]
            if open_periods:
                text += f"，其中{'、'.join(open_periods)}未按期完成"
            unfinished.append(Sentence(text + "。", task_ids=[task.id]))
        if unfinished:
            text = f"部分任务尚未完成，共{len(unfinished)}项"
            if overdue:
                text += f"，其中{len(overdue)}项已超过完成时限"
            intro = Sentence(text + "：", origin="generated")
            intro.task_ids = [i for s in unfinished for i in s.task_ids]
            figures = [Figure("尚未完成任务", len(unfinished), "项", task_ids=intro.task_ids)]
            if overdue:
                figures.append(Figure("超过完成时限的任务", len(overdue), "项", task_ids=overdue))
            place_figures(intro, figures)
            groups.append(("unfinished", [intro, *unfinished]))

        late = []
        for task in self.top_tasks:
            days = self._late_days(task) if task.status == "done" else 0
            if days:
                late.append(
                    Sentence(
                        f"{label(task)}于{chinese_date(task.submitted_on or task.completed_on)}"
                        f"办结，超出完成时限{days}天。",
                        task_ids=[task.id],
                    )
                )
        if late:
            groups.append(("late", [Sentence("个别任务逾期办结：", origin="fixed"), *late]))

        returned = []
        for task in self.top_tasks + [t for ts in self.occurrences.values() for t in ts]:
            if not task.returns:
                continue
            reasons = "；".join(r.note for r in task.returns if r.note)
            text = f"{label(task)}办理结果被退回{len(task.returns)}次"
            text += f"，原因是：{reasons}。" if reasons else "。"
            returned.append(Sentence(text, task_ids=[task.id]))
        if returned:
            groups.append(
                ("returned", [Sentence("部分任务办理质量不高，需退回补充：", "fixed"), *returned])
            )

        missed = []
        for task in self.top_tasks:
            if task.target_count is None or task.status == "cancelled":
                continue
            achieved = task.achieved_count or 0
            if achieved >= task.target_count:
                continue
            measure = task.target_measure
            sentence = Sentence(
                f"{label(task)}计划完成{task.target_count}{measure}，实际完成{achieved}{measure}。",
                task_ids=[task.id],
            )
            records = self.records_of.get(task.id, [])
            sentence.add_sources(
                record_ids=[r.id for r in records], evidence_ids=_evidence_of(records)
            )
            place_figures(
                sentence,
                [
                    Figure("目标数", task.target_count, measure, task_ids=[task.id]),
                    Figure(
                        "实际完成数",
                        achieved,
                        measure,
                        record_ids=[r.id for r in records],
                        task_ids=[task.id],
                        evidence_ids=_evidence_of(records),
                    ),
                ],
            )
            missed.append(sentence)
        if missed:
            groups.append(("missed", [Sentence("部分量化目标尚未完成：", "fixed"), *missed]))

        steps_open = []
        unrectified = []
        for record in self.data.records:
            task = self.by_id.get(record.task_id)
            if task is None:
                continue
            if record.kind == "decision" and record.attrs.get("open_steps"):
                missing = "、".join(STEP_WORDS[s] for s in record.attrs["open_steps"])
                title = _decision_title(record.attrs.get("decision_title", ""))
                steps_open.append(
                    Sentence(
                        f"重大行政决策《{title}》尚未履行{missing}程序。",
                        task_ids=[task.id],
                        record_ids=[record.id],
                        evidence_ids=list(record.evidence_ids),
                    )
                )
            if (
                record.kind == "inspection"
                and record.attrs.get("problem_count")
                and not record.attrs.get("rectified_on")
            ):
                due = record.attrs.get("rectification_due")
                text = (
                    f"对{record.attrs.get('target_organisation', '')}检查发现的"
                    f"{record.attrs['problem_count']}个问题尚未整改到位"
                )
                if due and due < today:
                    text += f"，已超过整改期限（{chinese_date(due)}）"
                unrectified.append(
                    Sentence(
                        text + "。",
                        task_ids=[task.id],
                        record_ids=[record.id],
                        evidence_ids=list(record.evidence_ids),
                    )
                )
        if steps_open:
            groups.append(
                ("steps", [Sentence("重大行政决策法定程序履行不够到位：", "fixed"), *steps_open])
            )
        if unrectified:
            groups.append(
                ("rectify", [Sentence("检查发现问题的整改不够及时：", "fixed"), *unrectified])
            )

        cancelled = []
        for task in self.top_tasks:
            if task.status == "cancelled":
                reason = f"，原因是：{task.cancel_note}" if task.cancel_note else ""
                cancelled.append(Sentence(f"{label(task)}经研究撤销{reason}。", task_ids=[task.id]))
        if cancelled:
            groups.append(("cancelled", [Sentence("个别任务未能实施：", "fixed"), *cancelled]))

        if groups:
            intro = Sentence(
                f"{self.year}年，我局法治政府建设工作取得了一定成效，但对照年度工作要点和法治"
                "政府建设的要求，仍存在一些不足，主要体现在：",
                origin="fixed",
            )
            part.paragraphs.append(Paragraph([intro]))
            for index, (_kind, sentences) in enumerate(groups, 1):
                part.paragraphs.append(Paragraph(sentences, ordinal=ordinal(index)))
        else:
            live = [t for t in self.top_tasks if t.status != "cancelled"]
            part.paragraphs.append(
                Paragraph(
                    [
                        Sentence(
                            f"对照年度工作要点，全年{len(live)}项任务均已按期办结，确定的量化目标"
                            "全部完成。",
                            task_ids=[t.id for t in live],
                        ),
                        Sentence(
                            "【待补充：与法治政府建设要求相比存在的差距及其原因】",
                            origin="placeholder",
                        ),
                    ]
                )
            )
            self.warnings.append(ReportWarning("write_causes", part.key))
        return part

    # -- 三、 the principal leader ------------------------------------------------------------

    def principal(self) -> Part:
        part = Part("principal", "三、", "党政主要负责人履行推进法治建设第一责任人职责情况")
        duties = [t for t in self.top_tasks if t.is_principal_duty and t.status == "done"]
        duty_ids = {t.id for t in self.top_tasks if t.is_principal_duty}
        sentences: list[Sentence] = []
        facts: list[Fact] = []
        for task in duties:
            statement = strip_ordinal(task.result_statement) or task.title
            sentences.extend(
                Sentence(
                    s, origin="statement", task_ids=[task.id], evidence_ids=list(task.evidence_ids)
                )
                for s in split_sentences(_sentence_end(statement))
            )
            facts += record_facts(
                self.records_of.get(task.id, []),
                self.year,
                self.data.advisors,
                skip_kinds=("study_session",),
            )
        sessions = []
        for record in self.data.records:
            if record.kind != "study_session" or record.task_id not in self.by_id:
                continue
            root = self.by_id[record.task_id].parent_id or record.task_id
            chaired = record.attrs.get("chaired_by_id") in self.data.principal_ids or (
                record.attrs.get("chaired_by_name") in self.data.principal_names
                and record.attrs.get("chaired_by_name")
            )
            if chaired or root in duty_ids:
                sessions.append(record)
        facts += session_facts(sessions, self.year, principal=True)
        self.facts[part.key].extend(facts)
        left = anchor_facts(sentences, facts)
        if left:
            phrases = []
            extra = Sentence("", origin="generated")
            for fact in left:
                generated = fact_sentence(fact)
                phrases.append(generated.text.removeprefix("年内").rstrip("。"))
            extra.text = "年内" + "，".join(phrases) + "。"
            for fact in left:
                place_figures(extra, fact.figures)
                extra.add_sources(**fact.sources())
            sentences.append(extra)
        if not sentences:
            sentences.append(
                Sentence(
                    "【待补充：主要负责人履行推进法治建设第一责任人职责的情况】",
                    origin="placeholder",
                )
            )
            self.warnings.append(ReportWarning("no_principal_duties", part.key))
        part.paragraphs.append(Paragraph(sentences))
        open_duties = [t for t in self.top_tasks if t.is_principal_duty and t.status != "done"]
        if open_duties:
            self.warnings.append(
                ReportWarning(
                    "principal_duties_open", part.key, task_ids=[t.id for t in open_duties]
                )
            )
        return part

    # -- 四、 next year -------------------------------------------------------------------------

    def arrangements(self) -> Part:
        part = Part("arrangements", "四、", f"{self.year + 1}年推进法治政府建设的主要安排")
        plan = self.data.next_plan
        if plan is None:
            part.paragraphs.append(
                Paragraph(
                    [
                        Sentence(
                            f"【待补充：{self.year + 1}年法治政府建设工作要点制定后据此生成】",
                            origin="placeholder",
                        )
                    ]
                )
            )
            self.warnings.append(ReportWarning("no_next_plan", part.key, {"year": self.year + 1}))
            return part
        tasks = [t for t in plan.tasks if t.parent_id is None and not t.is_principal_duty]
        known = {s.id for s in plan.sections}
        parent_of = {s.id: s.parent_id for s in plan.sections}

        def top_of(section_id: int | None) -> int | None:
            while section_id is not None and parent_of.get(section_id) in known:
                section_id = parent_of[section_id]
            return section_id if section_id in known else None

        by_top: dict[int | None, list[TaskInfo]] = defaultdict(list)
        for task in tasks:
            by_top[top_of(task.section_id)].append(task)
        groups = [(s.title, by_top.get(s.id, [])) for s in plan.sections if s.parent_id is None]
        if by_top.get(None):
            groups.append(("其他工作", by_top[None]))
        count = 0
        for title, group in groups:
            if not group:
                continue
            count += 1
            heading = f"（{chinese_number(count)}）"
            title = title.strip().rstrip("。")
            sentences = []
            for task in group:
                body = strip_ordinal(task.text) or task.title
                sentences.extend(
                    Sentence(s, origin="statement", task_ids=[task.id])
                    for s in split_sentences(_sentence_end(body))
                )
            lead = f"{heading}{title}。"
            part.sections.append(
                Section(
                    number=heading,
                    title=title + "。",
                    paragraphs=[Paragraph(sentences, lead=lead)],
                    source_section_ids=[],
                )
            )
        if not part.sections:
            part.paragraphs.append(
                Paragraph(
                    [
                        Sentence(
                            f"【待补充：《{plan.title}》尚无任务】",
                            origin="placeholder",
                        )
                    ]
                )
            )
            self.warnings.append(ReportWarning("next_plan_empty", part.key, {"title": plan.title}))
        return part

    # -- 五、 other matters -------------------------------------------------------------------

    def other(self) -> Part:
        return Part("other", "五、", "其他需要报告的情况")

    # -- edits ----------------------------------------------------------------------------------

    def finish(self, part: Part) -> Part:
        """Fingerprint the generated part, then show the coordinator's text if there is one."""
        part.fingerprint = fingerprint(part.paragraphs, part.sections)
        part.generated_text = part.plain_text()
        edit = self.data.edits.get(part.key)
        if edit is not None and edit.text is not None:
            paragraphs, sections = parse_part_text(edit.text)
            sentences = [s for p in paragraphs for s in p.sentences] + [
                s for sec in sections for p in sec.all_paragraphs() for s in p.sentences
            ]
            facts = self.facts.get(part.key, [])
            if part.key == "opening":
                facts = [
                    Fact([f], "", _keywords(f.label)) for s in part.sentences() for f in s.figures
                ]
            left = anchor_facts(sentences, facts)
            part.paragraphs, part.sections = paragraphs, sections
            # what was said of the generated text no longer applies to the coordinator's
            self.warnings = [w for w in self.warnings if w.part_key != part.key]
            part.edit = Edit(
                revision_id=edit.revision_id,
                author=edit.author,
                created_at=edit.created_at,
                note=edit.note,
                base_text=edit.base_text,
                data_changed=bool(edit.fingerprint) and edit.fingerprint != part.fingerprint,
                dropped=[f for fact in left for f in fact.figures[:1]],
            )
            if part.edit.data_changed:
                self.warnings.append(ReportWarning("data_changed", part.key))
        heading = part.heading or "开头"  # the opening paragraph has no heading of its own
        for section in part.sections:
            for paragraph in section.all_paragraphs():
                for sentence in paragraph.sentences:
                    for figure in sentence.figures:
                        figure.section = section.heading
        for sentence in part.sentences():
            mark_unsourced(sentence)
            for figure in sentence.figures:
                figure.part, figure.part_key = heading, part.key
                figure.text = sentence.text
        unsourced = [n for s in part.sentences() if s.origin != "placeholder" for n in s.unsourced]
        if unsourced:
            self.warnings.append(
                ReportWarning("unsourced_figures", part.key, {"figures": "、".join(unsourced)})
            )
        if any(s.origin == "placeholder" for s in part.sentences()) and not any(
            w.part_key == part.key for w in self.warnings
        ):
            self.warnings.append(ReportWarning("placeholder", part.key))
        return part

    def build(self) -> Report:
        d = self.data
        opening = self.finish(self.opening())
        parts = [
            self.finish(self.measures()),
            self.finish(self.shortcomings()),
            self.finish(self.principal()),
            self.finish(self.arrangements()),
        ]
        parts.append(self.finish(self.other()))
        return Report(
            plan_id=d.plan_id,
            year=self.year,
            bureau=d.bureau,
            title=f"{d.bureau}{self.year}年度法治政府建设情况报告",
            opening=opening,
            parts=parts,
            signatory=d.signatory or d.bureau,
            signed_on=d.signed_on or d.today,
            warnings=self.warnings,
        )


def build_report(data: ReportInput) -> Report:
    """The annual report of one plan, with the coordinator's edits applied."""
    return _Builder(data).build()
