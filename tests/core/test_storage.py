"""The content-addressed blob store: one blob per content, never half-written, never overwritten."""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest
from flask import Flask

from tracker.core import storage


@pytest.fixture
def store(tmp_path):
    app = Flask(__name__)
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    with app.app_context():
        yield tmp_path / "evidence"


def files_under(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )


def test_put_stores_under_the_hash_in_two_levels(store):
    content = "关于规范性文件审查的报告".encode()
    sha = hashlib.sha256(content).hexdigest()
    blob = storage.put(io.BytesIO(content))
    assert blob.sha256 == sha and blob.size == len(content) and blob.is_new
    assert blob.path == store / sha[:2] / sha[2:4] / sha
    assert blob.path.read_bytes() == content
    assert files_under(store) == [f"{sha[:2]}/{sha[2:4]}/{sha}"]  # no temporary file left
    with storage.open_blob(sha) as handle:
        assert handle.read() == content
    assert storage.blob_path(sha) == blob.path and storage.has_blob(sha)


def test_the_same_content_twice_is_one_blob(store):
    first = storage.put(io.BytesIO(b"same bytes"))
    second = storage.put(b"same bytes")
    assert first.sha256 == second.sha256
    assert first.is_new and not second.is_new
    assert len(list(storage.iter_blobs())) == 1
    assert files_under(store) == [os.path.relpath(first.path, store)]


def test_large_streams_are_read_in_chunks(store):
    content = os.urandom(storage.CHUNK_SIZE * 2 + 17)
    blob = storage.put(io.BytesIO(content))
    assert blob.size == len(content)
    assert storage.hash_file(blob.path) == hashlib.sha256(content).hexdigest()


def test_a_refused_file_never_appears_under_its_name(store):
    seen = []

    def refuse(path, size):
        seen.append((path.parent.name, path.read_bytes(), size))
        raise ValueError("not accepted")

    with pytest.raises(ValueError):
        storage.put(io.BytesIO(b"%PDF-1.4 spoof"), inspect=refuse)
    # the inspector saw the whole file in the store's temporary folder …
    assert seen == [(storage.TEMP_DIR_NAME, b"%PDF-1.4 spoof", 14)]
    # … and nothing is left anywhere
    assert files_under(store) == []


def test_a_stream_that_breaks_halfway_leaves_nothing(store):
    class Broken(io.RawIOBase):
        calls = 0

        def read(self, size=-1):
            self.calls += 1
            if self.calls > 2:
                raise OSError("connection reset")
            return b"x" * 1000

    with pytest.raises(OSError):
        storage.put(Broken())
    assert files_under(store) == []


def test_too_large_streams_are_refused(store):
    with pytest.raises(storage.BlobTooLarge):
        storage.put(io.BytesIO(b"x" * 101), max_bytes=100)
    assert files_under(store) == []
    assert storage.put(io.BytesIO(b"x" * 100), max_bytes=100).size == 100


def test_only_hashes_name_blobs(store):
    for bad in ("../../etc/passwd", "abc", "A" * 64, "g" * 64, ""):
        with pytest.raises(ValueError):
            storage.blob_path(bad)


def test_iter_blobs_lists_blobs_only(store):
    a = storage.put(b"a")
    b = storage.put(b"b")
    (store / storage.TEMP_DIR_NAME / "upload-x.part").write_bytes(b"partial")
    (store / "README").write_text("not a blob")
    stray = store / "ab" / "cd"
    stray.mkdir(parents=True)
    (stray / ("ef" * 32)).write_bytes(b"in the wrong folder")
    assert [sha for sha, _ in storage.iter_blobs()] == sorted([a.sha256, b.sha256])


def test_remove_temp_files_spares_recent_uploads(store):
    temp = store / storage.TEMP_DIR_NAME
    temp.mkdir(parents=True)
    old = temp / "upload-old.part"
    new = temp / "upload-new.part"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert storage.remove_temp_files() == 1
    assert not old.exists() and new.exists()
    assert storage.remove_temp_files(older_than_seconds=0) == 1


def test_remove_blob(store):
    blob = storage.put(b"gone soon")
    assert storage.remove_blob(blob.sha256)
    assert not storage.has_blob(blob.sha256)
    assert not storage.remove_blob(blob.sha256)
