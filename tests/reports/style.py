"""The style rules a generated report keeps, as one checker the prose tests share: what a reader
of Chinese official writing would mark in red."""

from __future__ import annotations

import re

from tracker.reports.builder import Report, written_numbers
from tracker.reports.builder.text import quotes_nested

_DOUBLED = re.compile(r"([，。、；：！？])\1|[，、；：][。！？]")
#: The shape of a list of tasks: a unit in brackets, a progress percentage, days overdue.
_TASK_LIST = re.compile(r"牵头）|进度\d+%|已逾期\d+天")


def style_problems(report: Report, *, edited_ok: bool = True) -> list[str]:
    """Every breach of the style rules, as "part: what: where" lines (empty when clean)."""
    problems = []
    for part in report.all_parts():
        where = part.heading or "开头"
        for paragraph in part.all_paragraphs():
            seen: dict[str, list[str]] = {}
            for sentence in paragraph.sentences:
                text = sentence.text
                if sentence.origin == "placeholder" and part.key in (
                    "opening",
                    "measures",
                    "principal",
                ):
                    problems.append(f"{where}: placeholder: {text}")
                if any(start == 0 for start, _end in written_numbers(text)):
                    problems.append(f"{where}: starts with a digit: {text}")
                if not quotes_nested(text):
                    problems.append(f"{where}: quotes not nested: {text}")
                if _DOUBLED.search(text):
                    problems.append(f"{where}: doubled punctuation: {text}")
                if sentence.unsourced and sentence.origin != "edited":
                    problems.append(f"{where}: untraced {sentence.unsourced}: {text}")
                for start, end in written_numbers(text):
                    seen.setdefault(text[start:end], []).append(sentence.origin)
            # the generator never says a count twice (the units' own text may)
            problems += [
                f"{where}: count written {len(origins)} times in a paragraph: {figure}"
                for figure, origins in seen.items()
                if len(origins) > 1 and {"generated", "fixed"} & set(origins)
            ]
        if part.key == "shortcomings" and not (edited_ok and part.edit):
            text = part.plain_text()
            if _TASK_LIST.search(text):
                problems.append(f"{where}: reads like a list of tasks: {text[:80]}")
            if re.search(r"均已按期办结|全部办结|全部完成", text):
                problems.append(f"{where}: says everything was done: {text[:80]}")
    return problems
