"""Database helpers: the UTC datetime column type and per-backend connection settings."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine

from tracker.core import clock

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: The largest id (and any other integer a user may send) the database stores: PostgreSQL's
#: `integer`. Anything larger names nothing.
MAX_ID = 2**31 - 1

#: Whether the next transaction will write. Commands and jobs write (the default); the web layer
#: clears it for GET/HEAD requests so long reads (reports, exports) never hold the write lock.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use clock.now()")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def is_concurrency_failure(error: Exception) -> bool:
    """Whether a database error means "another transaction got there first" (PostgreSQL's
    serialization failure or deadlock), so the user may simply try again."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) in {"40001", "40P01"}


def utcnow() -> datetime:
    """Column default: the clock's current UTC time."""
    return clock.now()


def configure_engine(engine: Engine) -> None:
    """Apply backend settings: SQLite gets foreign keys, recursive triggers, WAL, busy timeout,
    eager write locks."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # INSERT OR REPLACE deletes the row it replaces: with this on, delete triggers see it
        # (the append-only audit_events relies on that)
        cursor.execute("PRAGMA recursive_triggers=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # A writing transaction takes the write lock up front, so it waits (busy_timeout) for
        # another writer instead of failing with "database is locked" when a read lock would
        # have to be upgraded. Read-only transactions stay deferred and never block anyone.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def begin_read(session) -> None:
    """End the current transaction so the next one starts as a read-only one (SQLite: deferred),
    for commands that only read: they never take the write lock while they run."""
    session.rollback()
    write_intent.set(False)


def begin_write(session) -> None:
    """End the current (read) transaction so the next one starts as a writing transaction.

    For the few writes a GET request makes (session bookkeeping, denial records). Objects
    loaded so far are expired and reload on access."""
    session.rollback()
    write_intent.set(True)


def array_of(values, item_type, name: str | None = None):
    """A bound PostgreSQL array of `values` (each of `item_type`): one parameter however long."""
    return sa.bindparam(name, list(values), type_=ARRAY(item_type))


def one_of(session, column, values: list):
    """`column IN (values)` for a long list of values (a chunk of ids): on PostgreSQL `column =
    ANY(array)`, one parameter; the driver and the server parse a statement of a thousand
    parameters slowly (a third of the compliance workbook's time at 100k tasks). Elsewhere the
    IN list (the caller keeps it under SQLite's limit of parameters)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(array_of(values, column.type))
    return column.in_(values)


def absent(session, column, values: list, *, batch: int = 500) -> set:
    """The `values` not found in `column`. On PostgreSQL the database answers with only those,
    from one array parameter (`unnest(array)` without the rows that hold them): a rerun that
    finds every value taken reads nothing back. Elsewhere it answers with the values found, in
    IN lists of `batch` (under SQLite's limit of parameters)."""
    values = list(values)
    missing: set = set()
    postgresql = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(values), batch):
        part = values[start : start + batch]
        if postgresql:
            given = sa.func.unnest(array_of(part, column.type)).column_valued("value")
            missing.update(
                session.scalars(sa.select(given).where(~sa.exists().where(column == given)))
            )
        else:
            missing.update(
                set(part) - set(session.scalars(sa.select(column).where(column.in_(part))))
            )
    return missing
