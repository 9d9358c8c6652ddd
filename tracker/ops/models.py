"""The JobHeartbeat model: when each scheduled job last ran, succeeded and failed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core.db import UTCDateTime
from tracker.extensions import db


class JobHeartbeat(db.Model):
    """One row per scheduled job id (e.g. `reminders.sweep`), overwritten by every run."""

    __tablename__ = "job_heartbeats"

    #: The job's stable id from the scheduler's registry.
    job_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    last_started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_finished_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The exception of the last failed run, kept until a later run succeeds.
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    run_count: Mapped[int] = mapped_column(nullable=False, default=0)

    @property
    def is_failing(self) -> bool:
        """True when the latest run failed."""
        return self.last_failure_at is not None and (
            self.last_success_at is None or self.last_failure_at > self.last_success_at
        )

    def __repr__(self) -> str:
        return f"<JobHeartbeat {self.job_id} ok={self.last_success_at} runs={self.run_count}>"
