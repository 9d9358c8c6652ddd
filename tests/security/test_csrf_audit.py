"""A form without its CSRF token (or with another session's) is refused with a readable page,
and the refusal is in the audit trail."""

import sqlalchemy as sa

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def denials() -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == "access.denied")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_a_post_without_token_is_a_readable_400_and_audited(org, auth, client):
    auth.login("office")
    response = client.post("/account", data={"current_password": "x"})
    assert response.status_code == 400
    assert "The form has expired or was not sent from this site." in response.text
    assert "Traceback" not in response.text
    [event] = denials()
    assert event.actor_name == "office" and event.outcome == "denied"
    assert event.after["permission"].startswith("csrf POST /account")


def test_a_forged_token_before_login_is_audited_too(org, client):
    client.get("/login")
    response = client.post(
        "/login", data={"username": "admin", "password": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    [event] = denials()
    assert event.actor_id is None
    assert event.after["permission"] == "csrf POST /login"


def test_a_refused_form_changes_nothing(org, auth, client):
    auth.login("office")
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    client.post("/logout")  # no token: the session is not ended
    assert client.get("/").status_code == 200
    after = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    assert after == before + 1  # only the refusal itself
