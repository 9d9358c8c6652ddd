"""Scheduled jobs of operations: the hourly watch that alerts administrators."""

from __future__ import annotations

import logging

from tracker.core import clock
from tracker.core.transactions import run_job

log = logging.getLogger(__name__)


def watch(app) -> dict:
    """Hourly: e-mail the administrators when the sweep has stopped or the outbox is stuck."""
    from tracker.ops.alerts import send_alerts

    queued = run_job(app, lambda: send_alerts(clock.now()))
    return {"alerts_queued": queued}
