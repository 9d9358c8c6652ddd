"""Who calls the API: a personal access token (Authorization: Bearer dbn_…) or the cookie
session of a logged-in user. Tokens are exempt from CSRF (no browser sends them by itself);
cookie sessions are not. Each token is held to its scope and to a number of requests a minute.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import LoginManager, current_user

from tracker.api import service
from tracker.api.http import ApiProblem, bp
from tracker.audit.service import log_event
from tracker.core.db import write_intent
from tracker.core.errors import problem
from tracker.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_RATE_LIMIT = 120


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def load_from_token(req):
    """Flask-Login's request loader: the user of a live token, on /api/ paths only."""
    if not req.path.startswith("/api/"):
        return None
    secret = _bearer()
    if secret is None:
        return None
    token = service.authenticate(secret)
    if token is None:
        g.api_token_refused = True
        return None
    g.api_token = token
    return token.user


def init_login_manager(login_manager: LoginManager) -> None:
    login_manager.request_loader(load_from_token)


csrf.exempt(bp)


@bp.before_request
def _gate():
    token = g.get("api_token")
    if token is None:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        return None
    limit = int(current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    token_id, prefix, scope = token.id, token.prefix, token.scope
    wait = service.count_request(token, limit)
    write_intent.set(request.method not in SAFE_METHODS)
    if wait is not None:
        raise ApiProblem(
            429,
            ngettext(
                "Too many requests with this token: wait %(num)d second.",
                "Too many requests with this token: wait %(num)d seconds.",
                wait,
            ),
            headers={"Retry-After": str(wait)},
        )
    if request.method not in SAFE_METHODS:
        if scope == "read":
            raise ApiProblem(403, _("This token may only read (scope “read”)."))
        # the services audit each write under the user; this row says it came with a token
        log_event(
            current_user,
            "api.write",
            ("api_tokens", token_id),
            after={"method": request.method, "path": request.path, "token": prefix},
        )
    return None


@bp.after_request
def _unauthenticated_as_problem(response):
    """The login gate (accounts.sessions) answers 401 before any API code runs: say it as a
    problem document, and how to authenticate."""
    if response.status_code == 401 and response.mimetype != "application/problem+json":
        detail = (
            _("The token is unknown, expired or revoked.")
            if g.get("api_token_refused")
            else _("Send a personal access token: Authorization: Bearer <token>.")
        )
        response = problem(401, detail)
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="duban"'
    return response
