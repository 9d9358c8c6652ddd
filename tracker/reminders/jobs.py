"""Scheduled jobs of the reminders feature: thin wrappers that call a service inside the job's
boundary (an app context, one commit; tracker/core/transactions.py: run_job)."""

from __future__ import annotations

import logging

from tracker.core import clock
from tracker.core.transactions import run_job
from tracker.reminders.outbox import deliver_pending
from tracker.reminders.sweep import run_reminders

log = logging.getLogger(__name__)


def send_due_reminders(app) -> dict:
    """The reminder sweep (08:30 and 14:00; nothing happens on a non-working day)."""
    report = run_job(app, lambda: run_reminders(clock.now()))
    log.info("job send_due_reminders: %s", report.as_dict())
    return report.as_dict()


def deliver_outbox(app) -> dict:
    """Send the e-mails and work-chat robot messages that are due."""
    # each e-mail is committed as it is sent (see outbox.deliver_pending)
    report = run_job(app, deliver_pending)
    if report.sent or report.failed or report.dead:
        log.info("job deliver_outbox: %s", report.as_dict())
    return report.as_dict()
