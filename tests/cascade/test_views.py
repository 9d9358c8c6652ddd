"""The cascade's pages as people use them: the bureau's inbox and its badge, decomposing from
it (a late deadline refused with the input kept), 申请不承担 and the office's answer and consent
on the item's page; another bureau never sees the entry."""

from __future__ import annotations

import sqlalchemy as sa

from tests.cascade.conftest import bureau_plan
from tests.security.test_route_matrix import logged_in_client
from tests.upward.conftest import MADE_AT
from tracker.cascade import queries
from tracker.core import clock
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.tasks.models import Task

NOW = MADE_AT.replace(month=2)


def test_inbox_badge_and_decompose(app, cascade):
    b0 = cascade.bureaus[0]
    section = b0.children[0]
    with clock.frozen_at(NOW):
        client, token = logged_in_client(app, cascade.coordinators[0])
        page = client.get("/cascade/inbox")
        assert page.status_code == 200
        assert "推行行政执法三项制度" in page.text and "2025-09-30" in page.text
        assert 'data-cascade-count="1"' in page.text
        assert "开展交通执法评查" not in page.text  # bureau 2's item
        form = client.get(f"/cascade/items/{cascade.item.id}/decompose")
        assert form.status_code == 200 and 'value="推行行政执法三项制度"' in form.text
        fields = {
            "csrf_token": token,
            "plan_id": bureau_plan(b0).id,
            "title": "落实执法公示",
            "text": "",
            "lead_unit_id": section.id,
            "due_date": "2025-12-31",
        }
        late = client.post(f"/cascade/items/{cascade.item.id}/decompose", data=fields)
        assert late.status_code == 422
        assert "2025-09-30" in late.text and 'value="落实执法公示"' in late.text
        done = client.post(
            f"/cascade/items/{cascade.item.id}/decompose", data={**fields, "due_date": "2025-09-15"}
        )
        assert done.status_code == 302
    task = db.session.scalar(sa.select(Task).filter_by(title="落实执法公示"))
    assert task.city_item_id == cascade.item.id and task.plan.bureau_id == b0.id
    with clock.frozen_at(NOW):
        page = client.get("/cascade/inbox")
        assert (
            "data-cascade-count" not in page.text and 'data-cascade-state="decomposed"' in page.text
        )
        own = client.get(f"/tasks/{task.id}")
        assert "推行行政执法三项制度" in own.text  # the city item it decomposes


def test_the_city_item_page_shows_each_bureaus_share(app, cascade):
    b0, b1, _b2 = cascade.bureaus
    with clock.frozen_at(NOW):
        client, _token = logged_in_client(app, cascade.office)
        page = client.get(f"/tasks/{cascade.item.id}")
        bureau, _token = logged_in_client(app, cascade.coordinators[1])
        own = bureau.get(f"/tasks/{cascade.item.id}")
    assert page.status_code == 200
    assert f'data-share-bureau="{b0.id}"' in page.text
    assert f'data-share-bureau="{b1.id}"' in page.text
    assert 'data-rollup-status="not_started"' in page.text
    # a co-unit bureau reads the item and its own share, not the lead bureau's
    assert own.status_code == 200
    assert f'data-share-bureau="{b1.id}"' in own.text
    assert f'data-share-bureau="{b0.id}"' not in own.text


def test_not_ours_then_the_office_agrees(app, cascade):
    b1 = cascade.bureaus[1]
    with clock.frozen_at(NOW):
        client, token = logged_in_client(app, cascade.coordinators[1])
        empty = client.post(
            f"/cascade/items/{cascade.item.id}/decline", data={"csrf_token": token, "reason": " "}
        )
        assert empty.status_code == 302 and queries.inbox(b1)[0].state == "pending"
        sent = client.post(
            f"/cascade/items/{cascade.item.id}/decline",
            data={"csrf_token": token, "reason": "不属于本局职责"},
        )
        assert sent.status_code == 302
        assert queries.inbox(b1)[0].state == "declining"
        office, office_token = logged_in_client(app, cascade.office)
        listed = office.get("/cascade/requests")
        assert 'data-cascade-requests-count="1"' in listed.text and "不属于本局职责" in listed.text
        assert client.get("/cascade/requests").status_code == 403
        page = office.get(f"/tasks/{cascade.item.id}")
        assert "不属于本局职责" in page.text and "data-resolve-form" in page.text
        share = queries.share_of(cascade.item, b1)
        # the bureau itself cannot answer its own request
        assert (
            client.post(
                f"/cascade/shares/{share.id}/resolve",
                data={"csrf_token": token, "decision": "accept"},
            ).status_code
            == 403
        )
        answered = office.post(
            f"/cascade/shares/{share.id}/resolve",
            data={"csrf_token": office_token, "decision": "accept", "note": ""},
        )
        assert answered.status_code == 302
    db.session.expire_all()
    assert queries.inbox(b1)[0].state == "released"
    assert b1 not in cascade.item.co_units


def test_consent_from_the_item_page(app, cascade):
    b0 = cascade.bureaus[0]
    with clock.frozen_at(NOW):
        office, token = logged_in_client(app, cascade.office)
        url = f"/cascade/items/{cascade.item.id}/bureaus/{b0.id}/consent"
        assert office.post(url, data={"csrf_token": token, "due": "2025-11-30"}).status_code == 302
        bureau, bureau_token = logged_in_client(app, cascade.coordinators[0])
        assert (
            bureau.post(url, data={"csrf_token": bureau_token, "due": "2025-12-31"}).status_code
            == 403
        )
    db.session.expire_all()
    assert queries.share_of(cascade.item, b0).consented_due_date.isoformat() == "2025-11-30"


def test_a_bureau_never_reaches_another_bureaus_entry(app, cascade):
    b2 = cascade.bureaus[2]
    with clock.frozen_at(NOW):
        client, token = logged_in_client(app, cascade.coordinators[2])
        assert client.get(f"/cascade/items/{cascade.item.id}/decompose").status_code == 404
        assert (
            client.post(
                f"/cascade/items/{cascade.item.id}/decline",
                data={"csrf_token": token, "reason": "x"},
            ).status_code
            == 404
        )
        assert client.get(f"/tasks/{cascade.item.id}").status_code == 403
    assert queries.share_of(cascade.item, b2) is None


def test_bureaus_read_but_never_work_the_city_item(cascade):
    coordinator = cascade.coordinators[0]  # its bureau leads the item
    assert can(coordinator, "task.read", cascade.item)
    for action in ("task.edit", "task.update", "task.accept", "task.urge", "evidence.add"):
        assert not can(coordinator, action, cascade.item), action
    assert can(cascade.office, "task.edit", cascade.item)
    # the city office still reads the bureaus' inboxes' work but never decomposes for them
    assert not can(cascade.office, "cascade.decompose", cascade.bureaus[0])
    assert not can(cascade.office, "cascade.inbox", cascade.bureaus[0])
    assert can(cascade.leader, "task.read", cascade.item)


def test_a_bureau_reading_the_city_plan_sees_only_the_items_naming_it(app, cascade):
    with clock.frozen_at(NOW):
        client, _token = logged_in_client(app, cascade.coordinators[2])
        page = client.get(f"/plans/{cascade.plan.id}")
        office, _token = logged_in_client(app, cascade.office)
        whole = office.get(f"/plans/{cascade.plan.id}")
    assert page.status_code == 200
    assert "开展交通执法评查" in page.text and "推行行政执法三项制度" not in page.text
    assert "开展交通执法评查" in whole.text and "推行行政执法三项制度" in whole.text


def test_a_leader_reads_the_inbox_without_acting(app, cascade):
    from tests.factories import add_user

    b0 = cascade.bureaus[0]
    leader = add_user("b0-leader", "leader", b0.children[0])
    db.session.commit()
    with clock.frozen_at(NOW):
        client, token = logged_in_client(app, leader)
        page = client.get("/cascade/inbox")
        assert page.status_code == 200 and "推行行政执法三项制度" in page.text
        assert "/decompose" not in page.text and "data-cascade-count" not in page.text
        assert client.get(f"/cascade/items/{cascade.item.id}/decompose").status_code == 403
        refused = client.post(
            f"/cascade/items/{cascade.item.id}/decline", data={"csrf_token": token, "reason": "x"}
        )
        assert refused.status_code == 403
    assert queries.inbox(b0)[0].state == "pending"


def test_the_city_office_has_no_inbox(app, cascade):
    with clock.frozen_at(NOW):
        client, _token = logged_in_client(app, cascade.office)
        assert client.get("/cascade/inbox").status_code == 403
        assert "/cascade/inbox" not in client.get("/").text


def test_link_an_existing_task_from_the_decompose_page(app, cascade):
    b1 = cascade.bureaus[1]
    existing = db.session.scalars(
        sa.select(Task).filter_by(plan_id=bureau_plan(b1).id).order_by(Task.id)
    ).first()
    with clock.frozen_at(NOW):
        client, token = logged_in_client(app, cascade.coordinators[1])
        page = client.get(f"/cascade/items/{cascade.item.id}/decompose")
        assert f'<option value="{existing.id}"' in page.text
        assert f'<option selected value="{b1.children[0].id}"' in page.text  # the office's unit
        linked = client.post(
            f"/cascade/items/{cascade.item.id}/link",
            data={"csrf_token": token, "task_id": existing.id},
        )
        assert linked.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, existing.id).city_item_id == cascade.item.id
    assert queries.inbox(b1)[0].state == "decomposed"
