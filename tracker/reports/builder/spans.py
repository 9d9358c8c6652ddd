"""Where figures stand in a sentence: a figure's number with its measure word, the numbers a
sentence writes out, and how well a clause reads like a figure's label."""

from __future__ import annotations

import re

from .document import Figure
from .text import number_text

#: Measure words that stand for one another when a figure is looked for in a text.
UNIT_GROUPS = [
    ("人", "名", "位"),
    ("个", "家", "所", "座", "处"),
    ("次", "场", "期"),
    ("份", "件"),
    ("%", "％"),
    ("项", "条"),
]


def unit_variants(unit: str) -> list[str]:
    for group in UNIT_GROUPS:
        if unit in group:
            return sorted(group, key=len, reverse=True)
    return [unit] if unit else []


def number_spans(text: str, value) -> list[tuple[int, int]]:
    """Where `value` is written as a whole number in `text` (not part of a longer number)."""
    written = re.escape(number_text(value))
    return [
        (m.start(), m.end()) for m in re.finditer(rf"(?<![\d.]){written}(?![\d])(?!\.\d)", text)
    ]


def figure_spans(text: str, figure: Figure) -> list[tuple[int, int]]:
    """Every place the figure's number is written followed by its measure word: spans that
    cover the number and the measure word."""
    variants = unit_variants(figure.unit)
    found = []
    for start, end in number_spans(text, figure.value):
        rest = text[end:]
        if not variants:
            found.append((start, end))
            continue
        unit = next((v for v in variants if rest.startswith(v)), None)
        if unit is not None:
            found.append((start, end + len(unit)))
    return found


def find_figure(text: str, figure: Figure, taken: set[int]) -> tuple[int, int] | None:
    """The first place the figure is written whose number does not start at a `taken` index."""
    return next((span for span in figure_spans(text, figure) if span[0] not in taken), None)


_NUMBER_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d])")
#: Document titles and numbers (《…》, 忻民发〔2020〕6号): their digits are no figures.
_TITLE_RE = re.compile(r"《[^》]*》|[〔［\[]\d{4}[〕］\]]\s*\d*\s*号?")


def written_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of the figures a sentence writes out: numbers with their measure word, leaving out
    years, dates, numbers inside document titles (《…》) and quoted numbers that are names."""
    hidden = [(m.start(), m.end()) for m in _TITLE_RE.finditer(text)]
    spans = []
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in hidden):
            continue
        after = text[end : end + 1]
        before = text[start - 1 : start] if start else ""
        if after in ("年", "月", "日", "号", "时", "—", "-", "–", "~", "至") or before == "第":
            continue
        if before == "“" and after == "”":
            continue  # a name, not a figure: the “13710” work system, the “12345” hotline
        if after in (".", "．") and not text[end + 1 : end + 2].isdigit():
            continue  # a list number: 1.
        unit = re.match(r"[%％]|人次|万元|亿元|[^\d\s，。；、：,.;:（）()“”《》]", text[end:])
        spans.append((start, end + (len(unit.group(0)) if unit else 0)))
    return spans


def clause_score(sentence: str, start: int, keywords: set[str]) -> int:
    """How well the clause around `start` matches a figure's label."""
    if not keywords:
        return 0
    left = max(sentence.rfind(mark, 0, start) for mark in "，；。：")
    rights = [i for i in (sentence.find(mark, start) for mark in "，；。") if i >= 0]
    clause = sentence[left + 1 : min(rights) if rights else len(sentence)]
    return sum(1 for k in keywords if k in clause) * 2 + sum(1 for k in keywords if k in sentence)
