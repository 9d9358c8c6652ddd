"""Task, its co-units and its append-only progress timeline."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.units.models import Unit

TASK_KINDS = (
    "general",
    "normative_review",
    "enforcement_cert",
    "legal_counsel",
    "inspection",
    "major_decision",
    "study",
    "publicity",
)
#: draft (plan not yet published) → assigned (交办) → in_progress (签收) → submitted (申请办结)
#: → done (办结); returned (退回) goes back to in_progress; cancelled (撤销) ends it.
TASK_STATUSES = ("draft", "assigned", "in_progress", "submitted", "done", "cancelled")
OPEN_STATUSES = ("assigned", "in_progress", "submitted")
CLOSED_STATUSES = ("done", "cancelled")
RECURRENCES = ("none", "monthly", "quarterly", "half-yearly", "yearly")

task_co_units = sa.Table(
    "task_co_units",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True),
    # The primary key serves lookups by task; this one serves "the tasks a unit helps with".
    sa.Index("ix_task_co_units_unit_id_task_id", "unit_id", "task_id"),
)


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {TASK_KINDS!r}", name="kind"),
        sa.CheckConstraint(f"status IN {TASK_STATUSES!r}", name="status"),
        sa.CheckConstraint(f"recurrence IN {RECURRENCES!r}", name="recurrence"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.Index("ix_tasks_plan_id_position", "plan_id", "position"),
        sa.Index("ix_tasks_status_due_date", "status", "due_date"),
        # covers the plan page's counts per section (completion_by_section) at 100k tasks
        sa.Index(
            "ix_tasks_plan_id_section_id_status", "plan_id", "section_id", "status", "parent_id"
        ),
        # the principal's duties of a plan (第一责任人: duties page, briefing): a few among
        # 100,000 tasks, read otherwise by walking the whole plan (20-30 ms a page at 100k). A
        # partial index: over every task, its statistics (half the plan per value) would never
        # have the planner choose it. The condition is written as the queries write it.
        sa.Index(
            "ix_tasks_principal_duties",
            "plan_id",
            "position",
            sqlite_where=sa.text("is_principal_duty IS 1"),
            postgresql_where=sa.text("is_principal_duty IS true"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False
    )
    section_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sections.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The recurring task this one is an occurrence of.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The number as written: 一是, 1., （2）…
    number: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="general")
    lead_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id"), nullable=True, index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True, index=True
    )
    #: 分管领导: the leader escalations go to.
    supervisor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    start_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: 完成时限; null with is_continuous means 长期坚持.
    due_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The due date was already past when it was set; the coordinator confirmed it knowingly.
    is_due_date_past_confirmed: Mapped[bool] = mapped_column(nullable=False, default=False)
    is_continuous: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: The deadline as the plan words it (e.g. 6月底前), kept beside the computed date.
    deadline_text: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    recurrence: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="none")
    #: For an occurrence of a recurring task: the period it covers, e.g. 2026年第3季度.
    period_label: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="")
    #: Quantitative target (e.g. 18 次): count and measure word.
    target_count: Mapped[int | None] = mapped_column(nullable=True)
    target_measure: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")
    #: What was achieved toward target_count (entered, or counted from records).
    achieved_count: Mapped[int | None] = mapped_column(nullable=True)
    #: An item of the principal leader's duty list (第一责任人职责).
    is_principal_duty: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: 成效: the sentence the annual report will use.
    result_statement: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    progress: Mapped[int] = mapped_column(nullable=False, default=0)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="draft")
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    #: Local date the task was last submitted (申请办结): a task submitted on time is not late.
    submitted_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Optimistic lock: bumped on every change; a stale form is refused.
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: The city plan's item this bureau task decomposes (任务分解, tracker.cascade).
    city_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="SET NULL"), nullable=True, index=True
    )

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan] = relationship()
    section: Mapped[Section | None] = relationship()
    parent: Mapped[Task | None] = relationship(
        remote_side=[id], back_populates="occurrences", foreign_keys=[parent_id]
    )
    occurrences: Mapped[list[Task]] = relationship(
        back_populates="parent",
        order_by="Task.due_date",
        cascade="all, delete-orphan",
        foreign_keys=[parent_id],
    )
    city_item: Mapped[Task | None] = relationship(remote_side=[id], foreign_keys=[city_item_id])
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    co_units: Mapped[list[Unit]] = relationship(secondary=task_co_units, order_by="Unit.sort_order")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    updates: Mapped[list[TaskUpdate]] = relationship(
        back_populates="task", order_by="TaskUpdate.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def target_text(self) -> str:
        if self.target_count is None:
            return ""
        return f"{self.achieved_count or 0} / {self.target_count} {self.target_measure}".strip()

    def to_audit(self) -> dict:
        return {
            "plan_id": self.plan_id,
            "section_id": self.section_id,
            "parent_id": self.parent_id,
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "kind": self.kind,
            "lead_unit_id": self.lead_unit_id,
            "co_unit_ids": sorted(u.id for u in self.co_units),
            "owner_id": self.owner_id,
            "supervisor_id": self.supervisor_id,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "is_due_date_past_confirmed": self.is_due_date_past_confirmed,
            "is_continuous": self.is_continuous,
            "deadline_text": self.deadline_text,
            "recurrence": self.recurrence,
            "target_count": self.target_count,
            "target_measure": self.target_measure,
            "achieved_count": self.achieved_count,
            "is_principal_duty": self.is_principal_duty,
            "result_statement": self.result_statement,
            "progress": self.progress,
            "status": self.status,
            "position": self.position,
        }

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.number} {self.title[:20]!r} {self.status}>"


UPDATE_KINDS = (
    "progress",  # 进展反馈
    "assign",  # 交办
    "claim",  # 签收
    "submit",  # 申请办结
    "accept",  # 办结
    "return",  # 退回
    "cancel",  # 撤销
    "owner",  # 指派责任人
)


class TaskUpdate(db.Model):
    """One entry of a task's timeline: a progress note or a workflow step. Never edited."""

    __tablename__ = "task_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="progress")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: Name of the author at the time (also for system actors such as the publisher job).
    author_name: Mapped[str] = mapped_column(sa.String(150), nullable=False, default="")
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    progress: Mapped[int | None] = mapped_column(nullable=True)
    status_from: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    status_to: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    #: indexed: the weekly briefing reads a week's steps, not every task's timeline
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )

    task: Mapped[Task] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<TaskUpdate {self.id} task={self.task_id} {self.kind}>"


#: The causes a bureau starts with; it may edit its own list (DelayCause rows).
DEFAULT_DELAY_CAUSES = (
    "人员力量不足",
    "专业人才缺乏",
    "经费保障不足",
    "上级政策调整",
    "部门协调难度大",
    "其他",
)
#: Why a cause was stated: the task fell overdue, was returned, was applied for completion after
#: its deadline; or, with no task, the coordinator's structural note on the year as a whole.
CAUSE_OCCASIONS = ("overdue", "returned", "late_submission", "structural")


class DelayCause(db.Model):
    """One entry of a bureau's own list of causes (when it has none, the defaults apply)."""

    __tablename__ = "delay_causes"
    __table_args__ = (sa.UniqueConstraint("bureau_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    def __repr__(self) -> str:
        return f"<DelayCause {self.id} {self.label}>"


class CauseStatement(db.Model):
    """Why work fell behind, as the unit (or, for the year as a whole, the coordinator) states
    it: a cause from the bureau's list, a sentence, and the remedy. Part 二 of the annual report
    is written from these."""

    __tablename__ = "cause_statements"
    __table_args__ = (sa.CheckConstraint(f"occasion IN {CAUSE_OCCASIONS!r}", name="occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Null for a structural note on the year as a whole.
    task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    occasion: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: The label as chosen, kept even if the bureau later edits its list.
    cause: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    explanation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    remedy: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    author_name: Mapped[str] = mapped_column(sa.String(150), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    plan: Mapped[Plan] = relationship()
    task: Mapped[Task | None] = relationship()

    def to_audit(self) -> dict:
        return {
            "plan_id": self.plan_id,
            "task_id": self.task_id,
            "occasion": self.occasion,
            "cause": self.cause,
            "explanation": self.explanation,
            "remedy": self.remedy,
        }

    def __repr__(self) -> str:
        return f"<CauseStatement {self.id} task={self.task_id} {self.cause}>"


class DataVersion(db.Model):
    """Where a bureau's tasks stand: a random token replaced in every transaction that changes
    them (tracker.tasks.subscribers), so figures computed from them can be kept and reused
    while the token is the same (tracker.tasks.versions)."""

    __tablename__ = "data_versions"

    #: A bureau's (or city's) unit id; 0 for what every figure depends on (units, calendar).
    scope_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Random, not counted up: a fresh or restored database never meets an old token again.
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)

    def __repr__(self) -> str:
        return f"<DataVersion {self.scope_id} {self.version}>"
