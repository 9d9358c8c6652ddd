"""Record each scheduled job's run, so the doctor can tell when the scheduler has stopped.

A heartbeat is operational bookkeeping, like an e-mail's delivery attempt: it is written in its
own transaction after the job's (a failed job must still leave its failure) and is not audited —
one audit row a minute from the outbox job would bury the real events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask import Flask

from tracker.core import clock
from tracker.core.transactions import run_job
from tracker.extensions import db
from tracker.ops.models import JobHeartbeat

log = logging.getLogger(__name__)

#: The jobs whose heartbeat the doctor reads (ids of tracker/scheduler.py's registry).
SWEEP_JOB_IDS = ("reminders.sweep", "reminders.sweep_afternoon")
DELIVERY_JOB_ID = "outbox.deliver"
BACKUP_JOB_ID = "ops.backup"


def record_run(
    job_id: str, started_at: datetime, error: BaseException | None = None
) -> JobHeartbeat:
    """Store one run of `job_id` (flushes; the caller's boundary commits)."""
    finished_at = clock.now()
    heartbeat = db.session.get(JobHeartbeat, job_id)
    if heartbeat is None:
        heartbeat = JobHeartbeat(job_id=job_id, run_count=0, last_error="")
        db.session.add(heartbeat)
    heartbeat.last_started_at = started_at
    heartbeat.last_finished_at = finished_at
    heartbeat.run_count = (heartbeat.run_count or 0) + 1
    if error is None:
        heartbeat.last_success_at = finished_at
        heartbeat.last_error = ""
    else:
        heartbeat.last_failure_at = finished_at
        heartbeat.last_error = f"{type(error).__name__}: {error}"[:2000]
    db.session.flush()
    return heartbeat


def with_heartbeat(job_id: str, func: Callable[..., object]) -> Callable[..., object]:
    """Wrap a job `func(app, **kwargs)` so each run records its heartbeat under `job_id`."""

    def run(app: Flask, **kwargs):
        started_at = clock.now()
        try:
            result = func(app, **kwargs)
        except Exception as exc:
            _beat(app, job_id, started_at, exc)
            raise
        _beat(app, job_id, started_at, None)
        return result

    run.__name__ = getattr(func, "__name__", job_id)
    run.__doc__ = func.__doc__
    return run


def _beat(app: Flask, job_id: str, started_at: datetime, error: BaseException | None) -> None:
    try:
        run_job(app, lambda: record_run(job_id, started_at, error))
    except Exception:  # a heartbeat must never turn a job's success into a failure
        log.exception("heartbeat of job %s could not be recorded", job_id)


def heartbeats() -> dict[str, JobHeartbeat]:
    """Every recorded heartbeat by job id."""
    return {row.job_id: row for row in db.session.scalars(sa.select(JobHeartbeat))}


def latest_success(rows: dict[str, JobHeartbeat], job_ids) -> datetime | None:
    """The newest successful run among `job_ids`."""
    times = [rows[j].last_success_at for j in job_ids if j in rows and rows[j].last_success_at]
    return max(times) if times else None
