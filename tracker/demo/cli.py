"""The `tracker demo` commands."""

import click
from flask.cli import AppGroup

from tracker.demo.service import database_is_new, load_demo

demo_cli = AppGroup("demo", help="The demo bureau (忻州市民政局).")


@demo_cli.command("load")
@click.option("--if-new", is_flag=True, help="Only load into a database that has no units yet.")
def load_command(if_new: bool):
    """Load the demo bureau, its accounts and plans; safe to run again (nothing is duplicated)."""
    if if_new and not database_is_new():
        click.echo("database already has data; demo not loaded")
        return
    report = load_demo()
    click.echo(report.summary())
