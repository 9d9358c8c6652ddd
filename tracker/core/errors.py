"""Error pages: roll back, log, and show a friendly page (JSON for API clients); no stack traces."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from tracker.core.signals import access_denied
from tracker.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    412: _l("Precondition failed"),
    413: _l("File too large"),
    422: _l("Unprocessable content"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
TEMPLATES = {403: "errors/403.html", 404: "errors/404.html", 409: "errors/409.html"}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


PROBLEM_JSON = "application/problem+json"


def problem(code: int, detail: str | None = None, *, headers=None, **extra):
    """An RFC 9457 problem document: the title in the request's language, `detail` as given."""
    body = {"type": "about:blank", "title": str(TITLES.get(code, code)), "status": code}
    if detail:
        body["detail"] = str(detail)
    body.update({key: value for key, value in extra.items() if value is not None})
    response = jsonify(body)
    response.status_code = code
    response.mimetype = PROBLEM_JSON
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def render_error(code: int, message: str | None = None, *, incident: str | None = None):
    if request.path.startswith("/api/v1"):
        return problem(code, message, incident=incident)
    if _wants_json():
        body = {"error": str(TITLES.get(code, code)), "message": message}
        if incident:
            body["incident"] = incident
        return jsonify(body), code
    template = TEMPLATES.get(code, "errors/500.html" if code >= 500 else "errors/generic.html")
    try:
        page = render_template(
            template, code=code, title=TITLES.get(code), message=message, incident=incident
        )
        return page, code
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        log.exception("error page %s could not be rendered", code)
        return f"{code} {TITLES.get(code, '')}", code, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        db.session.rollback()
        log.warning("CSRF refused on %s: %s", request.path, error.description)
        # audited like any refused access (in a transaction of its own, it survives the 400)
        user = current_user._get_current_object() if current_user else None
        access_denied.send(
            user if getattr(user, "is_authenticated", False) else None,
            action=f"csrf {request.method} {request.path[:200]}",
            obj=None,
        )
        return render_error(
            400,
            str(
                _l(
                    "The form has expired or was not sent from this site. "
                    "Go back, reload the page and try again."
                )
            ),
        )

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        db.session.rollback()
        limit = app.config.get("MAX_UPLOAD_MB")
        log.info("upload refused on %s: larger than %s MB", request.path, limit)
        return render_error(
            RequestEntityTooLarge.code,
            str(
                _l(
                    "The file is larger than the limit of %(limit)s MB and was not saved. "
                    "Go back and choose a smaller file, or split it (for example into several "
                    "PDF files or a ZIP archive per part).",
                    limit=limit,
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        db.session.rollback()
        code = error.code or 500
        # Only conflict messages are ours and meant for users; werkzeug's defaults are technical.
        return render_error(code, error.description if code == 409 else None)

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        db.session.rollback()
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return _http_error(error)
        # The number on the page finds the traceback in the log; the user never sees one.
        incident = secrets.token_hex(4)
        log.exception(
            "unhandled error (incident %s) on %s %s", incident, request.method, request.path
        )
        return render_error(InternalServerError.code, incident=incident)
