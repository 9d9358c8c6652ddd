"""Attacks on the audit trail by whoever owns the database (issue 13, item 1), and what
`tracker audit verify` says about each: the chain is sealed with a key the database does not
hold, and anchored by checkpoints in a file outside it."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FrozenClock, count
from tracker.audit import chain
from tracker.audit.models import GENESIS_HASH, AuditEvent
from tracker.audit.service import SystemActor, log_event
from tracker.extensions import db

ACTOR = SystemActor(username="clerk")
T0 = datetime(2026, 12, 3, 15, 55, tzinfo=UTC)  # 23:55 in Shanghai


def add_events(n: int) -> None:
    for i in range(n):
        log_event(ACTOR, "test.event", ("thing", i), after={"n": i, "text": "中文内容"})
    db.session.commit()


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def as_owner(*statements: str, params: dict | None = None) -> None:
    """Run statements as the database owner would: with the append-only triggers out of the way
    (PostgreSQL: suspended for the transaction; SQLite: dropped)."""
    db.session.commit()
    with db.engine.begin() as connection:
        if is_postgres():
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            for name in ("no_update", "no_delete", "no_replace"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_events_{name}")
        for statement in statements:
            connection.execute(sa.text(statement), params or {})
    db.session.expire_all()


def reseal_from(first_id: int, seal, until: int | None = None) -> None:
    """Recompute every seal from `first_id` on with `seal(prev_hash, fields)`, as an attacker
    who has the application's code (but not its key) would, and write them back."""
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    prev = GENESIS_HASH
    updates = []
    for event in events:
        if event.id >= first_id and (until is None or event.id <= until):
            updates.append({"id": event.id, "prev": prev, "hash": seal(prev, chain.payload(event))})
            prev = updates[-1]["hash"]
        else:
            prev = event.hash
    db.session.commit()
    for row in updates:
        as_owner(
            "UPDATE audit_events SET prev_hash = :prev, hash = :hash WHERE id = :id", params=row
        )


def verify(runner):
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def checkpoint(runner) -> dict:
    with FrozenClock(T0):
        result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- the database refuses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_events WHERE id = 1",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ],
)
def test_the_database_refuses_update_delete_and_truncate(app, statement):
    if statement.startswith("TRUNCATE") and not is_postgres():
        pytest.skip("SQLite has no TRUNCATE (DELETE FROM is refused above)")
    add_events(2)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(statement)
    assert count(AuditEvent) == 2


def test_sqlite_refuses_insert_or_replace(app):
    if is_postgres():
        pytest.skip("INSERT OR REPLACE is SQLite's")
    add_events(3)
    forged = (
        "INSERT OR REPLACE INTO audit_events (id, occurred_at, action, outcome, prev_hash, hash, "
        "chain_version) SELECT id, occurred_at, 'forged', outcome, prev_hash, hash, "
        "chain_version FROM audit_events WHERE id = 2"
    )
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            assert connection.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1
            connection.exec_driver_sql(forged)
    # a connection of its own (the sqlite3 shell: recursive_triggers off) is refused too
    raw = sqlite3.connect(db.engine.url.database)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute(forged)
    raw.close()
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.id == 2)) == (
        "test.event"
    )


def test_postgres_upsert_is_refused(app):
    if not is_postgres():
        pytest.skip("ON CONFLICT DO UPDATE is checked on PostgreSQL")
    add_events(2)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO audit_events (id, occurred_at, action, outcome, prev_hash, hash) "
                "SELECT id, occurred_at, 'forged', outcome, prev_hash, hash FROM audit_events "
                "WHERE id = 2 ON CONFLICT (id) DO UPDATE SET action = 'forged'"
            )


# -- the owner goes past the triggers: verify names what was done --------------------------------


def test_truncation_of_the_whole_table_is_named_from_the_checkpoint(app, runner):
    add_events(6)
    head = checkpoint(runner)
    assert head["sequence"] == 6
    as_owner("DELETE FROM audit_events" if not is_postgres() else "TRUNCATE audit_events")
    code, lines = verify(runner)
    assert code == 1
    assert lines == ["events 1–6 missing: the table is empty, checkpoint of 2026-12-03 15:55 UTC"]


def test_deleting_the_newest_rows_is_named_from_the_checkpoint(app, runner):
    add_events(60)
    checkpoint(runner)
    as_owner("DELETE FROM audit_events WHERE id >= 58")
    code, lines = verify(runner)
    assert code == 1
    assert lines == [
        "events 58–60 missing after checkpoint of 2026-12-03 15:55 UTC (newest deleted)"
    ]


def test_rewrite_resealed_with_the_apps_unkeyed_hash_is_forged(app, runner):
    add_events(5)
    as_owner("UPDATE audit_events SET actor_name = 'someone-else' WHERE id = 3")
    reseal_from(3, chain.legacy_hash)
    code, lines = verify(runner)
    assert code == 1
    assert lines[0] == "event 3 forged (sealed without the audit key)"
    assert set(lines[1:]) == {
        "event 4 forged (sealed without the audit key)",
        "event 5 forged (sealed without the audit key)",
    }


def test_rewrite_resealed_with_a_wrong_key_is_altered(app, runner):
    add_events(4)
    as_owner("UPDATE audit_events SET after = '{\"n\": 99}' WHERE id = 2")
    reseal_from(2, lambda prev, fields: chain.keyed_hash(prev, fields, b"guessed-key"))
    code, lines = verify(runner)
    assert code == 1
    assert lines[0] == "event 2 altered (does not match its seal)"


def test_event_appended_by_hand_is_named(app, runner):
    add_events(3)
    head = db.session.get(AuditEvent, 3)
    fields = dict(chain.payload(head), id=4, action="user.delete", actor_name="admin")
    forged = chain.legacy_hash(head.hash, fields)
    as_owner(
        "INSERT INTO audit_events (id, occurred_at, actor_name, action, outcome, prev_hash, "
        "hash) VALUES (4, :at, 'admin', 'user.delete', 'success', :prev, :hash)",
        params={"at": head.occurred_at, "prev": head.hash, "hash": forged},
    )
    code, lines = verify(runner)
    assert code == 1
    assert lines == ["event 4 appended by hand (not sealed with the audit key)"]


def test_reordered_events_are_named(app, runner):
    add_events(5)
    as_owner(
        "UPDATE audit_events SET id = 1000 WHERE id = 2",
        "UPDATE audit_events SET id = 2 WHERE id = 3",
        "UPDATE audit_events SET id = 3 WHERE id = 1000",
    )
    code, lines = verify(runner)
    assert code == 1
    assert "event 2 reordered (it was sealed as event 3)" in lines
    assert "event 3 reordered (it was sealed as event 2)" in lines


def test_removed_event_in_the_middle_is_named(app, runner):
    add_events(5)
    as_owner("DELETE FROM audit_events WHERE id IN (2, 3)")
    code, lines = verify(runner)
    assert (code, lines) == (1, ["events 2–3 missing"])


def test_checkpoint_appends_to_the_file_and_verify_reports_the_last(app, runner):
    add_events(2)
    first = checkpoint(runner)
    add_events(1)
    with FrozenClock(T0 + timedelta(days=1)):
        second = json.loads(runner.invoke(args=["audit", "checkpoint"]).output)
    path = app.config["AUDIT_CHECKPOINTS"]
    recorded = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert recorded == [first, second]
    assert (second["sequence"], second["hash"]) == (3, db.session.get(AuditEvent, 3).hash)
    code, lines = verify(runner)
    assert code == 0
    assert lines == [f"OK 3 events, last checkpoint event 3 at {second['at']}"]


def test_inspector_verifies_against_their_own_copy(app, runner, tmp_path):
    add_events(4)
    checkpoint(runner)
    copy = tmp_path / "inspector.jsonl"
    server_copy = Path(app.config["AUDIT_CHECKPOINTS"])
    copy.write_text(server_copy.read_text(encoding="utf-8"), encoding="utf-8")
    # the owner removes the newest row and the operator's checkpoint file with it
    as_owner("DELETE FROM audit_events WHERE id = 4")
    server_copy.write_text("", encoding="utf-8")
    assert verify(runner)[0] == 0  # nothing left to compare with on the server ...
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(copy)])
    assert result.exit_code == 1  # ... but the inspector's copy names it
    assert "event 4 missing after checkpoint of 2026-12-03 15:55 UTC" in result.output


def test_rewritten_chain_differs_from_the_checkpoint(app, runner):
    """Rewriting the whole chain with a guessed key changes the head the checkpoint recorded."""
    add_events(3)
    checkpoint(runner)
    as_owner("UPDATE audit_events SET actor_name = 'x' WHERE id = 1")
    reseal_from(1, lambda prev, fields: chain.keyed_hash(prev, fields, b"guess"))
    code, lines = verify(runner)
    assert code == 1
    assert "event 3 differs from the checkpoint of 2026-12-03 15:55 UTC" in lines


# -- the wave-1 chain (before the key) ------------------------------------------------------------


def write_legacy_events(n: int) -> None:
    """Events as wave 1 wrote them: chain_version 1, plain SHA-256."""
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        event = AuditEvent(
            id=i,
            occurred_at=T0,
            actor_name="wave1",
            action="legacy.event",
            outcome="success",
            after={"n": i},
            prev_hash=prev,
            chain_version=1,
        )
        event.hash = chain.legacy_hash(prev, chain.payload(event))
        db.session.add(event)
        db.session.flush()
        prev = event.hash
    db.session.commit()


def test_wave_one_events_still_verify_and_are_sealed_by_the_first_keyed_one(app, runner):
    write_legacy_events(3)
    add_events(2)
    code, lines = verify(runner)
    assert code == 0
    assert lines[0].startswith("OK 5 events (3 sealed before the audit key)")
    # rewriting a wave-1 event and recomputing the wave-1 chain breaks the keyed event after it
    as_owner("UPDATE audit_events SET actor_name = 'other' WHERE id = 2")
    reseal_from(2, chain.legacy_hash, until=3)
    code, lines = verify(runner)
    assert code == 1
    assert lines == ["event 4 does not follow event 3 (an event replaced or reordered before it)"]
    # and moving the keyed event's link along too cannot be sealed without the key
    reseal_from(4, chain.legacy_hash)
    assert verify(runner)[1][0] == "event 4 forged (sealed without the audit key)"


def test_production_refuses_to_start_without_an_audit_key(monkeypatch, tmp_path):
    from tracker import create_app
    from tracker.config import ConfigError

    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("TRACKER_SECRET_KEY", "77zk0hDbkfXxb6MlIieNtIUGe0zGA3ltWxpOaP_NnRW1")
    monkeypatch.delenv("TRACKER_AUDIT_KEY", raising=False)
    with pytest.raises(ConfigError, match="^TRACKER_AUDIT_KEY must be set"):
        create_app()


# -- PostgreSQL: the application's role (deploy/postgresql/roles.sql) ----------------------------

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgresql" / "roles.sql"


def test_postgres_application_role_may_only_insert_and_read_the_trail(app):
    if not is_postgres():
        pytest.skip("roles are PostgreSQL's")
    add_events(2)
    text = "\n".join(
        line
        for line in ROLES_SQL.read_text(encoding="utf-8").splitlines()
        if not line.startswith("--")
    )
    grants = [statement.strip() for statement in text.split(";") if statement.strip()]
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "DO $$ BEGIN CREATE ROLE duban; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        has_alembic = sa.inspect(connection).has_table("alembic_version")
        for grant in grants:
            if "alembic_version" in grant and not has_alembic:
                continue
            connection.exec_driver_sql(grant)
    refused = [
        "TRUNCATE audit_events",
        "DELETE FROM audit_events",
        "UPDATE audit_events SET action = 'x'",
        "SET LOCAL session_replication_role = replica",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate",
    ]
    for statement in refused:
        with pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("SET LOCAL ROLE duban")
                connection.exec_driver_sql(statement)
    # what the application does is allowed: read the chain and append to it
    with db.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL ROLE duban")
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_events").scalar() == 2
        connection.exec_driver_sql(
            "INSERT INTO audit_events (id, occurred_at, action, outcome, prev_hash, hash, "
            "chain_version) VALUES (3, now(), 'probe', 'success', 'x', 'y', 2)"
        )
        connection.exec_driver_sql("UPDATE users SET display_name = display_name")
    assert count(AuditEvent) == 3
