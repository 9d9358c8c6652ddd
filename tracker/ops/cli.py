"""The operations commands: `tracker doctor`, `tracker backup`, `tracker restore`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from tracker.ops import doctor
from tracker.ops.backup import BackupError, create_backup, restore_archive, verify_archive
from tracker.ops.jobs import watch


@click.command("doctor")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--alert",
    is_flag=True,
    help="Also e-mail the administrators (once per incident) when the sweep has stopped or the "
    "outbox is stuck, as the scheduler's hourly watch does.",
)
@with_appcontext
def doctor_command(fmt: str, alert: bool):
    """Check the installation: one line per check; exit 1 when any check fails.

    Configuration, database and migrations, working-day data, the scheduler's heartbeat, the
    outbox, the evidence store, disk space and the audit chain.
    """
    queued = 0
    if alert:
        # the watch job's own boundary commits the alerts, whatever this command's exit status
        queued = watch(current_app._get_current_object())["alerts_queued"]
    with force_locale("en"):
        checks = doctor.run_checks()
    status = doctor.overall(checks)
    if fmt == "json":
        payload = {"status": status, "checks": [c.as_dict() for c in checks]}
        if alert:
            payload["alerts_queued"] = queued
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        width = max(len(c.name) for c in checks)
        for check in checks:
            click.echo(f"{check.status.upper():4}  {check.name:{width}}  {check.message}")
        if alert:
            click.echo(f"alerts queued: {queued}")
    if status == doctor.FAIL:
        sys.exit(1)


@click.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="The archive to write (a tar file).",
)
@with_appcontext
def backup_command(output: str):
    """Write one archive: a consistent snapshot of the database (SQLite's online backup API, or
    pg_dump), the evidence files it references and a manifest. Safe while the application runs.
    """
    try:
        manifest = create_backup(Path(output))
    except BackupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(_summary(output, manifest))


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Only check the archive.")
@with_appcontext
def restore_command(archive: str, check_only: bool):
    """Restore ARCHIVE (made by tracker backup) into this empty instance.

    The whole archive is checked first: a damaged or incomplete one is refused, and so is an
    instance whose database or evidence store is not empty. Afterwards tracker audit verify and
    tracker evidence check pass.
    """
    try:
        manifest = verify_archive(Path(archive)) if check_only else restore_archive(Path(archive))
    except BackupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(("OK " if check_only else "restored ") + _summary(archive, manifest))


def _summary(path: str, manifest: dict) -> str:
    head = manifest["audit_head"] or {}
    rows = sum(manifest["counts"].values())
    return (
        f"{path}: {manifest['backend']} at {manifest['revision']}, {rows} rows in "
        f"{len(manifest['counts'])} tables, {len(manifest['blobs'])} evidence files, "
        f"audit head {head.get('id')} {str(head.get('hash'))[:16]}"
    )
