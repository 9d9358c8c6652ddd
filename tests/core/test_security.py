"""CSRF, security headers, cookies and caching."""

from tests.conftest import count
from tracker.accounts.models import User
from tracker.audit.models import AuditEvent


def test_post_without_csrf_token_is_refused_and_changes_nothing(org, auth, client):
    auth.login("admin")
    users_before, events_before = count(User), count(AuditEvent)
    response = client.post(
        "/admin/users/new",
        data={
            "username": "intruder",
            "display_name": "x",
            "role": "admin",
            "unit_id": org.office.id,
            "password": "long-enough-password",
        },
    )
    assert response.status_code == 400
    assert "expired" in response.text  # a readable page, not a stack trace
    assert count(User) == users_before
    # only the refusal itself is recorded (tests/security/test_csrf_audit.py)
    assert count(AuditEvent) == events_before + 1


def test_post_with_wrong_csrf_token_is_refused(org, auth, client):
    auth.login("admin")
    response = client.post(
        f"/admin/users/{org.users.chief.id}/disable", data={"csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert not org.users.chief.is_disabled


def test_csrf_token_in_header_is_accepted_for_htmx(org, auth, client, db):
    auth.login("admin")
    token = auth.csrf()
    response = client.post(
        f"/admin/users/{org.users.chief.id}/disable", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 302
    assert db.session.get(User, org.users.chief.id).is_disabled


def test_security_headers_on_every_response(org, auth, client):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/no-such-page")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_authenticated_pages_are_not_cached(org, auth, client):
    auth.login("office")
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(org, auth, client):
    response = auth.login("office")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in this test


def test_session_cookie_is_secure_over_https(org, client):
    response = client.get("/login", base_url="https://duban.example")
    assert "Secure" in response.headers["Set-Cookie"]


def test_pages_carry_no_inline_script(org, auth, client):
    auth.login("admin")
    for url in ("/", "/account", "/admin/users", "/admin/units/", "/admin/audit/"):
        html = client.get(url).text
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html, url


def test_unexpected_error_shows_friendly_page_without_trace(org, app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    from tracker.accounts.sessions import PUBLIC_ENDPOINTS

    assert "boom" not in PUBLIC_ENDPOINTS
    from tests.conftest import Auth

    Auth(client).login("office")
    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
