"""The scheduler process: one registry of jobs with stable ids, run by exactly one leader.

`tracker scheduler` runs APScheduler's BlockingScheduler in the bureau's time zone. Only the
process holding the leader lock (a PostgreSQL advisory lock, or a file lock beside the SQLite
database) runs jobs; another one waits as a standby and takes over when the leader goes. Jobs
are level-triggered and write under unique keys, so even two leaders would not duplicate a
notice or an e-mail.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
import sqlalchemy as sa
from flask import Flask

from tracker.audit import jobs as audit_jobs
from tracker.dashboard import jobs as dashboard_jobs
from tracker.evidence import jobs as evidence_jobs
from tracker.exports import jobs as export_jobs
from tracker.extensions import db
from tracker.ops import jobs as ops_jobs
from tracker.ops.heartbeat import with_heartbeat
from tracker.reminders import jobs as reminder_jobs

if TYPE_CHECKING:
    from apscheduler.schedulers.blocking import BlockingScheduler

# APScheduler is imported by the scheduler process only, not by every web worker

log = logging.getLogger(__name__)

#: pg_try_advisory_lock key of the scheduler leader ("DUBANSCH" as an int64).
LEADER_LOCK_KEY = 0x4455_4241_4E53_4348


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[Flask], object]
    trigger: Callable[[str], object]
    #: Seconds a run may start late and still run (APScheduler's default, 1 s, skips it).
    misfire_grace_time: int
    description: str = ""
    kwargs: dict = field(default_factory=dict)


def job_registry() -> list[JobSpec]:
    """Every scheduled job of Duban, with the ids operators see in the logs."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    return [
        JobSpec(
            "reminders.sweep",
            reminder_jobs.send_due_reminders,
            # every day; the sweep itself does nothing on a non-working day (调休 Saturdays
            # are working days, so a Monday–Friday trigger would be wrong)
            lambda tz: CronTrigger(hour=8, minute=30, timezone=tz),
            misfire_grace_time=4 * 3600,
            description="deadline reminders at 08:30",
        ),
        JobSpec(
            "reminders.sweep_afternoon",
            reminder_jobs.send_due_reminders,
            lambda tz: CronTrigger(hour=14, minute=0, timezone=tz),
            misfire_grace_time=4 * 3600,
            description="deadline reminders at 14:00",
        ),
        JobSpec(
            "outbox.deliver",
            reminder_jobs.deliver_outbox,
            lambda tz: IntervalTrigger(minutes=1, timezone=tz),
            misfire_grace_time=60,
            description="send pending e-mails every minute",
        ),
        JobSpec(
            "exports.run",
            export_jobs.run_queued,
            lambda tz: IntervalTrigger(seconds=10, timezone=tz),
            misfire_grace_time=60,
            description="write the compliance workbooks of large plans queued from the page",
        ),
        JobSpec(
            "housekeeping.daily",
            evidence_jobs.housekeeping,
            lambda tz: CronTrigger(hour=3, minute=15, timezone=tz),
            misfire_grace_time=12 * 3600,
            description="daily clean-up",
        ),
        JobSpec(
            "dashboard.weekly_briefing",
            dashboard_jobs.weekly_briefings,
            lambda tz: CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=tz),
            misfire_grace_time=12 * 3600,
            description="weekly briefing to leaders, Mondays 08:00",
        ),
        JobSpec(
            "ops.watch",
            ops_jobs.watch,
            lambda tz: CronTrigger(minute=45, timezone=tz),
            misfire_grace_time=3600,
            description="hourly: alert administrators when the sweep stopped or e-mail is stuck",
        ),
        JobSpec(
            "ops.backup",
            ops_jobs.nightly_backup,
            lambda tz: CronTrigger(hour=2, minute=30, timezone=tz),
            misfire_grace_time=6 * 3600,
            description="nightly backup at 02:30 into TRACKER_BACKUP_DIR, with retention",
        ),
        JobSpec(
            "audit.checkpoint",
            audit_jobs.daily_checkpoint,
            lambda tz: CronTrigger(hour=23, minute=55, timezone=tz),
            misfire_grace_time=12 * 3600,
            description="daily at 23:55: the audit chain's head into TRACKER_AUDIT_CHECKPOINTS",
        ),
    ]


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A BlockingScheduler with every registered job (not started)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    timezone = app.config["TIMEZONE"]
    scheduler = BlockingScheduler(
        timezone=timezone,
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    for spec in job_registry():
        scheduler.add_job(
            # every run leaves a heartbeat under the job's id, which `tracker doctor` reads
            with_heartbeat(spec.id, spec.func),
            trigger=spec.trigger(timezone),
            args=[app],
            kwargs=spec.kwargs,
            id=spec.id,
            name=spec.description or spec.id,
            misfire_grace_time=spec.misfire_grace_time,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


class LeaderLock:
    """Held by the one scheduler that runs jobs, for as long as its process lives."""

    def __init__(self, app: Flask):
        self.app = app
        self._connection = None
        self._file = None

    @property
    def backend(self) -> str:
        with self.app.app_context():
            return db.engine.dialect.name

    def acquire(self) -> bool:
        """Try once; True when this process is now the leader."""
        if self.backend == "postgresql":
            with self.app.app_context():
                connection = db.engine.connect()
            got = connection.execute(
                sa.select(sa.func.pg_try_advisory_lock(LEADER_LOCK_KEY))
            ).scalar()
            connection.commit()  # the session-level lock outlives the transaction
            if got:
                self._connection = connection
                return True
            connection.close()
            return False
        path = Path(self.app.config["INSTANCE_DIR"]) / "scheduler.lock"
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.select(sa.func.pg_advisory_unlock(LEADER_LOCK_KEY)))
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def wait(self, interval: float, sleep=time.sleep) -> None:
        """Block as a standby until the leader lock is ours."""
        announced = False
        while not self.acquire():
            if not announced:
                log.info("scheduler: another scheduler is active; waiting as standby")
                announced = True
            sleep(interval)


def run_scheduler(app: Flask) -> None:
    """Become the leader (or wait as standby), catch up once, then run jobs until stopped."""
    lock = LeaderLock(app)
    lock.wait(app.config["SCHEDULER_STANDBY_SECONDS"])
    log.info("scheduler: leader (pid %s)", os.getpid())
    scheduler = build_scheduler(app)
    # Catch up at once: the sweep is level-triggered, so whatever a downtime missed is due now.
    try:
        with_heartbeat("reminders.sweep", reminder_jobs.send_due_reminders)(app)
        with_heartbeat("outbox.deliver", reminder_jobs.deliver_outbox)(app)
    except Exception:  # the scheduled runs retry; a failing catch-up must not stop the process
        log.exception("scheduler: catch-up run failed")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()


@click.command("scheduler")
def scheduler_command():
    """Run the job scheduler (reminders, e-mail, housekeeping) in this process."""
    import logging

    from flask import current_app

    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.INFO)
    for spec in job_registry():
        click.echo(f"job {spec.id}: {spec.description}")
    run_scheduler(current_app._get_current_object())
