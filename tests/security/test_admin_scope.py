"""An administrator administers their own bureau: another bureau's reminder policy and outbox
messages are neither listed nor reachable by id; an administrator seated at the city above sees
every bureau of the city."""

from __future__ import annotations

import pytest

from tests.conftest import FACTORY_ACTOR, Auth, count
from tests.factories import add_user
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail, ReminderPolicy
from tracker.reminders.outbox import queue_email
from tracker.units.service import create_unit, update_unit


@pytest.fixture
def world(org):
    """This bureau (org), a second bureau 乙局 with its own admin, and one queued e-mail to a user
    of each."""
    other = create_unit(FACTORY_ACTOR, name="乙局", kind="bureau")
    other_admin = add_user("other-admin", "admin", other)
    other_staff = add_user("other-staff", "staff", other, email="yi-staff@example.gov.cn")
    org.users.staff.email = "jia-staff@example.gov.cn"
    mine = queue_email(db.session, recipient=org.users.staff, subject="甲局的催办", text="正文")
    theirs = queue_email(db.session, recipient=other_staff, subject="乙局的催办", text="正文")
    db.session.commit()
    return org, other, other_admin, mine, theirs


def login(app, username: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def test_outbox_shows_only_the_own_bureaus_messages(app, world):
    org, other, other_admin, mine, theirs = world
    auth = login(app, "other-admin")
    page = auth.client.get("/admin/outbox")
    assert page.status_code == 200
    assert "乙局的催办" in page.text
    assert "甲局的催办" not in page.text
    assert "jia-staff@example.gov.cn" not in page.text
    assert auth.client.get(f"/admin/outbox/{theirs.id}").status_code == 200
    assert auth.client.get(f"/admin/outbox/{mine.id}").status_code == 403
    attempts = mine.attempts
    response = auth.post(f"/admin/outbox/{mine.id}/retry")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(OutboxEmail, mine.id).attempts == attempts

    # this bureau's administrator, likewise, sees only this bureau's message
    own = login(app, org.users.admin.username)
    listing = own.client.get("/admin/outbox").text
    assert "甲局的催办" in listing and "乙局的催办" not in listing

    # an administrator seated at the city above both bureaus sees both
    city = create_unit(FACTORY_ACTOR, name="甲市", kind="city")
    for bureau in (org.bureau, other):
        update_unit(
            FACTORY_ACTOR,
            bureau,
            name=bureau.name,
            kind=bureau.kind,
            parent=city,
            aliases=bureau.aliases,
            sort_order=bureau.sort_order,
        )
    add_user("city-admin", "admin", city)
    db.session.commit()
    listing = login(app, "city-admin").client.get("/admin/outbox").text
    assert "甲局的催办" in listing and "乙局的催办" in listing


def test_reminder_policy_of_another_bureau_is_out_of_reach(app, world):
    org, other, other_admin, mine, theirs = world
    auth = login(app, "other-admin")
    page = auth.client.get("/admin/reminders")
    assert page.status_code == 200
    assert "乙局" in page.text
    assert org.bureau.name not in page.text  # not even offered in the bureau picker
    assert auth.client.get(f"/admin/reminders?bureau={org.bureau.id}").status_code == 404
    policies = count(ReminderPolicy)
    response = auth.post(
        f"/admin/reminders?bureau={org.bureau.id}",
        {
            "due_soon_days": "9",
            "overdue_repeat_days": "1",
            "escalate_supervisor_days": "1",
            "escalate_principal_days": "2",
            "certificate_expiry_days": "30",
            "rectification_due_days": "5",
            "is_email_enabled": "y",
        },
    )
    assert response.status_code == 404
    assert count(ReminderPolicy) == policies
