"""Scheduled job of the audit trail: the daily checkpoint of the chain's head."""

from __future__ import annotations

import logging

from tracker.audit.chain import write_checkpoint
from tracker.core.transactions import run_job

log = logging.getLogger(__name__)


def daily_checkpoint(app) -> dict:
    """Daily: append the chain's head to TRACKER_AUDIT_CHECKPOINTS, outside the database."""
    head = run_job(app, write_checkpoint)
    log.info("job audit.checkpoint: %s", head.line())
    return {"sequence": head.sequence, "hash": head.hash}
