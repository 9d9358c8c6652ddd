"""`tracker evidence check` re-hashes the store; names missing, altered and orphaned files."""

from __future__ import annotations

import io
import json
import os

from tests.evidence import samples
from tracker.core import storage
from tracker.evidence import service


def attach(org, task, db, name: str, content: bytes):
    evidence = service.add_file(org.users.chief, task, filename=name, stream=io.BytesIO(content))
    db.session.commit()
    return evidence


def test_a_healthy_store_is_ok(org, task, db, runner):
    attach(org, task, db, "报告.pdf", samples.pdf())
    attach(org, task, db, "照片.png", samples.png())
    result = runner.invoke(args=["evidence", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK 2 files"


def test_an_empty_store_is_ok(app, runner):
    result = runner.invoke(args=["evidence", "check"])
    assert result.exit_code == 0 and result.output.strip() == "OK 0 files"


def test_altered_missing_and_orphaned_files_are_reported(org, task, db, runner):
    altered = attach(org, task, db, "报告.pdf", samples.pdf())
    missing = attach(org, task, db, "照片.png", samples.png())
    attach(org, task, db, "说明.txt", samples.utf8_text())
    path = storage.blob_path(altered.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(samples.pdf().replace(b"Count 0", b"Count 9"))
    storage.blob_path(missing.sha256).unlink()
    orphan = storage.put(b"left behind by a crash")

    result = runner.invoke(args=["evidence", "check"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"MISSING  {missing.sha256} (evidence {missing.id})" in lines
    assert any(
        line.startswith(f"ALTERED  {altered.sha256} now hashes to ")
        and line.endswith(f"(evidence {altered.id})")
        for line in lines
    )
    assert f"ORPHANED {orphan.sha256} {orphan.path}" in lines
    assert lines[-1] == "3 problems: 1 missing, 1 altered, 1 orphaned (2 files checked)"

    as_json = runner.invoke(args=["evidence", "check", "--format", "json"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.output)
    assert report["ok"] is False and report["checked"] == 2
    assert [item["sha256"] for item in report["missing"]] == [missing.sha256]


def test_withdrawn_and_superseded_files_are_still_checked(org, task, db, runner):
    old = attach(org, task, db, "报告.pdf", samples.pdf())
    service.supersede(
        org.users.chief, old, filename="报告2.pdf", stream=io.BytesIO(samples.pdf() + b"%2\n")
    )
    service.withdraw(org.users.chief, old.superseded_by, "作废")
    db.session.commit()
    storage.blob_path(old.sha256).unlink()
    result = runner.invoke(args=["evidence", "check"])
    assert result.exit_code == 1 and f"MISSING  {old.sha256}" in result.output
