"""Read the State Council's yearly holiday notice (国务院办公厅关于 YYYY 年部分节假日安排的通知).

Pure: text in, days out. The notice lists each holiday as a numbered item —
`二、春节：2月15日（农历腊月二十八、周日）至23日（…）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。`
— so each item gives a range of days off (放假) and the make-up working days (上班). Remarks in
brackets (weekdays, lunar dates) are dropped first, which also drops dates that are only
mentioned (鼓励…在除夕（2月9日）休息 is not a day off). A date without a year belongs to the
notice's year; a range's end without a month is in the start's month.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

_ITEM_RE = re.compile(r"(?:^|\n)\s*[一二三四五六七八九十]+、([^:\n]{1,20}):")
_YEAR_RE = re.compile(r"关于(\d{4})年[^\n]{0,10}节假日安排|现将(\d{4})年")
_DATE = r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
_RANGE_RE = re.compile(_DATE + r"(?:至(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日)?")
_DATE_RE = re.compile(_DATE)
_TOTAL_RE = re.compile(r"共(\d{1,2})天")
_BRACKETS_RE = re.compile(r"\([^()]*\)")
#: Where the list of holidays ends.
_END_MARKERS = ("节假日期间", "鼓励单位和个人", "国务院办公厅\n")


class NoticeError(ValueError):
    """The text is not a holiday notice Duban can read; the message says why."""


@dataclass
class NoticeHoliday:
    name: str  #: as the notice writes it, e.g. 中秋节、国庆节
    days_off: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)
    #: 共N天 as stated, to check the range against
    stated_days: int | None = None

    @property
    def count_matches(self) -> bool:
        return self.stated_days is None or self.stated_days == len(self.days_off)


@dataclass
class Notice:
    year: int
    holidays: list[NoticeHoliday]

    def days(self) -> list[tuple[date, bool, str]]:
        """Every day the notice sets, in date order: (day, is a working day, holiday name)."""
        result = [(d, False, h.name) for h in self.holidays for d in h.days_off]
        result += [(d, True, h.name) for h in self.holidays for d in h.workdays]
        return sorted(result)

    def problems(self) -> list[str]:
        """What looks wrong: stated totals that disagree, working days that are not weekends,
        a day given twice."""
        found = []
        for holiday in self.holidays:
            if not holiday.count_matches:
                found.append(
                    f"{holiday.name}: 共{holiday.stated_days}天, "
                    f"but the dates give {len(holiday.days_off)}"
                )
            found += [
                f"{holiday.name}: {d.isoformat()} is a make-up working day on a weekday"
                for d in holiday.workdays
                if d.weekday() < 5
            ]
        seen: dict[date, str] = {}
        for day, _is_workday, name in self.days():
            if day in seen:
                found.append(f"{day.isoformat()} is given twice ({seen[day]}, {name})")
            seen[day] = name
        return found


def normalise(text: str) -> str:
    """Full-width punctuation and digits to ASCII (NFKC), spaces dropped, lines kept."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(re.sub(r"[ \t\u3000]+", "", line) for line in text.split("\n"))


def _year_of(text: str) -> int:
    match = _YEAR_RE.search(text)
    if not match:
        raise NoticeError("the notice's year was not found (关于YYYY年部分节假日安排的通知)")
    return int(match.group(1) or match.group(2))


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise NoticeError(f"not a date: {year}-{month}-{day}") from exc


def _days_off(sentence: str, year: int) -> list[date]:
    match = _RANGE_RE.search(sentence)
    if not match:
        return []
    start_year, start_month, start_day, end_year, end_month, end_day = match.groups()
    first = _day(int(start_year or year), int(start_month), int(start_day))
    if end_day is None:
        return [first]
    last = _day(int(end_year or start_year or year), int(end_month or start_month), int(end_day))
    if last < first or (last - first).days > 30:
        raise NoticeError(f"not a holiday period: {match.group(0)}")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _parse_item(name: str, body: str, year: int) -> NoticeHoliday:
    holiday = NoticeHoliday(name=name.strip())
    for sentence in _BRACKETS_RE.sub("", body).split("。"):
        if "上班" in sentence:
            holiday.workdays += [
                _day(int(y or year), int(m), int(d)) for y, m, d in _DATE_RE.findall(sentence)
            ]
        elif "放假" in sentence:
            holiday.days_off += _days_off(sentence, year)
            total = _TOTAL_RE.search(sentence) or re.search(r"放假(\d{1,2})天", sentence)
            if total:
                holiday.stated_days = int(total.group(1))
    return holiday


def parse_notice(text: str) -> Notice:
    """The holidays and make-up working days of a pasted notice."""
    text = normalise(text)
    year = _year_of(text)
    items = list(_ITEM_RE.finditer(text))
    if not items:
        raise NoticeError("no numbered holidays (一、元旦：…) were found")
    holidays = []
    for index, item in enumerate(items):
        end = items[index + 1].start() if index + 1 < len(items) else len(text)
        body = text[item.end() : end]
        for marker in _END_MARKERS:
            cut = body.find(marker)
            if cut >= 0:
                body = body[:cut]
        holiday = _parse_item(item.group(1), body, year)
        if holiday.days_off or holiday.workdays:
            holidays.append(holiday)
    if not holidays:
        raise NoticeError("no dates were found in the numbered holidays")
    return Notice(year=year, holidays=holidays)
