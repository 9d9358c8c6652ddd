"""Titles from the text of a plan item: its first sentence without annotations, and how alike
two titles are (to match a table row to the paragraph that names it)."""

from __future__ import annotations

import re
from functools import lru_cache

from tracker.plans.importer.patterns import (
    CLOSE_BRACKETS,
    OPEN_BRACKETS,
    SENTENCE_END,
    compact,
    strip_trailing_punctuation,
)
from tracker.plans.importer.units import extract_annotation, strip_annotations


def first_sentence_end(text: str) -> int | None:
    """Index of the first 。 (or ！？) outside brackets and quotes."""
    depth = 0
    quoted = False
    for index, char in enumerate(text):
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS and depth:
            depth -= 1
        elif char in "“〝":
            quoted = True
        elif char in "”〞":
            quoted = False
        elif char in SENTENCE_END and depth == 0 and not quoted:
            return index
    return None


def split_heading(text: str) -> tuple[str, str]:
    """(first sentence, the rest) of a line such as （一）加强组织领导。一是……"""
    end = first_sentence_end(text)
    if end is None:
        return text.strip(), ""
    return text[:end].strip(), text[end + 1 :].strip()


@lru_cache(maxsize=8192)
def make_title(text: str) -> str:
    """The first sentence without its unit/deadline annotations and final punctuation."""
    annotation = extract_annotation(text)
    plain = strip_annotations(text, annotation)
    heading, _ = split_heading(plain.split("\n", 1)[0] if "\n" in plain else plain)
    title = strip_trailing_punctuation(heading)
    if not title:
        title = strip_trailing_punctuation(plain) or strip_trailing_punctuation(text)
    return re.sub(r"\s+", " ", title).strip()


def similarity(a: str, b: str) -> float:
    a, b = compact(a), compact(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if (a.startswith(b) or b.startswith(a)) and min(len(a), len(b)) >= 4:
        return 0.9
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)
