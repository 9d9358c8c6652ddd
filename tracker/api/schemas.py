"""What the API takes and gives, as pydantic models: they validate requests, shape responses
and are the source of the OpenAPI document's schemas (tracker/api/openapi.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tracker.tasks.lights import LIGHTS
from tracker.tasks.models import TASK_KINDS, TASK_STATUSES

TaskStatus = Literal[TASK_STATUSES]  # type: ignore[valid-type]
TaskKind = Literal[TASK_KINDS]  # type: ignore[valid-type]
Light = Literal[LIGHTS]  # type: ignore[valid-type]


#: Text without control characters (tab, line feed and carriage return excepted), as the input
#: guard demands of query strings and forms (tracker/core/input_guard.py): PostgreSQL refuses NUL.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]


#: A row id: the database's integer range (larger numbers cannot name anything).
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20000)


# -- query parameters ---------------------------------------------------------------------------


class PageQuery(Strict):
    page: int = Field(1, ge=1, le=100000, description="Page number, from 1.")
    per_page: int = Field(20, ge=1, le=100, description="Items per page (at most 100).")


class TaskQuery(PageQuery):
    """The filters of the work list page (/tasks), under the same names."""

    plan: int | None = Field(None, ge=1, le=2**31 - 1)
    year: int | None = Field(None, ge=1900, le=2200)
    status: TaskStatus | None = None
    light: Light | None = None
    kind: TaskKind | None = None
    unit: int | None = Field(None, ge=1, le=2**31 - 1)
    q: Text = Field("", max_length=100, description="Words in the number, title or text.")
    city_item: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The bureau tasks decomposing this city item (任务分解), done ones included.",
    )


class RecordQuery(PageQuery):
    task: int | None = Field(None, ge=1, le=2**31 - 1)


class NotificationQuery(PageQuery):
    unread: bool = False


class DashboardQuery(Strict):
    year: int | None = Field(None, ge=1900, le=2200)


# -- request bodies -----------------------------------------------------------------------------


class TaskIn(Strict):
    """A task as a coordinator creates it (the fields of the task form)."""

    plan_id: int = Field(ge=1, le=2**31 - 1)
    title: Text = Field(min_length=1, max_length=300)
    section_id: int | None = Field(None, ge=1, le=2**31 - 1)
    number: Text = Field("", max_length=20)
    text: Text = ""
    kind: TaskKind = "general"
    lead_unit_id: int | None = Field(None, ge=1, le=2**31 - 1)
    co_unit_ids: list[Id] = Field(default_factory=list, max_length=50)
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1)
    supervisor_id: int | None = Field(None, ge=1, le=2**31 - 1)
    start_date: date | None = None
    due_date: date | None = None
    is_continuous: bool = False
    deadline_text: Text = Field("", max_length=100)
    target_count: int | None = Field(None, ge=0, le=1000000)
    target_measure: Text = Field("", max_length=20)
    is_principal_duty: bool = False
    confirm_past_due: bool = False


class TaskPatch(Strict):
    """The fields to change; the others keep their value."""

    title: Text | None = Field(None, min_length=1, max_length=300)
    section_id: int | None = Field(None, ge=1, le=2**31 - 1)
    number: Text | None = Field(None, max_length=20)
    text: Text | None = None
    kind: TaskKind | None = None
    lead_unit_id: int | None = Field(None, ge=1, le=2**31 - 1)
    co_unit_ids: list[Id] | None = Field(None, max_length=50)
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1)
    supervisor_id: int | None = Field(None, ge=1, le=2**31 - 1)
    start_date: date | None = None
    due_date: date | None = None
    is_continuous: bool | None = None
    deadline_text: Text | None = Field(None, max_length=100)
    target_count: int | None = Field(None, ge=0, le=1000000)
    achieved_count: int | None = Field(None, ge=0, le=1000000)
    target_measure: Text | None = Field(None, max_length=20)
    result_statement: Text | None = None
    confirm_past_due: bool = False


class ProgressIn(Strict):
    """进展反馈."""

    note: Text = Field(min_length=1, max_length=5000)
    progress: int = Field(ge=0, le=100)


class ActionIn(Strict):
    """签收 (claim), 申请办结 (submit), 办结 (accept), 退回 (return), 撤销 (cancel)."""

    note: Text = Field("", max_length=5000, description="The reason; required to return or cancel.")
    result_statement: Text | None = Field(
        None, max_length=20000, description="成效: required to submit, unless already set."
    )
    cause: Text = Field("", max_length=200, description="Cause of a delay (late submission).")
    cause_explanation: Text = Field("", max_length=5000)
    cause_remedy: Text = Field("", max_length=5000)


class UrgeIn(Strict):
    """催办: the legal office chases the lead unit."""

    note: Text = Field("", max_length=500, description="A note to the unit (optional).")


class UrgeOut(BaseModel):
    """One 催办: its level (0 the lead unit's chiefs, 1 also the supervising leader, 2 also the
    principal), whom it reached and how many times the task has been urged."""

    id: int
    task_id: int
    level: int
    level_label: str
    recipient_count: int
    count: int
    created_at: datetime


class MarkReadIn(Strict):
    ids: list[Id] | None = Field(
        None, max_length=500, description="The notifications to mark read; all when omitted."
    )


# -- responses ----------------------------------------------------------------------------------


class UnitRef(BaseModel):
    id: int
    name: str


class PersonRef(BaseModel):
    id: int
    name: str


class PlanOut(BaseModel):
    id: int
    year: int
    title: str
    document_number: str
    status: str
    bureau: UnitRef


class SectionOut(BaseModel):
    id: int
    parent_id: int | None
    label: str
    title: str
    depth: int


class TaskOut(BaseModel):
    id: int
    plan_id: int
    section_id: int | None
    parent_id: int | None
    number: str
    title: str
    text: str
    kind: str
    status: str
    light: str
    progress: int
    lead_unit: UnitRef | None
    co_units: list[UnitRef]
    owner: PersonRef | None
    start_date: date | None
    due_date: date | None
    is_continuous: bool
    deadline_text: str
    result_statement: str
    completed_at: datetime | None
    city_item_id: int | None = Field(
        description="The city plan's item this bureau task decomposes (任务分解), if any."
    )
    version: int
    actions: list[str] = Field(description="The workflow actions the caller may take now.")


class TimelineEntry(BaseModel):
    at: datetime
    who: str
    kind: str
    note: str
    progress: int | None
    status_from: str | None
    status_to: str | None


class TaskDetail(TaskOut):
    timeline: list[TimelineEntry]


class RecordOut(BaseModel):
    id: int
    kind: str
    task_id: int
    unit: UnitRef
    occurred_on: date | None
    summary: str
    is_void: bool
    version: int


class EvidenceOut(BaseModel):
    id: int
    kind: str
    title: str
    original_name: str
    size: int | None
    content_type: str
    sha256: str | None
    url: str
    review_status: str
    uploaded_at: datetime
    download: str | None = Field(description="Where to download the file (files only).")


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    task_id: int | None
    created_at: datetime
    read_at: datetime | None


class MarkReadOut(BaseModel):
    marked: int


class DashboardOut(BaseModel):
    year: int | None
    total: int
    by_status: dict[str, int]
    by_light: dict[str, int]
    overdue: int
    done: int
    completion_rate: float = Field(description="Done tasks as a share of counted tasks (0–1).")


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[dict] | None = None
