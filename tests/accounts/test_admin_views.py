"""User administration through the browser: create, edit, reset, disable — audited, guarded."""

import sqlalchemy as sa

from tests.conftest import Auth, count
from tracker.accounts.models import User
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def last_event():
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def new_user_form(org, **changes):
    data = {
        "username": "chief-new",
        "display_name": "新科长",
        "title": "科长",
        "email": "",
        "role": "chief",
        "unit_id": str(org.elderly.id),
        "password": "a-long-passphrase",
    }
    data.update(changes)
    return data


def test_admin_creates_a_user_who_can_log_in(org, auth, app):
    auth.login("admin")
    response = auth.post("/admin/users/new", new_user_form(org), token_from="/admin/users/new")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "chief-new"))
    assert user.unit_id == org.elderly.id and user.role == "chief"
    event = last_event()
    assert event.action == "user.create" and event.actor_name == "admin"
    assert event.after["role"] == "chief" and "password" not in str(event.after)
    assert Auth(app.test_client()).login("chief-new", "a-long-passphrase").status_code == 302


def test_bad_input_redisplays_with_messages_and_keeps_what_was_typed(org, auth):
    auth.login("admin")
    users_before = count(User)
    response = auth.post(
        "/admin/users/new",
        new_user_form(
            org, username="chief-relief", display_name="保留的名字", password="123456789"
        ),
        token_from="/admin/users/new",
    )
    assert response.status_code == 422
    assert "already taken" in response.text or "most common" in response.text
    assert 'value="保留的名字"' in response.text
    assert count(User) == users_before


def test_principal_only_for_leaders_and_only_one_per_bureau(org, auth):
    auth.login("admin")
    refused = auth.post(
        "/admin/users/new", new_user_form(org, is_principal="y"), token_from="/admin/users/new"
    )
    assert refused.status_code == 422 and "Only a leader" in refused.text
    deputy = org.users.leader
    response = auth.post(
        f"/admin/users/{deputy.id}/edit",
        {
            "display_name": "deputy",
            "title": "",
            "email": "",
            "role": "leader",
            "unit_id": str(org.leaders.id),
            "is_principal": "y",
        },
        token_from=f"/admin/users/{deputy.id}/edit",
    )
    assert response.status_code == 302
    principals = db.session.scalars(sa.select(User).where(User.is_principal.is_(True))).all()
    assert [u.username for u in principals] == ["deputy"]


def test_edit_changes_role_and_unit_and_audits_the_difference(org, auth):
    auth.login("admin")
    staff = org.users.staff
    response = auth.post(
        f"/admin/users/{staff.id}/edit",
        {
            "display_name": "staff-relief",
            "title": "",
            "email": "s@example.org",
            "role": "chief",
            "unit_id": str(org.elderly.id),
        },
        token_from=f"/admin/users/{staff.id}/edit",
    )
    assert response.status_code == 302
    event = last_event()
    assert event.action == "user.update"
    assert event.before == {"email": None, "role": "staff", "unit_id": org.relief.id}
    assert event.after == {"email": "s@example.org", "role": "chief", "unit_id": org.elderly.id}


def test_admin_resets_a_password(org, auth, app):
    auth.login("admin")
    chief = org.users.chief
    weak = auth.post(
        f"/admin/users/{chief.id}/password",
        {"reset-password": "qwerty123"},
        token_from=f"/admin/users/{chief.id}/edit",
    )
    assert weak.status_code == 422 and "most common" in weak.text
    response = auth.post(
        f"/admin/users/{chief.id}/password",
        {"reset-password": "brand-new-passphrase"},
        token_from=f"/admin/users/{chief.id}/edit",
    )
    assert response.status_code == 302
    assert last_event().action == "user.password_reset"
    assert Auth(app.test_client()).login("chief-relief", "brand-new-passphrase").status_code == 302


def test_admin_cannot_disable_themselves(org, auth):
    auth.login("admin")
    response = auth.post(f"/admin/users/{org.users.admin.id}/disable")
    assert response.status_code == 302
    assert not db.session.get(User, org.users.admin.id).is_disabled


def test_non_admins_get_403_and_the_denial_is_audited(org, app):
    for username in ("office", "director", "chief-relief", "staff-relief", "viewer"):
        client = app.test_client()
        Auth(client).login(username)
        for url in (
            "/admin/users",
            "/admin/users/new",
            f"/admin/users/{org.users.chief.id}/edit",
            "/admin/units/",
            "/admin/units/new",
        ):
            assert client.get(url).status_code == 403, (username, url)
        event = last_event()
        assert event.action == "access.denied" and event.outcome == "denied"
        assert event.actor_name == username


def test_admin_cannot_reach_users_of_another_bureau(org, auth):
    auth.login("admin")
    outsider = org.users.outsider
    assert auth.client.get(f"/admin/users/{outsider.id}/edit").status_code == 403
    listing = auth.client.get("/admin/users").text
    assert "outsider" not in listing and "chief-relief" in listing


def test_user_list_filters(org, auth):
    auth.login("admin")
    page = auth.client.get("/admin/users?role=chief").text
    assert "chief-relief" in page and "staff-relief" not in page
    page = auth.client.get("/admin/users?q=staff").text
    assert "staff-relief" in page and "chief-relief" not in page
