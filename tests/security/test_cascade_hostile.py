"""Hostile input on the cascade's forms (the generic walk of test_hostile_input reaches them
with ids that name no city item): overlong text, NUL bytes, ids that are not numbers or are
negative or huge, malformed dates, a wrong CSRF token. Never a 5xx; nothing is written; the
decomposition form comes back with what was typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.cascade.conftest import build_cascade
from tests.conftest import FrozenClock
from tests.security.test_route_matrix import logged_in_client, snapshot
from tracker.cascade.models import CascadeShare
from tracker.extensions import db

NOW = datetime(2025, 2, 3, 2, tzinfo=UTC)


@pytest.fixture
def city(app):
    with FrozenClock(NOW):
        made = build_cascade()
        made.share = CascadeShare(
            item_id=made.item.id,
            bureau_id=made.bureaus[0].id,
            role="lead",
            decline_state="pending",
            decline_reason="不属于本局",
        )
        db.session.add(made.share)
        db.session.commit()
        yield made


LONG = "长" * 20001
HOSTILE_TEXT = ["a\x00b", LONG, "‮\x1b[31m", ""]
HOSTILE_IDS = ["abc", "-1", "0", "99999999999999999999", "1.5", "\x00", "²"]
HOSTILE_DATES = ["9999-99-99", "2026-02-30", "abc", "-1", "\x00", LONG]


def test_the_decompose_form_comes_back_with_the_input(app, city):
    client, token = logged_in_client(app, city.coordinators[0])
    url = f"/cascade/items/{city.item.id}/decompose"
    before = snapshot()
    title = "分解任务" + "长" * 300  # one over the limit
    page = client.post(
        url,
        data={
            "csrf_token": token,
            "title": title,
            "plan_id": "abc",
            "lead_unit_id": "-1",
            "due_date": "2025-02-30",
        },
    )
    assert page.status_code in (200, 400, 422), page.status_code
    assert title in page.text
    for value in HOSTILE_TEXT + HOSTILE_IDS + HOSTILE_DATES:
        response = client.post(
            url,
            data={
                "csrf_token": token,
                "title": value,
                "text": value,
                "plan_id": value,
                "lead_unit_id": value,
                "due_date": value,
            },
        )
        assert response.status_code < 500, (repr(value[:20]), response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["bureau", "office"])
def test_every_cascade_form_refuses_hostile_values_without_a_5xx(app, city, who):
    user = city.coordinators[0] if who == "bureau" else city.office
    client, token = logged_in_client(app, user)
    item, bureau = city.item, city.bureaus[0]
    forms = {
        f"/cascade/items/{item.id}/link": ["task_id"],
        f"/cascade/items/{item.id}/decline": ["reason"],
        f"/cascade/shares/{city.share.id}/resolve": ["decision", "note"],
        f"/cascade/items/{item.id}/bureaus/{bureau.id}/consent": ["due", "note"],
    }
    before = snapshot()
    for url, fields in forms.items():
        for value in HOSTILE_TEXT + HOSTILE_IDS + HOSTILE_DATES:
            response = client.post(url, data={"csrf_token": token, **dict.fromkeys(fields, value)})
            assert response.status_code < 500, (url, repr(value[:20]), response.status_code)
    # what a bureau may do with a well-formed request is still refused with hostile values
    assert db.session.scalar(sa.select(CascadeShare.decline_state).filter_by(id=city.share.id)) == (
        "pending"
    )
    assert snapshot() == before


def test_a_wrong_csrf_token_changes_nothing(app, city):
    client, _token = logged_in_client(app, city.office)
    before = snapshot()
    for token in ("", "x" * 5000, "a\x00b"):
        response = client.post(
            f"/cascade/shares/{city.share.id}/resolve",
            data={"csrf_token": token, "decision": "accept", "note": "同意"},
        )
        assert response.status_code == 400, response.status_code
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/cascade/items/abc/decompose",
        "/cascade/items/-1/decompose",
        "/cascade/items/99999999999999999999/decompose",
        "/cascade/items/%00/decline",
        "/cascade/shares/-5/resolve",
        "/cascade/shares/2147483648/resolve",
        "/cascade/items/1/bureaus/abc/consent",
        "/cascade/items/1/bureaus/-1/consent",
        "/tasks?city_item=abc",
        "/tasks?city_item=-1",
        "/tasks?city_item=%00",
        "/tasks?city_item=99999999999999999999",
    ],
)
def test_ids_that_are_no_ids_are_not_found(app, city, path):
    client, token = logged_in_client(app, city.office)
    assert client.get(path).status_code in (200, 400, 404, 405)
    assert client.post(path, data={"csrf_token": token}).status_code in (400, 404, 405)
