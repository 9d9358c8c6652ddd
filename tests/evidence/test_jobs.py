"""The evidence feature's scheduled job: daily removal of interrupted uploads' temporary files."""

from __future__ import annotations

import os
import time

from tracker.core import storage
from tracker.evidence import jobs


def test_housekeeping_removes_only_stale_temporary_uploads(app):
    assert jobs.housekeeping(app) == {"temp_files_removed": 0}
    with app.app_context():
        temp = storage.storage_root() / storage.TEMP_DIR_NAME
    temp.mkdir(parents=True, exist_ok=True)
    stale = temp / f"upload-stale{storage.TEMP_SUFFIX}"
    fresh = temp / f"upload-fresh{storage.TEMP_SUFFIX}"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    assert jobs.housekeeping(app) == {"temp_files_removed": 1}
    assert not stale.exists()
    assert fresh.exists()
