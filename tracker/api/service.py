"""Personal access tokens: create (shown once), check, revoke, and count requests per minute.

A token is `dbn_` followed by 43 random URL-safe characters; the database keeps its SHA-256
and its first characters (to recognise it in a list), never the token itself.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.api.models import SCOPES, ApiToken
from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.db import begin_write
from tracker.core.exceptions import DomainError
from tracker.core.permissions import can
from tracker.extensions import db

log = logging.getLogger(__name__)

TOKEN_PREFIX = "dbn_"
#: How many characters of a token are kept to recognise it ("dbn_" and six more).
SHOWN_CHARS = 10
MAX_EXPIRY_DAYS = 3650
#: One-minute windows: a token may make this many requests in each.
WINDOW = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_token(
    actor, user: User, *, scope: str, name: str = "", expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user` (oneself, or an admin for anyone); return it and the secret,
    which is shown this once."""
    if actor is not None and actor.id != user.id and not can(actor, "user.manage", user):
        raise DomainError(_("You may create tokens only for yourself."))
    if scope not in SCOPES:
        raise DomainError(_("Unknown scope."), "scope")
    if scope == "admin" and user.role != "admin":
        raise DomainError(_("Only an administrator's token can have the admin scope."), "scope")
    if user.is_disabled:
        raise DomainError(_("%(name)s's account is disabled.", name=user.display_name))
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise DomainError(
            _("The expiry is between 1 and %(n)d days.", n=MAX_EXPIRY_DAYS), "expires_days"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        user_id=user.id,
        name=(name or "").strip()[:100],
        prefix=secret[:SHOWN_CHARS],
        token_hash=hash_token(secret),
        scope=scope,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
        revoke_reason="",
        window_count=0,
    )
    db.session.add(token)
    db.session.flush()
    log_event(actor, "api_token.create", token, after=token.to_audit())
    log.info("api token %s created for %s", token.prefix, user.username)
    return token, secret


def revoke_token(actor, token: ApiToken, reason: str = "revoked") -> None:
    if token.revoked_at is not None:
        return
    if (
        actor is not None
        and actor.id != token.user_id
        and not can(actor, "user.manage", token.user)
    ):
        raise DomainError(_("You may revoke only your own tokens."))
    token.revoked_at = clock.now()
    token.revoke_reason = reason
    db.session.flush()
    log_event(actor, "api_token.revoke", token, after={"prefix": token.prefix, "reason": reason})


def revoke_all(actor, user: User, reason: str) -> int:
    """Revoke every live token of `user` (a password change, a disabled account)."""
    tokens = list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    for token in tokens:
        token.revoked_at = clock.now()
        token.revoke_reason = reason
        db.session.flush()
        log_event(
            actor, "api_token.revoke", token, after={"prefix": token.prefix, "reason": reason}
        )
    return len(tokens)


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def is_live(token: ApiToken, now: datetime) -> bool:
    user = token.user
    return (
        token.revoked_at is None
        and (token.expires_at is None or token.expires_at > now)
        and not user.is_disabled
        # a token made before the password's last change is void even if the revoke was missed
        and (user.password_changed_at is None or token.created_at >= user.password_changed_at)
    )


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not is_live(token, clock.now()):
        return None
    return token


def count_request(token: ApiToken, limit: int) -> int | None:
    """Count one request of `token` in the current minute and note when it was used; return
    the seconds to wait when the limit is reached, else None.

    One UPDATE … RETURNING counts atomically across workers. It commits at once: one of the
    documented exceptions to the request's single commit (tracker/core/transactions.py), since
    a refused request rolls back and must still have been counted."""
    now = clock.now()
    window = now.replace(second=0, microsecond=0)
    token_id = token.id
    begin_write(db.session)
    count = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(
            window_count=sa.case(
                (ApiToken.window_start == window, ApiToken.window_count + 1), else_=1
            ),
            window_start=window,
            last_used_at=now,
        )
        .returning(ApiToken.window_count)
    ).scalar_one()
    db.session.commit()
    if count > limit:
        return max(1, int((window + WINDOW - now).total_seconds() + 0.999))
    return None
