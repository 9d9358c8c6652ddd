"""Security headers on every response, no caching of logged-in pages, Secure cookies on HTTPS."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        # Behind a TLS-terminating proxy set TRACKER_SECURE_COOKIES=true instead.
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


#: Browsers remember for a year that this site is HTTPS only.
HSTS = "max-age=31536000; includeSubDomains"


def configure_https(app: Flask) -> None:
    """Behind trusted proxies read the client address and scheme from their headers; when the
    site is served over HTTPS (TRACKER_BASE_URL), name the session cookie `__Host-…` (the
    browser then only accepts it Secure, for the whole host, from this host) and send HSTS."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.config["HTTPS_ONLY"] = str(app.config.get("BASE_URL", "")).lower().startswith("https://")
    if app.config["HTTPS_ONLY"]:
        name = app.config["SESSION_COOKIE_NAME"]
        if not name.startswith("__Host-"):
            app.config["SESSION_COOKIE_NAME"] = f"__Host-{name}"
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_PATH="/",
            SESSION_COOKIE_DOMAIN=None,
            # Flask-Login's remember cookie is not used (no "remember me"); kept safe anyway
            REMEMBER_COOKIE_NAME="__Host-remember_token",
            REMEMBER_COOKIE_SECURE=True,
            REMEMBER_COOKIE_PATH="/",
            REMEMBER_COOKIE_DOMAIN=None,
        )


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HTTPS_ONLY"):
            headers.setdefault("Strict-Transport-Security", HSTS)
        # is_anonymous, not is_authenticated: the request's commit has expired the user, and
        # is_authenticated (is_disabled) would load it again (a BEGIN and a SELECT per page);
        # a loaded user is never disabled (accounts.sessions.load_user refuses those)
        if current_user and not getattr(current_user, "is_anonymous", True):
            headers["Cache-Control"] = "no-store"
        elif request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        return response
