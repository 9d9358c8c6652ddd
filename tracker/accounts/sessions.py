"""Tie Flask-Login to server-side sessions: idle and absolute timeouts, logout that really ends.

The signed cookie carries a random session token; the database keeps its hash. A session ends
on logout, after the idle timeout, after the absolute lifetime, on a password change or when
the account is disabled, and a copy of the cookie made earlier opens nothing after that.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from tracker.accounts.models import User, UserSession
from tracker.accounts.service import token_hash
from tracker.core import clock, drafts
from tracker.core.db import begin_write, write_intent
from tracker.core.request_context import client_ip
from tracker.extensions import db

#: Endpoints anyone may reach without logging in.
#: (exports.calendar_feed: calendar programs cannot log in; its secret address is the credential.)
PUBLIC_ENDPOINTS = frozenset(
    {
        "accounts.login",
        "accounts.set_language",
        "home.healthz",
        "static",
        "exports.calendar_feed",
        "upward.public_reports",  # a city's list of reports its bureaus published (公开)
    }
)
#: Where an account that must change its password may go (nothing else opens until it has).
PASSWORD_CHANGE_ENDPOINTS = frozenset({"accounts.account", "accounts.logout", "static"})
#: Session key of a draft to give back on its page after login (core.drafts).
RESTORE_DRAFT_KEY = "restore_draft"
#: last_seen_at is written at most this often, to spare the database a write per request.
TOUCH_INTERVAL = timedelta(seconds=60)


def current_login_session() -> UserSession | None:
    return g.get("login_session")


# _end and _touch commit by themselves: one of the documented exceptions to the one-commit
# boundary (tracker/core/transactions.py). They run when the user is loaded, before the view,
# and must hold whatever the view's own outcome is (an idle session stays ended).


def _end(login_session: UserSession, reason: str) -> None:
    session_id = login_session.id
    begin_write(db.session)
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.id == session_id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
    )
    db.session.commit()
    g.session_end_reason = reason


def _touch(login_session: UserSession, now) -> UserSession:
    """Record activity (at most once a minute); returns the session, reloaded."""
    session_id = login_session.id
    begin_write(db.session)
    db.session.execute(
        sa.update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
    )
    db.session.commit()
    return db.session.get(UserSession, session_id)


def load_user(user_id: str) -> User | None:
    token = session.get("sid")
    if not token or not str(user_id).isdigit():
        return None
    login_session = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == token_hash(token))
    )
    if login_session is None or login_session.user_id != int(user_id):
        return None
    if login_session.ended_at is not None:
        g.session_end_reason = login_session.end_reason
        return None
    now = clock.now()
    config = current_app.config
    if now - login_session.created_at > config["SESSION_MAX_AGE"]:
        _end(login_session, "expired")
        return None
    if now - login_session.last_seen_at > config["SESSION_IDLE_TIMEOUT"]:
        _end(login_session, "idle")
        return None
    user = login_session.user
    if user.is_disabled:
        _end(login_session, "disabled")
        return None
    if now - login_session.last_seen_at > TOUCH_INTERVAL:
        login_session = _touch(login_session, now)
        user = login_session.user
    g.login_session = login_session
    return user


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    # Session fixation is handled by our own rotation on login (see accounts.views.login).
    login_manager.session_protection = None
    login_manager.user_loader(load_user)


END_MESSAGES = {
    "idle": _l("Your session ended after a period of inactivity. Please log in again."),
    "expired": _l("Your session reached its maximum length. Please log in again."),
    "password_changed": _l("Your password was changed. Please log in again."),
    "disabled": _l("This account is disabled. Contact your administrator."),
}


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _form_page() -> str:
    """The page a posted form was on: its same-site referrer, else the posted address without
    its last segment (/tasks/7/progress → /tasks/7), which answers GET."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and is_safe_next(referrer.path or ""):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    parent = request.path.rstrip("/").rsplit("/", 1)[0]
    return parent or "/"


def _keep_expired_post() -> tuple[str, str | None]:
    """A form posted after its session ended: keep its fields for the account the session
    belonged to, and return the page to show again and the draft's key."""
    page = _form_page()
    user_id = session.get("_user_id")
    if not str(user_id or "").isdigit() or db.session.get(User, int(user_id)) is None:
        return page, None
    pairs = [(name, value) for name, value in request.form.items(multi=True)]
    if not pairs:
        return page, None
    begin_write(db.session)
    key = drafts.keep(int(user_id), "expired", page, pairs)
    # kept whatever happens next: the redirect to the login page commits it
    db.session.commit()
    return page, key


def _restore_draft(user: User) -> None:
    """Right after a new login, the page of the kept draft gets its fields back, once."""
    key = session.get(RESTORE_DRAFT_KEY)
    if not key or request.method != "GET":
        return
    draft = drafts.find(key, user.id)
    if draft is None:
        session.pop(RESTORE_DRAFT_KEY, None)
        return
    if urlsplit(draft.page).path != request.path:
        return
    session.pop(RESTORE_DRAFT_KEY, None)
    user_id = user.id
    begin_write(db.session)
    draft = drafts.take(key, user_id)
    if draft is not None:
        drafts.restore_on_this_page(draft)
        flash(
            str(
                _l(
                    "What you typed before your session ended is filled in again below: "
                    "check it and save."
                )
            ),
            "info",
        )


def init_app(app: Flask) -> None:
    drafts.install()

    @app.before_request
    def _identify_and_gate():
        client_ip.set(request.remote_addr)
        write_intent.set(request.method not in {"GET", "HEAD", "OPTIONS"})
        # Load the user first thing, so session bookkeeping commits before any other work.
        authenticated = current_user.is_authenticated
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if authenticated:
            if (
                current_user.must_change_password
                and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
            ):
                if request.path.startswith("/api/"):
                    return jsonify({"error": "password change required"}), 403
                flash(str(_l("Please choose a new password before you continue.")), "warning")
                return redirect(url_for("accounts.account"))
            _restore_draft(current_user)
            return None
        if request.path.startswith("/api/"):
            return jsonify({"error": "authentication required"}), 401
        reason = g.get("session_end_reason")
        if reason in END_MESSAGES:
            flash(str(END_MESSAGES[reason]), "warning")
        elif request.path != "/":
            flash(str(_l("Please log in to continue.")), "info")
        draft_key = None
        if request.method == "POST":
            target, draft_key = _keep_expired_post()
            if draft_key:
                flash(str(_l("What you typed is kept: log in again to see it.")), "info")
        else:
            target = request.full_path if request.query_string else request.path
        return redirect(
            url_for("accounts.login", next=target if target != "/" else None, draft=draft_key)
        )
