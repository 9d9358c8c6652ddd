"""The builder's input: a plan's sections, tasks, ledger records and the coordinator's edits,
as plain data (filled by `tracker.reports.queries`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

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


@dataclass(slots=True)
class TaskInfo:
    """One task of the plan (slots: a plan may have 100,000 of them)."""

    id: int
    title: str
    section_id: int | None = None
    #: The recurring task this one is an occurrence of.
    parent_id: int | None = None
    status: str = "done"
    kind: str = "general"
    #: The task's wording in the plan: read for the next year's plan only (its arrangements).
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
    #: Empty tuples until there is one (a list of its own for each of 100,000 tasks: 11 MB).
    returns: list[ReturnInfo] | tuple = ()
    cancel_note: str = ""
    #: Current, not rejected evidence attached to the task itself.
    evidence_ids: list[int] | tuple = ()


@dataclass
class CauseInfo:
    """Why work fell behind, as a unit stated it for a task (overdue, returned, late
    submission) or the coordinator for the year as a whole (task_id None)."""

    cause: str
    explanation: str = ""
    remedy: str = ""
    occasion: str = "overdue"
    task_id: int | None = None


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
class IndicatorInfo:
    """A statutory indicator (tracker.records.indicators) over the ledger records of one task
    and its occurrences, judged at the plan's "as of" date: `value` percent of the
    denominator's records are in the numerator."""

    key: str
    task_id: int
    value: Decimal
    numerator_ids: list[int] = field(default_factory=list)
    denominator_ids: list[int] = field(default_factory=list)


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
    #: The statutory indicators of each task's records, where any record counts.
    indicators: list[IndicatorInfo] = field(default_factory=list)
    advisors: list[AdvisorInfo] = field(default_factory=list)
    #: The principal leader(s) of the bureau (第一责任人): user ids and display names.
    principal_ids: set[int] = field(default_factory=set)
    principal_names: set[str] = field(default_factory=set)
    next_plan: NextPlanInfo | None = None
    edits: dict[str, PartEdit] = field(default_factory=dict)
    signatory: str = ""
    signed_on: date | None = None
    #: What guided the year's work, for the opening (the plan's preamble or the coordinator's
    #: words); "" for the default.
    framing: str = ""
    #: Causes of delay stated during the year (part 二 is written from them).
    causes: list[CauseInfo] = field(default_factory=list)
    #: Tasks the report leaves out (none by default).
    excluded_task_ids: set[int] = field(default_factory=set)
    #: "city" when the plan is a city's (the 依法治市办's): the report speaks of 我市, not 我局.
    issuer_kind: str = "bureau"
    #: The bureau's report settings: the name the opening uses (市民政局), how the report refers
    #: to the bureau (我局, 我委), and the body it is addressed to (主送机关); "" for the defaults.
    short_name: str = ""
    self_reference: str = ""
    addressee: str = ""
    #: Sentences about data beyond the plan, said in the opening after its results (a city's
    #: report: the figures of its bureaus, from tracker.upward).
    wider_sentences: list[str] = field(default_factory=list)
