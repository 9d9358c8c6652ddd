"""Upgrading from the previous release: its own code builds its demo database, this release's
`tracker db upgrade` migrates it, and the data, the evidence and the audit chain come through."""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_from, make_config
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture)
from tracker import create_app
from tracker.demo.data import DEMO_PASSWORD
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
# The last commit of the first release (wave 1): the state a bureau runs before this upgrade.
PREVIOUS_RELEASE = "20c012b736ff3f7027aee78ef55834475af2846f"
TABLES = ["units", "users", "plans", "tasks", "records", "evidence", "audit_events"]

pytestmark = pytest.mark.slow


def _previous_release_tree(destination: Path) -> Path:
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{PREVIOUS_RELEASE}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0 or not shutil.which("git"):
        pytest.skip("the previous release is not in this checkout's history (shallow clone)")
    archive = destination / "previous.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", found.stdout.strip()], cwd=ROOT, stdout=out, check=True)
    tree = destination / "previous"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _tracker(code: Path | None, home: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `tracker ARGS` from the given source tree (None: this release) on the database `url`."""
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_INSTANCE_DIR": str(home),
        "TRACKER_ENV": "development",
    }
    environment.pop("PYTHONPATH", None)
    if code is not None:
        environment["PYTHONPATH"] = str(code)
    return subprocess.run(
        [sys.executable, "-c", "from tracker.cli import main; main()", *args],
        cwd=code or ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                for table in TABLES
            }
    finally:
        engine.dispose()


def _blobs(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                sa.text("SELECT count(DISTINCT sha256) FROM evidence WHERE sha256 IS NOT NULL")
            )
    finally:
        engine.dispose()


def test_the_previous_release_demo_upgrades_with_its_data_evidence_and_audit_chain(
    tmp_path,
    empty_database_url,  # noqa: F811
):
    previous = _previous_release_tree(tmp_path)
    home = tmp_path / "instance"
    for step in (["db", "upgrade"], ["demo", "load"]):
        built = _tracker(previous, home, empty_database_url, *step)
        assert built.returncode == 0, built.stderr[-2000:]
    before = _counts(empty_database_url)
    assert before["tasks"] > 40 and before["evidence"] > 50 and before["audit_events"] > 100

    upgraded = _tracker(None, home, empty_database_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]

    after = _counts(empty_database_url)
    assert {table: after[table] for table in TABLES if table != "audit_events"} == {
        table: before[table] for table in TABLES if table != "audit_events"
    }
    assert after["audit_events"] >= before["audit_events"]
    verified = _tracker(None, home, empty_database_url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # the wave-1 events keep their unkeyed seals (chain_version 1) and still verify
    assert f"OK {after['audit_events']} events ({after['audit_events']} sealed before" in (
        verified.stdout
    )
    checked = _tracker(None, home, empty_database_url, "evidence", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"OK {_blobs(empty_database_url)} files" in checked.stdout

    # the upgraded instance serves its tasks to the people who had them
    # the commands' development secret, so the web app seals with the same (derived) audit key
    secret = (home / "dev-secret-key").read_text(encoding="ascii").strip()
    app = create_app(
        make_config(tmp_path, SQLALCHEMY_DATABASE_URI=empty_database_url, SECRET_KEY=secret)
    )
    client = app.test_client()
    with app.app_context():
        task_id, title = db.session.execute(
            sa.text("SELECT id, title FROM tasks ORDER BY id LIMIT 1")
        ).one()
    page = client.get("/login")
    assert page.status_code == 200
    client.post(
        "/login",
        data={"username": "office", "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    shown = client.get(f"/tasks/{task_id}")
    assert shown.status_code == 200 and title in shown.text
    # the login was the first keyed event: it seals the wave-1 events before it
    resealed = _tracker(None, home, empty_database_url, "audit", "verify")
    assert resealed.returncode == 0, resealed.stdout + resealed.stderr
    assert f"OK {after['audit_events'] + 1} events ({after['audit_events']} sealed" in (
        resealed.stdout
    )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
