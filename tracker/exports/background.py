"""Compliance workbooks of large plans, made in the background: the page queues a job, the
scheduler claims it (one runner per job, whatever the number of schedulers) and writes the file
under EXPORT_DIR with its progress on the job, then the user downloads it. A web worker never
waits for a 100k-task workbook.

Every download is audited as a direct one is; the files are removed after EXPORT_KEEP_DAYS."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from tracker.core import clock
from tracker.core.db import begin_read, begin_write
from tracker.core.spreadsheets import progress_listener
from tracker.exports.models import ExportJob
from tracker.exports.xlsx import write_plan_workbook
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import RECORD_KINDS
from tracker.tasks.models import Task

log = logging.getLogger(__name__)

UNFINISHED = ("queued", "running")


def expected_sheets() -> int:
    """How many sheets a workbook has (the progress bar's scale): About, Tasks, Units, Timeline,
    Causes of delay, one per record kind, Legal advisers' contracts, Indicators, Evidence, Report
    sources, Warnings."""
    return 9 + len(RECORD_KINDS)


def task_count(plan: Plan) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Task.plan_id == plan.id)) or 0


def needs_background(plan: Plan) -> bool:
    return task_count(plan) > current_app.config["EXPORT_BACKGROUND_TASKS"]


def request_workbook(actor, plan: Plan, locale: str, as_of: date | None = None) -> ExportJob:
    """Queue the plan's workbook (statuses judged at `as_of`) for `actor`, or give back the
    same one already on its way."""
    waiting = db.session.scalar(
        sa.select(ExportJob)
        .where(
            ExportJob.plan_id == plan.id,
            ExportJob.requested_by_id == actor.id,
            ExportJob.status.in_(UNFINISHED),
            ExportJob.locale == locale,
            ExportJob.as_of.is_(None) if as_of is None else ExportJob.as_of == as_of,
        )
        .order_by(ExportJob.id.desc())
        .limit(1)
    )
    if waiting is not None:
        return waiting
    job = ExportJob(
        plan_id=plan.id, requested_by_id=actor.id, locale=locale, as_of=as_of, status="queued"
    )
    db.session.add(job)
    db.session.flush()
    return job


def _directory() -> Path:
    folder = Path(current_app.config["EXPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_of(job: ExportJob) -> Path:
    return _directory() / job.file_name


def _claim() -> int | None:
    """Take the oldest queued job, in a transaction of its own so the page shows it running at
    once (an UPDATE guarded by the status: a parallel runner that read the same id updates no
    row and moves on)."""
    with db.engine.begin() as connection:
        candidate = connection.scalar(
            sa.select(ExportJob.id)
            .where(ExportJob.status == "queued")
            .order_by(ExportJob.id)
            .limit(1)
        )
        if candidate is None:
            return None
        claimed = connection.execute(
            sa.update(ExportJob)
            .where(ExportJob.id == candidate, ExportJob.status == "queued")
            .values(status="running", started_at=clock.now())
        ).rowcount
    return candidate if claimed else None


def _progress_writer(job_id: int):
    """Progress goes through its own short transactions, so the page sees it while the export's
    long read transaction goes on."""

    def report(sheet: str, sheets_done: int, rows_done: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(ExportJob)
                .where(ExportJob.id == job_id)
                .values(sheet=sheet[:40], sheets_done=sheets_done, rows_done=rows_done)
            )

    return report


def run_next() -> ExportJob | None:
    """Claim and write one queued workbook; return the job (None when nothing was queued).

    The workbook is read in a read-only transaction (on SQLite it must not hold the write lock
    for minutes: the progress updates and everyone else write meanwhile); the result is written
    in a short transaction at the end."""
    job_id = _claim()
    if job_id is None:
        return None
    begin_read(db.session)
    job = db.session.get(ExportJob, job_id)
    name = f"plan-{job.plan_id}-job-{job.id}.xlsx"
    target = _directory() / name
    partial = target.with_suffix(".part")
    token = progress_listener.set(_progress_writer(job.id))
    try:
        with force_locale(job.locale), partial.open("wb") as out:
            exported_by = f"{job.requested_by.display_name} ({job.requested_by.username})"
            summary = write_plan_workbook(job.plan, out, exported_by=exported_by, as_of=job.as_of)
        os.replace(partial, target)
    except Exception as error:  # noqa: BLE001 - the job records the failure for the user
        partial.unlink(missing_ok=True)
        log.exception("export job %s failed", job_id)
        begin_write(db.session)
        job = db.session.get(ExportJob, job_id)
        job.status, job.error, job.finished_at = "failed", str(error)[:500], clock.now()
        return job
    finally:
        progress_listener.reset(token)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    begin_write(db.session)
    job = db.session.get(ExportJob, job_id)
    job.status, job.finished_at = "done", clock.now()
    job.file_name, job.size, job.sha256 = name, target.stat().st_size, digest
    job.rows_done = sum(summary.rows.values())
    job.sheets_done = len(summary.rows)
    if summary.failures:
        job.error = "; ".join(f"{sheet}: {reason}" for sheet, reason in summary.failures.items())
    return job


def remove_old_files() -> int:
    """Delete workbooks older than EXPORT_KEEP_DAYS (the job stays, marked as expired)."""
    cutoff = clock.now() - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    removed = 0
    for job in db.session.scalars(
        sa.select(ExportJob).where(
            ExportJob.status == "done", ExportJob.finished_at < cutoff, ExportJob.file_name != ""
        )
    ):
        (_directory() / job.file_name).unlink(missing_ok=True)
        job.file_name = ""
        job.status = "expired"
        removed += 1
    return removed
