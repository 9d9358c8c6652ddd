"""Deadlines as plans word them (6月底前, 上半年, 2021年6月30日前, 到2025年…) into dates.

The latest explicit completion date of an item wins; its phrase is kept as the deadline text.
长期坚持 / 持续推进 / 常态化 mark a continuous task (when no date is given); 每月 / 每季度 /
每半年 / 每年 give the recurrence. A recurrence needs a period word: 定期 alone (定期报告制度,
定期督查) names no schedule and stays a note. Nothing is inferred that the text does not say.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from tracker.plans.importer.patterns import cn_to_int, mask_titles

_Y = r"(?P<year>(?:19|20)\d{2}|二[〇○零][一二三四五六七八九〇○零]{2})"
_NOT_AFTER = r"(?!\s*(?:的|以来|起|开始|以后|之后|后|至今|同期|相比|比|为基数|基础上|水平))"
_MONTH = r"(?<![\d.．])(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"

#: (pattern, kind). Order matters only for overlaps: earlier patterns claim their span first.
_PATTERNS = [
    (r"(?P<next>次年|明年|下一年度)(?P<month>1[0-2]|0?[1-9])月(?:底|末)?(?:前|之前)?", "next"),
    # 2012~2015年, 2021—2023年, 2021年至2023年 (the end of the range)
    (
        rf"(?P<from>(?:19|20)\d{{2}})\s*年?\s*[~～—–\-－至到]+\s*(?P<year>(?:19|20)\d{{2}})\s*年"
        rf"(?:底|末)?(?:前|之前|以前)?{_NOT_AFTER}",
        "range",
    ),
    # 2021年6月30日前, 6月30日前
    (
        rf"(?:{_Y}\s*年\s*)?{_MONTH}\s*月\s*(?P<day>[12]\d|3[01]|0?[1-9])\s*[日号]"
        r"(?P<suffix>(?:前|之前|以前|止|为止))?" + _NOT_AFTER,
        "day",
    ),
    # 2021年6月底前, 6月底前, 2022年3月前, 6月中旬
    (
        rf"(?:{_Y}\s*年\s*)?{_MONTH}\s*月(?!\s*[\d一二三四五六七八九十]+\s*[日号])(?:份)?(?P<part>上旬|中旬|下旬|底|末|中|初)?"
        r"(?P<suffix>(?:前|之前|以前|内|止|为止))?" + _NOT_AFTER,
        "month",
    ),
    # 2021年第三季度, 第三季度前, 三季度末
    (
        rf"(?:{_Y}\s*年\s*)?(?<!每)第?(?P<quarter>[一二三四1-4])\s*季度(?:末|底)?"
        r"(?:前|之前|以前|内)?",
        "quarter",
    ),
    # 上半年 / 下半年
    (rf"(?:{_Y}\s*年\s*)?(?<!每)(?P<half>上半年|下半年)(?:前|之前|内)?", "half"),
    # 2025年底前, 年底前, 年内, 年末
    (
        rf"(?:{_Y}\s*年\s*)(?:年)?(?P<end>底|末|内)(?:前|之前|以前)?",
        "year_end",
    ),
    (
        r"(?<![0-9一二三四五六七八九十两几多每])(?P<end>年底|年末|年内|年度内|本年度内|当年内)"
        r"(?:前|之前|以前)?",
        "year_end",
    ),
    # 到2025年, 在2021年…建成, 2022年前, 力争2023年
    (
        rf"(?:(?P<lead>到|至|于|在|截至|截止到?|力争|确保|争取)\s*){_Y}\s*年"
        r"(?:前|之前|以前|内)?" + _NOT_AFTER,
        "year",
    ),
    (rf"{_Y}\s*年(?:前|之前|以前)", "year"),
]
_COMPILED = [(re.compile(p), kind) for p, kind in _PATTERNS]
#: The named groups `_to_date` reads for each kind (tests check every pattern has them).
REQUIRED_GROUPS = {
    "next": {"month"},
    "range": {"from", "year"},
    "day": {"year", "month", "day", "suffix"},
    "month": {"year", "month", "part", "suffix"},
    "quarter": {"year", "quarter"},
    "half": {"year", "half"},
    "year_end": {"end"},
    "year": {"year"},
}

_WHOLE_YEAR = re.compile(rf"(?:{_Y}\s*年\s*)?(?:全年|全年度|年度内|本年度)")
#: A labelled deadline that is only one of these words means a continuous task.
_CONTINUOUS_VALUE = re.compile(
    r"^(?:长期|持续|常年|经常性|长期性|持续性|日常|常态)(?:工作|开展|推进)?$"
)
CONTINUOUS_RE = re.compile(
    r"长期坚持|长期推进|长期开展|长期执行|持续推进|常态化|常年开展|长期性工作|持续开展"
)
_RECURRENCE = [
    (re.compile(r"每个?月|按月|逐月"), "monthly"),
    (re.compile(r"每个?季度?|按季度?|逐季"), "quarterly"),
    (re.compile(r"每半年|半年一次"), "half-yearly"),
    (re.compile(r"每一?年(?!度)|每年度|一年一次"), "yearly"),
]


@dataclass
class Deadline:
    due_date: date | None = None
    text: str | None = None
    continuous: bool = False
    recurrence: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.due_date is None and not self.continuous and self.recurrence is None


def _year(raw: str | None, plan_year: int) -> int:
    if not raw:
        return plan_year
    if raw.isdigit():
        return int(raw)
    digits = "".join(str(cn_to_int(c) or 0) for c in raw)
    return int(digits)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _to_date(match: re.Match, kind: str, plan_year: int, labelled: bool = False) -> date | None:
    groups = match.groupdict()  # optional groups are None; .get() for groups a kind may lack
    year = _year(groups.get("year"), plan_year)
    if not 1990 <= year <= 2100:
        return None
    if kind == "range":
        return date(year, 12, 31) if int(groups.get("from") or 0) <= year else None
    if kind in ("day", "month", "next"):
        month = cn_to_int(groups.get("month") or "")
        if not month or not 1 <= month <= 12:
            return None
        if kind == "next":
            return _month_end(plan_year + 1, month)
        if kind == "day":
            day = int(groups.get("day") or 0)
            if not day:
                return None
            if day > calendar.monthrange(year, month)[1]:
                return None
            return date(year, month, day)
        part = groups.get("part")
        if not groups.get("year") and not part and not groups.get("suffix") and not labelled:
            # a bare "6月" is a deadline only when the words around it say so
            before = match.string[max(0, match.start() - 3) : match.start()]
            after = match.string[match.end() : match.end() + 2]
            if not re.search(r"(于|在|到|至|截至|截止)$", before) and not after.startswith("完成"):
                return None
        if part == "上旬":
            return date(year, month, 10)
        if part in ("中旬", "中"):
            return date(year, month, 20)
        if part == "初":
            return date(year, month, 10)
        return _month_end(year, month)
    if kind == "quarter":
        quarter = cn_to_int(groups.get("quarter") or "")
        return _month_end(year, quarter * 3) if quarter and 1 <= quarter <= 4 else None
    if kind == "half":
        return date(year, 12, 31) if groups.get("half") == "下半年" else date(year, 6, 30)
    if kind == "year_end":
        return date(year, 12, 31)
    if kind == "year":
        return date(year, 12, 31)
    return None


def _is_bracketed(text: str, start: int, end: int) -> bool:
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 1]
    return before in "（(〔[" and before != "" and after in "）)〕]" and after != ""


def find_dates(text: str, plan_year: int, *, labelled: bool = False) -> list[tuple[date, str, int]]:
    """Every deadline phrase in `text` (see `_find_dates`); a fresh list each call."""
    return list(_find_dates(text, plan_year, labelled))


@lru_cache(maxsize=8192)
def _find_dates(text: str, plan_year: int, labelled: bool) -> tuple[tuple[date, str, int], ...]:
    """Every deadline phrase in `text` as (date, phrase, position), in text order. In a labelled
    value (完成时限：…) a bare month (11月份) and 全年 count too."""
    masked = mask_titles(text)
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, kind in _COMPILED:
        for match in pattern.finditer(masked):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if kind == "range" and _is_bracketed(masked, start, end):
                continue  # 纲要（2021—2025年）: the period of a document, not a deadline
            when = _to_date(match, kind, plan_year, labelled)
            if when is None:
                continue
            phrase = text[start:end]
            taken.append((start, end))
            found.append((when, phrase.strip(), start))
    if labelled and not found:
        match = _WHOLE_YEAR.search(masked) or re.fullmatch(
            rf"\s*{_Y}\s*年度?(?:内|底|末|前|完成|全年)?\s*", masked
        )
        if match:
            found.append((date(_year(match.group("year"), plan_year), 12, 31), match.group(0), 0))
    found.sort(key=lambda item: item[2])
    return tuple(found)


def recurrence_of(text: str) -> str | None:
    masked = mask_titles(text)
    first: tuple[int, str] | None = None
    for pattern, name in _RECURRENCE:
        match = pattern.search(masked)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), name)
    return first[1] if first else None


def _continuous_phrase(text: str) -> re.Match | None:
    """长期坚持 / 持续推进 … said of the item itself: in its first or its last sentence, where a
    plan states timing ("…，持续推进矛盾纠纷多元化解。（责任单位：…）"); the same words in
    the middle of a long description ("持续推进政府职能转变，完善…") describe the work, not its
    timing."""
    masked = mask_titles(text)
    body = re.sub(r"[（(〔【][^（(〔【]*[）)〕】]\s*$", "", masked.rstrip()).rstrip()
    ends = [m.end() for m in re.finditer(r"[。；;！!？?]", body[:-1] if body else body)]
    first_end = ends[0] if ends else len(body)
    last_start = ends[-1] if ends else 0
    for match in CONTINUOUS_RE.finditer(masked):
        if match.start() < first_end or match.start() >= last_start:
            return match
    return None


def parse_deadline(text: str, plan_year: int, *, labelled: str | None = None) -> Deadline:
    """The deadline of an item: from its labelled value (完成时限：…) when there is one, else
    from the phrases in its text. The latest date wins."""
    if labelled:
        dates = find_dates(labelled, plan_year, labelled=True)
        result = Deadline(text=labelled.strip() or None)
        if dates:
            result.due_date = max(d for d, _, _ in dates)
        elif CONTINUOUS_RE.search(labelled) or _CONTINUOUS_VALUE.match(labelled.strip(" 。；;，,")):
            result.continuous = True
        result.recurrence = recurrence_of(labelled) or recurrence_of(text)
        if result.due_date is None and not result.continuous and result.recurrence is None:
            # the label said something we cannot date (e.g. 根据上级要求): keep the words
            inline = parse_deadline(text, plan_year)
            if not inline.is_empty:
                return inline
        if result.continuous and result.recurrence is None:
            result.recurrence = recurrence_of(text)
        return result
    result = Deadline()
    dates = find_dates(text, plan_year)
    if dates:
        latest = max(dates, key=lambda item: (item[0], item[2]))
        result.due_date, result.text = latest[0], latest[1]
    else:
        continuous = _continuous_phrase(text)
        if continuous:
            result.continuous = True
            result.text = continuous.group(0)
    result.recurrence = recurrence_of(text)
    if result.text is None and result.recurrence:
        match = None
        for pattern, name in _RECURRENCE:
            if name == result.recurrence:
                match = pattern.search(mask_titles(text))
                break
        result.text = match.group(0) if match else None
    return result


@lru_cache(maxsize=8192)
def is_deadline_phrase(text: str, plan_year: int = 2000) -> bool:
    """True when `text` is only a deadline (a cell or list item such as 2021年6月底前, 长期坚持)."""
    text = text.strip().strip("。；;，,")
    if not text:
        return False
    if CONTINUOUS_RE.fullmatch(text) or re.fullmatch(
        r"(?:长期|持续|常态化|全年|每[月季年]度?"
        r"|每半年|定期|按月|按季度?)\S{0,4}",
        text,
    ):
        return True
    dates = find_dates(text, plan_year)
    if not dates:
        return False
    covered = sum(len(phrase) for _, phrase, _ in dates)
    rest = re.sub(r"[\s，,、；;。前完成及和或至]", "", text)
    return covered >= len(rest) * 0.6
