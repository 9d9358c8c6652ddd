"""Outline numbering: 第一部分 → 一、 → （一） → 1. → （1） → 1) → ①, and 一是 / 第一，
items, in full-width or ASCII punctuation; inline enumerations (一是…二是…) inside a paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.importer.patterns import cn_to_int

_CN = "一二三四五六七八九十"
_MARKERS = [
    ("part", re.compile(rf"^第\s*([{_CN}]{{1,3}})\s*(?:部分|章|篇)\s*[、:：.．]?\s*")),
    ("cnp", re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*[、.．，,]?\s*")),
    ("arp", re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")),
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})\s*[、．.，,]\s*(?=\S)")),
    # 1. but not 6.2%; 1.2025年底前… is an item whose text starts with a year
    ("ar", re.compile(r"^(\d{1,3})\s*(?:[.．](?!(?!(?:19|20)\d{2}\s*年)[\d０-９])|、)\s*(?=\S)")),
    ("arh", re.compile(r"^(\d{1,2})\s*[)）]\s*(?=\S)")),
    ("circ", re.compile(r"^([\u2460-\u2473])\s*")),
    ("shi", re.compile(rf"^([{_CN}]{{1,3}})\s*是\s*(?=[^\s，,。；;、]{{2}})")),
    ("di", re.compile(rf"^第\s*([{_CN}]{{1,3}})\s*[，,、：:]\s*(?=\S)")),
]
#: Conventional depth of each kind: a kind not yet open closes deeper ones when it appears.
RANK = {"part": 0, "cn": 1, "cnp": 2, "ar": 3, "arp": 4, "arh": 5, "circ": 6, "shi": 7, "di": 7}


@dataclass
class Marker:
    kind: str
    value: int
    text: str  # the marker as written, e.g. "（一）"
    rest: str  # the line after the marker

    @property
    def number(self) -> str:
        """The number as the contract gives it: 一 for 一、, （一）, 1., （1）, ①, 一是, 第一."""
        raw = self.text.strip()
        if self.kind == "cn":
            return re.sub(r"[、．.，,\s]", "", raw)
        if self.kind in ("cnp", "arp"):
            inner = re.sub(r"[（()）、.．，,\s]", "", raw)
            return f"（{inner}）"
        if self.kind == "ar":
            return re.sub(r"[.．、\s]", "", raw) + "."
        if self.kind == "arh":
            return re.sub(r"[)）\s]", "", raw) + ")"
        if self.kind == "shi":
            return re.sub(r"\s", "", raw)
        if self.kind == "di":
            return re.sub(r"[，,、：:\s]", "", raw)
        if self.kind == "part":
            return re.sub(r"[、:：.．\s]", "", raw)
        return raw


def match_marker(text: str) -> Marker | None:
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if not match:
            continue
        raw_value = match.group(1)
        value = ord(raw_value) - 0x2460 + 1 if kind == "circ" else cn_to_int(raw_value)
        if value is None or value <= 0:
            continue
        if kind == "cn" and text[match.end(1) : match.end(1) + 1] in "，," and value > 1:
            # "二，" at a line start is rare as a heading; accept only 一，
            continue
        return Marker(kind, value, text[: match.end()], text[match.end() :].strip())
    return None


# -- inline enumerations -------------------------------------------------------------------------

_BOUNDARY = r"(?:^|(?<=[。；;：:，,！？!?\s）)〕】”]))"
_SHI_RE = re.compile(rf"{_BOUNDARY}([{_CN}]{{1,3}})是(?=[^\s，,。；;、是])")
_DI_RE = re.compile(rf"{_BOUNDARY}第([{_CN}]{{1,3}})[，,、：:](?=\S)")


@dataclass
class Enumeration:
    lead_in: str
    #: (number as written, segment text, start offset of the number in the paragraph)
    items: list[tuple[str, str, int]] = field(default_factory=list)


def _sequence(matches: list[re.Match]) -> list[re.Match]:
    """The longest run 一, 二, 三… among candidate markers (others are ordinary words)."""
    best: list[re.Match] = []
    for index, first in enumerate(matches):
        if cn_to_int(first.group(1)) != 1:
            continue
        run, expected = [first], 2
        for later in matches[index + 1 :]:
            if cn_to_int(later.group(1)) == expected:
                run.append(later)
                expected += 1
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else []


def split_enumeration(text: str) -> Enumeration | None:
    """一是…二是…三是… (or 第一，…第二，…) inside a paragraph, as its items; None if there are
    fewer than two."""
    candidates = []
    for pattern in (_SHI_RE, _DI_RE):
        run = _sequence(list(pattern.finditer(text)))
        if run:
            candidates.append(run)
    if not candidates:
        return None
    run = min(candidates, key=lambda r: r[0].start())
    items = []
    for index, match in enumerate(run):
        end = run[index + 1].start() if index + 1 < len(run) else len(text)
        number = match.group(0).rstrip("，,、：:")
        items.append((number, text[match.end() : end].strip(), match.start()))
    return Enumeration(text[: run[0].start()].strip(), items)


# -- outlines glued into one line ----------------------------------------------------------------

#: Kinds whose markers may be glued into the line before (text copied from a PDF or a web page
#: that lost its line breaks): 二、… 1.… （三）…; 一是 and 第一 are inline enumerations instead.
_GLUED_KINDS = ("cn", "cnp", "ar", "arp")
_GLUED_CANDIDATE = re.compile(
    rf"[{_CN}]{{1,3}}[、．.]|[（(]\s*(?:[{_CN}]{{1,3}}|\d{{1,3}})\s*[）)]|\d{{1,3}}[.．、]"
)
#: What may stand right before a glued marker: a sentence's or a bracket's end, or a space.
_GLUED_AFTER = "。；;！？!?〕）)】」”\u201d \u3000"


@dataclass
class OutlineState:
    """The last number of each kind seen so far in the document, to tell a glued marker (the
    next number in its sequence) from a number that is part of the text."""

    last: dict[str, int] = field(default_factory=dict)

    def expects(self, marker: Marker) -> bool:
        previous = self.last.get(marker.kind)
        if previous is not None and marker.value == previous + 1:
            return True
        # a sub-level starts again at 1 under a new higher-level item
        return marker.value == 1 and any(
            RANK[kind] < RANK[marker.kind] for kind in self.last if kind in RANK
        )

    def see(self, marker: Marker) -> None:
        self.last[marker.kind] = marker.value
        for kind in list(self.last):
            if RANK[kind] > RANK[marker.kind]:
                del self.last[kind]


def _followed_by_two(text: str, at: int, kind: str) -> bool:
    for candidate in _GLUED_CANDIDATE.finditer(text, at + 2):
        marker = match_marker(text[candidate.start() :])
        if marker is not None and marker.kind == kind and marker.value == 2:
            return True
    return False


def split_glued(text: str, state: OutlineState, *, min_length: int = 60) -> list[str]:
    """A paragraph split where outline markers were glued into it ("…意见。二、压实责任 1.将…"),
    each split the next number of its kind; the paragraph as it is when there is none. `state`
    follows the document's outline from paragraph to paragraph."""
    own = match_marker(text)
    if own is not None and own.kind in RANK:
        state.see(own)
    if len(text) < min_length:
        return [text]
    pieces: list[str] = []
    start = 0
    heading = own is not None and own.kind in _GLUED_KINDS
    for candidate in _GLUED_CANDIDATE.finditer(text):
        at = candidate.start()
        if at == 0 or at < start + 2:
            continue
        marker = match_marker(text[at:])
        if marker is None or marker.kind not in _GLUED_KINDS:
            continue
        # the document's first marker, glued to its title: only when its 2 follows
        first = not state.last and marker.value == 1 and _followed_by_two(text, at, marker.kind)
        if not (first or state.expects(marker)):
            continue
        before = text[at - 1]
        segment = text[start:at]
        after_heading = (
            (heading or first)
            and before not in _GLUED_AFTER
            and marker.value == 1
            and len(segment) <= 40
            and "。" not in segment
        )
        if before not in _GLUED_AFTER and not after_heading:
            continue
        pieces.append(segment.strip())
        start = at
        state.see(marker)
        heading = True
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]
