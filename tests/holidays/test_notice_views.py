"""Pasting the State Council's notice into 节假日与工作日: preview, confirm, audited, in effect
at once for deadlines."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import count
from tracker.audit.models import AuditEvent
from tracker.core import workdays
from tracker.extensions import db
from tracker.holidays.models import CalendarDay

URL = "/admin/holidays/notice"
NOTICE_2026 = (Path(__file__).parent / "notices" / "2026.txt").read_text(encoding="utf-8")
#: A notice in the same form for 2027, a year the built-in calendar does not cover.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

一、元旦：1月1日（周五）至3日（周日）放假，共3天。

二、春节：2月6日（周六）至13日（周六）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。

节假日期间，各地区、各部门要妥善安排好值班工作。
"""


def test_preview_enters_nothing_and_confirm_enters_every_day(org, auth):
    auth.login("admin")
    token = auth.csrf("/admin/holidays/")
    before = workdays.add_workdays(date(2027, 2, 5), 1)
    preview = auth.client.post(URL, data={"csrf_token": token, "text": NOTICE_2027})
    assert preview.status_code == 200
    assert 'data-day="2027-02-06"' in preview.text and "not covered" in preview.text
    assert 'name="confirmed" value="yes"' in preview.text
    assert count(CalendarDay) == 0

    done = auth.client.post(
        URL, data={"csrf_token": token, "text": NOTICE_2027, "confirmed": "yes"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("year=2027")
    days = {row.day: row.is_workday for row in db.session.scalars(sa.select(CalendarDay))}
    assert len(days) == 3 + 8 + 2  # days off + make-up working days
    assert days[date(2027, 2, 8)] is False and days[date(2027, 2, 14)] is True
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("calendar.import_notice") == 1 and actions.count("calendar.set") == 13
    # deadlines follow at once: one working day after Friday 5 February is now the make-up
    # Sunday after the Spring Festival, no longer Monday the 8th
    assert before == date(2027, 2, 8)
    workdays.invalidate_cache()  # the test's own app context cached the old days, as a
    # request does for its own duration; the next request or job reads them afresh
    assert workdays.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 14)
    assert workdays.year_has_data(2027)


def test_the_built_in_calendar_is_compared(org, auth):
    auth.login("admin")
    token = auth.csrf("/admin/holidays/")
    preview = auth.client.post(URL, data={"csrf_token": token, "text": NOTICE_2026})
    assert preview.status_code == 200
    assert "agrees" in preview.text and "differs" not in preview.text


def test_not_a_notice_is_refused_with_the_text_kept(org, auth):
    auth.login("admin")
    token = auth.csrf("/admin/holidays/")
    page = auth.client.post(
        URL, data={"csrf_token": token, "text": "今天开会。", "confirmed": "yes"}
    )
    assert page.status_code == 422
    assert "not a notice Duban can read" in page.text and "今天开会。" in page.text
    assert count(CalendarDay) == 0


def test_only_admins(org, auth):
    auth.login("office")
    token = auth.csrf()
    assert auth.client.post(URL, data={"csrf_token": token, "text": NOTICE_2027}).status_code == 403


def _second_source_cells(html: str) -> dict[str, str]:
    rows = re.findall(r'data-day="([\d-]+)">.*?<td class="second-source">(.*?)</td>', html, re.S)
    return {day: re.sub(r"<[^>]+>", "", cell) for day, cell in rows}


def test_a_second_source_is_shown_beside_the_notice(org, auth):
    """The `holidays` package's China calendar is a second reading: it agrees with the real 2026
    notice on every day, and it shows where a notice says something it does not know."""
    auth.login("admin")
    token = auth.csrf("/admin/holidays/")
    real = auth.client.post(URL, data={"csrf_token": token, "text": NOTICE_2026})
    assert "Second source (holidays " in real.text
    cells = _second_source_cells(real.text)
    assert len(cells) >= 30 and set(cells.values()) == {"agrees"}

    invented = auth.client.post(URL, data={"csrf_token": token, "text": NOTICE_2027})
    cells = _second_source_cells(invented.text)
    # New Year's Day is in every reading; the invented make-up Sunday is in none but the notice
    assert cells["2027-01-01"] == "agrees" and cells["2027-02-14"] == "differs"
