"""Each bureau (or city) keeps its own working-day overrides over the deployment's: they apply
to its subtree, the nearest level winning; an administrator keeps the calendar of the level they
are seated at, and no other."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_login import login_user

from tests.conftest import FACTORY_ACTOR, Auth
from tests.factories import add_user
from tracker.core import workdays
from tracker.extensions import db
from tracker.holidays import service
from tracker.holidays.models import CalendarDay
from tracker.units.service import create_unit, update_unit

THU, FRI, MON = date(2024, 10, 10), date(2024, 10, 11), date(2024, 10, 14)


@pytest.fixture
def city(org):
    """甲市 above the org's bureau and a second bureau 乙局, with an administrator each."""
    city = create_unit(FACTORY_ACTOR, name="甲市", kind="city")
    bureau = org.bureau
    update_unit(
        FACTORY_ACTOR,
        bureau,
        name=bureau.name,
        kind=bureau.kind,
        parent=city,
        aliases=bureau.aliases,
        sort_order=bureau.sort_order,
    )
    other = create_unit(FACTORY_ACTOR, name="乙局", kind="bureau", parent=city)
    add_user("city-admin", "admin", city)
    add_user("yi-admin", "admin", other)
    add_user("yi-staff", "staff", other)
    db.session.commit()
    return city, other


def is_workday_in(unit, day: date) -> bool:
    with workdays.calendar_of(unit):
        return workdays.is_workday(day)


def test_levels_apply_to_their_subtree_and_the_nearest_wins(org, city):
    city_node, other = city
    admin = org.users.admin
    service.set_day(admin, THU, False, "全国性调整")  # the whole deployment
    service.set_day(admin, FRI, False, "本局放假", org.bureau)
    service.set_day(admin, MON, False, "全市放假", city_node)
    service.set_day(admin, MON, True, "本局照常上班", org.bureau)
    db.session.commit()

    assert [is_workday_in(org.bureau, d) for d in (THU, FRI, MON)] == [False, False, True]
    # a section under the bureau keeps the bureau's calendar
    assert [is_workday_in(org.relief, d) for d in (THU, FRI, MON)] == [False, False, True]
    assert [is_workday_in(other, d) for d in (THU, FRI, MON)] == [False, True, False]
    assert [is_workday_in(None, d) for d in (THU, FRI, MON)] == [False, True, True]
    # counting follows the same calendar (Sat 12 Oct 2024 is a make-up working day)
    with workdays.calendar_of(org.bureau):
        assert workdays.add_workdays(date(2024, 10, 9), 1) == date(2024, 10, 12)
        assert workdays.workdays_between(date(2024, 10, 9), date(2024, 10, 14)) == 2
    with workdays.calendar_of(other):
        assert workdays.add_workdays(date(2024, 10, 9), 1) == FRI
        assert workdays.workdays_between(date(2024, 10, 9), date(2024, 10, 14)) == 2
    assert workdays.workdays_between(date(2024, 10, 9), date(2024, 10, 14)) == 3


def test_several_calendars_read_together_are_each_as_read_alone(org, city):
    """A list of many bureaus' tasks reads their calendars in one go (load_overrides_of): each
    is exactly what the bureau's calendar alone gives, the nearest level winning; a request
    that read them ahead counts with them."""
    city_node, other = city
    admin = org.users.admin
    service.set_day(admin, THU, False, "全国性调整")
    service.set_day(admin, FRI, False, "本局放假", org.bureau)
    service.set_day(admin, MON, False, "全市放假", city_node)
    service.set_day(admin, MON, True, "本局照常上班", org.bureau)
    db.session.commit()
    ids = [org.bureau.id, other.id, city_node.id]
    together = service.load_overrides_of(ids)
    assert together == {unit_id: service.load_overrides(unit_id) for unit_id in ids}
    assert together[org.bureau.id] == {THU: False, FRI: False, MON: True}
    assert together[other.id] == {THU: False, MON: False}
    workdays.invalidate_cache()
    assert workdays.overrides_not_kept(ids) == set(ids)
    workdays.keep_overrides(together)
    assert workdays.overrides_not_kept(ids) == set()
    assert [is_workday_in(org.bureau, d) for d in (THU, FRI, MON)] == [False, False, True]
    assert [is_workday_in(other, d) for d in (THU, FRI, MON)] == [False, True, False]


def test_a_request_counts_with_the_users_bureau_calendar(app, org, city):
    _city, other = city
    service.set_day(org.users.admin, FRI, False, "本局放假", org.bureau)
    db.session.commit()
    with app.test_request_context():
        login_user(org.users.chief)
        assert workdays.is_workday(FRI) is False
    with app.test_request_context():
        login_user(
            db.session.scalar(sa.select(type(org.users.chief)).filter_by(username="yi-staff"))
        )
        assert workdays.is_workday(FRI) is True
    assert workdays.is_workday(FRI) is True  # outside a request: the deployment's


def test_one_entry_per_day_and_level(org, city):
    service.set_day(org.users.admin, FRI, False, "", org.bureau)
    service.set_day(org.users.admin, FRI, True, "改为上班", org.bureau)
    service.set_day(org.users.admin, FRI, False, "")
    db.session.commit()
    rows = db.session.execute(sa.select(CalendarDay.unit_id, CalendarDay.is_workday)).all()
    assert sorted(rows, key=str) == sorted([(org.bureau.id, True), (None, False)], key=str)


def login(app, username: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def test_a_bureau_administrator_keeps_the_bureaus_own_days(app, org, city):
    _city, other = city
    everywhere = service.set_day(org.users.admin, THU, False, "全国性调整")
    theirs = service.set_day(org.users.admin, MON, False, "乙局放假", other)
    db.session.commit()
    auth = login(app, org.users.admin.username)
    page = auth.client.get("/admin/holidays/?year=2024").text
    assert "测试市民政局" in page  # whose calendar this is
    assert "全国性调整" in page  # the deployment's entry, shown
    assert f"/admin/holidays/{everywhere.id}/remove" not in page  # …but not removable here
    assert "乙局放假" not in page  # another bureau's is not this calendar

    response = auth.post(
        "/admin/holidays/", {"day": "2024-10-11", "kind": "off", "note": "本局放假"}
    )
    assert response.status_code == 302
    own = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == FRI))
    assert (own.unit_id, own.is_workday, own.note) == (org.bureau.id, False, "本局放假")

    for entry in (everywhere, theirs):
        assert auth.post(f"/admin/holidays/{entry.id}/remove").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 3


def test_the_administrator_at_the_top_keeps_the_deployments_days(app, org, city):
    auth = login(app, "city-admin")
    page = auth.client.get("/admin/holidays/?year=2024").text
    assert "整个系统" in page or "whole deployment" in page
    response = auth.post("/admin/holidays/", {"day": "2024-10-11", "kind": "off", "note": "全体"})
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == FRI))
    assert entry.unit_id is None
    assert is_workday_in(org.bureau, FRI) is False and is_workday_in(city[1], FRI) is False
    # and a bureau administrator may not remove it
    other = login(app, "yi-admin")
    assert other.post(f"/admin/holidays/{entry.id}/remove").status_code == 403


def test_the_city_office_reads_a_bureaus_lateness_with_the_bureaus_calendar(app, org, city):
    """A task of the bureau due Thursday 10 October 2024, read on Monday the 14th: the bureau
    took Friday off, so it is 2 working days late (Sat 12 Oct was a make-up working day, and
    Monday), as the bureau's chief and the sweep count it; the city office, whose own calendar
    has that Friday, must still see 2, not 3."""
    from datetime import UTC, datetime

    from tests.factories import make_plan, make_task
    from tracker.core import clock
    from tracker.plans import service as plans

    city_node, _other = city
    add_user("city-office", "coordinator", city_node)
    with clock.frozen_at(datetime(2024, 9, 2, 2, 0, tzinfo=UTC)):
        plan = make_plan(org, year=2024)
        task = make_task(org, plan, title="开展行政执法案卷评查", due_date=THU)
        plans.publish_plan(org.users.coordinator, plan)
    service.set_day(org.users.admin, FRI, False, "本局放假", org.bureau)
    db.session.commit()
    with workdays.calendar_of(city_node):
        assert workdays.workdays_between(THU, MON) == 3  # the city's own count
    with clock.frozen_at(datetime(2024, 10, 14, 2, 0, tzinfo=UTC)):
        for username in (org.users.chief.username, "city-office"):
            auth = login(app, username)
            for url in (f"/tasks/{task.id}", "/"):
                page = auth.client.get(url).text
                assert 'data-days-late="2"' in page, (username, url)
                assert 'data-days-late="3"' not in page, (username, url)
