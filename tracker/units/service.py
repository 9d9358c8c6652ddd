"""Unit writes: create, rename, move, deactivate — each audited, the tree kept consistent."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import changes, log_event
from tracker.core.exceptions import DomainError
from tracker.core.signals import unit_deactivating, veto
from tracker.extensions import db
from tracker.units.models import UNIT_KINDS, Unit


def _nearest_bureau_id(unit: Unit) -> int | None:
    node: Unit | None = unit
    while node is not None:
        if node.kind == "bureau":
            return node.id
        node = node.parent
    return None


def _check_name(name: str, parent: Unit | None, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise DomainError(_("A unit needs a name."), "name")
    if len(name) > 100:
        raise DomainError(_("A unit name has at most 100 characters."), "name")
    query = sa.select(Unit.id).where(
        Unit.name == name,
        Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id,
    )
    if exclude_id is not None:
        query = query.where(Unit.id != exclude_id)
    if db.session.execute(query).first():
        raise DomainError(_("There is already a unit named %(name)s here.", name=name), "name")
    return name


def _refresh_subtree(unit: Unit, old_path: str) -> None:
    """Recompute path and bureau of `unit` and its descendants after a move or kind change."""
    unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.id}/"
    unit.bureau_id = _nearest_bureau_id(unit)
    descendants = db.session.scalars(
        sa.select(Unit).where(Unit.path.startswith(old_path), Unit.id != unit.id)
    ).all()
    for child in sorted(descendants, key=lambda u: len(u.path)):
        child.path = unit.path + child.path[len(old_path) :]
    db.session.flush()
    for child in sorted(descendants, key=lambda u: len(u.path)):
        child.bureau_id = _nearest_bureau_id(child)


def create_unit(
    actor,
    *,
    name: str,
    kind: str = "section",
    parent: Unit | None = None,
    aliases: str = "",
    sort_order: int | None = None,
) -> Unit:
    """Add a unit under `parent` (a root unit when parent is None)."""
    if kind not in UNIT_KINDS:
        raise DomainError(_("Unknown unit kind."), "kind")
    name = _check_name(name, parent)
    if parent is not None and not parent.is_active:
        raise DomainError(_("The parent unit is deactivated."), "parent_id")
    if sort_order is None:
        sort_order = (
            db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.max(Unit.sort_order), 0)).where(
                    Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id
                )
            )
            + 10
        )
    unit = Unit(name=name, kind=kind, parent=parent, aliases=aliases.strip(), sort_order=sort_order)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    unit.bureau_id = _nearest_bureau_id(unit)
    db.session.flush()
    log_event(actor, "unit.create", unit, after=unit.to_audit())
    return unit


def update_unit(
    actor, unit: Unit, *, name: str, kind: str, parent: Unit | None, aliases: str, sort_order: int
) -> Unit:
    """Rename, re-kind or move a unit; a unit cannot move below itself."""
    if kind not in UNIT_KINDS:
        raise DomainError(_("Unknown unit kind."), "kind")
    if parent is not None and unit.contains(parent):
        raise DomainError(_("A unit cannot be moved below itself."), "parent_id")
    if parent is None and unit.parent is not None and kind != "bureau":
        raise DomainError(_("Only a bureau can stand at the top of the tree."), "parent_id")
    before = unit.to_audit()
    name = _check_name(name, parent, exclude_id=unit.id)
    moved = parent is not unit.parent or kind != unit.kind
    old_path = unit.path
    unit.name, unit.kind, unit.parent = name, kind, parent
    unit.aliases, unit.sort_order = aliases.strip(), sort_order
    db.session.flush()
    if moved:
        _refresh_subtree(unit, old_path)
    old, new = changes(before, unit.to_audit())
    if new:
        log_event(actor, "unit.update", unit, before=old, after=new)
    return unit


def set_active(actor, unit: Unit, active: bool) -> None:
    """Deactivate (kept for history, hidden from choices) or reactivate a unit."""
    if unit.is_active == active:
        return
    if not active:
        if any(child.is_active for child in unit.children):
            raise DomainError(_("Deactivate the units below %(name)s first.", name=unit.name))
        # other features refuse while the unit still holds their things (accounts: active users)
        problem = veto(unit_deactivating, unit)
        if problem:
            raise DomainError(problem)
    elif unit.parent is not None and not unit.parent.is_active:
        raise DomainError(_("Reactivate the parent unit first."))
    unit.is_active = active
    log_event(
        actor,
        "unit.activate" if active else "unit.deactivate",
        unit,
        before={"is_active": not active},
        after={"is_active": active},
    )
