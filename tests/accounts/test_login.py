"""Logging in and out: generic errors, lockout, session rotation, replay, timeouts.

(Abuse from several addresses: tests/security/test_login_abuse.py.)"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD, FrozenClock
from tracker.accounts.models import UserSession
from tracker.audit.models import AuditEvent
from tracker.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def audit_actions():
    return [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]


def test_login_success_redirects_home_and_is_audited(org, auth, client):
    response = auth.login("office")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "office" in home.text
    assert audit_actions()[-1] == "auth.login"


def test_unknown_user_and_wrong_password_get_the_same_message(org, auth):
    unknown = auth.login("nobody", "whatever-password")
    wrong = auth.login("office", "wrong-password")
    assert unknown.status_code == wrong.status_code == 422
    message = "Invalid username or password."
    assert message in unknown.text and message in wrong.text
    assert "nobody" in unknown.text  # the username the person typed is kept
    assert audit_actions()[-2:] == ["auth.login_failed", "auth.login_failed"]


def test_username_is_case_insensitive(org, auth):
    assert auth.login("OFFICE").status_code == 302


def test_five_failures_lock_the_account_from_that_address_for_fifteen_minutes(org, auth):
    with FrozenClock(T0) as frozen:
        for _ in range(4):
            assert "Invalid username or password." in auth.login("office", "bad-password").text
            frozen.shift(timedelta(minutes=1))
        locked = auth.login("office", "bad-password")
        # the same words as any failure: a lock does not tell that the name exists
        assert "Invalid username or password." in locked.text
        assert "auth.lockout" in audit_actions()
        # even the right password is refused while locked (from this address)
        frozen.shift(timedelta(minutes=14))
        still = auth.login("office", PASSWORD)
        assert still.status_code == 422 and "Invalid username or password." in still.text
        assert audit_actions()[-1] == "auth.login_refused_locked"
        frozen.shift(timedelta(minutes=2))
        assert auth.login("office", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(org, auth):
    with FrozenClock(T0) as frozen:
        for _ in range(8):
            auth.login("office", "bad-password")
            frozen.shift(timedelta(minutes=4))  # 4 failures per 16 minutes, never 5 in 15
        assert auth.login("office", PASSWORD).status_code == 302


def test_login_rotates_the_session(org, auth, client):
    client.get("/login")
    with client.session_transaction() as anonymous:
        anonymous["planted"] = "by-someone-before-login"
    before = client.get_cookie("duban_session").value
    auth.login("office")
    with client.session_transaction() as logged_in:
        assert "planted" not in logged_in
        first_token = logged_in["sid"]
    assert client.get_cookie("duban_session").value != before
    auth.logout()
    auth.login("office")
    with client.session_transaction() as again:
        assert again["sid"] != first_token
    sessions = db.session.scalars(sa.select(UserSession).order_by(UserSession.id)).all()
    assert [s.end_reason for s in sessions] == ["logout", None]


def test_cookie_copied_before_logout_no_longer_works(org, auth, client, app):
    auth.login("office")
    stolen = client.get_cookie("duban_session").value
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("duban_session", stolen)
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    ended = db.session.scalars(sa.select(UserSession)).one()
    assert ended.end_reason == "logout"


def test_idle_timeout_ends_the_session(org, auth, client):
    with FrozenClock(T0) as frozen:
        auth.login("office")
        frozen.shift(timedelta(minutes=29))
        assert client.get("/account").status_code == 200  # activity keeps it alive
        frozen.shift(timedelta(minutes=29))
        assert client.get("/account").status_code == 200
        frozen.shift(timedelta(minutes=31))
        response = client.get("/account")
        assert response.status_code == 302
        login_page = client.get(response.headers["Location"])
        assert "inactivity" in login_page.text


def test_absolute_timeout_ends_even_an_active_session(org, auth, client):
    with FrozenClock(T0) as frozen:
        auth.login("office")
        for _ in range(25):  # active every 29 minutes for more than 12 hours
            frozen.shift(timedelta(minutes=29))
            if client.get("/account").status_code != 200:
                break
        else:
            raise AssertionError("session outlived the 12-hour limit")
        assert db.session.scalars(sa.select(UserSession)).one().end_reason == "expired"


def test_timeouts_are_configurable(org, auth, client, app):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=5)
    with FrozenClock(T0) as frozen:
        auth.login("office")
        frozen.shift(timedelta(minutes=6))
        assert client.get("/account").status_code == 302


def test_disabling_a_user_ends_their_sessions(org, auth, client, app):
    victim = app.test_client()
    from tests.conftest import Auth

    Auth(victim).login("chief-relief")
    assert victim.get("/account").status_code == 200
    auth.login("admin")
    user_id = org.users.chief.id
    response = auth.post(f"/admin/users/{user_id}/disable")
    assert response.status_code == 302
    assert victim.get("/account").status_code == 302
    # and the disabled user cannot log in again
    again = Auth(app.test_client()).login("chief-relief")
    assert again.status_code == 422 and "disabled" in again.text


def test_changing_password_ends_other_sessions_but_keeps_this_one(org, app):
    from tests.conftest import Auth

    laptop, phone = app.test_client(), app.test_client()
    Auth(phone).login("office")
    laptop_auth = Auth(laptop)
    laptop_auth.login("office")
    response = laptop_auth.post(
        "/account",
        {
            "current_password": PASSWORD,
            "password": "a-new-long-passphrase",
            "confirm": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert Auth(app.test_client()).login("office", "a-new-long-passphrase").status_code == 302


def test_password_policy_on_change(org, auth):
    auth.login("office")
    for new, message in [
        ("short", "at least 8 characters"),
        ("x" * 129, "at most 128 characters"),
        ("password1", "most common passwords"),
        ("12345678", "most common passwords"),
    ]:
        response = auth.post(
            "/account",
            {
                "current_password": PASSWORD,
                "password": new,
                "confirm": new,
            },
        )
        assert response.status_code == 422, new
        assert message in response.text, new
    wrong_current = auth.post(
        "/account",
        {
            "current_password": "not-it",
            "password": "a-fine-passphrase",
            "confirm": "a-fine-passphrase",
        },
    )
    assert "current password is not correct" in wrong_current.text


def test_next_redirect_only_to_same_site_paths(org, auth, client):
    assert auth.login("office", next_url="/admin/audit/").headers["Location"] == "/admin/audit/"
    auth.logout()
    for evil in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]:
        response = auth.login("office", next_url=evil)
        assert response.headers["Location"] == "/", evil
        auth.logout()


def test_anonymous_request_redirects_to_login_with_next(org, client):
    response = client.get("/admin/users?q=x")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_requires_post_with_csrf(org, auth, client):
    auth.login("office")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/account").status_code == 200  # still logged in
