"""Aliases that could collide: what an admin is told when saving a unit's aliases.

The importer maps a name written in a plan onto a unit by name, alias and abbreviation
(units.UnitMatcher). An alias that equals or lies inside another unit's name or alias, or that is
a generic word (局, 办公室…), makes that mapping land on the wrong unit or on none. Pure: the
units are passed as (name, aliases) pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.plans.importer.units import UnitMatcher

#: Words that name a kind of body, not one body: an alias made of one says nothing.
GENERIC = {
    "局", "科", "处", "室", "办", "委", "厅", "股", "所", "站", "队", "组", "中心", "办公室",
    "科室", "处室", "部门", "单位", "机关", "委员会", "领导小组", "本局", "我局", "局机关",
    "局领导", "综合科", "业务科",
}  # fmt: skip


@dataclass(frozen=True)
class Collision:
    alias: str
    #: "generic", "equals" (another unit's name or alias), "inside" (contained in one), or
    #: "matched" (the importer would read it as another unit), or "name" (another unit of the
    #: bureau has the same name)
    kind: str
    other: str = ""


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def alias_collisions(
    name: str, aliases: Iterable[str], others: Iterable[tuple[str, Iterable[str]]]
) -> list[Collision]:
    """The aliases of the unit `name` that could collide with the `others` (the bureau's other
    units as (name, aliases)); also its name when another unit has it."""
    others = [(n, [a for a in al if a and a.strip()]) for n, al in others]
    matcher = UnitMatcher(others)
    found: list[Collision] = []
    for alias in [a for a in aliases if a and a.strip()]:
        key = _norm(alias)
        if len(key) <= 1 or key in GENERIC:
            found.append(Collision(alias, "generic"))
            continue
        equal = next((n for n, al in others if key in {_norm(n), *map(_norm, al)}), None)
        if equal:
            found.append(Collision(alias, "equals", equal))
            continue
        inside = next((n for n, al in others if any(key in _norm(form) for form in [n, *al])), None)
        if inside:
            found.append(Collision(alias, "inside", inside))
            continue
        matched = matcher.match(alias)
        if matched:
            found.append(Collision(alias, "matched", matched))
    same = next((n for n, _ in others if _norm(n) == _norm(name)), None)
    if same:
        found.append(Collision(name, "name", same))
    return found
