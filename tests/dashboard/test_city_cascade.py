"""The city dashboard's cascade per bureau: the items of the city's plans naming each bureau,
how many it decomposed, how many wait (待分解), how many it asks not to carry (申请不承担), and
how far its decomposed tasks are; the same number of statements for 5 bureaus as for 50."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from tests.conftest import FrozenClock
from tests.factories import FACTORY_ACTOR, workflow_without_other_features_checks
from tests.test_query_counts import statements_for
from tests.upward.conftest import build_city
from tracker.accounts.service import create_user
from tracker.cascade import service as cascade
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.tasks import service as tasks
from tracker.tasks import workflow
from tracker.units.service import create_unit


@pytest.fixture
def frozen_clock():
    with FrozenClock(datetime(2025, 3, 3, 2, tzinfo=UTC)) as frozen:
        yield frozen


def _bureau_plan(bureau):
    return db.session.execute(db.select(Plan).filter_by(bureau_id=bureau.id)).scalar_one()


def _city_plan(city, bureaus):
    plan = plans.create_plan(city.office, bureau=city.city, year=2025, title="全市法治建设工作要点")
    items = []
    for n, bureau in enumerate(bureaus):
        items.append(
            tasks.create_task(
                city.office,
                plan,
                tasks.TaskData(
                    title=f"市级任务{n + 1}",
                    lead_unit=bureau,
                    co_units=[bureaus[(n + 1) % len(bureaus)]] if len(bureaus) > 1 else [],
                    due_date=date(2025, 9, 30),
                ),
            )
        )
    plans.publish_plan(city.office, plan)
    db.session.commit()
    return items


def _decompose(city, index, item, title):
    bureau = city.bureaus[index]
    return cascade.decompose(
        city.coordinators[index],
        item,
        _bureau_plan(bureau),
        tasks.TaskData(title=title, lead_unit=bureau.children[0], due_date=date(2025, 9, 1)),
    )


def cells(page, bureau):
    row = page.split(f'<tr data-cascade-unit="{bureau.id}">')[1].split("</tr>")[0]
    return {
        k: re.sub(r"<[^>]+>", "", v).strip()
        for k, v in re.findall(r'data-cascade-col="(\w+)">(.*?)</td>', row, re.S)
    }


def test_the_city_office_sees_each_bureaus_cascade(app, auth, frozen_clock, monkeypatch):
    workflow_without_other_features_checks(monkeypatch)
    city = build_city()
    b0, b1, b2 = city.bureaus
    items = _city_plan(city, city.bureaus)  # b0 leads 1 (b1 helps), b1 leads 2, b2 leads 3
    first = _decompose(city, 0, items[0], "公示执法信息")
    _decompose(city, 0, items[0], "执法记录仪配备")
    workflow.transition(city.coordinators[0], first, "claim")
    workflow.transition(city.coordinators[0], first, "submit", result_statement="已公示。")
    workflow.transition(city.coordinators[0], first, "accept")
    cascade.decline(city.coordinators[2], items[2], b2, "交通执法不归本局")
    db.session.commit()
    auth.login(city.office.username)
    page = auth.client.get("/dashboard?year=2025").text
    assert cells(page, b0) == {
        "named": "2",  # leads item 1, helps with item 3
        "decomposed": "1",
        "waiting": "1",
        "declining": "0",
        "tasks": "1 / 2",
        "completion": "50%",
    }
    assert cells(page, b2)["declining"] == "1" and "/cascade/requests" in page
    assert cells(page, b1)["waiting"] == "2" and cells(page, b1)["tasks"] == "0"
    assert f"unit={b0.id}" in page.split('id="cascade"')[1]  # drill-down into the bureau


def test_a_bureau_sees_no_cascade_table(app, auth, frozen_clock):
    city = build_city()
    _city_plan(city, city.bureaus)
    auth.login(city.coordinators[0].username)
    assert 'id="cascade"' not in auth.client.get("/dashboard?year=2025").text


def test_the_cascade_costs_the_same_for_5_and_50_bureaus(app, auth, frozen_clock):
    names = [f"乙市第{i}局" for i in range(5)]
    city = build_city(names, with_plans=True)
    items = _city_plan(city, city.bureaus)
    _decompose(city, 0, items[0], "分解任务")
    db.session.commit()
    auth.login(city.office.username)
    few = statements_for(auth.client, "/dashboard?year=2025")
    more = []
    for i in range(5, 50):
        bureau = create_unit(FACTORY_ACTOR, name=f"乙市第{i}局", kind="bureau", parent=city.city)
        section = create_unit(FACTORY_ACTOR, name="办公室", parent=bureau)
        create_user(
            FACTORY_ACTOR, username=f"b{i}", display_name=f"办公室{i}", role="coordinator",
            unit=section, password="x" * 12,
        )  # fmt: skip
        more.append(bureau)
    plan = plans.create_plan(city.office, bureau=city.city, year=2025, title="第二批任务")
    for n, bureau in enumerate(more):
        due = date(2025, 9, 30)
        tasks.create_task(
            city.office, plan, tasks.TaskData(title=f"任务{n}", lead_unit=bureau, due_date=due)
        )
    plans.publish_plan(city.office, plan)
    db.session.commit()
    many = statements_for(auth.client, "/dashboard?year=2025")
    page = auth.client.get("/dashboard?year=2025").text
    assert page.count("data-cascade-unit=") == 50
    assert len(many) == len(few), "\n\n".join(many)
