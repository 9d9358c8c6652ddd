"""Scheduled jobs of the evidence feature: thin wrappers that call a service inside the job's
transaction boundary."""

from __future__ import annotations

import logging

from tracker.core import storage
from tracker.core.transactions import run_job

log = logging.getLogger(__name__)


def housekeeping(app) -> dict:
    """Daily: remove the temporary files of interrupted evidence uploads."""
    removed = run_job(app, storage.remove_temp_files)
    log.info("job housekeeping: %s temp files removed", removed)
    return {"temp_files_removed": removed}
