"""Login abuse: throttled by typed name and client address together, so nobody can lock
someone else out; a per-address limit answers 429; every refusal reads and costs the same."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, FrozenClock
from tracker.accounts import passwords
from tracker.audit.models import AuditEvent
from tracker.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS_A = "203.0.113.7"
ADDRESS_B = "198.51.100.20"
GENERIC = "Invalid username or password."


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def error_text(response) -> str:
    """The page as the person reads it, without the per-request CSRF token."""
    import re

    text = re.sub(r'value="[^"]*"', "", response.text)
    return re.sub(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}", "TOKEN", text)


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(org, auth, client):
    with FrozenClock(T0) as frozen:
        from_address(client, ADDRESS_A)
        for _ in range(5):
            assert GENERIC in auth.login("deputy", "not-the-password").text
            frozen.shift(timedelta(seconds=10))
        # from A the name is now locked: even the right password is refused
        assert auth.login("deputy", PASSWORD).status_code == 422
        # the real deputy, at their usual desk, logs in
        from_address(client, ADDRESS_B)
        assert auth.login("deputy", PASSWORD).status_code == 302
    lockouts = events("auth.lockout")
    assert len(lockouts) == 1
    assert lockouts[0].after["address"] == ADDRESS_A and lockouts[0].ip == ADDRESS_A


def test_the_lock_ends_after_the_lockout_time(org, auth, client):
    with FrozenClock(T0) as frozen:
        from_address(client, ADDRESS_A)
        for _ in range(5):
            auth.login("deputy", "not-the-password")
        frozen.shift(timedelta(minutes=16))
        assert auth.login("deputy", PASSWORD).status_code == 302


def test_an_address_over_its_limit_gets_429_with_retry_after(app, org, auth, client):
    app.config["LOGIN_ADDRESS_MAX_ATTEMPTS"] = 8
    with FrozenClock(T0) as frozen:
        from_address(client, ADDRESS_A)
        for i in range(8):  # spread over many names: no pair reaches its own limit
            assert auth.login(f"guess{i}", "whatever-password").status_code == 422
            frozen.shift(timedelta(seconds=5))
        refused = auth.login("deputy", PASSWORD)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 5 * 60
        assert "Too many login attempts" in refused.text
        # another address is not affected
        from_address(client, ADDRESS_B)
        assert auth.login("deputy", PASSWORD).status_code == 302
        auth.logout()
        # once the window has passed, address A may try again
        from_address(client, ADDRESS_A)
        frozen.shift(timedelta(minutes=5))
        assert auth.login("office", PASSWORD).status_code == 302
    throttled = events("auth.login_throttled")
    assert len(throttled) == 1 and throttled[0].ip == ADDRESS_A
    assert throttled[0].actor_name == "deputy"


def test_unknown_locked_and_wrong_password_read_the_same_and_all_hash(
    org, auth, client, monkeypatch
):
    calls = []
    real_verify = passwords.check_password_hash
    monkeypatch.setattr(
        passwords, "check_password_hash", lambda h, p: calls.append(h) or real_verify(h, p)
    )
    with FrozenClock(T0):
        from_address(client, ADDRESS_A)
        for _ in range(5):
            auth.login("office", "not-the-password")
        calls.clear()
        locked = auth.login("office", PASSWORD)
        unknown = auth.login("no-such-user", "not-the-password")
        wrong = auth.login("deputy", "not-the-password")
    assert locked.status_code == unknown.status_code == wrong.status_code == 422
    assert GENERIC in locked.text
    # the same page but for the name typed
    assert error_text(locked).replace("office", "X") == error_text(unknown).replace(
        "no-such-user", "X"
    )
    assert error_text(wrong).replace("deputy", "X") == error_text(unknown).replace(
        "no-such-user", "X"
    )
    assert "locked" not in locked.text.lower()
    assert len(calls) == 3  # one password hash check each: the same cost


def test_every_refusal_is_audited_without_the_password(org, auth, client):
    with FrozenClock(T0):
        from_address(client, ADDRESS_A)
        auth.login("no-such-user", "typed-secret-1")
        for _ in range(5):
            auth.login("deputy", "typed-secret-2")
        auth.login("deputy", "typed-secret-3")
    failed = events("auth.login_failed")
    assert [e.after["reason"] for e in failed] == ["unknown_user"] + ["wrong_password"] * 5
    assert failed[0].actor_name == "no-such-user" and failed[0].actor_id is None
    assert all(e.ip == ADDRESS_A for e in failed)
    assert len(events("auth.lockout")) == 1
    assert len(events("auth.login_refused_locked")) == 1
    everything = " ".join(
        f"{e.before} {e.after} {e.actor_name}" for e in db.session.scalars(sa.select(AuditEvent))
    )
    assert "typed-secret" not in everything


@pytest.mark.parametrize("count", [4])
def test_a_success_clears_that_address_failures(org, auth, client, count):
    with FrozenClock(T0):
        from_address(client, ADDRESS_A)
        for _ in range(count):
            auth.login("deputy", "not-the-password")
        assert auth.login("deputy", PASSWORD).status_code == 302
        auth.logout()
        for _ in range(count):
            auth.login("deputy", "not-the-password")
        assert auth.login("deputy", PASSWORD).status_code == 302


@pytest.fixture
def behind_proxy(app_config):
    app_config["TRUSTED_PROXIES"] = 1
    return app_config


def test_behind_a_trusted_proxy_the_forwarded_address_counts(behind_proxy, org, auth, client):
    with FrozenClock(T0):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = ADDRESS_A
        for _ in range(5):
            auth.login("deputy", "not-the-password")
        assert auth.login("deputy", PASSWORD).status_code == 422
        client.environ_base["HTTP_X_FORWARDED_FOR"] = ADDRESS_B
        assert auth.login("deputy", PASSWORD).status_code == 302
    assert {e.ip for e in events("auth.login_failed")} == {ADDRESS_A}
