"""The cascade through the API: a task says which city item it decomposes, the work list
filters by it, and a bureau's token never sees another bureau's tasks for the same item."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.cascade.conftest import build_cascade, bureau_plan
from tests.conftest import FrozenClock
from tracker.cascade import service
from tracker.extensions import db
from tracker.tasks import service as tasks


@pytest.fixture
def city(app):
    with FrozenClock(datetime(2025, 2, 3, 2, tzinfo=UTC)):
        made = build_cascade()
        b0, b1, _b2 = made.bureaus
        made.ours = service.decompose(
            made.coordinators[0],
            made.item,
            bureau_plan(b0),
            tasks.TaskData(
                title="甲局分解任务", lead_unit=b0.children[0], due_date=date(2025, 9, 1)
            ),
        )
        made.theirs = service.decompose(
            made.coordinators[1],
            made.item,
            bureau_plan(b1),
            tasks.TaskData(
                title="乙局分解任务", lead_unit=b1.children[0], due_date=date(2025, 9, 1)
            ),
        )
        db.session.commit()
        yield made


def test_a_task_names_its_city_item_and_the_list_filters_by_it(api, city):
    bureau = api.as_(city.coordinators[0], "read")
    shown = bureau.get(f"/tasks/{city.ours.id}").json
    assert shown["city_item_id"] == city.item.id
    listed = bureau.get(f"/tasks?city_item={city.item.id}").json
    assert [t["title"] for t in listed] == ["甲局分解任务"]  # never the other bureau's
    assert bureau.get(f"/tasks/{city.theirs.id}").status_code in (403, 404)
    others = [t for t in bureau.get("/tasks?per_page=100").json if t["city_item_id"] is None]
    assert all(t["id"] != city.ours.id for t in others)


def test_the_city_office_lists_every_bureaus_decomposition(api, city):
    office = api.as_(city.office, "read")
    listed = office.get(f"/tasks?city_item={city.item.id}").json
    assert [t["title"] for t in listed] == ["甲局分解任务", "乙局分解任务"]
    assert office.get(f"/tasks/{city.item.id}").json["city_item_id"] is None


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99999999999", "1%00"])
def test_a_bad_city_item_is_a_problem_not_a_5xx(api, city, bad):
    answer = api.as_(city.coordinators[0], "read").get(f"/tasks?city_item={bad}")
    assert answer.status_code in (400, 422)
    assert answer.mimetype == "application/problem+json"
