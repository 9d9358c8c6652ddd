"""Shared character classes and small helpers for reading Chinese government documents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

CN_NUM = "零〇○一二三四五六七八九十百两"
CN_VALUES = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip

#: Ends a sentence.
SENTENCE_END = "。！？!?"
#: Ends a paragraph that is complete (a line ending otherwise continues on the next line).
PARAGRAPH_END = "。！？!?；;：:…”’」』）)〕】]"
OPEN_BRACKETS = "（(〔【[［｛{"
CLOSE_BRACKETS = "）)〕】]］｝}"
_PAIRS = dict(zip(OPEN_BRACKETS, CLOSE_BRACKETS, strict=True))

_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
#: Unicode's small form variants (some typesetting and input methods write them: a province's
#: plan numbered its items 1﹒ 2﹒, U+FE52) and the ratio sign written for a colon (牵头单位∶),
#: read as the full-width marks every pattern here expects.
_VARIANTS = str.maketrans(
    {
        "\ufe50": "，",
        "\ufe51": "、",
        "\ufe52": "．",
        "\ufe54": "；",
        "\ufe55": "：",
        "\ufe56": "？",
        "\ufe57": "！",
        "\ufe59": "（",
        "\ufe5a": "）",
        "\ufe5d": "〔",
        "\ufe5e": "〕",
        "\u2236": "：",
    }
)


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 12 → 12; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(unicodedata.normalize("NFKC", text))
    if text.startswith("十"):
        text = "一" + text
    total, current = 0, 0
    for char in text:
        if char in CN_VALUES:
            current = CN_VALUES[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def clean_line(text: str) -> str:
    """One line with invisible characters removed, small form variants read as full-width marks
    and runs of white space made single spaces."""
    text = _INVISIBLE.sub("", text).translate(_VARIANTS)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """Text for comparisons: NFKC, no white space, no punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\W_]+", "", text)


#: Wide and full-width characters (East Asian Width W or F), which take two columns.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced font (CJK and full-width forms take two)."""
    return len(text) + len(_WIDE.findall(text))


def has_cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def bracket_depths(text: str) -> Iterator[tuple[str, int]]:
    """Each character of `text` with how many brackets are open after it (a closing bracket
    with none open is ignored; one never closed stays open to the end)."""
    depth = 0
    for char in text:
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS and depth:
            depth -= 1
        yield char, depth


def split_top_level(text: str, separators: str) -> list[str]:
    """Split on any of `separators` that is not inside brackets: 各县（市、区）stays whole."""
    parts, current = [], []
    for char, depth in bracket_depths(text):
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_ANY_BRACKET = re.compile("[" + re.escape(OPEN_BRACKETS + CLOSE_BRACKETS) + "]")


def bracket_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost bracket group, end exclusive; unclosed groups are ignored."""
    spans, stack = [], []
    for found in _ANY_BRACKET.finditer(text):  # only the brackets, not every character
        index, char = found.start(), found.group()
        if char in OPEN_BRACKETS:
            stack.append((char, index))
        elif char in CLOSE_BRACKETS and stack:
            opener, start = stack.pop()
            if not stack:
                spans.append((start, index + 1))
    return spans


def mask_titles(text: str) -> str:
    """Blank out 《…》 titles (same length), so dates inside document names are not deadlines."""

    def blank(match: re.Match) -> str:
        return "《" + "＿" * (len(match.group(0)) - 2) + "》"

    return re.sub(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》", blank, text)


def strip_trailing_punctuation(text: str) -> str:
    return text.strip().rstrip("。；;，,、：: ").strip()
