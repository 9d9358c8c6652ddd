"""The audit chain: every write recorded, tampering detected, rows append-only."""

import threading

import pytest
import sqlalchemy as sa

from tests.conftest import count
from tracker.audit.models import AuditEvent
from tracker.audit.service import SystemActor, log_event, verify_chain
from tracker.extensions import db

ACTOR = SystemActor(username="tester")


def add_events(n: int) -> None:
    for i in range(n):
        log_event(ACTOR, "test.event", ("thing", i), after={"n": i, "text": "中文内容"})
    db.session.commit()


def tamper(sql: str) -> None:
    """Change rows behind the application's back, with the append-only trigger out of the way."""
    db.session.commit()
    engine = db.engine
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_update")
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_events_no_delete")
            connection.exec_driver_sql(sql)
        else:
            connection.exec_driver_sql(
                "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"
            )
            connection.exec_driver_sql(sql)
            connection.exec_driver_sql(
                "ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete"
            )
    db.session.expire_all()


def test_chain_verifies_and_links_each_event_to_the_previous(app):
    add_events(5)
    report = verify_chain()
    assert report.ok and report.count == 5
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert events[0].prev_hash == "0" * 64
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash


def test_altered_event_is_named(app):
    add_events(5)
    tamper("UPDATE audit_events SET actor_name = 'someone-else' WHERE id = 3")
    report = verify_chain()
    assert not report.ok and report.broken_id == 3


def test_altered_json_is_detected(app):
    add_events(4)
    tamper("UPDATE audit_events SET after = '{\"n\": 99}' WHERE id = 2")
    assert verify_chain().broken_id == 2


def test_removed_event_is_detected(app):
    add_events(5)
    tamper("DELETE FROM audit_events WHERE id = 2")
    report = verify_chain()
    assert report.broken_id == 2 and report.lines() == ["event 2 missing"]


def test_reordered_events_are_detected(app):
    add_events(5)
    tamper("UPDATE audit_events SET id = 1000 WHERE id = 2")
    tamper("UPDATE audit_events SET id = 2 WHERE id = 3")
    tamper("UPDATE audit_events SET id = 3 WHERE id = 1000")
    assert verify_chain().broken_id == 2


def test_cli_verify_ok_and_broken(app, runner):
    add_events(3)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and result.output.strip() == (
        "OK 3 events, no checkpoint yet (run tracker audit checkpoint)"
    )
    tamper("UPDATE audit_events SET action = 'forged' WHERE id = 2")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event 2" in result.output


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_events WHERE id = 1",
    ],
)
def test_database_refuses_update_and_delete(app, statement):
    add_events(1)
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(statement)
    assert count(AuditEvent) == 1


def test_concurrent_writers_keep_one_valid_chain(app):
    """Several threads append at once: no 'database is locked', no fork in the chain."""
    errors: list[BaseException] = []
    per_thread, threads = 15, 4
    barrier = threading.Barrier(threads)

    def writer(k: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for i in range(per_thread):
                    log_event(ACTOR, "test.concurrent", ("thing", f"{k}-{i}"))
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    workers = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    report = verify_chain()
    assert report.ok and report.count == per_thread * threads
