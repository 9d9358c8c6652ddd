"""The base of every record kind: the `records` table the ledgers share (joined-table
inheritance), and the list of kinds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.units.models import Unit

RECORD_KINDS = (
    "document_review",
    "certification",
    "consultation",
    "inspection",
    "decision",
    "study_session",
    "metric",
    "reconsideration",
    "litigation",
    "enforcement_case",
    "case_file_review",
    "pufa_duty",
    "pufa_activity",
    "law_report",
    "contract_review",
    "report_delivery",
)


class Record(db.Model):
    __tablename__ = "records"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {RECORD_KINDS!r}", name="kind"),
        sa.Index("ix_records_kind_occurred_on", "kind", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), nullable=False, index=True)
    #: The unit whose ledger holds the record (the task's lead unit when it was entered).
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    #: The date the ledger sorts and counts by (reviewed on, issued on, held on, …).
    occurred_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: One line that names the record in lists and in the annual report's sources.
    summary: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    is_void: Mapped[bool] = mapped_column(nullable=False, default=False)
    void_reason: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: indexed: the weekly briefing counts a week's new records, not every task's
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    version: Mapped[int] = mapped_column(nullable=False, default=1)

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"polymorphic_on": kind, "version_id_col": version}

    @property
    def lead_unit(self) -> Unit:  # permission scope: the record's task
        return self.task.lead_unit

    @property
    def co_units(self) -> list[Unit]:
        return self.task.co_units

    @property
    def owner_id(self) -> int | None:
        return self.task.owner_id

    def to_audit(self) -> dict:
        data = {
            "kind": self.kind,
            "task_id": self.task_id,
            "unit_id": self.unit_id,
            "summary": self.summary,
            "is_void": self.is_void,
        }
        for column in self.__mapper__.columns:
            if column.table.name != "records" and column.key != "id":
                value = getattr(self, column.key)
                data[column.key] = (
                    value.isoformat()
                    if isinstance(value, date)
                    else (str(value) if isinstance(value, Decimal) else value)
                )
        return data

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} task={self.task_id} {self.summary[:20]!r}>"


def record_id() -> Mapped[int]:
    return mapped_column(sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
