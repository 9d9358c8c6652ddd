"""Calendar feeds: a secret, revocable address per user that calendar programs fetch without
logging in; the events parse back, keep their UIDs, and carry the link and a reminder."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.factories import (
    audit_actions,
    finish_reporting_task,
    last_audit_id,
    reporting_task,
    walk,
)
from tracker.accounts import service as accounts
from tracker.core import clock
from tracker.exports import service
from tracker.exports.calendar import build_calendar, calendar_tasks
from tracker.exports.models import CalendarFeed
from tracker.extensions import db

BASE = "https://duban.example.gov.cn"


@pytest.fixture
def app_config(app_config):
    app_config["BASE_URL"] = BASE + "/"
    return app_config


def make_feed(auth, action: str = "create") -> str:
    page = auth.post("/account/calendar", {"action": action}, token_from="/account/calendar")
    assert page.status_code == 200
    match = re.search(r'value="(https://[^"]+\.ics)"', page.text)
    assert match, page.text
    return match.group(1)


def path_of(url: str) -> str:
    return url.removeprefix(BASE)


def fetch(app, url: str):
    """As a calendar program would: no cookies, no login."""
    return app.test_client().get(path_of(url))


def events(body: bytes) -> list:
    calendar = Calendar.from_ical(body)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_a_user_makes_a_feed_and_a_calendar_program_reads_it_without_logging_in(
    app, auth, org, work
):
    auth.login(org.users.staff.username)
    since = last_audit_id()
    url = make_feed(auth)
    assert audit_actions(since) == ["calendar.create"]
    response = fetch(app, url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.data)
    # staff watch their own open tasks (the duty belongs to the principal)
    assert {str(e["uid"]) for e in found} == {
        f"task-{work.review_task.id}@duban.example.gov.cn",
        f"task-{work.study_task.id}@duban.example.gov.cn",
    }
    review = next(e for e in found if str(e["uid"]).startswith(f"task-{work.review_task.id}@"))
    assert review.decoded("dtstart") == date(2026, 6, 30)  # all day: a date, not a time
    assert review.decoded("dtend") == date(2026, 7, 1)
    assert "VALUE=DATE" in response.data.decode()
    assert str(review["url"]) == f"{BASE}/tasks/{work.review_task.id}"
    assert "落实规范性文件合法性审查制度" in str(review["summary"])
    alarms = [c for c in review.subcomponents if c.name == "VALARM"]
    assert len(alarms) == 1 and alarms[0].decoded("trigger") == timedelta(hours=-15)
    assert str(alarms[0]["action"]) == "DISPLAY"
    assert review.decoded("sequence") == work.review_task.version
    # RFC 5545: CRLF line ends, lines of at most 75 octets
    raw = response.data
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nVERSION:2.0\r\n" in raw
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in raw
    feed = db.session.scalar(sa.select(CalendarFeed))
    assert feed.last_fetched_at is not None


def test_uids_are_stable_from_one_download_to_the_next(app, auth, org, work):
    auth.login(org.users.coordinator.username)
    url = make_feed(auth)
    first = {str(e["uid"]): e for e in events(fetch(app, url).data)}
    with clock.frozen_at(clock.now() + timedelta(hours=3)):
        second = {str(e["uid"]): e for e in events(fetch(app, url).data)}
    # coordinators watch the bureau's: the plan's three tasks and its reporting task, which
    # publishing the plan added to it and gave to the publishing coordinator (of the office)
    report = reporting_task(work.plan)
    assert report.owner_id == org.users.coordinator.id
    watched = (work.review_task, work.study_task, work.duty, report)
    assert set(first) == set(second) == {f"task-{t.id}@duban.example.gov.cn" for t in watched}
    for uid, event in first.items():
        assert str(event["summary"]) == str(second[uid]["summary"])
    # the coordinator's own deadline: due on the last working day of March of the next year
    mine = first[f"task-{report.id}@duban.example.gov.cn"]
    assert str(mine["summary"]) == "Due: 报送并公开2026年度法治政府建设情况报告"
    assert mine.decoded("dtstart") == date(2027, 3, 31)
    assert str(mine["url"]) == f"{BASE}/tasks/{report.id}"
    assert "Owner: office" in str(mine["description"])


def test_the_database_keeps_only_the_tokens_hash(app, auth, org, work):
    auth.login(org.users.staff.username)
    url = make_feed(auth)
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    feed = db.session.scalar(sa.select(CalendarFeed))
    assert feed.token_hash == accounts.token_hash(token) and token not in feed.token_hash
    # shown once: the page shows no address afterwards
    page = auth.client.get("/account/calendar").text
    assert token not in page and "You have no calendar address" not in page


def test_a_new_address_retires_the_old_one(app, auth, org, work):
    auth.login(org.users.staff.username)
    old = make_feed(auth)
    since = last_audit_id()
    new = make_feed(auth, "rotate")
    assert audit_actions(since) == ["calendar.rotate"]
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200


def test_a_revoked_address_is_404(app, auth, org, work):
    auth.login(org.users.staff.username)
    url = make_feed(auth)
    since = last_audit_id()
    response = auth.post("/account/calendar", {"action": "revoke"}, token_from="/account/calendar")
    assert response.status_code == 302
    assert audit_actions(since) == ["calendar.revoke"]
    assert fetch(app, url).status_code == 404
    assert "You have no calendar address" in auth.client.get("/account/calendar").text


def test_a_disabled_account_feeds_nothing(app, auth, org, work):
    auth.login(org.users.staff.username)
    url = make_feed(auth)
    accounts.set_disabled(org.users.admin, org.users.staff, True)
    db.session.commit()
    assert fetch(app, url).status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 43, "日本語" * 10, "a" * 200, "-" * 43])
def test_wrong_addresses_are_404(app, work, token):
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_an_address_with_control_characters_is_refused(app, work):
    assert app.test_client().get(f"/calendar/{'%00' * 10}.ics").status_code == 400


def test_each_role_watches_its_own_deadlines(app, org, work):
    def uids(user):
        return {t.id for t in calendar_tasks(user)}

    report = reporting_task(work.plan)  # publishing the plan added it: the office's, open
    assert (report.lead_unit_id, report.owner_id) == (org.office.id, org.users.coordinator.id)
    everything = {work.review_task.id, work.study_task.id, work.duty.id, report.id}
    assert uids(org.users.coordinator) == everything  # the bureau's, and owns the report
    assert uids(org.users.viewer) == everything
    assert uids(org.users.principal) == {work.duty.id}  # owns the duty
    assert uids(org.users.leader) == {work.review_task.id}  # supervises it
    assert uids(org.users.chief) == {work.review_task.id, work.study_task.id}
    assert uids(org.users.chief_elderly) == {work.review_task.id}  # a co-unit
    assert uids(org.users.staff) == {work.review_task.id, work.study_task.id}
    assert uids(org.users.outsider) == set()


def test_finished_tasks_leave_the_calendar(app, org, work):
    work.study_task.status = "done"  # however it got there
    db.session.commit()
    assert work.study_task.id not in {t.id for t in calendar_tasks(org.users.coordinator)}
    report = finish_reporting_task(org, work.plan)  # submitted, published, accepted
    db.session.commit()
    assert report.id not in {t.id for t in calendar_tasks(org.users.coordinator)}


def test_the_calendar_is_valid_for_an_empty_list(app, org):
    body = build_calendar(org.users.outsider, [])
    calendar = Calendar.from_ical(body)
    assert str(calendar["version"]) == "2.0" and str(calendar["prodid"])
    assert not [c for c in calendar.walk() if c.name == "VEVENT"]


def test_the_account_page_leads_to_the_feed(app, auth, org):
    auth.login(org.users.viewer.username)
    assert "/account/calendar" in auth.client.get("/account").text
    page = auth.client.get("/account/calendar")
    assert page.status_code == 200 and "Make my calendar address" in page.text


def test_fetches_are_noted_at_most_hourly(app, org, work):
    feed, _token = service.create_feed(org.users.staff)
    db.session.commit()
    assert service.note_fetch(feed) is True
    db.session.commit()
    db.session.refresh(feed)
    assert service.note_fetch(feed) is False


@pytest.mark.parametrize("role", ["staff", "chief", "leader", "coordinator"])
def test_the_page_counts_what_the_feed_would_show(app, auth, org, work, role):
    user = getattr(org.users, role)
    expected = len(calendar_tasks(user))
    auth.login(user.username)
    page = auth.client.get("/account/calendar").text
    assert f"It would show {expected} open task" in page


def test_the_count_is_kept_until_a_task_the_user_reads_changes(app, auth, org, work):
    """The count is kept between changes (tracker.tasks.versions); a task cancelled leaves
    the open tasks, and the next view counts one fewer."""
    from tracker.tasks import versions

    auth.login(org.users.chief.username)
    before = len(calendar_tasks(org.users.chief))
    assert f"It would show {before} open task" in auth.client.get("/account/calendar").text
    assert any(key[0] == "calendar_tasks" for key in versions.store.entries)
    walk(org, work.study_task, "cancelled")
    db.session.commit()
    page = auth.client.get("/account/calendar").text
    assert f"It would show {before - 1} open task" in page
