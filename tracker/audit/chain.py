"""The audit chain's seal, its checkpoints outside the database, and its verification.

Each event is sealed with HMAC-SHA256 over the previous event's seal and the event's canonical
JSON, keyed with TRACKER_AUDIT_KEY, which is not stored in the database: whoever owns the
database can delete or rewrite rows, but cannot seal a rewritten chain again. Deleting the
newest rows (or all of them) leaves a valid shorter chain, so the head is also written, daily
and on demand, to an append-only file outside the database (a checkpoint); verification
compares the chain with every checkpoint.

Events written before the key existed (wave 1) carry chain_version 1 and a plain SHA-256 seal.
They may only form the beginning of the chain: the first keyed event covers the last of them
through its previous-seal link, and a checkpoint records how many there are.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from tracker.audit.models import GENESIS_HASH, KEYED_CHAIN, LEGACY_CHAIN, AuditEvent
from tracker.core import clock
from tracker.extensions import db

#: At most this many findings are listed one by one; the rest are counted.
MAX_FINDINGS = 50
#: A row whose seal fails is tried under ids this far either side, to tell "moved" from "altered".
MOVE_WINDOW = 50


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payload(event: AuditEvent) -> dict:
    """The sealed fields of an event."""
    return {
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


def canonical_json(fields: dict) -> str:
    """The fields in one canonical form (sorted keys, no spaces, UTF-8)."""
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def legacy_hash(prev_hash: str, fields: dict) -> str:
    """The wave-1 seal: plain SHA-256, which anyone can recompute."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def keyed_hash(prev_hash: str, fields: dict, key: bytes) -> str:
    """The seal: HMAC-SHA256 with the audit key."""
    message = (prev_hash + canonical_json(fields)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode("utf-8")


def seal(prev_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
    """The seal an event must carry, by its chain version."""
    if event.chain_version == LEGACY_CHAIN:
        return legacy_hash(prev_hash, payload(event))
    return keyed_hash(prev_hash, payload(event), key if key is not None else audit_key())


# -- checkpoints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    at: str
    #: id of the last wave-1 (unkeyed) event when the checkpoint was taken; 0 when none
    legacy_until: int = 0

    @property
    def label(self) -> str:
        """How findings name it: `checkpoint of 2026-12-03 23:55 UTC`."""
        return f"checkpoint of {self.at[:10]} {self.at[11:16]} UTC"

    def line(self) -> str:
        return json.dumps(
            {
                "sequence": self.sequence,
                "hash": self.hash,
                "at": self.at,
                "legacy_until": self.legacy_until,
            },
            sort_keys=True,
        )


def checkpoint_path() -> Path:
    return Path(current_app.config["AUDIT_CHECKPOINTS"])


def current_head() -> Checkpoint:
    """The chain's head now, as a checkpoint (sequence 0 for an empty chain)."""
    row = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    legacy_until = db.session.scalar(
        sa.select(sa.func.max(AuditEvent.id)).where(AuditEvent.chain_version == LEGACY_CHAIN)
    )
    return Checkpoint(
        sequence=row.id if row else 0,
        hash=row.hash if row else GENESIS_HASH,
        at=_timestamp(clock.now()),
        legacy_until=legacy_until or 0,
    )


def write_checkpoint(path: Path | None = None) -> Checkpoint:
    """Append the head to the checkpoint file (created 0640 when missing) and return it."""
    path = path or checkpoint_path()
    head = current_head()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(head.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return head


def read_checkpoints(path: Path | None = None) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file (none when it does not exist), and the unreadable lines."""
    path = path or checkpoint_path()
    if not path.exists():
        return [], []
    checkpoints, problems = [], []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            checkpoints.append(
                Checkpoint(
                    sequence=int(data["sequence"]),
                    hash=str(data["hash"]),
                    at=str(data["at"]),
                    legacy_until=int(data.get("legacy_until", 0)),
                )
            )
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint file {path} line {number} unreadable")
    return checkpoints, problems


# -- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    event_id: int
    text: str


@dataclass
class ChainReport:
    count: int = 0
    findings: list[Finding] = field(default_factory=list)
    last_checkpoint: Checkpoint | None = None
    legacy_count: int = 0
    last_id: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def broken_id(self) -> int | None:
        return self.findings[0].event_id if self.findings else None

    @property
    def reason(self) -> str | None:
        return self.findings[0].text if self.findings else None

    def lines(self) -> list[str]:
        """One line per finding (the first MAX_FINDINGS, then how many more)."""
        shown = [finding.text for finding in self.findings[:MAX_FINDINGS]]
        if len(self.findings) > MAX_FINDINGS:
            shown.append(f"... and {len(self.findings) - MAX_FINDINGS} more findings")
        return shown

    def summary(self) -> str:
        text = f"OK {self.count} events"
        if self.legacy_count:
            text += f" ({self.legacy_count} sealed before the audit key)"
        if self.last_checkpoint is None:
            return text + ", no checkpoint yet (run tracker audit checkpoint)"
        cp = self.last_checkpoint
        return text + f", last checkpoint event {cp.sequence} at {cp.at}"


def _span(first: int, last: int) -> str:
    return f"event {first} missing" if first == last else f"events {first}–{last} missing"


def verify_chain(
    checkpoints: list[Checkpoint] | None = None,
    key: bytes | None = None,
    problems: list[str] | None = None,
) -> ChainReport:
    """Walk the chain in id order and compare it with the checkpoints (by default those in
    TRACKER_AUDIT_CHECKPOINTS); every finding names the event(s) concerned."""
    problems = list(problems or [])
    if checkpoints is None:
        checkpoints, problems = read_checkpoints()
    key = key if key is not None else audit_key()
    rows = db.session.execute(
        sa.select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    ).scalars()
    try:
        report, seen = _walk(rows, key, {cp.sequence for cp in checkpoints}, checkpoints)
    finally:
        rows.close()  # a server-side cursor on PostgreSQL: close it when stopping early
    report.findings.extend(Finding(0, text) for text in problems)
    _compare_with_checkpoints(report, seen, checkpoints)
    return report


def _walk(rows, key: bytes, wanted: set[int], checkpoints: list[Checkpoint]):
    report = ChainReport()
    legacy_limit = max((cp.legacy_until for cp in checkpoints), default=None)
    add = report.findings.append
    expected_prev, expected_id = GENESIS_HASH, 1
    first_keyed: int | None = None
    seen: dict[int, str] = {}
    last_id = 0
    for event in rows:
        report.count += 1
        last_id = event.id
        gap = event.id > expected_id
        if gap:
            add(Finding(expected_id, _span(expected_id, event.id - 1)))
        fields = payload(event)
        if event.chain_version == LEGACY_CHAIN:
            report.legacy_count += 1
            if first_keyed is not None or (legacy_limit is not None and event.id > legacy_limit):
                text = f"event {event.id} appended by hand (not sealed with the audit key)"
                add(Finding(event.id, text))
                expected_prev, expected_id = event.hash, event.id + 1
                continue
            computed = legacy_hash(event.prev_hash, fields)
        else:
            first_keyed = first_keyed or event.id
            computed = keyed_hash(event.prev_hash, fields, key)
        if not hmac.compare_digest(computed, event.hash):
            add(Finding(event.id, _seal_failure(event, fields, key)))
        elif event.prev_hash != expected_prev and not gap:
            add(Finding(event.id, f"event {event.id} does not follow event {event.id - 1} "
                        "(an event replaced or reordered before it)"))  # fmt: skip
        if event.id in wanted:
            seen[event.id] = event.hash
        expected_prev, expected_id = event.hash, event.id + 1
    report.last_id = last_id
    return report, seen


def _seal_failure(event: AuditEvent, fields: dict, key: bytes) -> str:
    """Name why a seal does not match: re-sealed without the key, moved, or altered."""
    if event.chain_version == KEYED_CHAIN and legacy_hash(event.prev_hash, fields) == event.hash:
        return f"event {event.id} forged (sealed without the audit key)"
    for candidate in range(max(1, event.id - MOVE_WINDOW), event.id + MOVE_WINDOW + 1):
        if candidate == event.id:
            continue
        moved = dict(fields, id=candidate)
        if event.chain_version == LEGACY_CHAIN:
            resealed = legacy_hash(event.prev_hash, moved)
        else:
            resealed = keyed_hash(event.prev_hash, moved, key)
        if resealed == event.hash:
            return f"event {event.id} reordered (it was sealed as event {candidate})"
    return f"event {event.id} altered (does not match its seal)"


def _compare_with_checkpoints(report: ChainReport, seen: dict[int, str], checkpoints) -> None:
    if not checkpoints:
        return
    last_id = report.last_id
    latest = max(checkpoints, key=lambda cp: (cp.sequence, cp.at))
    report.last_checkpoint = max(checkpoints, key=lambda cp: cp.at)
    if latest.sequence > last_id:
        if report.count == 0:
            text = f"events 1–{latest.sequence} missing: the table is empty, {latest.label}"
        else:
            text = f"{_span(last_id + 1, latest.sequence)} after {latest.label} (newest deleted)"
        report.findings.append(Finding(last_id + 1, text))
    for cp in sorted(checkpoints, key=lambda cp: cp.sequence):
        stored = seen.get(cp.sequence)
        if stored is not None and stored != cp.hash:
            report.findings.append(
                Finding(cp.sequence, f"event {cp.sequence} differs from the {cp.label}")
            )
