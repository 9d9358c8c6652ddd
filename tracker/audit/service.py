"""Write audit events into the hash chain, and verify the chain."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from tracker.audit.models import GENESIS_HASH, AuditEvent
from tracker.core import clock
from tracker.core.db import begin_write
from tracker.core.request_context import client_ip
from tracker.extensions import db

log = logging.getLogger(__name__)

#: Any constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x44554241  # "DUBA"


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(event: AuditEvent) -> str:
    """The event's fields in one canonical form (sorted keys, no spaces, UTF-8)."""
    payload = {
        "id": event.id,
        "occurred_at": _timestamp(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "outcome": event.outcome,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode("utf-8")).hexdigest()


def _object_ref(obj: Any) -> tuple[str | None, str | None]:
    if obj is None:
        return None, None
    if isinstance(obj, tuple):
        kind, ident = obj
        return kind, None if ident is None else str(ident)
    mapper = getattr(obj, "__mapper__", None)
    # the base table of an inheritance hierarchy, so a record's history is one object type
    kind = mapper.base_mapper.local_table.name if mapper is not None else type(obj).__name__.lower()
    ident = getattr(obj, "id", None)
    return kind, None if ident is None else str(ident)


def log_event(
    actor,
    action: str,
    obj: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    outcome: str = "success",
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one event to the chain in the current transaction (flushes; never commits).

    `obj` is a model instance (flushed, so it has an id) or a `(type, id)` tuple.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_CHAIN_LOCK_KEY)))
    last = session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    object_type, object_id = _object_ref(obj)
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        occurred_at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name or getattr(actor, "username", None),
        ip=client_ip.get(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_jsonable(before),
        after=_jsonable(after),
        outcome=outcome,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = compute_hash(event.prev_hash, event)
    session.add(event)
    session.flush()
    log.info("audit %s %s:%s by %s (%s)", action, object_type, object_id, event.actor_name, outcome)
    return event


def record_denial(
    actor, action: str, obj: Any = None, *, reason: str | None = None, event: str = "access.denied"
) -> None:
    """Record a refused access or action in its own transaction, so it survives the error
    page that follows (anything pending in the session is rolled back first).

    One of the documented exceptions to the one-commit boundary (tracker/core/transactions.py):
    the request it refuses is rolled back, its record must not be."""
    begin_write(db.session)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    after = {"permission": action}
    if reason:
        after["reason"] = reason
    log_event(real_actor, event, obj, after=after, outcome="denied")
    db.session.commit()


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the keys whose values differ, for compact before/after pairs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class ChainReport:
    count: int
    broken_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain() -> ChainReport:
    """Walk the chain in id order; report the first event that was altered, removed or moved."""
    rows = db.session.execute(
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    ).scalars()
    try:
        return _walk_chain(rows)
    finally:
        rows.close()  # a server-side cursor on PostgreSQL: close it when stopping early


def _walk_chain(rows) -> ChainReport:
    expected_prev = GENESIS_HASH
    expected_id = 1
    count = 0
    for event in rows:
        if event.id != expected_id:
            return ChainReport(count, event.id, f"event {expected_id} is missing before it")
        if event.prev_hash != expected_prev:
            return ChainReport(count, event.id, "previous-hash link broken (removed or reordered?)")
        if compute_hash(event.prev_hash, event) != event.hash:
            return ChainReport(count, event.id, "content does not match its hash (altered)")
        expected_prev = event.hash
        expected_id += 1
        count += 1
    return ChainReport(count)


@dataclass(frozen=True)
class SystemActor:
    """Stands in for a person when a command, job or the demo loader writes."""

    username: str
    id: None = None
    role: str = "system"
    is_authenticated: bool = False


def cli_actor() -> SystemActor:
    """The actor for writes made from the command line: the operating-system user."""
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        name = "unknown"
    return SystemActor(username=f"cli:{name}")
