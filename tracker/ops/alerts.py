"""Alert the administrators by e-mail (through the outbox, once per incident) when the reminder
sweep has not run for a working day or the outbox is stuck."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.urls import external_url
from tracker.extensions import db
from tracker.ops import doctor, heartbeat
from tracker.reminders.outbox import queue_email

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incident:
    #: "sweep" or "outbox"
    kind: str
    #: What identifies this incident, so each one is announced once: the last good sweep, or
    #: the oldest stuck e-mail.
    key: str


def current_incidents(now: datetime) -> list[Incident]:
    """The incidents worth an e-mail now."""
    incidents = []
    rows = heartbeat.heartbeats()
    last_sweep = heartbeat.latest_success(rows, heartbeat.SWEEP_JOB_IDS)
    if doctor.sweep_is_stale(last_sweep, now):
        incidents.append(Incident("sweep", last_sweep.isoformat(timespec="seconds")))
    stuck = doctor.stuck_emails(now)
    if stuck:
        incidents.append(Incident("outbox", str(stuck[0].id)))
    return incidents


def _recipients():
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.role == "admin",
                User.is_disabled.is_(False),
                User.email.is_not(None),
                User.email != "",
            )
            .order_by(User.id)
        )
    )


def _render(incident: Incident, checks: list[doctor.Check]) -> tuple[str, str]:
    if incident.kind == "sweep":
        subject = _("Duban alert: the reminder sweep has not run for a working day")
    else:
        subject = _("Duban alert: e-mails are stuck in the outbox")
    lines = [
        subject,
        "",
        _("tracker doctor reports:"),
        "",
        *(f"{c.status.upper():4}  {c.label}: {c.message}" for c in checks if c.status != doctor.OK),
        "",
        _("Details: %(url)s", url=external_url("ops.health")),
    ]
    return subject, "\n".join(lines)


def send_alerts(now: datetime | None = None) -> int:
    """Queue one e-mail per administrator and incident (flushes; the caller commits); return
    how many were queued now."""
    now = now or clock.now()
    incidents = current_incidents(now)
    if not incidents:
        return 0
    checks = doctor.run_checks(now)
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    queued = 0
    for admin in _recipients():
        for incident in incidents:
            with force_locale(admin.locale or default_locale):
                subject, text = _render(incident, checks)
            email = queue_email(
                db.session,
                recipient=admin,
                subject=subject,
                text=text,
                dedupe_key=f"ops-alert:{incident.kind}:{incident.key}:{admin.id}",
                kind="alert",
                now=now,
            )
            if email is not None:
                queued += 1
                log.warning("ops alert %s queued for %s", incident.kind, admin.username)
    return queued
