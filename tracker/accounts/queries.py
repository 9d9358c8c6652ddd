"""Reads of user accounts: who works in a unit or a bureau, who answers for a unit's tasks."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from tracker.accounts.models import DirectoryRule, User
from tracker.extensions import db
from tracker.units.models import Unit

#: Order for choice lists: unit by unit down the tree, then by role and name.
TREE_ORDER = (Unit.path, User.role, User.display_name)
#: Order for "who chaired it" choices: the principal leader, the other leaders, then everyone.
LEADERS_FIRST = (User.is_principal.desc(), User.role != "leader", User.display_name)


def _users(*where, include_disabled: bool = False, order_by: Iterable = (User.id,)):
    query = sa.select(User).join(Unit, User.unit_id == Unit.id).where(*where)
    if not include_disabled:
        query = query.where(User.is_disabled.is_(False))
    return list(db.session.scalars(query.order_by(*order_by)))


def users_in(
    unit: Unit,
    *,
    role: str | Iterable[str] | None = None,
    principal: bool | None = None,
    include_disabled: bool = False,
    order_by: Iterable = (User.id,),
) -> list[User]:
    """The active users of `unit` and every unit below it (of a bureau: the whole bureau).

    `role` keeps one role or several; `principal=True` keeps the principal leaders
    (第一责任人) only; `include_disabled` also returns disabled accounts (for history, e.g. who
    chaired a past year's study session). Ordered by id unless `order_by` says otherwise."""
    where = [Unit.path.startswith(unit.path)]
    if role is not None:
        where.append(User.role == role if isinstance(role, str) else User.role.in_(list(role)))
    if principal is not None:
        where.append(User.is_principal.is_(principal))
    return _users(*where, include_disabled=include_disabled, order_by=order_by)


def coordinators_of(bureau: Unit) -> list[User]:
    """The bureau's active coordinators (the legal office), by id."""
    return users_in(bureau, role="coordinator")


def principal_of(bureau: Unit) -> User | None:
    """The bureau's principal leader (第一责任人): the first active leader marked is_principal."""
    return next(iter(users_in(bureau, role="leader", principal=True)), None)


def chiefs_of(unit: Unit | None) -> list[User]:
    """Who answers for `unit`'s tasks: its active chiefs; for a unit without one (the legal
    office itself, a small subordinate unit) the coordinators of the unit, else of its bureau."""
    if unit is None:
        return []
    people = _users(User.unit_id == unit.id, User.role.in_(["chief", "coordinator"]))
    chiefs = [u for u in people if u.role == "chief"]
    if chiefs or people:
        return chiefs or people
    return coordinators_of(unit.bureau or unit)


def directory_rules(*, active_units_only: bool = False) -> list[DirectoryRule]:
    """The directory mapping rules in the order they are tried (position, then id)."""
    query = sa.select(DirectoryRule).order_by(DirectoryRule.position, DirectoryRule.id)
    if active_units_only:
        query = query.join(Unit, DirectoryRule.unit_id == Unit.id).where(Unit.is_active.is_(True))
    return list(db.session.scalars(query))
