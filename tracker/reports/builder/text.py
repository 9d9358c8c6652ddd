"""Chinese text helpers: numbers and dates as the report writes them, sentences and their
ordinals (一是…), the character bigrams that tell which clause is about what."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (for n < 1000)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _DIGITS[n // 100] + "百" + tail


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
