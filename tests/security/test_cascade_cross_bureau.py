"""The cascade across bureaus: every role of one bureau under the city, opening another
bureau's share of a city item — the item's decomposition, link, 申请不承担, the office's
answer and consent, the other bureau's decomposed task — gets 403 or 404, never its data,
and changes nothing. A bureau the item names reads its own share of the item only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.cascade.conftest import build_cascade, bureau_plan
from tests.conftest import FrozenClock
from tests.factories import add_user
from tests.security.test_route_matrix import logged_in_client, snapshot
from tracker.cascade import service
from tracker.cascade.models import CascadeShare
from tracker.extensions import db
from tracker.tasks import service as tasks

ROLES = ("admin", "coordinator", "leader", "chief", "staff", "viewer")
SECRET_TITLE = "甲局分解任务（保密）"
SECRET_REASON = "甲局内部理由"


@pytest.fixture
def city(app):
    with FrozenClock(datetime(2025, 2, 3, 2, tzinfo=UTC)):
        made = build_cascade()
        b0, b1, b2 = made.bureaus
        made.ours = service.decompose(
            made.coordinators[0],
            made.item,
            bureau_plan(b0),
            tasks.TaskData(title=SECRET_TITLE, lead_unit=b0.children[0], due_date=date(2025, 9, 1)),
        )
        made.share = CascadeShare(
            item_id=made.item.id,
            bureau_id=b0.id,
            role="lead",
            decline_state="pending",
            decline_reason=SECRET_REASON,
        )
        db.session.add(made.share)
        made.outsiders = {
            role: add_user(f"b2-{role}", role, b2 if role != "chief" else b2.children[0])
            for role in ROLES
        }
        made.helper = made.coordinators[1]  # b1 assists on the item
        db.session.commit()
        yield made


def routes(c):
    item, b0 = c.item, c.bureaus[0]
    return [
        ("GET", f"/cascade/items/{item.id}/decompose", {}),
        ("POST", f"/cascade/items/{item.id}/decompose", {"title": "偷偷分解"}),
        ("POST", f"/cascade/items/{item.id}/link", {"task_id": str(c.ours.id)}),
        ("POST", f"/cascade/items/{item.id}/decline", {"reason": "不是我们的"}),
        ("POST", f"/cascade/shares/{c.share.id}/resolve", {"decision": "accept", "note": "同意"}),
        ("POST", f"/cascade/items/{item.id}/bureaus/{b0.id}/consent", {"due": "2025-12-31"}),
        ("GET", f"/tasks/{c.ours.id}", {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_another_bureau_gets_nothing_of_a_share(app, city, role):
    user = city.outsiders[role]
    client, token = logged_in_client(app, user)
    before = snapshot()
    for method, url, form in routes(city):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, **form})
        assert response.status_code in (403, 404), (role, method, url, response.status_code)
        assert SECRET_TITLE not in response.text and SECRET_REASON not in response.text
    assert snapshot() == before
    for url in ("/cascade/inbox", f"/tasks/{city.item.id}", "/cascade/requests", "/tasks"):
        page = client.get(url)
        assert page.status_code < 500, url
        assert SECRET_TITLE not in page.text and SECRET_REASON not in page.text, url


def test_an_assisting_bureau_reads_its_own_share_of_the_item_only(app, city):
    client, token = logged_in_client(app, city.helper)
    page = client.get(f"/tasks/{city.item.id}")
    assert page.status_code == 200
    assert SECRET_TITLE not in page.text and SECRET_REASON not in page.text
    assert client.get(f"/tasks/{city.ours.id}").status_code in (403, 404)
    refused = client.post(
        f"/cascade/shares/{city.share.id}/resolve",
        data={"csrf_token": token, "decision": "accept", "note": "同意"},
    )
    assert refused.status_code in (403, 404)
    assert db.session.scalar(sa.select(CascadeShare.decline_state).filter_by(id=city.share.id)) == (
        "pending"
    )


def test_the_owners_see_what_the_others_do_not(app, city):
    """The control: the secrets are on the pages the others were refused."""
    client, _token = logged_in_client(app, city.coordinators[0])
    assert SECRET_TITLE in client.get(f"/tasks/{city.ours.id}").text
    assert SECRET_TITLE in client.get(f"/cascade/items/{city.item.id}/decompose").text
    office, _token = logged_in_client(app, city.office)
    shown = office.get(f"/tasks/{city.item.id}").text
    assert SECRET_TITLE in shown and SECRET_REASON in shown
