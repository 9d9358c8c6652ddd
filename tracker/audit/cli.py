"""Commands for the audit trail."""

import sys

import click
from flask.cli import AppGroup

from tracker.audit.service import verify_chain

audit_cli = AppGroup("audit", help="Inspect the audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Check the hash chain; print OK <n> events, or name the first broken event and exit 1."""
    report = verify_chain()
    if report.ok:
        click.echo(f"OK {report.count} events")
        return
    click.echo(f"BROKEN at event {report.broken_id}: {report.reason}", err=True)
    sys.exit(1)
