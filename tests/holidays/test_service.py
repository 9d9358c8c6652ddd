"""Calendar overrides: set, change and remove them — audited, and seen at once by workdays."""

from datetime import date

import pytest
import sqlalchemy as sa

import tracker.holidays.models  # noqa: F401  (the calendar_days table exists for create_all)
from tests.conftest import count
from tracker.audit.models import AuditEvent
from tracker.core import workdays
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.holidays import service
from tracker.holidays.models import CalendarDay


def last_event() -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def test_set_day_creates_an_audited_override(org):
    admin = org.users.admin
    entry = service.set_day(admin, date(2027, 2, 8), False, "  春节（待国务院通知）  ")
    db.session.commit()
    assert entry.id and entry.note == "春节（待国务院通知）" and entry.created_by_id == admin.id
    assert entry.created_at.tzinfo is not None
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == (
        "calendar.set",
        "calendar_days",
        str(entry.id),
    )
    assert event.actor_id == admin.id and event.before is None
    assert event.after == {"day": "2027-02-08", "is_workday": False, "note": "春节（待国务院通知）"}
    assert service.load_overrides() == {date(2027, 2, 8): False}
    assert "2027-02-08" in repr(entry)


def test_set_day_again_changes_the_same_row(org):
    admin = org.users.admin
    first = service.set_day(admin, date(2027, 2, 6), False, "")
    second = service.set_day(admin, date(2027, 2, 6), True, "调休上班")
    db.session.commit()
    assert first.id == second.id and count(CalendarDay) == 1
    assert second.is_workday and second.note == "调休上班"
    event = last_event()
    assert event.action == "calendar.set"
    assert event.before == {"day": "2027-02-06", "is_workday": False, "note": ""}
    assert event.after == {"day": "2027-02-06", "is_workday": True, "note": "调休上班"}


def test_setting_the_same_values_writes_nothing(org):
    service.set_day(org.users.admin, date(2027, 2, 6), True, "调休")
    events = count(AuditEvent)
    service.set_day(org.users.admin, date(2027, 2, 6), True, "调休 ")
    assert count(AuditEvent) == events


def test_remove_day_is_audited_and_deletes_the_row(org):
    entry = service.set_day(org.users.admin, date(2026, 3, 10), False, "停电")
    entry_id = entry.id
    service.remove_day(org.users.admin, entry)
    db.session.commit()
    assert count(CalendarDay) == 0
    event = last_event()
    assert (event.action, event.object_id) == ("calendar.remove", str(entry_id))
    assert event.before == {"day": "2026-03-10", "is_workday": False, "note": "停电"}
    assert event.after is None


def test_overrides_take_precedence_and_are_seen_at_once(org):
    national_day = date(2026, 10, 2)  # a Friday inside the National Day holiday
    tuesday = date(2026, 3, 10)
    # ask first, so the overrides are cached in this app context
    assert not workdays.is_workday(national_day) and workdays.is_workday(tuesday)
    service.set_day(org.users.admin, national_day, True, "值班")
    entry = service.set_day(org.users.admin, tuesday, False, "")
    db.session.commit()
    assert workdays.is_workday(national_day) and not workdays.is_workday(tuesday)
    assert workdays.add_workdays(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert workdays.add_workdays(date(2026, 9, 30), 1) == national_day
    service.remove_day(org.users.admin, entry)
    db.session.commit()
    assert workdays.is_workday(tuesday)


def test_a_2027_override_gives_the_year_data(org):
    assert not workdays.year_has_data(2027)
    assert len(workdays.calendar_warnings(date(2026, 6, 1))) == 1
    service.set_day(org.users.admin, date(2027, 1, 1), False, "元旦")
    db.session.commit()
    assert workdays.year_has_data(2027)
    assert workdays.calendar_warnings(date(2026, 6, 1)) == []
    assert workdays.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("day", "note", "field"),
    [
        (date(2027, 1, 1), "字" * 101, "note"),
        (date(1999, 12, 31), "", "day"),
        (date(2101, 1, 3), "", "day"),
        (None, "", "day"),
    ],
)
def test_bad_input_is_refused_with_the_field(org, day, note, field):
    events = count(AuditEvent)
    with pytest.raises(DomainError) as error:
        service.set_day(org.users.admin, day, False, note)
    assert error.value.field == field
    assert count(CalendarDay) == 0 and count(AuditEvent) == events


def test_overrides_of_year_are_in_date_order(org):
    for day in (date(2027, 5, 6), date(2027, 1, 1), date(2026, 12, 31), date(2028, 1, 1)):
        service.set_day(org.users.admin, day, False, "")
    assert [e.day for e in service.overrides_of_year(2027)] == [date(2027, 1, 1), date(2027, 5, 6)]
