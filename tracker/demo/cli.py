"""The `tracker demo` commands."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.demo.service import database_is_new, load_demo

demo_cli = AppGroup("demo", help="The demo bureau (忻州市民政局).")


@demo_cli.command("load")
@click.option("--if-new", is_flag=True, help="Only load into a database that has no units yet.")
@click.option(
    "--i-know-this-is-production",
    "in_production",
    is_flag=True,
    help="Load into a production instance anyway; every demo account must then change its "
    "published password at first login.",
)
def load_command(if_new: bool, in_production: bool):
    """Load the demo bureau, its accounts and plans; safe to run again (nothing is duplicated)."""
    production = current_app.config.get("ENV_NAME") == "production"
    if production and not in_production:
        click.echo(
            "refused: this is production (TRACKER_ENV=production) and the demo accounts share a "
            "published password; add --i-know-this-is-production to load them anyway",
            err=True,
        )
        sys.exit(1)
    if if_new and not database_is_new():
        click.echo("database already has data; demo not loaded")
        return
    report = load_demo(force_password_change=production)
    click.echo(report.summary())
    if production:
        click.echo("every demo account must change its password at first login")


@demo_cli.command("generate")
@click.option("--bureaus", type=click.IntRange(1, 2000), required=True, help="How many bureaus.")
@click.option(
    "--tasks-per-bureau", type=click.IntRange(0, 100_000), default=2000, show_default=True
)
@click.option("--users-per-bureau", type=click.IntRange(7, 1000), default=50, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same city.")
def generate_command(bureaus: int, tasks_per_bureau: int, users_per_bureau: int, seed: int):
    """Add generated bureaus (units, accounts, a published plan of this year) under the demo
    city, for load tests and sizing; each run adds new ones."""
    from tracker.demo.generate import generate
    from tracker.extensions import db

    if current_app.config.get("ENV_NAME") == "production":
        click.echo("refused: generated bureaus do not belong in production", err=True)
        sys.exit(1)
    report = generate(bureaus, tasks_per_bureau, users_per_bureau, seed=seed)
    db.session.commit()
    click.echo(report.summary())
