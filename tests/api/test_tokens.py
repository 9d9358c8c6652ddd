"""Personal access tokens: stored as a hash, shown once, scoped, expiring, revoked with the
password, rate limited; created on My account, by an admin, or with `tracker tokens create`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.api.conftest import token_for
from tests.conftest import FrozenClock
from tests.factories import audit_actions, last_audit_id
from tracker.accounts import service as accounts
from tracker.api.models import ApiToken
from tracker.api.service import hash_token
from tracker.extensions import db

T0 = datetime(2027, 1, 6, 2, 0, tzinfo=UTC)  # after the accounts were made


def test_only_a_hash_is_stored_and_the_token_opens_the_api(app, client, org):
    secret = token_for(org.users.coordinator, "read")
    assert secret.startswith("dbn_") and len(secret) > 40
    row = db.session.scalar(sa.select(ApiToken))
    assert row.token_hash == hash_token(secret) and secret not in (row.token_hash, row.prefix)
    assert secret.startswith(row.prefix)
    response = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_no_token_or_a_wrong_one_is_401_problem(client, org):
    response = client.get("/api/v1/plans")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.get("/api/v1/plans", headers={"Authorization": "Bearer dbn_nonsense"})
    assert response.status_code == 401
    assert "unknown, expired or revoked" in response.json["detail"]


def test_read_token_cannot_write(api, org):
    caller = api.as_(org.users.coordinator, "read")
    response = caller.post("/notifications/read", {})
    assert response.status_code == 403
    assert "read" in response.json["detail"]
    assert caller.get("/notifications").status_code == 200


def test_expired_token_stops_working(client, org):
    with FrozenClock(T0) as frozen:
        secret = token_for(org.users.coordinator, "read", expires_days=1)
        headers = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/plans", headers=headers).status_code == 200
        frozen.shift(timedelta(days=1, seconds=1))
        assert client.get("/api/v1/plans", headers=headers).status_code == 401


def test_password_change_and_disabling_revoke_tokens(client, org):
    chief = org.users.chief
    secret = token_for(chief, "write")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/plans", headers=headers).status_code == 200
    accounts.set_password(chief, chief, "a-new-long-password-42")
    db.session.commit()
    assert client.get("/api/v1/plans", headers=headers).status_code == 401
    assert db.session.scalar(sa.select(ApiToken.revoke_reason)) == "password_changed"

    staff = org.users.staff
    secret = token_for(staff, "read")
    accounts.set_disabled(org.users.admin, staff, True)
    db.session.commit()
    response = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    revoked = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == staff.id))
    assert revoked.revoke_reason == "disabled" and revoked.revoked_at is not None


def test_rate_limit_answers_429_with_retry_after(app, client, org):
    app.config["API_RATE_LIMIT"] = 3
    with FrozenClock(T0.replace(second=40)) as frozen:
        secret = token_for(org.users.coordinator, "read")
        headers = {"Authorization": f"Bearer {secret}"}
        for _ in range(3):
            assert client.get("/api/v1/plans", headers=headers).status_code == 200
        refused = client.get("/api/v1/plans", headers=headers)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "20"
        assert refused.mimetype == "application/problem+json"
        # another token of the same user has its own count
        other = token_for(org.users.coordinator, "read")
        assert (
            client.get("/api/v1/plans", headers={"Authorization": f"Bearer {other}"}).status_code
            == 200
        )
        frozen.shift(timedelta(seconds=20))
        assert client.get("/api/v1/plans", headers=headers).status_code == 200


def test_account_page_creates_a_token_shown_once_and_revokes_it(auth, client, org):
    auth.login("chief-relief")
    assert "/account/tokens/" in client.get("/account").text
    before = last_audit_id()
    page = auth.post(
        "/account/tokens/",
        {"name": "OA", "scope": "write", "expires_days": "30"},
        token_from="/account/tokens/",
    )
    assert page.status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    secret = next(
        w
        for w in page.text.replace("<", " ").replace(">", " ").split()
        if w.startswith(token.prefix)
    )
    assert hash_token(secret) == token.token_hash
    assert "api_token.create" in audit_actions(before)
    again = client.get("/account/tokens/")
    assert token.prefix in again.text and secret not in again.text
    client.post("/logout", data={"csrf_token": auth.csrf("/account/tokens/")})
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/plans", headers=headers).status_code == 200
    auth.login("chief-relief")
    auth.post(f"/account/tokens/{token.id}/revoke", token_from="/account/tokens/")
    client.post("/logout", data={"csrf_token": auth.csrf("/account/tokens/")})
    assert client.get("/api/v1/plans", headers=headers).status_code == 401


def test_admin_creates_a_token_for_a_service_account_others_may_not(auth, client, org):
    auth.login("chief-relief")
    assert client.get(f"/account/tokens/?user={org.users.staff.id}").status_code == 403
    auth.logout()
    auth.login("admin")
    page = auth.post(
        f"/account/tokens/?user={org.users.viewer.id}",
        {"name": "OA system", "scope": "read", "expires_days": ""},
        token_from=f"/account/tokens/?user={org.users.viewer.id}",
    )
    assert page.status_code == 200 and "dbn_" in page.text
    token = db.session.scalar(sa.select(ApiToken))
    assert token.user_id == org.users.viewer.id and token.created_by_id == org.users.admin.id


def test_cli_prints_the_token_alone_on_its_last_line(runner, client, org):
    result = runner.invoke(
        args=["tokens", "create", "--user", "office", "--scope", "write", "--expires", "7"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("dbn_") and " " not in secret
    response = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    listed = runner.invoke(args=["tokens", "list"])
    assert secret[:10] in listed.output and secret not in listed.output
    bad = runner.invoke(args=["tokens", "create", "--user", "office", "--scope", "admin"])
    assert bad.exit_code != 0 and "admin" in bad.output


def test_cookie_session_writes_still_need_csrf(auth, client, org):
    auth.login("office")
    assert client.get("/api/v1/plans").status_code == 200
    refused = client.post("/api/v1/notifications/read", json={})
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    ok = client.post("/api/v1/notifications/read", json={}, headers={"X-CSRFToken": auth.csrf()})
    assert ok.status_code == 200 and ok.json == {"marked": 0}
