"""Decompose a higher-level plan (任务分解): which of its items name our bureau, and how.

A bureau receives the city's or the province's plan and carries out the items that name it. The
items' unit names are then names of bodies (市民政局, 市直各部门), not of the bureau's internal
units. `Bureau` knows the forms our own name takes (忻州市民政局, 市民政局, 民政局 when that is
unambiguous, 市民政部门) and the collective names that include us (市直各部门, 市政府各部门,
各有关部门, 各成员单位…, but not 县直各部门 for a city bureau). `role_of` reads one parsed item:
"lead" (we lead), "assist" (we co-operate), "maybe" (a collective name may concern us) or None.

Pure: no database, no Flask. The city-level cascade (one plan split over many bureaus) builds on
the same `Bureau` matcher.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.plans.importer.model import ParsedPlan, ParsedTask

ROLES = ("lead", "assist", "maybe")
_RANK = {"lead": 3, "assist": 2, "maybe": 1}

#: A place name and its level in front of a body's name: 忻州市民政局 → (忻州市, 市, 民政局).
_PLACE = re.compile(
    r"^(?P<place>[\u4e00-\u9fff]{0,8}?(?P<level>自治区|自治州|自治县|省|市|县|区|州|盟|旗))"
    r"(?=[\u4e00-\u9fff]{2,})"
)
#: Names too generic to stand for one body without its level (局, 办公室, 委员会…).
_GENERIC = {"局", "委", "办", "厅", "办公室", "委员会", "中心", "政府", "人民政府", "部门", "单位"}
#: The body's kind at the end of its name: 民政局 → 民政 + 局 (for 民政部门).
_KIND = re.compile(r"(局|厅|委员会|委|办公室|办)$")
_LEVELS = "自治区|自治州|自治县|省|市|县|区|州|盟|旗"
#: Collective names for the departments of one level: 市直各部门, 市政府各部门, 各有关部门,
#: 各成员单位, 市直各有关单位, 市级各部门（单位）, 市政府相关部门, 各级各部门 …
_COLLECTIVE = re.compile(
    rf"^(?:全?(?P<level>{_LEVELS})(?:直|级|属|政府|府|人民政府|委|委市政府|本级)?(?:直属)?)?"
    r"(?:各级)?各?(?:有关|相关|其他|其他有关|成员|职能|工作|直属|责任)?各?"
    r"(?:部门|单位|机关|委办局|委、办、局|委办|成员单位|工作部门|职能部门|行政机关|执法部门"
    r"|部门和单位|部门、单位|部门\(单位\)|单位\(部门\)|领导小组成员单位|联席会议成员单位)"
    r"(?:和单位|、单位|\(单位\))?$"
)


def _place_of(key: str) -> tuple[str, str]:
    """(place, level) in front of a name: 忻州市民政局 → (忻州市, 市); ("", "") if none."""
    match = _PLACE.match(key)
    if not match:
        return "", ""
    place, level = match.group("place"), match.group("level")
    rest = key[len(place) :]
    if rest[:1] in ("市", "县", "区", "盟", "旗") and len(rest) >= 3:
        place, level = place + rest[0], rest[0]  # 忻州 + 市: the 州 is part of the name
    return place, level


#: The same body at every place of a level: 各市民政局, 各级民政部门, 各市（州）民政部门.
_DISTRIBUTIVE = re.compile(rf"^各(?:级|(?P<level>{_LEVELS})(?:\([^)]*\))?)(?P<body>.{{2,}})$")


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


@dataclass
class Bureau:
    """Our bureau as the upper plan may name it. `names`: its full name first, then aliases."""

    names: list[str]
    forms: set[str] = field(default_factory=set)
    level: str = ""
    #: The name without place or level (民政局, 民政部门), for 各市民政局 and 各级民政部门.
    bare_forms: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, names: Iterable[str] | str) -> Bureau:
        names = [names] if isinstance(names, str) else [n for n in names if n and n.strip()]
        bureau = cls(names=list(names))
        for name in bureau.names:
            bureau._add(_norm(name))
        return bureau

    def _add(self, key: str) -> None:
        if not key:
            return
        self.forms.add(key)
        place, level = _place_of(key)
        core = key[len(place) :]
        if place:
            self.level = self.level or level
            self.forms.add(f"{level}{core}")  # 忻州市民政局 → 市民政局
        if len(core) >= 3 and core not in _GENERIC:
            self.forms.add(core)  # 民政局: only a name specific enough to stand alone
        self.bare_forms.add(core)
        kind = _KIND.search(core)
        stem = core[: kind.start()] if kind else ""
        if len(stem) >= 2:  # 市民政部门, 民政部门
            self.forms.add(f"{stem}部门")
            self.bare_forms.add(f"{stem}部门")
            if place:
                self.forms.add(f"{level}{stem}部门")

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    def is_us(self, written: str) -> bool:
        """The bureau itself, by full name, short name or alias."""
        return _norm(written) in self.forms

    def includes_us(self, written: str) -> bool:
        """A collective name that includes the bureau: 市直各部门 (same level), 各有关部门."""
        key = _norm(written)
        match = _COLLECTIVE.match(key) or _DISTRIBUTIVE.match(key)
        if not match:
            return False
        if match.re is _DISTRIBUTIVE and match.group("body") not in self.bare_forms:
            return False
        level = match.group("level")
        return not level or not self.level or level == self.level

    def role_in(self, leads: Iterable[str], co: Iterable[str]) -> str | None:
        leads, co = list(leads), list(co)
        if any(self.is_us(n) for n in leads):
            return "lead"
        if any(self.is_us(n) for n in co):
            return "assist"
        if any(self.includes_us(n) for n in [*leads, *co]):
            return "maybe"
        return None


def role_of(task: ParsedTask, bureau: Bureau) -> str | None:
    """Our role in an item (its sub-items included): the strongest one found."""
    best = None
    for item in task.walk():
        role = bureau.role_in(item.lead_units, item.co_units)
        if role and (best is None or _RANK[role] > _RANK[best]):
            best = role
    return best


def upper_units(task: ParsedTask) -> str:
    """The bodies the upper plan names for an item, as it names them: 牵头：X；配合：Y."""
    parts = []
    if task.lead_units:
        parts.append("牵头：" + "、".join(task.lead_units))
    if task.co_units:
        parts.append("配合：" + "、".join(task.co_units))
    return "；".join(parts)


def item_number(section_numbers: list[str], number: str) -> str:
    """The item's number in the upper plan: （三）2 — its innermost numbered section (a bare
    number dressed as written at its depth: 一、 （一） 1.), then its own number."""
    own = (number or "").strip().rstrip("、.．。")
    inner = ""
    for depth in range(len(section_numbers) - 1, -1, -1):
        written = (section_numbers[depth] or "").strip()
        if written:
            inner = written
            if re.fullmatch(r"[一二三四五六七八九十百]+|\d+", written):
                inner = (f"{written}、", f"（{written}）")[depth] if depth < 2 else f"{written}."
            break
    if own and inner.rstrip("、.．") == own:
        inner = ""  # a task numbered like its section
    return f"{inner}{own}"[:40]


_ISSUER_BEFORE = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff（）()]{4,40}?)(?:关于)?印发"
    r"|^(?P<body>[\u4e00-\u9fff]{2,30}?(?:人民政府|政府|办公厅|办公室|委员会|局|厅|委))关于"
)
_ISSUER_LINE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{2,30}(?:人民政府|政府|办公厅|办公室|委员会|局|厅|委|领导小组)$"
)
_DATE_LINE = re.compile(r"^\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年")


def guess_issuer(text: str) -> str:
    """The body that issued the upper plan: 忻州市人民政府办公室 from its notice's title
    (…关于印发…的通知) or its signature line just before the date."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines[:30]:
        match = _ISSUER_BEFORE.match(_norm(line).replace("(", "（").replace(")", "）"))
        if match:
            return match.group("issuer") or match.group("body")
    for before, line in zip(lines[:60], lines[1:61], strict=False):
        if line.startswith("关于") and "印发" in line and _ISSUER_LINE.match(_norm(before)):
            return before  # 西平县人民政府办公室 / 关于印发…
    for before, line in zip(lines[:60], lines[1:61], strict=False):
        if _DATE_LINE.match(line) and _ISSUER_LINE.match(_norm(before)):
            return before
    return ""


@dataclass
class KeptItem:
    task: ParsedTask
    number: str
    role: str | None


def items_of(plan: ParsedPlan, bureau: Bureau) -> list[KeptItem]:
    """Every top item of the upper plan with its full number and our role (None: not ours)."""
    result: list[KeptItem] = []

    def walk(entries, numbers: list[str]) -> None:
        for entry in entries:
            if isinstance(entry, ParsedTask):
                number = item_number(numbers, entry.number)
                result.append(KeptItem(entry, number, role_of(entry, bureau)))
            else:
                walk(entry.in_order(), [*numbers, entry.number])

    walk(plan.in_order(), [])
    return result


def filter_tree(tree: dict, bureau: Bureau) -> dict:
    """The contract tree reduced to the items that concern us, each with `upper_number` and
    `upper_role`; sections left without items are dropped (for the CLI)."""

    def task_of(data: dict) -> ParsedTask:
        return ParsedTask(
            number=data.get("number", ""),
            title=data.get("title", ""),
            text=data.get("text", ""),
            lead_units=list(data.get("lead_units") or []),
            co_units=list(data.get("co_units") or []),
            children=[task_of(c) for c in data.get("children") or []],
        )

    def tasks(items: list[dict], numbers: list[str]) -> list[dict]:
        kept = []
        for data in items:
            role = role_of(task_of(data), bureau)
            if role:
                kept.append(
                    {
                        **data,
                        "upper_number": item_number(numbers, data.get("number", "")),
                        "upper_role": role,
                        "upper_units": upper_units(task_of(data)),
                        "lead_units": [],
                        "co_units": [],
                        "unmatched_units": [],
                    }
                )
        return kept

    def section(data: dict, numbers: list[str]) -> dict | None:
        numbers = [*numbers, data.get("number", "")]
        kept = {
            **data,
            "tasks": tasks(data.get("tasks", []), numbers),
            "sections": [s for s in (section(c, numbers) for c in data.get("sections", [])) if s],
        }
        return kept if kept["tasks"] or kept["sections"] else None

    return {
        **tree,
        "tasks": tasks(tree.get("tasks", []), []),
        "sections": [s for s in (section(c, []) for c in tree.get("sections", [])) if s],
    }
