"""An urge (催办) on a task and an issued supervision notice (督办通知单)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.units.models import Unit

#: 督办 levels, aligned with the reminder escalation steps: 0 the lead unit's chief,
#: 1 also the supervising leader (分管领导), 2 also the principal leader (主要负责人).
LEVELS = (0, 1, 2)


class Urge(db.Model):
    """One 催办 by the legal office: who was chased about which task, at which level."""

    __tablename__ = "urges"
    __table_args__ = (sa.Index("ix_urges_task_id_created_at", "task_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: The 督办 level the urge reached (see LEVELS): repeated urges climb it.
    level: Mapped[int] = mapped_column(nullable=False, default=0)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: How many people were told (in-app; e-mail goes to those with an address).
    recipient_count: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    task: Mapped[Task] = relationship()
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Urge {self.id} task={self.task_id} level={self.level}>"


class SupervisionNotice(db.Model):
    """A 督办通知单 as issued: numbered per bureau and year, for a task or a unit's open tasks."""

    __tablename__ = "supervision_notices"
    __table_args__ = (
        sa.UniqueConstraint("bureau_id", "year", "serial", name="uq_supervision_notices_serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False)
    year: Mapped[int] = mapped_column(nullable=False)
    #: N of 督办〔year〕第N号, allocated in order within the bureau and year.
    serial: Mapped[int] = mapped_column(nullable=False)
    #: The one task it is about; null for a notice covering a unit's open tasks.
    task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The unit addressed (the task's lead unit, or the unit whose open tasks it lists).
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True)
    #: The issuing office as printed, e.g. 某市民政局办公室.
    issuing_office: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: The 督办 level at issue (highest among its tasks).
    level: Mapped[int] = mapped_column(nullable=False, default=0)
    #: The task ids listed at issue (a unit's notice keeps what it listed that day).
    task_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    bureau: Mapped[Unit] = relationship(foreign_keys=[bureau_id])
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    task: Mapped[Task | None] = relationship()
    issued_by: Mapped[User | None] = relationship()

    @property
    def number(self) -> str:
        return f"督办〔{self.year}〕第{self.serial}号"

    @property
    def lead_unit(self) -> Unit | None:
        """For the permission check: who may read it is whoever may read the unit's tasks."""
        return self.unit or self.bureau

    def __repr__(self) -> str:
        return f"<SupervisionNotice {self.number} bureau={self.bureau_id}>"
