"""Back up the database with the evidence blobs it references, and restore such an archive.

An archive is a tar file:

- `database.sqlite3` — a snapshot taken with SQLite's online backup API, or `database.pgdump`
  — `pg_dump --format=custom` of PostgreSQL, taken inside an exported snapshot;
- `evidence/<aa>/<bb>/<sha256>` — every blob the snapshot's evidence rows reference;
- `manifest.json` (last) — the row count of every table, the migration revision, the audit
  chain's head, the SHA-256 and size of the database file and of every blob.

The snapshot comes first and everything else is read from it (SQLite: from the snapshot file;
PostgreSQL: in the transaction whose snapshot pg_dump uses), so the archive is consistent while
the application keeps writing. Blobs are never overwritten or deleted once referenced, so each
one the snapshot names is still in the store; later uploads are simply not in this archive.

`restore_archive` refuses an archive that is damaged (a hash or size differs, the tar is cut
short) or incomplete (a member is missing or unknown), and an instance that is not empty.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from tracker.core import clock, storage
from tracker.extensions import db

log = logging.getLogger(__name__)

FORMAT = "duban-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
_BLOB_MEMBER_RE = re.compile(r"evidence/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
CHUNK_SIZE = 1024 * 1024
#: Name of the nightly archives: duban-20261204-023000.tar
ARCHIVE_NAME_RE = re.compile(r"duban-\d{8}-\d{6}\.tar")


class BackupError(Exception):
    """The backup cannot be made, or the archive cannot be restored; the message says why."""


class _HashingReader(io.RawIOBase):
    """Read a file while hashing it, so a blob is hashed exactly as it goes into the archive."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


# -- describing a snapshot --------------------------------------------------------------------


def describe(connection: sa.Connection) -> dict:
    """Counts, migration revision, audit head and referenced blobs, as `connection` sees them."""
    tables = sorted(sa.inspect(connection).get_table_names())
    counts = {
        table: connection.execute(
            sa.select(sa.func.count()).select_from(sa.table(table))
        ).scalar_one()
        for table in tables
    }
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    head = None
    if "audit_events" in tables:
        row = connection.execute(
            sa.text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")
        ).first()
        head = None if row is None else {"id": row[0], "hash": row[1]}
    blobs: list[str] = []
    if "evidence" in tables:
        blobs = list(
            connection.execute(
                sa.text(
                    "SELECT DISTINCT sha256 FROM evidence "
                    "WHERE kind = 'file' AND sha256 IS NOT NULL ORDER BY sha256"
                )
            ).scalars()
        )
    return {"counts": counts, "revision": revision, "audit_head": head, "blobs": blobs}


# -- taking the snapshot ----------------------------------------------------------------------


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


@contextlib.contextmanager
def _sqlite_snapshot(workdir: Path) -> Iterator[tuple[Path, dict]]:
    """Copy the live database with the online backup API; describe the copy."""
    snapshot = workdir / SQLITE_MEMBER
    source = sqlite3.connect(f"file:{_sqlite_path()}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(snapshot)
    try:
        source.backup(target)  # one step: a consistent copy even while others write
        target.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{snapshot}")
    try:
        with engine.connect() as connection:
            description = describe(connection)
    finally:
        engine.dispose()
    yield snapshot, description


def libpq_url_and_env(url: sa.URL) -> tuple[str, dict]:
    """A libpq connection string for pg_dump/pg_restore, the password moved to PGPASSWORD so it
    never shows in the process list."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


@contextlib.contextmanager
def _postgres_snapshot(workdir: Path) -> Iterator[tuple[Path, dict]]:
    """pg_dump inside an exported snapshot; describe the same snapshot."""
    dump = workdir / POSTGRES_MEMBER
    connection = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    try:
        with connection.begin():
            snapshot_id = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            description = describe(connection)
            url, env = libpq_url_and_env(db.engine.url)
            command = [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={dump}",
                url,
            ]
            try:
                result = subprocess.run(command, env=env, capture_output=True, text=True)
            except FileNotFoundError as exc:
                raise BackupError(
                    "pg_dump is not installed (apt-get install postgresql-client)"
                ) from exc
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    finally:
        connection.close()
    yield dump, description


def _snapshot(workdir: Path):
    backend = db.engine.dialect.name
    if backend == "sqlite":
        return _sqlite_snapshot(workdir)
    if backend == "postgresql":
        return _postgres_snapshot(workdir)
    raise BackupError(f"no backup method for the {backend} database")


# -- writing the archive ----------------------------------------------------------------------


def _add_file(archive: tarfile.TarFile, name: str, path: Path, mtime: float) -> tuple[str, int]:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = mtime
    info.mode = 0o440
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return reader.digest.hexdigest(), info.size


def create_backup(output: Path, *, after_snapshot: Callable[[], object] | None = None) -> dict:
    """Write the archive to `output` (through a temporary name, renamed when complete) and
    return its manifest. `after_snapshot` is called once the snapshot is taken (tests use it
    to write meanwhile)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    mtime = now.timestamp()
    partial = output.with_name(output.name + ".part")
    with tempfile.TemporaryDirectory(prefix="duban-backup-") as workdir:
        with _snapshot(Path(workdir)) as (database_file, description):
            if after_snapshot is not None:
                after_snapshot()
            missing = [sha for sha in description["blobs"] if not storage.has_blob(sha)]
            if missing:
                raise BackupError(
                    f"{len(missing)} evidence file(s) are missing from the store "
                    f"(first {missing[0]}); run tracker evidence check"
                )
            try:
                with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                    db_sha, db_size = _add_file(archive, database_file.name, database_file, mtime)
                    blobs = []
                    for sha256 in description["blobs"]:
                        path = storage.blob_path(sha256)
                        member = f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"
                        actual, size = _add_file(archive, member, path, mtime)
                        if actual != sha256:
                            raise BackupError(
                                f"evidence file {sha256} is altered in the store (it hashes to "
                                f"{actual}); run tracker evidence check"
                            )
                        blobs.append({"sha256": sha256, "size": size})
                    manifest = {
                        "format": FORMAT,
                        "created_at": now.isoformat(),
                        "backend": db.engine.dialect.name,
                        "revision": description["revision"],
                        "database": {
                            "member": database_file.name,
                            "sha256": db_sha,
                            "size": db_size,
                        },
                        "counts": description["counts"],
                        "audit_head": description["audit_head"],
                        "blobs": blobs,
                    }
                    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mtime, info.mode = len(data), mtime, 0o440
                    archive.addfile(info, io.BytesIO(data))
                with partial.open("rb+") as handle:
                    os.fsync(handle.fileno())
                partial.replace(output)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    log.info(
        "backup written to %s: %d tables, %d evidence files, audit head %s",
        output,
        len(manifest["counts"]),
        len(manifest["blobs"]),
        (manifest["audit_head"] or {}).get("id"),
    )
    return manifest


# -- checking an archive ----------------------------------------------------------------------


def _hash_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> tuple[str, int]:
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError(f"{member.name} is not a file")
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def verify_archive(path: Path) -> dict:
    """Check every member against the manifest; return the manifest or raise BackupError."""
    try:
        with tarfile.open(path, "r:*") as archive:
            return _verify(archive)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"the archive is damaged: {exc}") from exc


def _verify(archive: tarfile.TarFile) -> dict:
    members: dict[str, tarfile.TarInfo] = {}
    for member in archive.getmembers():
        if member.name in members:
            raise BackupError(f"the archive holds {member.name} twice")
        if not member.isfile():
            raise BackupError(f"unexpected member {member.name} (not a regular file)")
        members[member.name] = member
    if MANIFEST not in members:
        raise BackupError("the archive has no manifest.json (incomplete or not a Duban backup)")
    try:
        manifest = json.loads(archive.extractfile(members[MANIFEST]).read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"manifest.json is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"not a {FORMAT} archive (format {manifest.get('format')!r})")
    database = manifest["database"]
    expected = {MANIFEST, database["member"]}
    blobs = {}
    for entry in manifest["blobs"]:
        sha256 = entry["sha256"]
        blobs[f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"] = entry
    expected |= set(blobs)
    if database["member"] not in (SQLITE_MEMBER, POSTGRES_MEMBER):
        raise BackupError(f"unknown database member {database['member']!r}")
    missing = sorted(expected - set(members))
    if missing:
        raise BackupError(
            f"the archive is incomplete: {len(missing)} member(s) missing, e.g. {missing[0]}"
        )
    unknown = sorted(set(members) - expected)
    if unknown:
        raise BackupError(
            f"the archive holds members the manifest does not list, e.g. {unknown[0]}"
        )
    checks = [(database["member"], database["sha256"], database["size"])]
    for name, entry in blobs.items():
        if not _BLOB_MEMBER_RE.fullmatch(name):
            raise BackupError(f"not a blob name: {name}")
        checks.append((name, entry["sha256"], entry["size"]))
    for name, sha256, size in checks:
        actual, actual_size = _hash_member(archive, members[name])
        if actual != sha256 or actual_size != size:
            raise BackupError(f"{name} is damaged: its content does not match the manifest")
    return manifest


# -- restoring --------------------------------------------------------------------------------


def instance_is_empty() -> tuple[bool, str]:
    """True when the database has no tables and the evidence store no blobs."""
    tables = sa.inspect(db.engine).get_table_names()
    if tables:
        return False, f"the database already has {len(tables)} table(s)"
    if next(storage.iter_blobs(), None) is not None:
        return False, f"the evidence store {storage.storage_root()} already holds files"
    return True, ""


def _restore_sqlite(snapshot: Path) -> None:
    target_path = _sqlite_path()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    db.engine.dispose()
    source = sqlite3.connect(snapshot)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgres(dump: Path) -> None:
    db.engine.dispose()
    url, env = libpq_url_and_env(db.engine.url)
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={url}",
        str(dump),
    ]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(
            "pg_restore is not installed (apt-get install postgresql-client)"
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def restore_archive(path: Path) -> dict:
    """Restore the archive at `path` into this (empty) instance; return its manifest.

    Checks the whole archive first, then loads the database and the blobs, then compares the
    restored database with the manifest."""
    manifest = verify_archive(path)
    backend = db.engine.dialect.name
    if manifest["backend"] != backend:
        raise BackupError(
            f"the archive holds a {manifest['backend']} database; this instance uses {backend}"
        )
    empty, reason = instance_is_empty()
    if not empty:
        raise BackupError(f"restore needs an empty instance: {reason}")
    with (
        tempfile.TemporaryDirectory(prefix="duban-restore-") as workdir,
        tarfile.open(path) as archive,
    ):
        database_member = manifest["database"]["member"]
        database_file = Path(workdir) / database_member
        with archive.extractfile(database_member) as source, database_file.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK_SIZE)
        if backend == "sqlite":
            _restore_sqlite(database_file)
        else:
            _restore_postgres(database_file)
        for entry in manifest["blobs"]:
            sha256 = entry["sha256"]
            with archive.extractfile(f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}") as blob:
                stored = storage.put(blob)
            if stored.sha256 != sha256:  # verified above; a changing file would end here
                raise BackupError(f"evidence file {sha256} changed while it was restored")
    with db.engine.connect() as connection:
        restored = describe(connection)
    for key in ("counts", "revision", "audit_head"):
        if restored[key] != manifest[key]:
            raise BackupError(f"the restored database does not match the manifest ({key})")
    log.info(
        "restored %s: %d evidence files, audit head %s",
        path,
        len(manifest["blobs"]),
        (manifest["audit_head"] or {}).get("id"),
    )
    return manifest


# -- nightly backups with retention -----------------------------------------------------------


def archive_name(moment: datetime) -> str:
    return clock.to_local(moment).strftime("duban-%Y%m%d-%H%M%S.tar")


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest nightly archives in `directory`; return the deleted."""
    archives = sorted(p for p in directory.iterdir() if ARCHIVE_NAME_RE.fullmatch(p.name))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def nightly_backup() -> dict:
    """Write today's archive into BACKUP_DIR and keep the BACKUP_KEEP newest; do nothing when
    BACKUP_DIR is not set."""
    directory = current_app.config.get("BACKUP_DIR")
    if not directory:
        return {"skipped": "TRACKER_BACKUP_DIR is not set"}
    directory = Path(directory)
    output = directory / archive_name(clock.now())
    manifest = create_backup(output)
    removed = prune_backups(directory, current_app.config["BACKUP_KEEP"])
    return {
        "archive": str(output),
        "evidence_files": len(manifest["blobs"]),
        "removed": [p.name for p in removed],
    }


def latest_backup(directory: Path) -> Path | None:
    if not directory.is_dir():
        return None
    archives = sorted(p for p in directory.iterdir() if ARCHIVE_NAME_RE.fullmatch(p.name))
    return archives[-1] if archives else None
