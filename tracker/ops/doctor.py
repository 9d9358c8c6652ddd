"""The health checks of an installation: one `Check` per line of `tracker doctor` and of the
administrators' health page.

Each check says `ok`, `warn` (worth a look, not broken) or `fail` (something does not work or
will not: the command exits 1). A check that raises reports `fail` with the error, so one
broken part never hides the others. Messages are translated in the current locale (the command
prints English, the page follows the user's language).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.audit.models import AuditEvent
from tracker.audit.service import verify_chain
from tracker.core import clock, storage, workdays
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.holidays.service import overrides_of_year
from tracker.ops import heartbeat
from tracker.reminders.models import OutboxEmail

OK, WARN, FAIL = "ok", "warn", "fail"
STATUSES = (OK, WARN, FAIL)

#: A pending e-mail older than this means delivery is not working (the job runs every minute).
OUTBOX_STUCK_AFTER = timedelta(hours=1)
#: The delivery job runs every minute; no successful run for this long means it stopped.
DELIVERY_STALE_AFTER = timedelta(minutes=15)
#: Free disk space below which a check fails, and below which it warns.
DISK_FAIL_BYTES, DISK_WARN_BYTES = 1 * 1024**3, 5 * 1024**3
DISK_FAIL_PERCENT, DISK_WARN_PERCENT = 5.0, 10.0
DEFAULT_BASE_URL = "http://127.0.0.1:5000"

#: Every check's id and its label, in the order they are shown.
CHECK_LABELS = {
    "config.secret": _l("Secret key"),
    "config.base_url": _l("Base URL"),
    "config.smtp": _l("E-mail (SMTP)"),
    "config.https": _l("HTTPS"),
    "database.reachable": _l("Database"),
    "database.migrations": _l("Database schema"),
    "workdays.this_year": _l("Working days, this year"),
    "workdays.next_year": _l("Working days, next year"),
    "scheduler.sweep": _l("Reminder sweep"),
    "scheduler.delivery": _l("E-mail delivery"),
    "outbox.backlog": _l("Outbox backlog"),
    "outbox.dead": _l("Dead outbox messages (e-mails and robots)"),
    "evidence.writable": _l("Evidence store writable"),
    "evidence.consistent": _l("Evidence store consistent"),
    "evidence.file_types": _l("Upload content check (libmagic)"),
    "disk.space": _l("Disk space"),
    "audit.chain": _l("Audit chain"),
}


@dataclass
class Check:
    name: str
    status: str
    message: str
    details: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(CHECK_LABELS.get(self.name, self.name))

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "details": self.details,
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else clock.to_local(moment).isoformat(timespec="minutes")


def _local_text(moment: datetime | None) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


# -- configuration ---------------------------------------------------------------------------


def check_secret(config) -> Check:
    if config["ENV_NAME"] == "production":
        return Check("config.secret", OK, _("Set (production)."))
    return Check(
        "config.secret",
        WARN,
        _("Development mode: the key is generated in the instance folder (TRACKER_ENV)."),
    )


def check_base_url(config) -> Check:
    url = config["BASE_URL"]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return Check("config.base_url", FAIL, _("%(url)s is not an http(s) address.", url=url))
    production = config["ENV_NAME"] == "production"
    if production and (
        url.rstrip("/") == DEFAULT_BASE_URL or parts.hostname in {"127.0.0.1", "localhost"}
    ):
        return Check(
            "config.base_url",
            FAIL,
            _(
                "%(url)s points at this machine: links in e-mails will not work "
                "(TRACKER_BASE_URL).",
                url=url,
            ),
            {"url": url},
        )
    return Check("config.base_url", OK, url, {"url": url})


def check_smtp(config) -> Check:
    host = config["SMTP_HOST"]
    if host:
        security = "STARTTLS" if config["SMTP_STARTTLS"] else _("no TLS")
        return Check(
            "config.smtp",
            OK,
            f"{host}:{config['SMTP_PORT']} ({security})",
            {"host": host, "port": config["SMTP_PORT"], "starttls": config["SMTP_STARTTLS"]},
        )
    if config.get("MAIL_PICKUP_DIR"):
        return Check(
            "config.smtp",
            WARN,
            _(
                "No SMTP host: e-mails are written as files to %(dir)s.",
                dir=config["MAIL_PICKUP_DIR"],
            ),
            {"pickup_dir": config["MAIL_PICKUP_DIR"]},
        )
    return Check(
        "config.smtp", FAIL, _("No SMTP host: e-mails stay in the outbox (TRACKER_SMTP_HOST).")
    )


def check_https(config) -> Check:
    https = config["BASE_URL"].startswith("https://")
    secure_cookies = bool(config.get("SESSION_COOKIE_SECURE"))
    details = {"https": https, "secure_cookies": secure_cookies}
    if https and secure_cookies:
        return Check("config.https", OK, _("HTTPS with secure cookies."), details)
    if config["ENV_NAME"] != "production":
        return Check("config.https", OK, _("Development: plain HTTP accepted."), details)
    if not https:
        return Check(
            "config.https",
            WARN,
            _("The base URL is not HTTPS: passwords cross the network readable."),
            details,
        )
    return Check(
        "config.https",
        WARN,
        _("HTTPS without TRACKER_SECURE_COOKIES=true: set it behind the TLS proxy."),
        details,
    )


# -- database ---------------------------------------------------------------------------------


def check_database() -> Check:
    db.session.execute(sa.text("SELECT 1"))
    url = db.engine.url.render_as_string(hide_password=True)
    return Check("database.reachable", OK, url, {"dialect": db.engine.dialect.name})


def migration_heads() -> tuple[set[str], set[str]]:
    """(revisions the database is at, head revisions of the migration scripts)."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    config = Config()
    config.set_main_option("script_location", directory)
    script_heads = set(ScriptDirectory.from_config(config).get_heads())
    connection = db.session.connection()
    current = set(MigrationContext.configure(connection).get_current_heads())
    return current, script_heads


def check_migrations() -> Check:
    current, heads = migration_heads()
    details = {"current": sorted(current), "heads": sorted(heads)}
    if current == heads:
        return Check(
            "database.migrations", OK, _("At head %(rev)s.", rev=", ".join(sorted(heads))), details
        )
    if not current:
        return Check(
            "database.migrations", FAIL, _("Not migrated: run tracker db upgrade."), details
        )
    return Check(
        "database.migrations",
        FAIL,
        _(
            "At %(current)s, head is %(heads)s: run tracker db upgrade.",
            current=", ".join(sorted(current)),
            heads=", ".join(sorted(heads)),
        ),
        details,
    )


# -- working days -----------------------------------------------------------------------------


def _check_year(name: str, year: int, missing_status: str) -> Check:
    entered = len(overrides_of_year(year))
    details = {"year": year, "built_in": workdays.is_covered_year(year), "entered_days": entered}
    if workdays.is_covered_year(year):
        return Check(name, OK, _("%(year)d: built-in calendar.", year=year), details)
    if workdays.year_has_data(year):
        return Check(
            name,
            OK,
            _("%(year)d: %(n)d day(s) entered by administrators.", year=year, n=entered),
            details,
        )
    return Check(
        name,
        missing_status,
        _(
            "%(year)d: no holiday data, Monday–Friday is assumed. Paste the State Council's notice "
            "under Administration → Holidays and working days.",
            year=year,
        ),
        details,
    )


def check_workdays_this_year() -> Check:
    return _check_year("workdays.this_year", clock.today().year, FAIL)


def check_workdays_next_year() -> Check:
    return _check_year("workdays.next_year", clock.today().year + 1, WARN)


# -- scheduler and outbox ---------------------------------------------------------------------


def sweep_is_stale(last_sweep: datetime | None, now: datetime) -> bool:
    """True when a whole working day has passed since the day of the last successful sweep.

    A sweep that never ran is not stale (a new installation); the check warns instead."""
    if last_sweep is None:
        return False
    last_day = clock.to_local(last_sweep).date()
    return clock.to_local(now).date() > workdays.add_workdays(last_day, 1)


def check_sweep(now: datetime) -> Check:
    rows = heartbeat.heartbeats()
    last = heartbeat.latest_success(rows, heartbeat.SWEEP_JOB_IDS)
    failing = [rows[j] for j in heartbeat.SWEEP_JOB_IDS if j in rows and rows[j].is_failing]
    details = {
        "last_success": _iso(last),
        "lag_hours": None if last is None else round((now - last).total_seconds() / 3600, 1),
        "last_error": failing[0].last_error if failing else "",
    }
    if last is None:
        return Check(
            "scheduler.sweep",
            WARN,
            _("Never ran: is the scheduler (tracker scheduler) running?"),
            details,
        )
    if sweep_is_stale(last, now):
        return Check(
            "scheduler.sweep",
            FAIL,
            _("Last ran %(when)s: no sweep for a whole working day.", when=_local_text(last)),
            details,
        )
    if failing:
        return Check(
            "scheduler.sweep",
            WARN,
            _(
                "Last ran %(when)s; the latest run failed: %(error)s",
                when=_local_text(last),
                error=failing[0].last_error,
            ),
            details,
        )
    return Check("scheduler.sweep", OK, _("Last ran %(when)s.", when=_local_text(last)), details)


def check_delivery(now: datetime) -> Check:
    rows = heartbeat.heartbeats()
    last = heartbeat.latest_success(rows, [heartbeat.DELIVERY_JOB_ID])
    details = {
        "last_success": _iso(last),
        "lag_minutes": None if last is None else round((now - last).total_seconds() / 60),
    }
    if last is None:
        return Check("scheduler.delivery", WARN, _("Never ran: is the scheduler running?"), details)
    if now - last > DELIVERY_STALE_AFTER:
        return Check(
            "scheduler.delivery",
            FAIL,
            _("Last ran %(when)s: the delivery job has stopped.", when=_local_text(last)),
            details,
        )
    return Check("scheduler.delivery", OK, _("Last ran %(when)s.", when=_local_text(last)), details)


def stuck_emails(now: datetime):
    """Pending e-mails queued longer ago than OUTBOX_STUCK_AFTER, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxEmail)
            .where(
                OutboxEmail.status == "pending", OutboxEmail.created_at < now - OUTBOX_STUCK_AFTER
            )
            .order_by(OutboxEmail.id)
        )
    )


def check_outbox_backlog(now: datetime) -> Check:
    pending = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.status == "pending")
    )
    stuck = stuck_emails(now)
    details = {
        "pending": pending,
        "stuck": len(stuck),
        "oldest_stuck_id": stuck[0].id if stuck else None,
    }
    if stuck:
        return Check(
            "outbox.backlog",
            FAIL,
            _(
                "%(n)d e-mail(s) pending for more than an hour (oldest queued %(when)s): "
                "delivery is stuck.",
                n=len(stuck),
                when=_local_text(stuck[0].created_at),
            ),
            details,
        )
    return Check("outbox.backlog", OK, _("%(n)d pending.", n=pending), details)


def check_outbox_dead() -> Check:
    dead = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.status == "dead")
    )
    if dead:
        return Check(
            "outbox.dead",
            WARN,
            _(
                "%(n)d e-mail(s) gave up after repeated failures; retry them from the outbox.",
                n=dead,
            ),
            {"dead": dead},
        )
    return Check("outbox.dead", OK, _("None."), {"dead": 0})


# -- evidence, disk, audit --------------------------------------------------------------------


def check_evidence_writable() -> Check:
    temp_dir = storage.storage_root() / storage.TEMP_DIR_NAME
    temp_dir.mkdir(parents=True, exist_ok=True)
    probe = temp_dir / f"doctor-{uuid.uuid4().hex}{storage.TEMP_SUFFIX}"
    try:
        probe.write_bytes(b"duban doctor")
    except OSError as exc:
        return Check("evidence.writable", FAIL, str(exc), {"dir": str(storage.storage_root())})
    finally:
        probe.unlink(missing_ok=True)
    root = str(storage.storage_root())
    return Check("evidence.writable", OK, root, {"dir": root})


def check_file_types() -> Check:
    """libmagic, which the upload check asks about Office documents and unrecognised files: web
    workers load it at the first such upload, so a server without it is named here."""
    try:
        import magic

        detected = magic.from_buffer(b"%PDF-1.4\n", mime=True)
    except (ImportError, OSError, AttributeError) as exc:
        return Check(
            "evidence.file_types",
            FAIL,
            _(
                "libmagic cannot be loaded (%(error)s): uploads it must check are refused."
                " Install the libmagic1 package.",
                error=f"{type(exc).__name__}: {exc}",
            ),
        )
    return Check("evidence.file_types", OK, detected, {"pdf": detected})


def check_evidence_consistent() -> Check:
    """Every file the database names is stored with its size (`tracker evidence check`
    re-hashes them all)."""
    rows = db.session.execute(
        sa.select(Evidence.sha256, Evidence.size)
        .where(Evidence.kind == "file", Evidence.sha256.is_not(None))
        .distinct()
    ).all()
    missing, wrong_size = [], []
    for sha256, size in rows:
        path = storage.blob_path(sha256)
        if not path.is_file():
            missing.append(sha256)
        elif size is not None and path.stat().st_size != size:
            wrong_size.append(sha256)
    details = {"files": len(rows), "missing": missing, "wrong_size": wrong_size}
    if missing or wrong_size:
        return Check(
            "evidence.consistent",
            FAIL,
            _(
                "%(missing)d file(s) missing, %(altered)d with the wrong size: "
                "run tracker evidence check.",
                missing=len(missing),
                altered=len(wrong_size),
            ),
            details,
        )
    return Check("evidence.consistent", OK, _("%(n)d file(s) present.", n=len(rows)), details)


def _watched_dirs(config) -> list[Path]:
    dirs = [Path(config["INSTANCE_DIR"]), Path(config["EVIDENCE_DIR"])]
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        dirs.append(Path(url.database).resolve().parent)
    return dirs


def check_disk(config) -> Check:
    worst = None
    for directory in _watched_dirs(config):
        existing = directory
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        usage = shutil.disk_usage(existing)
        percent = 100.0 * usage.free / usage.total if usage.total else 0.0
        entry = {"dir": str(directory), "free_bytes": usage.free, "free_percent": round(percent, 1)}
        if worst is None or usage.free < worst["free_bytes"]:
            worst = entry
    free_gib = worst["free_bytes"] / 1024**3
    message = _(
        "%(free).1f GiB free (%(percent).0f %%) under %(dir)s.",
        free=free_gib,
        percent=worst["free_percent"],
        dir=worst["dir"],
    )
    if worst["free_bytes"] < DISK_FAIL_BYTES or worst["free_percent"] < DISK_FAIL_PERCENT:
        return Check("disk.space", FAIL, message, worst)
    if worst["free_bytes"] < DISK_WARN_BYTES or worst["free_percent"] < DISK_WARN_PERCENT:
        return Check("disk.space", WARN, message, worst)
    return Check("disk.space", OK, message, worst)


def audit_head() -> tuple[int, str] | None:
    """(id, hash) of the newest audit event, or None for an empty chain."""
    row = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return None if row is None else (row.id, row.hash)


def check_audit() -> Check:
    report = verify_chain()
    head = audit_head()
    details = {
        "events": report.count,
        "head_id": head[0] if head else None,
        "head_hash": head[1] if head else None,
    }
    if not report.ok:
        details["broken_id"] = report.broken_id
        return Check(
            "audit.chain",
            FAIL,
            _("Broken at event %(id)d: %(reason)s", id=report.broken_id, reason=report.reason),
            details,
        )
    if head is None:
        return Check("audit.chain", OK, _("Empty."), details)
    return Check(
        "audit.chain",
        OK,
        _("%(n)d events, head %(id)d %(hash)s.", n=report.count, id=head[0], hash=head[1][:16]),
        details,
    )


# -- all of them ------------------------------------------------------------------------------


def run_checks(now: datetime | None = None) -> list[Check]:
    """Run every check, in the order of CHECK_LABELS."""
    now = now or clock.now()
    config = current_app.config
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("config.secret", lambda: check_secret(config)),
        ("config.base_url", lambda: check_base_url(config)),
        ("config.smtp", lambda: check_smtp(config)),
        ("config.https", lambda: check_https(config)),
        ("database.reachable", check_database),
        ("database.migrations", check_migrations),
        ("workdays.this_year", check_workdays_this_year),
        ("workdays.next_year", check_workdays_next_year),
        ("scheduler.sweep", lambda: check_sweep(now)),
        ("scheduler.delivery", lambda: check_delivery(now)),
        ("outbox.backlog", lambda: check_outbox_backlog(now)),
        ("outbox.dead", check_outbox_dead),
        ("evidence.writable", check_evidence_writable),
        ("evidence.consistent", check_evidence_consistent),
        ("evidence.file_types", check_file_types),
        ("disk.space", lambda: check_disk(config)),
        ("audit.chain", check_audit),
    ]
    checks = []
    for name, step in steps:
        try:
            checks.append(step())
        except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
            db.session.rollback()
            checks.append(
                Check(name, FAIL, _("Error: %(error)s", error=f"{type(exc).__name__}: {exc}"))
            )
    return checks


def overall(checks: list[Check]) -> str:
    """The worst status of `checks`."""
    return max((c.status for c in checks), key=STATUSES.index, default=OK)
