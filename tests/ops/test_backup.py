"""`tracker backup` and `tracker restore`: a consistent archive while the application writes,
restored into an empty instance; damaged or incomplete archives are refused."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import FACTORY_ACTOR
from tests.evidence import samples
from tests.factories import task_in_status
from tracker.audit.service import log_event
from tracker.core import clock, storage
from tracker.evidence import service as evidence_service
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.ops import backup


def attach(org, task, name: str, content: bytes) -> Evidence:
    evidence = evidence_service.add_file(
        org.users.chief, task, filename=name, stream=io.BytesIO(content)
    )
    db.session.commit()
    return evidence


@pytest.fixture
def filled(app, org):
    """A task with two evidence files (and the audit events all this wrote)."""
    task = task_in_status(org, "in_progress")
    attach(org, task, "报告.pdf", samples.pdf())
    attach(org, task, "照片.png", samples.png())
    return task


def test_backup_while_writing_then_restore_into_an_empty_instance(
    app, org, filled, tmp_path, empty_instance
):
    archive = tmp_path / "backup.tar"
    stop, first_write, after_snapshot_write = (threading.Event() for _ in range(3))
    snapshot_taken = threading.Event()
    errors: list[BaseException] = []

    def keep_writing():
        try:
            with app.app_context():
                for number in range(10_000):
                    if stop.is_set():
                        break
                    log_event(FACTORY_ACTOR, "test.concurrent_write", ("thing", number))
                    db.session.commit()
                    first_write.set()
                    if snapshot_taken.is_set():
                        after_snapshot_write.set()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
            first_write.set()
            after_snapshot_write.set()

    def meanwhile():
        """After the snapshot: the writer goes on, and a new file is uploaded."""
        snapshot_taken.set()
        assert after_snapshot_write.wait(timeout=60)
        # stop the writer before uploading: its tight loop could starve this thread of
        # SQLite's write lock beyond the busy timeout on a loaded machine
        stop.set()
        writer.join(timeout=120)
        attach(org, filled, "新材料.jpg", samples.jpeg())

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert first_write.wait(timeout=60)
        manifest = backup.create_backup(archive, after_snapshot=meanwhile)
    finally:
        stop.set()
        writer.join(timeout=120)
    assert not errors, errors
    assert manifest["counts"]["evidence"] == 2 and len(manifest["blobs"]) == 2
    # the application went on writing after the snapshot: more events, a third file
    with app.app_context():
        live_head = db.session.scalar(sa.text("SELECT max(id) FROM audit_events"))
    assert live_head > manifest["audit_head"]["id"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 3

    runner = empty_instance.test_cli_runner()
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert f"audit head {manifest['audit_head']['id']}" in result.output
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert verify.output.startswith(f"OK {manifest['audit_head']['id']} events, ")
    check = runner.invoke(args=["evidence", "check"])
    assert check.exit_code == 0 and check.output.strip() == "OK 2 files"
    with empty_instance.app_context():
        restored = {row.original_name for row in db.session.scalars(sa.select(Evidence))}
    assert restored == {"报告.pdf", "照片.png"}
    # restoring again is refused: the instance is no longer empty
    again = runner.invoke(args=["restore", str(archive)])
    assert again.exit_code == 1 and "empty instance" in again.output


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy `archive` to `target`, passing each (info, data) through `change` (None drops)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            changed = change(member, data)
            if changed is None:
                continue
            member.size = len(changed)
            out.addfile(member, io.BytesIO(changed))


@pytest.fixture
def archive(app, filled, tmp_path) -> Path:
    path = tmp_path / "good.tar"
    backup.create_backup(path)
    return path


def test_check_only_accepts_a_good_archive(archive, empty_instance):
    result = empty_instance.test_cli_runner().invoke(args=["restore", "--check", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK ")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("flip_blob_byte", "damaged"),
        ("flip_database_byte", "damaged"),
        ("drop_blob", "incomplete"),
        ("drop_manifest", "no manifest"),
        ("extra_member", "does not list"),
        ("truncate", "damaged"),
    ],
)
def test_restore_refuses_a_damaged_or_incomplete_archive(
    archive, empty_instance, tmp_path, damage, message
):
    broken = tmp_path / "broken.tar"
    blob_dropped = False

    def change(member, data):
        nonlocal blob_dropped
        is_blob = member.name.startswith("evidence/")
        if damage == "flip_blob_byte" and is_blob:
            return bytes([data[0] ^ 1]) + data[1:]
        if damage == "flip_database_byte" and member.name == backup.SQLITE_MEMBER:
            return data[:-1] + bytes([data[-1] ^ 1])
        if damage == "flip_database_byte" and member.name == backup.POSTGRES_MEMBER:
            return data[:-1] + bytes([data[-1] ^ 1])
        if damage == "drop_blob" and is_blob and not blob_dropped:
            blob_dropped = True
            return None
        if damage == "drop_manifest" and member.name == backup.MANIFEST:
            return None
        return data

    if damage == "truncate":
        broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        _rewrite(archive, broken, change)
        if damage == "extra_member":
            with tarfile.open(broken, "a") as out:
                info = tarfile.TarInfo("evidence/../../etc/cron.d/x")
                info.size = 1
                out.addfile(info, io.BytesIO(b"x"))
    result = empty_instance.test_cli_runner().invoke(args=["restore", str(broken)])
    assert result.exit_code == 1
    assert message in result.output
    with empty_instance.app_context():
        assert backup.instance_is_empty()[0]  # nothing was restored


def test_backup_refuses_a_store_missing_a_file(app, filled, tmp_path, runner):
    sha256 = db.session.scalars(sa.select(Evidence.sha256)).first()
    path = storage.blob_path(sha256)
    path.chmod(0o600)
    path.unlink()
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "x.tar")])
    assert result.exit_code == 1 and "missing from the store" in result.output
    assert not list(tmp_path.glob("x.tar*"))


def test_manifest_lists_counts_blobs_and_audit_head(archive):
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile(backup.MANIFEST).read())
        names = opened.getnames()
    assert names[0] in (backup.SQLITE_MEMBER, backup.POSTGRES_MEMBER)
    assert names[-1] == backup.MANIFEST
    assert manifest["counts"]["users"] == 10
    assert {b["sha256"] for b in manifest["blobs"]} == {
        n.rsplit("/", 1)[1] for n in names if n.startswith("evidence/")
    }
    assert manifest["audit_head"]["id"] == manifest["counts"]["audit_events"]


def test_nightly_backup_keeps_the_newest(app, filled, tmp_path):
    assert backup.nightly_backup() == {"skipped": "TRACKER_BACKUP_DIR is not set"}
    app.config.update(BACKUP_DIR=str(tmp_path / "nightly"), BACKUP_KEEP=2)
    start = datetime(2026, 3, 9, 2, 30, tzinfo=clock.ZoneInfo("Asia/Shanghai"))
    for day in range(3):
        with clock.frozen_at(start + timedelta(days=day)):
            report = backup.nightly_backup()
    assert report["removed"] == ["duban-20260309-023000.tar"]
    assert sorted(p.name for p in (tmp_path / "nightly").iterdir()) == [
        "duban-20260310-023000.tar",
        "duban-20260311-023000.tar",
    ]
