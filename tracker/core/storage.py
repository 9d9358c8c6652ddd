"""A content-addressed blob store for evidence files, under `EVIDENCE_DIR`.

A blob lives at `<root>/<aa>/<bb>/<sha256>` and is never overwritten. `put()` streams into a
temporary file inside the store (same filesystem, so the final rename is atomic), hashing as it
goes, syncs it to disk and only then renames it to its final name: nothing half-written is ever
visible under a blob's name. Storing the same content again keeps the one blob.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
TEMP_DIR_NAME = "tmp"
TEMP_SUFFIX = ".part"
#: Blobs are read-only once stored (owner and group may read them).
BLOB_MODE = 0o440
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class BlobTooLarge(Exception):
    """The stream is longer than the `max_bytes` given to `put()`."""

    def __init__(self, max_bytes: int):
        super().__init__(f"blob larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path
    #: True when this call wrote the blob; False when the same content was already stored.
    is_new: bool = False


def storage_root() -> Path:
    """The store's root directory (created on first use)."""
    root = Path(current_app.config["EVIDENCE_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def _temp_dir() -> Path:
    path = storage_root() / TEMP_DIR_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_sha256(value: str) -> bool:
    return bool(value) and _SHA256_RE.fullmatch(value) is not None


def blob_path(sha256: str) -> Path:
    """Where the blob with this hash lives (it may not exist). Refuses anything but a hash."""
    if not is_sha256(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


def has_blob(sha256: str) -> bool:
    return blob_path(sha256).is_file()


def open_blob(sha256: str) -> BinaryIO:
    """Open a stored blob for reading (FileNotFoundError when it is missing)."""
    return open(blob_path(sha256), "rb")  # the caller closes it


def _fsync_directory(path: Path) -> None:
    # Make the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def put(
    stream: BinaryIO | bytes,
    *,
    max_bytes: int | None = None,
    inspect: Callable[[Path, int], object] | None = None,
) -> StoredBlob:
    """Store the content of `stream` and return its hash, size and path.

    `inspect(temp_path, size)` sees the complete file before it gets its final name; whatever it
    raises is raised here and nothing is stored. So does BlobTooLarge when the stream is longer
    than `max_bytes`.
    """
    if isinstance(stream, bytes | bytearray):
        stream = io.BytesIO(stream)
    fd, temp_name = tempfile.mkstemp(dir=_temp_dir(), prefix="upload-", suffix=TEMP_SUFFIX)
    temp_path = Path(temp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_SIZE):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise BlobTooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        if inspect is not None:
            inspect(temp_path, size)
        final = blob_path(sha256)
        if final.exists():
            if hash_file(final) == sha256:
                temp_path.unlink()
                return StoredBlob(sha256, size, final, is_new=False)
            # The stored copy was damaged (disk, hand, attacker): the genuine content just
            # uploaded takes its place, so uploading the original again repairs it.
            log.warning("blob %s was damaged; replaced by the uploaded original", sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(temp_path, BLOB_MODE)
        # Atomic on one filesystem: readers see no blob or the whole blob. Should another
        # process store the same content at the same moment, the bytes it replaces are equal.
        os.replace(temp_path, final)
        _fsync_directory(final.parent)
        log.info("stored blob %s (%d bytes)", sha256, size)
        return StoredBlob(sha256, size, final, is_new=True)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp_path.unlink()
        raise


def is_intact(sha256: str) -> bool:
    """Whether the stored blob still hashes to its name (it is read whole: ≤ the upload limit)."""
    path = blob_path(sha256)
    return path.is_file() and hash_file(path) == sha256


def remove_blob(sha256: str) -> bool:
    """Delete a blob (only for content no row refers to); return whether it existed."""
    try:
        blob_path(sha256).unlink()
    except FileNotFoundError:
        return False
    log.info("removed blob %s", sha256)
    return True


def hash_file(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def iter_blobs() -> Iterator[tuple[str, Path]]:
    """Every stored blob as (sha256, path), in hash order; temporary files are left out."""
    root = storage_root()
    for first in sorted(root.iterdir()):
        if not (first.is_dir() and re.fullmatch(r"[0-9a-f]{2}", first.name)):
            continue
        for second in sorted(first.iterdir()):
            if not (second.is_dir() and re.fullmatch(r"[0-9a-f]{2}", second.name)):
                continue
            for path in sorted(second.iterdir()):
                name = path.name
                if (
                    path.is_file()
                    and is_sha256(name)
                    and name[:2] + name[2:4] == (first.name + second.name)
                ):
                    yield name, path


def remove_temp_files(older_than_seconds: float = 3600) -> int:
    """Delete temporary files left by interrupted uploads; return how many.

    Only files older than `older_than_seconds` go, so uploads in progress are not disturbed.
    """
    temp_dir = storage_root() / TEMP_DIR_NAME
    if not temp_dir.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in temp_dir.iterdir():
        if not path.name.endswith(TEMP_SUFFIX):
            continue
        try:
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    if removed:
        log.info("removed %d temporary upload files", removed)
    return removed
