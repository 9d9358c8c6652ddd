"""Commands for working days: count them, and check that a year has holiday data."""

import sys
from datetime import date

import click
from flask.cli import AppGroup

from tracker.core import clock, workdays
from tracker.holidays.service import overrides_of_year

workdays_cli = AppGroup(
    "workdays",
    help="Count Chinese working days (statutory holidays, make-up working days, overrides).",
)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"not a date: {text!r} (expected YYYY-MM-DD, e.g. 2024-09-30)")


# ignore_unknown_options lets a negative N through instead of being read as an option
@workdays_cli.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("day", metavar="DATE")
@click.argument("n", type=int)
def add_command(day: str, n: int):
    """Print the date N working days after DATE (before it when N is negative)."""
    start = _parse_date(day)
    try:
        result = workdays.add_workdays(start, n)
    except OverflowError:
        _fail(f"{n} working days from {start.isoformat()} is beyond the calendar")
    click.echo(result.isoformat())


@workdays_cli.command("check")
@click.argument("year", type=int, required=False)
def check_command(year: int | None):
    """Say whether YEAR (default: this year) has holiday data; exit 1 when it has none."""
    if year is None:
        year = clock.today().year
    entered = len(overrides_of_year(year))
    if workdays.is_covered_year(year):
        click.echo(f"{year}: covered by the built-in calendar; {entered} day(s) entered by admins")
        return
    if workdays.year_has_data(year):
        click.echo(f"{year}: {entered} day(s) entered by admins (not in the built-in calendar)")
        return
    click.echo(
        f"{year}: no holiday data; Monday-Friday is assumed until an administrator enters "
        "that year's holidays and make-up working days (Administration > Holidays)."
    )
    sys.exit(1)
