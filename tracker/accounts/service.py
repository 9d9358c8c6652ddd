"""Account writes: create and edit users, passwords, disabling, logins and sessions."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from tracker.accounts.models import User, UserSession
from tracker.accounts.passwords import hash_password, password_problem, verify_password
from tracker.accounts.queries import users_in
from tracker.audit.service import changes, log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.permissions import ROLES
from tracker.core.request_context import client_ip
from tracker.core.signals import credentials_revoked
from tracker.extensions import db
from tracker.units.models import Unit

log = logging.getLogger(__name__)

USERNAME_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _normalise_username(username: str) -> str:
    return username.strip().lower()


def _check_username(username: str, *, exclude_id: int | None = None) -> None:
    if not 2 <= len(username) <= 64 or not set(username) <= USERNAME_ALLOWED:
        raise DomainError(
            _("Usernames have 2–64 characters: lowercase letters, digits, '-', '_' or '.'."),
            "username",
        )
    query = sa.select(User.id).where(sa.func.lower(User.username) == username)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    if db.session.execute(query).first():
        raise DomainError(_("The username %(name)s is already taken.", name=username), "username")


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise DomainError(problem, "password")


def _check_role(role: str, unit: Unit, is_principal: bool) -> None:
    if role not in ROLES:
        raise DomainError(_("Unknown role %(role)s.", role=role), "role")
    if is_principal and role != "leader":
        raise DomainError(_("Only a leader can be the principal leader."), "is_principal")
    if not unit.is_active:
        raise DomainError(_("The unit %(name)s is deactivated.", name=unit.name), "unit")


def _clear_other_principals(actor, user: User) -> None:
    """A bureau has one principal leader: naming a new one clears the previous one."""
    bureau = user.bureau
    others = [
        other
        for other in users_in(bureau, principal=True, include_disabled=True)
        if other.id != user.id and other.bureau.id == bureau.id  # not of a bureau within it
    ]
    for other in others:
        other.is_principal = False
        log_event(
            actor,
            "user.update",
            other,
            before={"is_principal": True},
            after={"is_principal": False},
        )


def create_user(
    actor,
    *,
    username: str,
    display_name: str,
    role: str,
    unit: Unit,
    password: str,
    email: str | None = None,
    title: str = "",
    is_principal: bool = False,
    locale: str | None = None,
) -> User:
    """Create an account; the password must satisfy the policy."""
    username = _normalise_username(username)
    _check_username(username)
    _check_role(role, unit, is_principal)
    _check_password(password, username)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        title=title.strip(),
        email=(email or "").strip() or None,
        role=role,
        unit=unit,
        unit_id=unit.id,
        is_principal=is_principal,
        locale=locale,
        password_hash=hash_password(password),
        password_changed_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    if is_principal:
        _clear_other_principals(actor, user)
    log_event(actor, "user.create", user, after=user.to_audit())
    return user


def update_user(
    actor,
    user: User,
    *,
    display_name: str,
    role: str,
    unit: Unit,
    email: str | None,
    title: str,
    is_principal: bool,
) -> User:
    """Change a user's profile, role or unit."""
    _check_role(role, unit, is_principal)
    before = user.to_audit()
    user.display_name = display_name.strip() or user.username
    user.role = role
    user.unit = unit
    user.unit_id = unit.id
    user.email = (email or "").strip() or None
    user.title = title.strip()
    user.is_principal = is_principal
    db.session.flush()
    if is_principal:
        _clear_other_principals(actor, user)
    old, new = changes(before, user.to_audit())
    if new:
        log_event(actor, "user.update", user, before=old, after=new)
    return user


def set_password(actor, user: User, password: str, *, keep_session_id: int | None = None) -> None:
    """Set a new password and end the user's other sessions."""
    _check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.failed_login_count = 0
    user.locked_until = None
    end_sessions(user, "password_changed", except_id=keep_session_id)
    credentials_revoked.send(user, actor=actor, reason="password_changed")
    log_event(actor, "user.password_change" if actor is user else "user.password_reset", user)


def change_own_password(user: User, current: str, new: str, *, session_id: int | None) -> None:
    """The user changes their own password, proving the current one."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_("The current password is not correct."), "current_password")
    set_password(user, user, new, keep_session_id=session_id)


def set_disabled(actor, user: User, disabled: bool) -> None:
    """Disable (ending every session) or re-enable an account."""
    if actor is not None and actor.id == user.id and disabled:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_disabled == disabled:
        return
    user.is_disabled = disabled
    if disabled:
        end_sessions(user, "disabled")
        credentials_revoked.send(user, actor=actor, reason="disabled")
    log_event(
        actor,
        "user.disable" if disabled else "user.enable",
        user,
        before={"is_disabled": not disabled},
        after={"is_disabled": disabled},
    )


def set_locale(actor, user: User, locale: str | None) -> None:
    """Remember the user's UI language."""
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Unknown language."), "locale")
    if user.locale == locale:
        return
    before = {"locale": user.locale}
    user.locale = locale
    log_event(actor, "user.update", user, before=before, after={"locale": locale})


# -- login and sessions ----------------------------------------------------------------------


@dataclass
class LoginResult:
    user: User | None = None
    token: str | None = None
    session: UserSession | None = None
    error: str | None = None


def _lock_message(user: User) -> str:
    minutes = max(1, int((user.locked_until - clock.now()).total_seconds() + 59) // 60)
    return _(
        "This account is locked after too many failed logins. Try again in %(n)d minutes, "
        "or ask an administrator to reset the password.",
        n=minutes,
    )


def attempt_login(username: str, password: str, *, user_agent: str | None = None) -> LoginResult:
    """Check a login; count failures, lock after too many, open a session on success."""
    config = current_app.config
    now = clock.now()
    name = _normalise_username(username)
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name))
    generic = _("Invalid username or password.")

    if user is not None and user.locked_until is not None and user.locked_until > now:
        log_event(user, "auth.login_refused_locked", user, outcome="denied")
        return LoginResult(error=_lock_message(user))

    if not verify_password(user.password_hash if user else None, password):
        if user is None:
            log_event(
                None,
                "auth.login_failed",
                ("user", None),
                outcome="failure",
                actor_name=name[:150],
                after={"reason": "unknown_user"},
            )
            return LoginResult(error=generic)
        window = config["LOGIN_FAILURE_WINDOW"]
        if user.failed_login_since is None or now - user.failed_login_since > window:
            user.failed_login_since = now
            user.failed_login_count = 0
        user.failed_login_count += 1
        log_event(
            user,
            "auth.login_failed",
            user,
            outcome="failure",
            after={"reason": "wrong_password", "failures": user.failed_login_count},
        )
        if user.failed_login_count >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + config["LOCKOUT_DURATION"]
            user.failed_login_count = 0
            user.failed_login_since = None
            log_event(
                user,
                "auth.lockout",
                user,
                outcome="failure",
                after={"locked_until": user.locked_until.isoformat()},
            )
            return LoginResult(error=_lock_message(user))
        return LoginResult(error=generic)

    if user.is_disabled:
        log_event(user, "auth.login_refused_disabled", user, outcome="denied")
        return LoginResult(error=_("This account is disabled. Contact your administrator."))

    user.failed_login_count = 0
    user.failed_login_since = None
    user.locked_until = None
    user.last_login_at = now
    token = secrets.token_urlsafe(32)
    login_session = UserSession(
        user=user,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        ip=client_ip.get(),
        user_agent=(user_agent or "")[:300] or None,
    )
    db.session.add(login_session)
    db.session.flush()
    log_event(user, "auth.login", user, after={"session_id": login_session.id})
    return LoginResult(user=user, token=token, session=login_session)


def end_sessions(user: User, reason: str, *, except_id: int | None = None) -> int:
    """End every open session of `user` (but `except_id`); return how many were ended."""
    query = (
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
    )
    if except_id is not None:
        query = query.where(UserSession.id != except_id)
    return db.session.execute(query).rowcount or 0


def logout(user: User, login_session: UserSession | None) -> None:
    """End the current session for good: its token no longer opens anything."""
    if login_session is not None and login_session.ended_at is None:
        login_session.ended_at = clock.now()
        login_session.end_reason = "logout"
    log_event(
        user, "auth.logout", user, after={"session_id": login_session.id if login_session else None}
    )
