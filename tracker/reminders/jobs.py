"""Scheduled jobs of the reminders feature: thin wrappers that open an app context and call
a service, then commit."""

from __future__ import annotations

import logging

from tracker.core import clock, storage
from tracker.extensions import db

log = logging.getLogger(__name__)


def send_due_reminders(app) -> dict:
    """The reminder sweep (08:30 and 14:00; nothing happens on a non-working day)."""
    from tracker.reminders.service import run_reminders

    with app.app_context():
        try:
            report = run_reminders(clock.now())
            db.session.commit()
        finally:
            db.session.remove()
    log.info("job send_due_reminders: %s", report.as_dict())
    return report.as_dict()


def deliver_outbox(app) -> dict:
    """Send the e-mails that are due."""
    from tracker.reminders.outbox import deliver_pending

    with app.app_context():
        try:
            report = deliver_pending()
        finally:
            db.session.remove()
    if report.sent or report.failed or report.dead:
        log.info("job deliver_outbox: %s", report.as_dict())
    return report.as_dict()


def housekeeping(app) -> dict:
    """Daily: remove the temporary files of interrupted evidence uploads."""
    with app.app_context():
        removed = storage.remove_temp_files()
        db.session.remove()
    log.info("job housekeeping: %s temp files removed", removed)
    return {"temp_files_removed": removed}
