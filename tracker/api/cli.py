"""`tracker tokens …`: personal access tokens from the command line (e.g. for a service account)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.accounts.models import User
from tracker.api import service
from tracker.api.models import SCOPES, ApiToken
from tracker.core.exceptions import DomainError
from tracker.extensions import db

tokens_cli = AppGroup("tokens", help="Create, list and revoke API tokens.")


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


@tokens_cli.command("create")
@click.option("--user", "username", required=True, help="The user the token acts as.")
@click.option("--scope", type=click.Choice(SCOPES), required=True)
@click.option(
    "--expires",
    "days",
    type=click.IntRange(1, service.MAX_EXPIRY_DAYS),
    default=None,
    help="Days until it expires (default: never).",
)
@click.option("--name", default="", help="What the token is for.")
def create_command(username: str, scope: str, days: int | None, name: str):
    """Create a token and print it (alone, on the last line); it is shown only this once."""
    user = _user(username)
    try:
        token, secret = service.create_token(
            None, user, scope=scope, name=name or "cli", expires_days=days
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    expiry = token.expires_at.isoformat() if token.expires_at else "never"
    click.echo(f"Token {token.prefix}… for {user.username}, scope {scope}, expires {expiry}.")
    click.echo("Copy it now: it is not stored and cannot be shown again.")
    click.echo(secret)


@tokens_cli.command("list")
@click.option("--user", "username", default=None)
def list_command(username: str | None):
    """List tokens (prefix, user, scope, expiry, last use, state); never the tokens themselves."""
    query = sa.select(ApiToken).order_by(ApiToken.id)
    if username:
        query = query.where(ApiToken.user_id == _user(username).id)
    for token in db.session.scalars(query):
        state = f"revoked ({token.revoke_reason})" if token.revoked_at else "live"
        click.echo(
            f"{token.id}\t{token.prefix}…\t{token.user.username}\t{token.scope}\t"
            f"{token.expires_at or 'never'}\t{token.last_used_at or '-'}\t{state}"
        )


@tokens_cli.command("revoke")
@click.argument("prefix")
def revoke_command(prefix: str):
    """Revoke the token whose shown prefix is PREFIX (e.g. dbn_Ab12Cd)."""
    tokens = list(db.session.scalars(sa.select(ApiToken).where(ApiToken.prefix == prefix[:10])))
    if len(tokens) != 1:
        raise click.ClickException(f"{len(tokens)} tokens start with {prefix!r}")
    service.revoke_token(None, tokens[0], "revoked")
    click.echo(f"revoked {tokens[0].prefix}…")
