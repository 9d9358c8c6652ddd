"""The contract every evidence store backend keeps, run against each registered backend.

A new backend (an S3-compatible object store, say) registers its class in
`storage.BACKENDS` and adds a fixture to `BACKEND_FIXTURES` below: these tests then run on it too.
"""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest
from flask import Flask

from tracker.core import storage


def _filesystem(tmp_path):
    return storage.FilesystemBlobStore(tmp_path / "evidence")


#: backend name → factory building a fresh, empty store of that backend for one test.
BACKEND_FIXTURES = {"filesystem": _filesystem}


def test_every_registered_backend_has_a_contract_fixture():
    assert set(storage.BACKENDS) == set(BACKEND_FIXTURES)


@pytest.fixture(params=sorted(BACKEND_FIXTURES))
def store(request, tmp_path) -> storage.BlobStore:
    return BACKEND_FIXTURES[request.param](tmp_path)


def test_put_names_the_blob_by_its_hash_and_reads_it_back(store):
    content = "关于规范性文件审查的报告".encode()
    blob = store.put(io.BytesIO(content))
    assert blob.sha256 == hashlib.sha256(content).hexdigest()
    assert blob.size == len(content) and blob.is_new
    assert store.has(blob.sha256) and store.is_intact(blob.sha256)
    with store.open(blob.sha256) as handle:
        assert handle.read() == content
    assert list(store.iter()) == [blob.sha256]


def test_the_same_content_is_stored_once(store):
    first = store.put(b"same bytes")
    second = store.put(io.BytesIO(b"same bytes"))
    assert first.sha256 == second.sha256 and first.is_new and not second.is_new
    assert list(store.iter()) == [first.sha256]


def test_blobs_are_listed_in_hash_order(store):
    hashes = [store.put(f"document {n}".encode()).sha256 for n in range(5)]
    assert list(store.iter()) == sorted(hashes)


def test_a_refused_or_too_large_upload_leaves_nothing(store):
    def refuse(temp_path, size):
        assert temp_path.read_bytes() == b"not a pdf" and size == 9
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        store.put(b"not a pdf", inspect=refuse)
    with pytest.raises(storage.BlobTooLarge):
        store.put(b"x" * 11, max_bytes=10)
    assert list(store.iter()) == []
    assert not store.has(hashlib.sha256(b"not a pdf").hexdigest())
    assert store.remove_temp_files(older_than_seconds=0) == 0  # no leftovers either


def test_missing_blobs_and_bad_names(store):
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.has(absent) and not store.is_intact(absent)
    assert store.remove(absent) is False
    with pytest.raises(FileNotFoundError):
        store.open(absent)
    for bad in ("../../etc/passwd", "ABC", absent.upper(), ""):
        with pytest.raises(ValueError):
            store.has(bad)


def test_remove_deletes_one_blob(store):
    kept = store.put(b"kept")
    gone = store.put(b"gone")
    assert store.remove(gone.sha256) is True
    assert list(store.iter()) == [kept.sha256] and not store.has(gone.sha256)


def test_only_old_temporary_files_are_cleaned_up(store, monkeypatch):
    store.put(b"a finished upload")
    assert store.remove_temp_files(older_than_seconds=3600) == 0
    # Nothing half-written counts as a blob, whatever the backend keeps while uploading.
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 7200)
    assert store.remove_temp_files(older_than_seconds=3600) == 0


def test_the_configured_backend_is_used_and_an_unknown_one_refused(tmp_path):
    app = Flask(__name__)
    app.config["EVIDENCE_DIR"] = str(tmp_path / "evidence")
    with app.app_context():
        assert isinstance(storage.get_store(), storage.FilesystemBlobStore)  # the default
        app.config["EVIDENCE_STORE"] = "filesystem"
        blob = storage.put(b"via the module functions")
        assert storage.has_blob(blob.sha256) and list(storage.iter_hashes()) == [blob.sha256]
        assert os.path.isfile(storage.blob_path(blob.sha256))
        app.config["EVIDENCE_STORE"] = "carrier-pigeon"
        with pytest.raises(storage.UnknownBackend, match="carrier-pigeon"):
            storage.get_store()
