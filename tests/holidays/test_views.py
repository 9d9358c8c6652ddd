"""The holiday calendar page: admins only; add, change and remove days; bad input kept."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

import tracker.holidays.models  # noqa: F401  (the calendar_days table exists for create_all)
from tests.conftest import count
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.extensions import db
from tracker.holidays import service
from tracker.holidays.models import CalendarDay

URL = "/admin/holidays/"
MID_2026 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def entry_for(day: date) -> CalendarDay | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(CalendarDay).where(CalendarDay.day == day))


def test_admin_sees_the_statutory_calendar_of_a_year(org, auth):
    auth.login("admin")
    page = auth.client.get(URL + "?year=2026")
    assert page.status_code == 200
    assert "Holidays and working days" in page.text
    assert "Spring Festival" in page.text and "2026-02-15" in page.text
    assert "2026-02-23" in page.text and "2026-02-28" in page.text  # period end, make-up day
    assert 'value="2026"' in page.text


def test_a_year_without_data_says_so(org, auth):
    auth.login("admin")
    page = auth.client.get(URL + "?year=2027")
    assert page.status_code == 200
    assert "The built-in calendar has no data for 2027" in page.text


def test_the_missing_year_warning_is_prominent_until_days_are_entered(org, auth):
    with clock.frozen_at(MID_2026):
        auth.login("admin")
        page = auth.client.get(URL)
        assert page.status_code == 200
        assert "No holiday data for 2027" in page.text and "alert-warning" in page.text
        response = auth.post(
            URL, {"day": "2027-01-01", "kind": "off", "note": "元旦"}, token_from=URL
        )
        assert response.status_code == 302
        assert "No holiday data" not in auth.client.get(URL).text


@pytest.mark.parametrize("role", ["coordinator", "chief", "leader", "staff", "viewer"])
def test_other_roles_are_refused(org, auth, role):
    entry = service.set_day(org.users.admin, date(2026, 3, 10), False, "")
    db.session.commit()
    auth.login(getattr(org.users, role).username)
    assert auth.client.get(URL).status_code == 403
    token = auth.csrf()
    data = {"csrf_token": token, "day": "2026-03-11", "kind": "off", "note": ""}
    assert auth.client.post(URL, data=data).status_code == 403
    remove = auth.client.post(f"{URL}{entry.id}/remove", data={"csrf_token": token})
    assert remove.status_code == 403
    assert [e.day for e in db.session.scalars(sa.select(CalendarDay))] == [date(2026, 3, 10)]
    denial = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert denial.action == "access.denied" and denial.after == {"permission": "calendar.manage"}


def test_add_change_and_remove_through_the_page(org, auth):
    auth.login("admin")
    added = auth.post(URL, {"day": "2027-02-08", "kind": "off", "note": "春节"}, token_from=URL)
    assert added.status_code == 302
    assert added.headers["Location"].endswith("?year=2027")
    entry = entry_for(date(2027, 2, 8))
    assert entry is not None and not entry.is_workday and entry.note == "春节"
    assert entry.created_by_id == org.users.admin.id
    page = auth.client.get(added.headers["Location"])
    assert "2027-02-08" in page.text and "春节" in page.text and "is now a day off" in page.text

    # the Change link pre-fills the form with the entry
    form = auth.client.get(URL + "?day=2027-02-08").text
    assert 'value="2027-02-08"' in form and 'value="春节"' in form
    assert '<option selected value="off">' in form
    changed = auth.post(
        URL, {"day": "2027-02-08", "kind": "work", "note": "调休上班"}, token_from=URL
    )
    assert changed.status_code == 302
    entry = entry_for(date(2027, 2, 8))
    assert entry.is_workday and entry.note == "调休上班" and count(CalendarDay) == 1

    removed = auth.post(f"{URL}{entry.id}/remove", token_from=URL)
    assert removed.status_code == 302 and removed.headers["Location"].endswith("?year=2027")
    assert count(CalendarDay) == 0
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.object_type == "calendar_days")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["calendar.set", "calendar.set", "calendar.remove"]


def test_prefill_for_a_day_without_entry_suggests_the_opposite(org, auth):
    auth.login("admin")
    form = auth.client.get(URL + "?day=2026-02-14").text  # a make-up Saturday
    assert 'value="2026-02-14"' in form and '<option selected value="off">' in form
    form = auth.client.get(URL + "?day=2026-02-16").text  # Spring Festival
    assert '<option selected value="work">' in form


def test_a_bad_date_redisplays_the_form_with_the_input(org, auth):
    auth.login("admin")
    events = count(AuditEvent)
    response = auth.post(
        URL, {"day": "2026-02-30", "kind": "work", "note": "保留的说明"}, token_from=URL
    )
    assert response.status_code == 422
    assert "Not a valid date value" in response.text
    assert 'value="2026-02-30"' in response.text and 'value="保留的说明"' in response.text
    assert '<option selected value="work">' in response.text
    assert count(CalendarDay) == 0 and count(AuditEvent) == events


def test_a_missing_or_implausible_date_is_refused(org, auth):
    auth.login("admin")
    empty = auth.post(URL, {"day": "", "kind": "off", "note": ""}, token_from=URL)
    assert empty.status_code == 422 and "This field is required" in empty.text
    far = auth.post(URL, {"day": "0226-02-16", "kind": "off", "note": "x"}, token_from=URL)
    assert far.status_code == 422 and "Choose a date between 2000 and 2100" in far.text
    assert 'value="0226-02-16"' in far.text
    assert count(CalendarDay) == 0


def test_a_too_long_note_redisplays_the_form_with_the_input(org, auth):
    auth.login("admin")
    note = "很长的说明" * 21  # 105 characters
    response = auth.post(URL, {"day": "2027-02-08", "kind": "off", "note": note}, token_from=URL)
    assert response.status_code == 422
    assert "longer than 100 characters" in response.text
    assert f'value="{note}"' in response.text and 'value="2027-02-08"' in response.text
    assert count(CalendarDay) == 0


def test_a_bad_year_argument_shows_the_current_year(org, auth):
    with clock.frozen_at(MID_2026):
        auth.login("admin")
        page = auth.client.get(URL + "?year=abc")
    assert page.status_code == 200 and 'value="2026"' in page.text


def test_removing_an_unknown_entry_is_404(org, auth):
    auth.login("admin")
    assert auth.post(f"{URL}999/remove", token_from=URL).status_code == 404
