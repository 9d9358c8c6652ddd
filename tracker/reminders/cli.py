"""The `tracker reminders` and `tracker outbox` commands."""

from __future__ import annotations

import json
from datetime import datetime

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.core import clock
from tracker.extensions import db
from tracker.reminders import outbox
from tracker.reminders.models import OutboxEmail
from tracker.reminders.sweep import run_reminders

reminders_cli = AppGroup("reminders", help="Deadline reminders (催办).")
outbox_cli = AppGroup("outbox", help="The outbox: e-mails and work-chat robot messages.")


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time such as 2026-03-02T08:30", param_hint="--now"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.local_timezone())
    return moment


@reminders_cli.command("run")
@click.option("--now", "now_text", default=None, help="Act as if it were this ISO date-time.")
@click.option("--dry-run", is_flag=True, help="Count what would be written; write nothing.")
def run_command(now_text: str | None, dry_run: bool):
    """Write the reminders due now (each once) and queue the e-mail digests."""
    now = _parse_now(now_text)
    report = run_reminders(now, dry_run=dry_run)  # a dry run only reads
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False))


@outbox_cli.command("deliver")
@click.option("--limit", default=200, show_default=True, help="Most e-mails to send in one run.")
@click.option("--now", "now_text", default=None, help="Act as if it were this ISO date-time.")
def deliver_command(limit: int, now_text: str | None):
    """Send the pending e-mails (SMTP, or the pickup folder in development) and robot messages
    that are due."""
    now = _parse_now(now_text)
    if now is None:
        report = outbox.deliver_pending(limit=limit)
    else:
        with clock.frozen_at(now):
            report = outbox.deliver_pending(limit=limit)
    click.echo(json.dumps(report.as_dict()))


@outbox_cli.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "dead", "all"]), default="all")
@click.option("--limit", default=50, show_default=True)
def list_command(status: str, limit: int):
    """List the newest messages of the outbox (e-mails and robot messages)."""
    query = sa.select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(limit)
    if status != "all":
        query = query.where(OutboxEmail.status == status)
    for email in db.session.scalars(query):
        click.echo(
            f"{email.id:>5}  {email.status:<7} {email.attempts}  {email.to_address:<30} "
            f"{email.subject}"
        )
