"""Chinese text helpers: numbers and dates as the report writes them, sentences and their
ordinals (一是…), the character bigrams that tell which clause is about what."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

_DIGITS = "零一二三四五六七八九"


def _below_10000(n: int, leading: bool) -> str:
    """Digits of one group of four (千百十个), with 零 for gaps; `leading` for the number's first
    group, where 10–19 read 十… rather than 一十…."""
    out = ""
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if not (leading and not out and unit == "十" and digit == 1):
            out += _DIGITS[digit]
        out += unit
    return out


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 105 → 一百零五, 1010 → 一千零一十, 12345 → 一万二千三百四十五,
    100000 → 十万: any non-negative integer (the report numbers past 一千 at a city's size)."""
    if n < 0:
        raise ValueError(f"no Chinese numeral for {n}")
    if n == 0:
        return _DIGITS[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        leading = not out
        if out and group < 1000:
            out += "零"
        out += _below_10000(group, leading) + ("", "万", "亿", "万亿")[index]
    return out


def ordinal(n: int) -> str:
    """一是, 二是, … as the seed numbers its measures."""
    return f"{chinese_number(n)}是"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def number_text(value) -> str:
    """4778 → "4778", Decimal("82.6100") → "82.61", Decimal("15.0000") → "15"."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


def clean_number(value) -> int | Decimal:
    """A figure's value: an int when whole, else a Decimal without trailing zeros."""
    if isinstance(value, int):
        return value
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return int(number)
    return Decimal(format(number, "f"))


def sentence_end(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    return text if text[-1] in "。！？；…”’）" else text + "。"


_SENTENCE_RE = re.compile(r"[^。！？]*(?:[。！？]+[”’」』）)]*|$)")


def split_sentences(text: str) -> list[str]:
    """Chinese sentences, each with its closing mark (and closing quotes)."""
    return [s for s in (m.group(0) for m in _SENTENCE_RE.finditer(text.strip())) if s.strip()]


_CN = "一二三四五六七八九十"
_ORDINAL_RE = re.compile(rf"^\s*(?:[{_CN}]+是|[（(][{_CN}]+[)）]|\d+[.．、])\s*")


def strip_ordinal(text: str) -> str:
    """A statement typed as "一是…" or "1.…" loses its own number; the report numbers it."""
    return _ORDINAL_RE.sub("", text.strip(), count=1)


def keywords_of(text: str) -> set[str]:
    """Character bigrams of a label, for telling which clause a figure belongs to."""
    text = re.sub(r"[\s\d%％、，。（）()《》“”]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


# -- punctuation and quotes (GB/T 15834) -----------------------------------------------------

_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK = "\u4e00-\u9fff“”‘’《》（）%％"


#: Per half-width mark: (next to Chinese text, after a digit, the full-width mark).
_FULL_WIDTH = [
    (
        re.compile(rf"(?<=[{_CJK}]){re.escape(half)}|{re.escape(half)}(?=[{_CJK}])"),
        re.compile(rf"(?<=\d){re.escape(half)}(?!\d)"),
        full,
    )
    for half, full in _HALF_WIDTH.items()
]
_FINAL_STOP = re.compile(rf"(?<=[{_CJK}\d])\.$")
#: Text with none of these has nothing full_width changes (most statements).
_HALF_MARKS = re.compile(r"[,;:?!().]")


def full_width(text: str) -> str:
    """Half-width punctuation typed next to Chinese text as the full-width mark, a final full
    stop typed as "." as "。"; decimal points, 1,000 and numbered items (1.) are left alone."""
    if not _HALF_MARKS.search(text):
        return text
    for beside_chinese, after_digit, full in _FULL_WIDTH:
        text = beside_chinese.sub(full, text)
        text = after_digit.sub(full, text)
    return _FINAL_STOP.sub("。", text)


_DOUBLED = re.compile(r"([，。、；：！？])\1+")
_CLASHING = re.compile(r"[，、；：]+([。！？])|[，、；]+([；：])")


def tidy_punctuation(text: str) -> str:
    """No doubled marks ("、、", "。。") and no comma before a full stop ("，。" → "。")."""
    text = _DOUBLED.sub(r"\1", text)
    return _CLASHING.sub(lambda m: m.group(1) or m.group(2), text)


def nest_quotes(text: str) -> str:
    """Double quotes inside double quotes as single ones: “开展“双随机、一公开”抽查” →
    “开展‘双随机、一公开’抽查” (GB/T 15834: 双引号里面再用引号时用单引号)."""
    if "“" not in text:
        return text  # no quote opens: nothing to nest
    out, depth = [], 0
    for ch in text:
        if ch == "“":
            out.append("“" if depth % 2 == 0 else "‘")
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
            out.append("”" if depth % 2 == 0 else "’")
        else:
            out.append(ch)
    return "".join(out)


def quoted(text: str) -> str:
    """A name in double quotes, its own quotes turned into single ones."""
    inner = text.replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def quotes_nested(text: str) -> bool:
    """Whether every quote inside a double quote is a single one."""
    depth = 0
    for ch in text:
        if ch == "“":
            if depth:
                return False
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
    return True
