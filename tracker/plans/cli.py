"""The `tracker plans` commands."""

import json

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.extensions import db
from tracker.plans.models import Plan

plans_cli = AppGroup("plans", help="Work plans (工作要点).")


@plans_cli.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(fmt: str):
    """List every plan with its year and status."""
    plans = db.session.scalars(sa.select(Plan).order_by(Plan.year.desc(), Plan.id)).all()
    rows = [
        {
            "id": p.id,
            "year": p.year,
            "title": p.title,
            "status": p.status,
            "bureau": p.bureau.name,
            "document_number": p.document_number,
        }
        for p in plans
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['year']}  {row['status']:<7} {row['title']}")
