"""Write audit events into the sealed chain (tracker/audit/chain.py seals and verifies it)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tracker.audit.chain import ChainReport, seal, verify_chain
from tracker.audit.models import GENESIS_HASH, KEYED_CHAIN, AuditEvent
from tracker.core import clock
from tracker.core.db import begin_write
from tracker.core.request_context import client_ip
from tracker.extensions import db

log = logging.getLogger(__name__)

__all__ = ["ChainReport", "SystemActor", "cli_actor", "log_event", "record_denial", "verify_chain"]

#: Any constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 0x44554241  # "DUBA"


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so what is sealed is exactly what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))


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
        chain_version=KEYED_CHAIN,
    )
    event.hash = seal(event.prev_hash, event)
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
