"""The demo every browser test gets is a copy of a template the worker loaded once
(tests/e2e/demo_copy.py): the copy must hold what a fresh load makes, rows and evidence files,
and what one test writes must not reach the template nor the next test."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import urllib.request
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import conftest
from tests.e2e.demo_copy import table_counts
from tracker.accounts.models import User
from tracker.core import clock
from tracker.demo.service import load_demo
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.models import Notification
from tracker.units.models import Unit

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # a Friday, 10:00 in Shanghai (as test_journeys)
#: A moment no other test loads the demo on, so that the comparison's template is loaded in it,
#: on freshly emptied tables, whatever tests ran before on this worker.
OWN_MOMENT = NOW + timedelta(seconds=1)
MARKER = "本测试写入的内容"

#: Columns a load fills differently every time: salted password hashes, random version tokens
#: and message ids, and the audit log's hash chain, which runs over rows naming the reports'
#: DOCX files (see `blob_names`).
UNSTABLE = {
    ("users", "password_hash"),
    ("data_versions", "version"),
    ("outbox_emails", "message_id"),
    ("audit_events", "hash"),
    ("audit_events", "prev_hash"),
}
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen_at(NOW):
        yield


def blob_names(app) -> dict[str, str]:
    """The stored files by name (their SHA-256), each with what identifies its contents: the
    name itself, or for a zip (the reports' DOCX, whose bytes python-docx stamps with the wall
    clock's time, not Duban's clock) a digest of its entries' names and contents."""
    names = {}
    for path in Path(app.config["EVIDENCE_DIR"]).rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        names[path.name] = path.name
        if data[:2] == b"PK":
            digest = hashlib.sha256()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for entry in sorted(archive.namelist()):
                    digest.update(entry.encode() + b"\0" + archive.read(entry))
            names[path.name] = f"zip:{digest.hexdigest()}"
    return names


def contents(app) -> tuple[dict[str, list[tuple]], set[str]]:
    """Every table's rows (sorted), without the UNSTABLE columns, and the stored files; file
    digests, in the files' names and wherever rows mention them, as `blob_names` has them."""
    names = blob_names(app)

    def canonical(value):
        if isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        if isinstance(value, str):
            value = SHA256.sub(lambda match: names.get(match[0], match[0]), value)
        return value

    db.session.remove()
    found = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in UNSTABLE]
            rows = connection.execute(sa.select(*columns)).all()
            found[table.name] = sorted((tuple(map(canonical, row)) for row in rows), key=repr)
    return found, set(names.values())


def empty(app) -> None:
    """Take the test's database and evidence directory back to empty, as a new test gets them.
    On PostgreSQL the tables are truncated, not emptied row by row as between tests: a load's
    ids depend on the order a table's rows are read in, which on rows inserted where deleted
    ones were differs from that of a new table (SQLite reads in id order)."""
    db.session.remove()
    if conftest.TEST_DATABASE_URL:
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                f"SET LOCAL session_replication_role = replica; TRUNCATE {tables} RESTART IDENTITY"
            )
    else:
        db.engine.dispose()
        database = Path(sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(conftest._sqlite_template, database)
    shutil.rmtree(app.config["EVIDENCE_DIR"], ignore_errors=True)
    assert set(table_counts().values()) == {0}


def write_something(app) -> None:
    """Change, add and delete rows, and add an evidence file."""
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    office.display_name = MARKER
    bureau = db.session.scalar(sa.select(Unit).where(Unit.kind == "bureau").order_by(Unit.id))
    db.session.add(Unit(name=MARKER, kind="section", parent=bureau))
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    (Path(app.config["EVIDENCE_DIR"]) / "written-by-a-test.txt").write_text(MARKER)


def test_a_copy_holds_what_a_fresh_load_makes(app, app_config, demo_templates):
    with clock.frozen_at(OWN_MOMENT):
        compare_a_copy_with_a_fresh_load(app, app_config, demo_templates)


def compare_a_copy_with_a_fresh_load(app, app_config, demo_templates):
    empty(app)
    assert not demo_templates.install(app, app_config), "the first demo of a moment is loaded"
    empty(app)
    assert demo_templates.install(app, app_config), "the second demo of a moment is a copy"
    copied, copied_files = contents(app)

    # the demo, not an empty shell: the key rows are there
    assert len(copied["users"]) > 20
    assert len(copied["tasks"]) > 100
    assert copied["notifications"]
    assert db.session.scalar(sa.select(User.display_name).where(User.username == "office"))
    assert db.session.scalar(sa.select(Plan.id).where(Plan.title == "2020年法治建设工作要点"))
    assert len(copied_files) > 10

    # a write into the copy does not reach the template
    write_something(app)
    assert contents(app) != (copied, copied_files)
    empty(app)
    assert demo_templates.install(app, app_config)
    assert contents(app) == (copied, copied_files)

    # and the copy is what loading the demo afresh makes, row for row and file for file
    empty(app)
    load_demo()
    db.session.commit()
    fresh, fresh_files = contents(app)
    assert {t: len(rows) for t, rows in copied.items()} == {
        t: len(rows) for t, rows in fresh.items()
    }
    assert [t for t in fresh if copied[t] != fresh[t]] == []
    assert copied_files == fresh_files


@pytest.mark.parametrize("turn", [1, 2])
def test_what_a_test_writes_does_not_reach_the_next(
    live_server, app, app_config, demo_templates, turn
):
    """Whichever of the two runs second (on the same worker) sees the demo untouched."""
    assert table_counts() == demo_templates.current(app_config).counts
    assert db.session.scalar(sa.select(User.id).where(User.display_name == MARKER)) is None
    assert db.session.scalar(sa.select(Unit.id).where(Unit.name == MARKER)) is None
    assert not (Path(app.config["EVIDENCE_DIR"]) / "written-by-a-test.txt").exists()
    db.session.rollback()
    with urllib.request.urlopen(f"{live_server}/login") as response:
        assert response.status == 200
        assert "duban-demo" in response.read().decode()
    write_something(app)
