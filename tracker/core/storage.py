"""A content-addressed blob store for evidence files.

The store is an interface, `BlobStore`; the backend is chosen by the `EVIDENCE_STORE` setting
(`TRACKER_EVIDENCE_STORE`, default `filesystem`) from `BACKENDS`. A second backend (an
S3-compatible object store, say) is one more class registered there, and it passes the contract
tests in tests/core/test_storage_contract.py by adding a fixture.

Every backend keeps the same guarantees: a blob is named by the SHA-256 of its content, is never
overwritten with other content, and is never visible half-written; storing the same content
again keeps the one blob.

`FilesystemBlobStore` keeps a blob at `<EVIDENCE_DIR>/<aa>/<bb>/<sha256>`. `put()` streams into a
temporary file inside the store (same filesystem, so the final rename is atomic), hashing as it
goes, syncs it to disk and only then renames it to its final name.

The module-level functions (`put`, `open_blob`, `has_blob`, …) act on the configured store, so
callers need not know which backend is in use. `blob_path`, `storage_root` and `iter_blobs` with
paths exist only for the filesystem backend (backup, doctor and the local tests use them).
"""

from __future__ import annotations

import abc
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
DEFAULT_BACKEND = "filesystem"


class BlobTooLarge(Exception):
    """The stream is longer than the `max_bytes` given to `put()`."""

    def __init__(self, max_bytes: int):
        super().__init__(f"blob larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class UnknownBackend(Exception):
    """`EVIDENCE_STORE` names no registered backend."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    #: Where the blob lives on a filesystem backend; None for backends without local files.
    path: Path | None
    #: True when this call wrote the blob; False when the same content was already stored.
    is_new: bool = False


def is_sha256(value: str) -> bool:
    return bool(value) and _SHA256_RE.fullmatch(value) is not None


def _check_sha256(sha256: str) -> str:
    if not is_sha256(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def hash_stream(handle: BinaryIO) -> str:
    """The SHA-256 of a readable stream's remaining content, read in chunks."""
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def hash_file(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    with open(path, "rb") as handle:
        return hash_stream(handle)


class BlobStore(abc.ABC):
    """What every evidence backend offers. Hashes are validated: anything else is a ValueError."""

    name: str

    @abc.abstractmethod
    def put(
        self,
        stream: BinaryIO | bytes,
        *,
        max_bytes: int | None = None,
        inspect: Callable[[Path, int], object] | None = None,
    ) -> StoredBlob:
        """Store the content of `stream`; return its hash and size.

        `inspect(temp_path, size)` sees the complete content (as a local temporary file) before
        it is stored under its name; whatever it raises is raised here and nothing is stored.
        So does BlobTooLarge when the stream is longer than `max_bytes`. A stored copy that no
        longer matches its hash is replaced by the genuine content.
        """

    @abc.abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A readable binary stream of the blob (FileNotFoundError when it is missing)."""

    @abc.abstractmethod
    def has(self, sha256: str) -> bool:
        """Whether a blob with this name is stored (intact or not)."""

    @abc.abstractmethod
    def remove(self, sha256: str) -> bool:
        """Delete a blob (only for content no row refers to); return whether it existed."""

    @abc.abstractmethod
    def iter(self) -> Iterator[str]:
        """Every stored blob's hash, in hash order; temporary objects are left out."""

    @abc.abstractmethod
    def remove_temp_files(self, older_than_seconds: float = 3600) -> int:
        """Delete leftovers of interrupted uploads older than that; return how many."""

    def is_intact(self, sha256: str) -> bool:
        """Whether the stored blob still hashes to its name."""
        try:
            with self.open(sha256) as handle:
                return hash_stream(handle) == sha256
        except FileNotFoundError:
            return False

    def describe(self) -> str:
        """Where the store is, for messages (a directory, a bucket)."""
        return self.name


class FilesystemBlobStore(BlobStore):
    """Blobs as read-only files under a local (or NFS-mounted) directory."""

    name = "filesystem"

    def __init__(self, root: Path | str):
        self._root = Path(root)

    @classmethod
    def from_config(cls, config) -> FilesystemBlobStore:
        return cls(config["EVIDENCE_DIR"])

    @property
    def root(self) -> Path:
        """The store's root directory (created on first use)."""
        self._root.mkdir(parents=True, exist_ok=True)
        return self._root

    @property
    def temp_dir(self) -> Path:
        path = self.root / TEMP_DIR_NAME
        path.mkdir(parents=True, exist_ok=True)
        return path

    def describe(self) -> str:
        return str(self._root)

    def path(self, sha256: str) -> Path:
        """Where the blob with this hash lives (it may not exist). Refuses anything but a hash."""
        _check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")  # noqa: SIM115 - the caller closes it

    def put(
        self,
        stream: BinaryIO | bytes,
        *,
        max_bytes: int | None = None,
        inspect: Callable[[Path, int], object] | None = None,
    ) -> StoredBlob:
        if isinstance(stream, bytes | bytearray):
            stream = io.BytesIO(stream)
        fd, temp_name = tempfile.mkstemp(dir=self.temp_dir, prefix="upload-", suffix=TEMP_SUFFIX)
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
            final = self.path(sha256)
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

    def is_intact(self, sha256: str) -> bool:
        # Read whole: blobs are at most the upload limit.
        path = self.path(sha256)
        return path.is_file() and hash_file(path) == sha256

    def remove(self, sha256: str) -> bool:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        log.info("removed blob %s", sha256)
        return True

    def iter_paths(self) -> Iterator[tuple[str, Path]]:
        """Every stored blob as (sha256, path), in hash order; temporary files are left out."""
        root = self.root
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

    def iter(self) -> Iterator[str]:
        for sha256, _ in self.iter_paths():
            yield sha256

    def remove_temp_files(self, older_than_seconds: float = 3600) -> int:
        # Only files older than the cutoff go, so uploads in progress are not disturbed.
        temp_dir = self.root / TEMP_DIR_NAME
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


#: Backend name (the `EVIDENCE_STORE` setting) → factory taking the app config.
BACKENDS: dict[str, Callable[[dict], BlobStore]] = {
    FilesystemBlobStore.name: FilesystemBlobStore.from_config,
}


def get_store() -> BlobStore:
    """The current app's evidence store, as configured by `EVIDENCE_STORE`."""
    config = current_app.config
    name = config.get("EVIDENCE_STORE") or DEFAULT_BACKEND
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise UnknownBackend(
            f"unknown evidence store {name!r}; known: {', '.join(sorted(BACKENDS))}"
        ) from None
    return factory(config)


def filesystem_store() -> FilesystemBlobStore:
    """The configured store when it is a filesystem one (path-based tools need that)."""
    store = get_store()
    if not isinstance(store, FilesystemBlobStore):
        raise TypeError(f"the evidence store {store.name!r} has no local files")
    return store


# Module-level shortcuts on the configured store, so callers stay backend-agnostic.


def put(
    stream: BinaryIO | bytes,
    *,
    max_bytes: int | None = None,
    inspect: Callable[[Path, int], object] | None = None,
) -> StoredBlob:
    return get_store().put(stream, max_bytes=max_bytes, inspect=inspect)


def open_blob(sha256: str) -> BinaryIO:
    return get_store().open(sha256)


def has_blob(sha256: str) -> bool:
    return get_store().has(sha256)


def is_intact(sha256: str) -> bool:
    return get_store().is_intact(sha256)


def remove_blob(sha256: str) -> bool:
    return get_store().remove(sha256)


def remove_temp_files(older_than_seconds: float = 3600) -> int:
    return get_store().remove_temp_files(older_than_seconds)


def iter_hashes() -> Iterator[str]:
    return get_store().iter()


# Filesystem-only helpers (backup, doctor, tests that damage files on purpose).


def storage_root() -> Path:
    return filesystem_store().root


def blob_path(sha256: str) -> Path:
    return filesystem_store().path(sha256)


def iter_blobs() -> Iterator[tuple[str, Path]]:
    return filesystem_store().iter_paths()
