"""A unit's result statement (成效) as the report's sentences.

Units type their results the way people fill in a form: "已完成。", "按要求完成了5件规范性文件审查",
"开展培训2次", "1、组织执法人员培训,共3次". The report needs sentences of the measure's paragraph
(一是…): punctuated, not starting with a digit, naming the measure when the statement does not.
Nothing is added that the unit did not write except the task's own title; every number stays the
unit's, so the figures can still be traced to the ledger.
"""

from __future__ import annotations

import re

from .text import (
    full_width,
    keywords_of,
    nest_quotes,
    sentence_end,
    split_sentences,
    strip_ordinal,
    tidy_punctuation,
)

#: A statement that only says the task is done ("已完成。", "按要求完成", "已办结").
_ONLY_DONE = re.compile(
    r"^(?:该项?(?:工作|任务)?)?(?:已经?|均已|全部)?(?:按(?:要求|期|时|计划))?"
    r"(?:完成|办结|落实|落实到位|完成到位)(?:了)?(?:该项?(?:工作|任务))?[。.！!]?$"
)
#: The unit speaking of itself: the report speaks for the bureau.
_UNIT_VOICE = re.compile(r"^(?:我科室?|本科室?|我处|本处|我股|本股)[，,]?")
#: "开展培训2次": a verb, what was done, a count and its measure word.
_COUNTED = re.compile(r"^(.{2})(.*?)(?:共|累计)?(\d+)(次|场|期|件|份|个|项|人次|人|名|条)$")
#: A short fragment is read as a clause of the measure, not as a sentence of its own.
FRAGMENT_LENGTH = 20


def clean_text(text: str) -> str:
    """Punctuation as the report sets it: full-width marks, nested quotes, nothing doubled."""
    return tidy_punctuation(nest_quotes(full_width(text.strip())))


def is_only_done(statement: str) -> bool:
    """Whether the statement says no more than that the task is done."""
    return not statement.strip() or bool(_ONLY_DONE.match(statement.strip()))


def _title_clause(title: str) -> str:
    return clean_text(strip_ordinal(title)).rstrip("。；，")


def _restates(title: str, fragment: str) -> bool:
    """Whether the fragment repeats what the title says (same verb, or the title's words)."""
    fragment = re.sub(r"^(?:年内|全年|今年|本年度)", "", fragment)
    return (len(title) >= 2 and fragment[:2] == title[:2]) or mentions(fragment, title)


def _merge_count(title: str, fragment: str) -> str | None:
    """ "开展法治专题培训" + "开展培训2次" → "开展法治专题培训2次": the count joined to the title
    when the fragment names nothing the title does not."""
    match = _COUNTED.match(fragment)
    if not match or not title.startswith(match.group(1)):
        return None
    noun = match.group(2)
    if any(ch not in title for ch in noun):
        return None
    return f"{title}{match.group(3)}{match.group(4)}"


def statement_sentences(title: str, statement: str) -> tuple[list[str], bool]:
    """The sentences a measure's paragraph opens with, and whether the statement said nothing
    beyond "done" (the title then stands for the measure)."""
    title = _title_clause(title)
    text = clean_text(_UNIT_VOICE.sub("", strip_ordinal(statement.strip())))
    if is_only_done(text):
        return [sentence_end(title)] if title else [], True
    sentences = split_sentences(sentence_end(text))
    first = sentences[0]
    body = first.rstrip("。！？；")
    if len(sentences) == 1 and len(body) <= FRAGMENT_LENGTH and "，" not in body:
        merged = _merge_count(title, body)
        if merged:
            return [merged + "。"], False
        if not _restates(title, body) and title:
            return [f"{title}，{body}。"], False
    shaped: list[str] = []
    for sentence in sentences:
        if sentence[:1].isdigit():
            # "5件规范性文件全部审查": never a sentence starting with a digit
            if shaped:
                shaped[-1] = shaped[-1][:-1] + "，" + sentence
                continue
            if title:
                sentence = f"{title}，{sentence}"
        shaped.append(sentence)
    return shaped, False


#: What a concluding sentence of a measure starts with: the purpose or effect of the work.
_CONCLUDING = re.compile(r"^(?:提高|提升|促进|营造|保证|确保|推动形成|切实|为|进一步提高|全面提升)")


def insertion_point(sentences: list[str], keywords: set[str] = frozenset()) -> int:
    """Where a ledger sentence goes in a measure's paragraph: after the sentence that speaks of
    the same thing (most of the fact's `keywords`), else before a concluding sentence
    ("提高依法行政水平。") when the statement ends with one, else at the end."""
    scores = [sum(1 for k in keywords if k in s) for s in sentences]
    if scores and max(scores) >= 2:
        best = max(range(len(sentences)), key=lambda i: (scores[i], i))
        if not (best and _CONCLUDING.match(sentences[best])):
            return best + 1
    if len(sentences) > 1 and _CONCLUDING.match(sentences[-1]):
        return len(sentences) - 1
    return len(sentences)


def mentions(text: str, phrase: str) -> bool:
    """Whether a paragraph already says what a phrase says (most of its bigrams occur)."""
    wanted = keywords_of(phrase)
    return bool(wanted) and sum(1 for k in wanted if k in text) >= 0.8 * len(wanted)
