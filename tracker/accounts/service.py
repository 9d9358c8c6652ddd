"""Account writes: create and edit users, passwords, disabling, logins and sessions."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from tracker.accounts import directory
from tracker.accounts.models import (
    NO_LOCAL_PASSWORD,
    RULE_MATCHES,
    DirectoryRule,
    LoginAttempt,
    User,
    UserSession,
)
from tracker.accounts.passwords import hash_password, password_problem, verify_password
from tracker.accounts.queries import directory_rules, users_in
from tracker.audit.service import SystemActor, changes, log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.permissions import ROLES
from tracker.core.request_context import client_ip
from tracker.core.signals import credentials_revoked
from tracker.extensions import db
from tracker.units.models import Unit

log = logging.getLogger(__name__)

USERNAME_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")
#: Who writes an account provisioned, or refreshed, from the directory at login.
DIRECTORY_ACTOR = SystemActor(username="directory")


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


def _refuse_directory_account(user: User) -> None:
    if user.uses_directory:
        raise DomainError(
            _(
                "%(name)s logs in with the directory password; it is changed in the directory "
                "(e.g. Windows or the intranet portal), not in Duban.",
                name=user.username,
            )
        )


def set_password(actor, user: User, password: str, *, keep_session_id: int | None = None) -> None:
    """Set a new password and end the user's other sessions."""
    _refuse_directory_account(user)
    _check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.failed_login_count = 0
    user.locked_until = None
    user.must_change_password = False
    end_sessions(user, "password_changed", except_id=keep_session_id)
    credentials_revoked.send(user, actor=actor, reason="password_changed")
    log_event(actor, "user.password_change" if actor is user else "user.password_reset", user)


def change_own_password(user: User, current: str, new: str, *, session_id: int | None) -> None:
    """The user changes their own password, proving the current one."""
    _refuse_directory_account(user)
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
    #: Set when the client address is over its limit: answer 429 with Retry-After (seconds).
    retry_after: int | None = None


def _attempt_address() -> str:
    return (client_ip.get() or "unknown")[:64]


def _address_retry_after(ip: str, now) -> int | None:
    """Seconds until `ip` may try again, when it spent its attempts of the window; else None."""
    config = current_app.config
    window = config["LOGIN_ADDRESS_WINDOW"]
    recent = list(
        db.session.scalars(
            sa.select(LoginAttempt.attempted_at)
            .where(LoginAttempt.ip == ip, LoginAttempt.attempted_at > now - window)
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(config["LOGIN_ADDRESS_MAX_ATTEMPTS"])
        )
    )
    if len(recent) < config["LOGIN_ADDRESS_MAX_ATTEMPTS"]:
        return None
    # the oldest attempt that still counts leaves the window then
    return max(1, int((recent[-1] + window - now).total_seconds()) + 1)


def _pair_locked_until(name: str, ip: str, now):
    """When the lock of this name from this address ends, or None: a lock follows
    LOGIN_MAX_FAILURES failures within LOGIN_FAILURE_WINDOW, from this address only."""
    config = current_app.config
    window, lockout, limit = (
        config["LOGIN_FAILURE_WINDOW"],
        config["LOCKOUT_DURATION"],
        config["LOGIN_MAX_FAILURES"],
    )
    failures = list(
        db.session.scalars(
            sa.select(LoginAttempt.attempted_at)
            .where(
                LoginAttempt.username == name,
                LoginAttempt.ip == ip,
                LoginAttempt.outcome == "failure",
                LoginAttempt.attempted_at > now - window - lockout,
            )
            .order_by(LoginAttempt.attempted_at)
        )
    )
    for i in range(len(failures) - 1, limit - 2, -1):
        if failures[i] - failures[i - limit + 1] <= window and failures[i] + lockout > now:
            return failures[i] + lockout
    return None


def _audit_attempt(user: User | None, action: str, outcome: str, name: str, after: dict) -> None:
    """One login attempt's audit row: by and about the account when the name is one, else
    about no user, under the name as typed."""
    log_event(
        user,
        action,
        user if user is not None else ("user", None),
        outcome=outcome,
        actor_name=name,
        after=after,
    )


def _note_attempt(name: str, ip: str, outcome: str, now) -> None:
    db.session.add(LoginAttempt(attempted_at=now, username=name, ip=ip, outcome=outcome))
    db.session.flush()


def attempt_login(username: str, password: str, *, user_agent: str | None = None) -> LoginResult:
    """Check a login and open a session on success.

    Abuse is throttled by typed name and client address together: after too many failures a
    name is locked *from that address only* (its owner elsewhere still logs in), and an
    address is limited over all names (429). Unknown name, wrong password and locked pair get
    the same message after the same password hash check, so neither the answer nor its timing
    tells whether a name exists. Every failure, lock and 429 is audited (never the password).

    With a directory configured (TRACKER_LDAP_URL), directory accounts and names Duban does not
    know are checked by the directory, under the same throttling; a person it knows is given
    an account at their first login by the mapping rules (`_provision`). Local accounts (the
    administrators among them) never ask it, so they log in while it is down.
    """
    now = clock.now()
    config = current_app.config
    name = _normalise_username(username)[:64]
    ip = _attempt_address()
    generic = _("Invalid username or password.")
    audit_name = name[:150]

    retry_after = _address_retry_after(ip, now)
    if retry_after is not None:
        _note_attempt(name, ip, "throttled", now)
        log_event(
            None,
            "auth.login_throttled",
            ("user", None),
            outcome="denied",
            actor_name=audit_name,
            after={"address": ip, "retry_after": retry_after},
        )
        return LoginResult(
            error=_("Too many login attempts from your address. Try again in a few minutes."),
            retry_after=retry_after,
        )

    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name))
    # Directory accounts, and names Duban does not know while a directory is configured, are
    # checked by the directory; every other account by its own password hash.
    via_directory = user.uses_directory if user is not None else directory.is_configured(config)
    locked_until = _pair_locked_until(name, ip, now)
    person = None
    if via_directory:
        if locked_until is None:  # a locked name's password is not sent to the directory
            try:
                answer = _ask_directory(name, password)
            except directory.DirectoryUnavailable:
                _audit_attempt(
                    user, "auth.directory_unavailable", "failure", audit_name, {"address": ip}
                )
                return LoginResult(error=_directory_down_message())
            person, reason = answer.person, answer.reason
        password_ok = person is not None
    else:
        # Always one hash check: a dummy one for an unknown name, the real one when locked (its
        # result is ignored), so the three refusals cost the same time.
        password_ok = verify_password(user.password_hash if user else None, password)
        reason = "unknown_user" if user is None else "wrong_password"

    if locked_until is not None:
        _note_attempt(name, ip, "locked", now)
        _audit_attempt(
            user,
            "auth.login_refused_locked",
            "denied",
            audit_name,
            {"address": ip, "locked_until": locked_until.isoformat()},
        )
        return LoginResult(error=generic)

    if not password_ok:
        _note_attempt(name, ip, "failure", now)
        details = {"reason": reason, "address": ip}
        if via_directory:
            details["source"] = "ldap"
        _audit_attempt(user, "auth.login_failed", "failure", audit_name, details)
        locked_until = _pair_locked_until(name, ip, now)
        if locked_until is not None:
            _audit_attempt(
                user,
                "auth.lockout",
                "failure",
                audit_name,
                {"address": ip, "locked_until": locked_until.isoformat()},
            )
        return LoginResult(error=generic)

    if user is None:  # found in the directory, new to Duban
        user, refusal = _provision(name, person, ip)
        if refusal is not None:
            return LoginResult(error=refusal)
    if user.is_disabled:
        log_event(user, "auth.login_refused_disabled", user, outcome="denied")
        return LoginResult(error=_("This account is disabled. Contact your administrator."))
    if person is not None:
        _refresh_from_directory(user, person)

    user.failed_login_count = 0
    user.failed_login_since = None
    user.locked_until = None
    user.last_login_at = now
    # this address's failures for this name are forgotten once the right password is given
    db.session.execute(
        sa.delete(LoginAttempt).where(
            LoginAttempt.username == name,
            LoginAttempt.ip == ip,
            LoginAttempt.outcome.in_(("failure", "locked")),
        )
    )
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
    purge_login_attempts(now)
    details = {"session_id": login_session.id}
    if user.uses_directory:
        details["source"] = "ldap"
    log_event(user, "auth.login", user, after=details)
    return LoginResult(user=user, token=token, session=login_session)


def _directory_down_message() -> str:
    return _(
        "The directory cannot be reached, so accounts of the directory cannot log in at the "
        "moment. Please try again in a few minutes; if it goes on, tell your administrator."
    )


def _ask_directory(name: str, password: str) -> directory.DirectoryAnswer:
    config = current_app.config
    if not directory.is_configured(config):
        # a directory account while TRACKER_LDAP_URL is unset: as if the directory were down
        log.error("account %r logs in through the directory, but TRACKER_LDAP_URL is not set", name)
        raise directory.DirectoryUnavailable("not configured")
    return directory.authenticate(config, name, password)


def matching_rule(person: directory.DirectoryPerson) -> DirectoryRule | None:
    """The first mapping rule (in order, on an active unit) that `person`'s entry satisfies."""
    departments = {directory.fold(value) for value in person.departments}
    groups: set[str] = set()
    for group in person.groups:
        groups |= directory.group_names(group)
    for rule in directory_rules(active_units_only=True):
        wanted = directory.fold(rule.value)
        if wanted in (departments if rule.match == "department" else groups):
            return rule
    return None


def _provision(name: str, person: directory.DirectoryPerson, ip: str):
    """Make the account of a person found in the directory at their first login, seated by the
    first matching rule; (user, None), or (None, the message) when no rule places them."""
    rule = matching_rule(person)
    problem = None
    try:
        _check_username(name)
    except DomainError as refusal:
        problem = refusal.message
    if rule is None or problem is not None:
        log_event(
            None,
            "auth.login_refused_unmapped",
            ("user", None),
            outcome="denied",
            actor_name=name,
            after={
                "address": ip,
                "reason": "no_rule" if rule is None else "username_not_allowed",
                "dn": person.dn,
                "departments": person.departments[:20],
                "groups": person.groups[:20],
            },
        )
        return None, problem or _(
            "Your directory account is known, but no rule of Duban says which unit and role it "
            "has, so no account was made. Ask your administrator to add a directory mapping "
            "rule for your department or group."
        )
    user = User(
        username=name,
        display_name=person.display_name,
        email=person.email,
        role=rule.role,
        unit=rule.unit,
        unit_id=rule.unit_id,
        password_hash=NO_LOCAL_PASSWORD,
        password_changed_at=clock.now(),
        auth_source="ldap",
    )
    savepoint = db.session.begin_nested()
    db.session.add(user)
    try:
        savepoint.commit()
    except IntegrityError:
        # the same person's first login in another window made the account a moment ago
        savepoint.rollback()
        made = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name))
        if made is None:
            raise
        return made, None
    log_event(
        DIRECTORY_ACTOR,
        "user.create",
        user,
        after={**user.to_audit(), "directory_rule_id": rule.id, "dn": person.dn},
    )
    return user, None


def _refresh_from_directory(user: User, person: directory.DirectoryPerson) -> None:
    """The directory owns a directory account's name and e-mail: take them at every login (an
    e-mail only when the directory has one; unit and role stay as provisioned or as an
    administrator set them since)."""
    before = user.to_audit()
    user.display_name = person.display_name
    user.email = person.email or user.email
    old, new = changes(before, user.to_audit())
    if new:
        log_event(DIRECTORY_ACTOR, "user.update", user, before=old, after=new)


# -- directory mapping rules -----------------------------------------------------------------


def _check_rule(match: str, value: str, unit: Unit, role: str) -> str:
    if match not in RULE_MATCHES:
        raise DomainError(_("Choose what the rule matches."), "match")
    value = " ".join(value.split())
    if not value:
        raise DomainError(_("Enter the department or group the rule matches."), "value")
    if role == "admin":
        raise DomainError(
            _("Administrators are local accounts: a directory rule cannot make one."), "role"
        )
    if role not in ROLES:
        raise DomainError(_("Unknown role %(role)s.", role=role), "role")
    if not unit.is_active:
        raise DomainError(_("The unit %(name)s is deactivated.", name=unit.name), "unit")
    return value


def create_directory_rule(
    actor, *, position: int, match: str, value: str, unit: Unit, role: str
) -> DirectoryRule:
    value = _check_rule(match, value, unit, role)
    rule = DirectoryRule(
        position=position, match=match, value=value, unit=unit, unit_id=unit.id, role=role
    )
    db.session.add(rule)
    db.session.flush()
    log_event(actor, "directory_rule.create", rule, after=rule.to_audit())
    return rule


def update_directory_rule(
    actor, rule: DirectoryRule, *, position: int, match: str, value: str, unit: Unit, role: str
) -> DirectoryRule:
    value = _check_rule(match, value, unit, role)
    before = rule.to_audit()
    rule.position, rule.match, rule.value, rule.role = position, match, value, role
    rule.unit, rule.unit_id = unit, unit.id
    db.session.flush()
    old, new = changes(before, rule.to_audit())
    if new:
        log_event(actor, "directory_rule.update", rule, before=old, after=new)
    return rule


def delete_directory_rule(actor, rule: DirectoryRule) -> None:
    log_event(actor, "directory_rule.delete", rule, before=rule.to_audit())
    db.session.delete(rule)
    db.session.flush()


def purge_login_attempts(now=None) -> int:
    """Forget attempts older than every window they count in (the scheduler may call it)."""
    config = current_app.config
    horizon = max(
        config["LOGIN_FAILURE_WINDOW"] + config["LOCKOUT_DURATION"],
        config["LOGIN_ADDRESS_WINDOW"],
    )
    now = now or clock.now()
    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.attempted_at < now - horizon)
    )
    return result.rowcount or 0


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
