"""Commands for user accounts."""

import json
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.accounts import service
from tracker.accounts.models import User
from tracker.audit.service import cli_actor
from tracker.core.exceptions import DomainError
from tracker.core.permissions import ROLES
from tracker.extensions import db
from tracker.units.queries import find_by_name

users_cli = AppGroup("users", help="Manage user accounts.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _read_password() -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The user's role.")
@click.option("--unit", "unit_name", required=True, help="Unit name or alias, e.g. 办公室.")
@click.option("--principal", is_flag=True, help="Mark a leader as the principal leader.")
@click.option("--name", "display_name", default="", help="Display name (defaults to USERNAME).")
@click.option("--email", default=None, help="E-mail address for reminders.")
@click.option("--title", default="", help="Position, e.g. 党组书记、局长.")
def create_command(username, role, unit_name, principal, display_name, email, title):
    """Create a user; the password is read from a prompt, or from stdin when piped."""
    unit = find_by_name(unit_name)
    if unit is None:
        _fail(f"no unit named {unit_name!r} (see `tracker units list`)")
    password = _read_password()
    try:
        user = service.create_user(
            cli_actor(),
            username=username,
            display_name=display_name or username,
            role=role,
            unit=unit,
            password=password,
            email=email,
            title=title,
            is_principal=principal,
        )
    except DomainError as error:
        _fail(error.message)
    click.echo(f"created user {user.username} (id {user.id}, {user.role}, {unit.name})")


@users_cli.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(fmt: str):
    """List every user with role and unit."""
    users = db.session.scalars(sa.select(User).order_by(User.username)).all()
    rows = [
        {
            "id": u.id,
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "unit": u.unit.name,
            "is_principal": u.is_principal,
            "is_disabled": u.is_disabled,
            "email": u.email,
            "auth_source": u.auth_source,
        }
        for u in users
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        flags = (
            (" principal" if row["is_principal"] else "")
            + (" disabled" if row["is_disabled"] else "")
            + (" directory" if row["auth_source"] == "ldap" else "")
        )
        click.echo(f"{row['username']:<16} {row['role']:<12} {row['unit']}{flags}")
