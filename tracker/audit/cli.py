"""Commands for the audit trail: verify it, and record its head outside the database."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.audit.chain import read_checkpoints, verify_chain, write_checkpoint

audit_cli = AppGroup("audit", help="Inspect the audit trail.")


@audit_cli.command("verify")
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Compare with this checkpoint file (e.g. an inspector's copy) instead of "
    "TRACKER_AUDIT_CHECKPOINTS.",
)
def verify_command(checkpoints_file: Path | None):
    """Check every seal and compare with the checkpoints; print OK, or one line per finding
    and exit 1."""
    checkpoints, problems = read_checkpoints(checkpoints_file)
    if checkpoints_file is not None and not checkpoints_file.exists():
        problems.append(f"checkpoint file {checkpoints_file} not found")
    report = verify_chain(checkpoints, problems=problems)
    if report.ok:
        click.echo(report.summary())
        return
    for line in report.lines():
        click.echo(line, err=True)
    sys.exit(1)


@audit_cli.command("checkpoint")
def checkpoint_command():
    """Append the chain's head (sequence, seal, time) to TRACKER_AUDIT_CHECKPOINTS and print it
    (keep the printed line: it is the operator's record)."""
    head = write_checkpoint()
    click.echo(head.line())
