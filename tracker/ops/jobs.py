"""Scheduled jobs of operations: the hourly watch that alerts administrators, and the nightly
backup."""

from __future__ import annotations

import logging

from tracker.core import clock
from tracker.core.transactions import run_job
from tracker.ops.alerts import send_alerts
from tracker.ops.backup import nightly_backup as write_backup

log = logging.getLogger(__name__)


def watch(app) -> dict:
    """Hourly: e-mail the administrators when the sweep has stopped or the outbox is stuck."""
    queued = run_job(app, lambda: send_alerts(clock.now()))
    return {"alerts_queued": queued}


def nightly_backup(app) -> dict:
    """Nightly: write a backup into TRACKER_BACKUP_DIR and delete the oldest beyond
    TRACKER_BACKUP_KEEP (nothing when the directory is not set)."""
    report = run_job(app, write_backup)
    log.info("job nightly_backup: %s", report)
    return report
