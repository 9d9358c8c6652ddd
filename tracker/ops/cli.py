"""The operations commands: `tracker doctor`, `tracker backup`, `tracker restore`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from tracker.ops import doctor


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
        from flask import current_app

        from tracker.ops.jobs import watch

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
