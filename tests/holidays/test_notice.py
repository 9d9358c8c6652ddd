"""Reading the State Council's holiday notices: the real notices of 2023–2026 give exactly the
days chinese-calendar has for those years."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker.core import workdays
from tracker.holidays.notice import NoticeError, parse_notice

NOTICES = Path(__file__).parent / "notices"
YEARS = (2023, 2024, 2025, 2026)


def notice_text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", YEARS)
def test_real_notice_agrees_with_the_built_in_calendar(year):
    notice = parse_notice(notice_text(year))
    assert notice.year == year
    assert notice.problems() == []
    given = {day: is_workday for day, is_workday, _name in notice.days()}
    for day, is_workday in given.items():
        assert workdays.statutory_is_workday(day) is is_workday, day
    # and nothing is missing: every exception to Monday–Friday of that year is in the notice
    day = date(year, 1, 1)
    while day.year == year:
        if workdays.statutory_is_workday(day) != (day.weekday() < 5):
            assert day in given, day
        day += timedelta(days=1)


def test_2025_details():
    notice = parse_notice(notice_text(2025))
    by_name = {h.name: h for h in notice.holidays}
    assert list(by_name) == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]
    spring = by_name["春节"]
    assert spring.days_off[0] == date(2025, 1, 28) and spring.days_off[-1] == date(2025, 2, 4)
    assert spring.stated_days == 8 and spring.count_matches
    assert spring.workdays == [date(2025, 1, 26), date(2025, 2, 8)]
    assert by_name["元旦"].days_off == [date(2025, 1, 1)] and by_name["元旦"].stated_days == 1


def test_a_date_only_mentioned_is_not_a_holiday():
    notice = parse_notice(notice_text(2024))
    assert date(2024, 2, 9) not in {day for day, _w, _n in notice.days()}  # 除夕: encouraged only


def test_years_cross_in_2023():
    notice = parse_notice(notice_text(2023))
    assert notice.holidays[0].days_off == [date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)]


def test_a_future_year_in_the_same_form():
    text = notice_text(2026).replace("2026年", "2027年").replace("2025年11月4日", "")
    notice = parse_notice(text)
    assert notice.year == 2027
    assert notice.holidays[1].days_off[0] == date(2027, 2, 15)


def test_half_width_punctuation_and_spaces_are_read_too():
    text = (
        "国务院办公厅关于2027年部分节假日安排的通知\n 一、元旦: 1月1日(周五)至3日(周日)放假, 共3天."
    )
    text = text.replace(".", "。")
    notice = parse_notice(text)
    assert notice.holidays[0].days_off == [date(2027, 1, d) for d in (1, 2, 3)]


def test_a_wrong_total_is_reported():
    text = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至3日放假，共4天。"
    assert parse_notice(text).problems() == ["元旦: 共4天, but the dates give 3"]


@pytest.mark.parametrize(
    "text",
    ["", "关于放假的随便一段话", "国务院办公厅关于2027年部分节假日安排的通知\n大家好。"],
)
def test_not_a_notice(text):
    with pytest.raises(NoticeError):
        parse_notice(text)
