"""The city office (依法治市办, seated at a city node) over its bureaus: one dashboard row per
bureau, a drill-down into each bureau, the same number of statements for 2 bureaus as for 12,
and the bureaus' work readable but never done by the city office."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.conftest import FrozenClock
from tests.factories import FACTORY_ACTOR, PASSWORD
from tests.test_query_counts import statements_for
from tracker.accounts.service import create_user
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks import service as tasks
from tracker.tasks.models import Task
from tracker.units.service import create_unit


@pytest.fixture
def frozen_clock():
    with FrozenClock(datetime(2026, 6, 1, 2, tzinfo=UTC)) as frozen:
        yield frozen


def _city(n_bureaus: int, *, start: int = 0, city=None):
    city = city or create_unit(FACTORY_ACTOR, name="测试市", kind="city")
    made = []
    for i in range(start, start + n_bureaus):
        bureau = create_unit(FACTORY_ACTOR, name=f"测试市第{i}局", kind="bureau", parent=city)
        section = create_unit(FACTORY_ACTOR, name="办公室", parent=bureau)
        office = create_user(
            FACTORY_ACTOR, username=f"office{i}", display_name=f"办公室{i}", role="coordinator",
            unit=section, password=PASSWORD,
        )  # fmt: skip
        plan = plans.create_plan(office, bureau=bureau, year=2026, title="2026年法治建设工作要点")
        for title in ("落实规范性文件合法性审查", "开展执法案卷评查"):
            tasks.create_task(office, plan, tasks.TaskData(title=title, lead_unit=section))
        plans.publish_plan(office, plan)
        made.append((bureau, section, plan))
    db.session.commit()
    return city, made


def _city_office(city, username="city-office", role="coordinator"):
    user = create_user(
        FACTORY_ACTOR, username=username, display_name="依法治市办", role=role, unit=city,
        password=PASSWORD,
    )  # fmt: skip
    db.session.commit()
    return user


def test_the_city_dashboard_has_one_row_per_bureau_and_drills_down(app, auth, frozen_clock):
    city, made = _city(3)
    _city_office(city)
    auth.login("city-office")
    page = auth.client.get("/dashboard?year=2026").text
    rows = re.findall(r'<tr data-unit="(\d+)"', page)
    assert sorted(map(int, rows)) == sorted(b.id for b, _s, _p in made)
    total = int(page.split('data-total="total">')[1].split("<")[0])
    assert total == 9  # 2 tasks and the reporting task in each of the 3 bureaus
    bureau = made[0][0]
    drill = f"unit={bureau.id}"
    assert drill in page
    inner = auth.client.get(f"/dashboard?year=2026&{drill}").text
    assert re.findall(r'<tr data-unit="(\d+)"', inner) == [str(made[0][1].id)]


def test_the_city_dashboard_costs_the_same_for_2_and_12_bureaus(app, auth, frozen_clock):
    city, _made = _city(2)
    _city_office(city)
    auth.login("city-office")
    few = statements_for(auth.client, "/dashboard?year=2026")
    _city(10, start=2, city=city)
    many = statements_for(auth.client, "/dashboard?year=2026")
    assert len(many) == len(few), "\n\n".join(many)


def test_the_city_office_reads_a_bureaus_work_but_does_not_do_it(app, frozen_clock):
    city, made = _city(1)
    office = _city_office(city)
    bureau, section, plan = made[0]
    task = db.session.query(Task).filter_by(plan_id=plan.id).first()
    assert can(office, "task.read", task) and can(office, "plan.read", plan)
    for action in ("task.edit", "task.accept", "task.urge", "plan.edit", "evidence.review"):
        assert not can(office, action, task if action.startswith(("task", "evidence")) else plan)
    own = plans.create_plan(office, bureau=city, year=2026, title="2026年全市法治政府建设工作要点")
    db.session.commit()
    assert can(office, "plan.edit", own) and can(office, "plan.publish", own)
    # a bureau's own coordinator never reaches into another bureau
    _other_city, other = _city(
        1, start=7, city=create_unit(FACTORY_ACTOR, name="另一市", kind="city")
    )
    neighbour = db.session.query(Task).filter_by(plan_id=other[0][2].id).first()
    bureau_office = db.session.query(type(office)).filter_by(username="office0").one()
    assert not can(bureau_office, "task.read", neighbour)


def _overdue_task_in_each(made) -> None:
    """An overdue task in each bureau's plan: its row reads the bureau's calendar (lateness in
    the bureau's working days), its reminder rules (the escalation step) and its plan's 催办."""
    from datetime import date

    for _bureau, section, plan in made:
        tasks.create_task(
            FACTORY_ACTOR,
            plan,
            tasks.TaskData(
                title="按期报送行政执法统计数据",
                lead_unit=section,
                due_date=date(2026, 4, 30),
                confirm_past_due=True,
            ),
        )
    db.session.commit()


def test_the_city_offices_home_page_costs_the_same_for_2_and_12_bureaus(app, auth, frozen_clock):
    """The city office's list holds tasks of many bureaus; what each row shows per bureau or
    plan is read for all rows at once (it was three statements per bureau on the page)."""
    city, made = _city(2)
    _overdue_task_in_each(made)
    _city_office(city)
    auth.login("city-office")
    few = statements_for(auth.client, "/")
    _same_city, more = _city(10, start=2, city=city)
    _overdue_task_in_each(more)
    page = auth.client.get("/").text
    assert page.count("按期报送行政执法统计数据") == 12  # every bureau's row is on the page
    many = statements_for(auth.client, "/")
    assert len(many) == len(few), "\n\n".join(many)


@pytest.mark.parametrize(
    "path",
    ["/plans/", "/city/reports", "/dashboard/ranking?year=2026", "/cascade/requests"],
)
def test_the_city_offices_other_pages_cost_the_same_for_2_and_12_bureaus(
    app, auth, frozen_clock, path
):
    """Every page of the city office that lists the bureaus (their plans, their reports, the
    ranking, the requests) reads them in statements whose number does not grow with the city."""
    city, _made = _city(2)
    _city_office(city)
    auth.login("city-office")
    few = statements_for(auth.client, path)
    _city(10, start=2, city=city)
    page = auth.client.get(path)
    assert page.status_code == 200
    many = statements_for(auth.client, path)
    assert len(many) == len(few), "\n\n".join(many)
