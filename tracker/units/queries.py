"""Reads of the unit tree."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.extensions import db
from tracker.units.models import Unit


def subtree(root: Unit, *, active_only: bool = False) -> list[Unit]:
    """`root` and every unit below it, in tree order (parents before children, by sort order)."""
    query = sa.select(Unit).where(Unit.path.startswith(root.path))
    if active_only:
        query = query.where(Unit.is_active.is_(True))
    units = db.session.scalars(query).all()
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    ordered: list[Unit] = []

    def walk(unit: Unit) -> None:
        ordered.append(unit)
        for child in sorted(by_parent.get(unit.id, []), key=lambda u: (u.sort_order, u.id)):
            walk(child)

    top = next((u for u in units if u.id == root.id), None)
    if top is not None:
        walk(top)
    return ordered


def unit_choices(root: Unit, *, active_only: bool = True) -> list[tuple[int, str]]:
    """(id, indented name) pairs for a select box."""
    base = root.depth
    return [
        (u.id, "\u3000" * (u.depth - base) + u.name) for u in subtree(root, active_only=active_only)
    ]


def roots() -> list[Unit]:
    return list(
        db.session.scalars(
            sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.sort_order, Unit.id)
        )
    )


def find_by_name(name: str) -> Unit | None:
    """A unit by exact name, else by alias (first match)."""
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == name).order_by(Unit.id).limit(1))
    if unit is not None:
        return unit
    for candidate in db.session.scalars(sa.select(Unit).where(Unit.aliases.contains(name))):
        if name in candidate.alias_list:
            return candidate
    return None
