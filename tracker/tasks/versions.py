"""Figures kept between requests while the tasks they count have not changed.

A bureau's dashboard counts every task of its plans: at a city's size (100,000 tasks) each
count is a pass over them all, and the same figures are asked for again and again between two
changes. Each bureau (and the deployment, scope 0) has a version token in `data_versions`,
replaced in the same transaction as any change to its plans, sections, tasks, co-units or 催办
(tracker.tasks.subscribers; units and the calendar replace scope 0). A figure is kept under its
inputs *and* the tokens of the bureaus it counts, read in the request before it is computed, so:

- a change committed before the tokens are read gives new tokens: the figure is recomputed;
- a change committed between reading the tokens and computing stores newer figures under the
  older tokens, which only a reader still seeing those tokens would get;
- the day is part of every key (lights and lateness move with the date);
- a bureau with no token yet is never cached, nor is anything read in a transaction that
  has changed tasks and not yet committed;
- tokens are random, so a fresh or restored database never meets figures of another.

The store is per process (each web worker keeps its own), bounded, least recently used first.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

import sqlalchemy as sa

from tracker.extensions import db
from tracker.tasks.models import DataVersion
from tracker.units.models import Unit

#: Scope of what every figure depends on (units, the working-day calendar).
EVERYWHERE = 0
#: session.info key: the scopes changed in the current transaction (tracker.tasks.subscribers).
CHANGED = "duban.changed_scopes"
#: Units that are scopes of their own, each with a token: a bureau, and a city above bureaus.
SCOPE_KINDS = ("bureau", "city")
#: Figures kept per process. A page of a list keeps ~4 KB, a city's dashboard ~120 KB; at 256
#: the 50 users of the city benchmark (each with its own lists) pushed the city office's figures
#: out between two of its views, and its home page was counted again (1 s at 100,000 tasks).
MAX_ENTRIES = 2048

T = TypeVar("T")


class _Store:
    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                self.hits += 1
                return True, self.entries[key]
            self.misses += 1
            return False, None

    def put(self, key: Hashable, value: object) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.hits = self.misses = 0


store = _Store(MAX_ENTRIES)


def tokens(scope_ids: Iterable[int]) -> tuple[int, ...] | None:
    """The version tokens of the scopes (and of EVERYWHERE), in order; None when one has none
    yet (one statement)."""
    wanted = sorted({*scope_ids, EVERYWHERE})
    found = dict(
        db.session.execute(
            sa.select(DataVersion.scope_id, DataVersion.version).where(
                DataVersion.scope_id.in_(wanted)
            )
        ).all()
    )
    if len(found) != len(wanted):
        return None
    return tuple(found[s] for s in wanted)


def reader_scopes(user) -> set[int]:
    """The scopes whose tokens a figure of the tasks `user` reads depends on: the user's bureau
    and the units above it (the city's items that name the bureau); over a city, every bureau
    in it. A task's change replaces the tokens of its plan's bureau and of the bureaus of its
    units and owner (tracker.tasks.subscribers), so every reader of it is covered."""
    bureau = user.bureau
    scopes = set(bureau.ancestor_ids)
    if bureau.kind == "city":
        below = sa.select(Unit.id).where(
            Unit.path.startswith(bureau.path), Unit.kind.in_(SCOPE_KINDS)
        )
        scopes |= set(db.session.scalars(below))
    return scopes


def kept(name: str, key: Hashable, scope_ids: Iterable[int], compute: Callable[[], T]) -> T:
    """`compute()`, or the value kept for `key` while the scopes' tokens are unchanged. The
    value must be plain data (never ORM objects: they belong to one request's session)."""
    current = tokens(scope_ids)  # flushes what is pending first
    if current is None or db.session.info.get(CHANGED):
        # no token yet; or this transaction changed tasks it has not committed: the tokens
        # are replaced only at the commit, so kept figures would not show the change
        return compute()
    full_key = (name, key, current)
    found, value = store.get(full_key)
    if found:
        return value  # type: ignore[return-value]
    value = compute()
    store.put(full_key, value)
    return value


def replace(connection, scope_ids: Iterable[int]) -> None:
    """Give the scopes new tokens, in the caller's transaction (in id order, so that two
    transactions lock the rows in the same order)."""
    for scope_id in sorted(set(scope_ids)):
        token = secrets.randbits(62)
        updated = connection.execute(
            sa.update(DataVersion).where(DataVersion.scope_id == scope_id).values(version=token)
        ).rowcount
        if not updated:
            _insert_or_replace(connection, scope_id, token)


def _insert_or_replace(connection, scope_id: int, token: int) -> None:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(DataVersion).values(scope_id=scope_id, version=token)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["scope_id"], set_={"version": token})
    )
