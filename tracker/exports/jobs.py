"""Scheduled work of the exports feature: write the queued workbooks."""

from __future__ import annotations

import logging

from tracker.core.transactions import run_job
from tracker.exports import background

log = logging.getLogger(__name__)

#: Workbooks written per run at most (the next run, a few seconds later, goes on).
PER_RUN = 3


def run_queued(app) -> dict:
    """Every few seconds: write the queued compliance workbooks, oldest first."""
    done = 0
    for _ in range(PER_RUN):
        job = run_job(app, background.run_next)
        if job is None:
            break
        done += 1
    removed = run_job(app, background.remove_old_files)
    if done or removed:
        log.info("job exports: %d workbooks written, %d old files removed", done, removed)
    return {"written": done, "removed": removed}
