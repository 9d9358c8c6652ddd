"""Stream a plan's evidence as a .zip: one folder per section and task, the files under their
original names, and a manifest.

The archive is produced as it is sent: zipfile writes into a write-only sink (it cannot seek, so
every entry carries a data descriptor) and the generator hands out whatever the sink holds after
each block of a file, so no more than one block is ever held in memory, however large the
archive. Each file's SHA-256 is computed from the bytes actually put into the archive; the
manifest (`manifest.csv`) and `SHA256SUMS` (for `sha256sum -c`) come last, when all are known;
their lines (a few hundred bytes per file) are all that grows with the archive.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from tracker.core import clock, storage
from tracker.core.spreadsheets import clean_text
from tracker.exports import queries
from tracker.exports.report_files import signed_report_files
from tracker.exports.sheets import review_label
from tracker.plans.models import Plan

log = logging.getLogger(__name__)

#: Bytes read from a blob (and so, at most, held) at a time.
BLOCK_SIZE = 64 * 1024
#: Longest folder or file name, in UTF-8 bytes (file systems allow 255).
MAX_NAME_BYTES = 150
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
#: Content types that are compressed already: stored as they are.
_COMPRESSED_TYPES = (
    "image/jpeg",
    "image/png",
    "application/zip",
    "application/vnd.openxmlformats-officedocument",
    "application/pdf",
    "application/ofd",
)
MANIFEST_NAME = "manifest.csv"
SUMS_NAME = "SHA256SUMS"
README_NAME = "README.txt"
#: Text that spreadsheet programs would run as a formula when opening the manifest.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Sink:
    """A write-only stream that collects what zipfile writes until it is drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        if data:
            self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


# -- names -----------------------------------------------------------------------------------------


def _shorten(name: str, max_bytes: int = MAX_NAME_BYTES, *, keep_suffix: bool = False) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, suffix = _split_suffix(name) if keep_suffix else (name, "")
    room = max_bytes - len(suffix.encode("utf-8")) - len("…".encode())
    stem = stem.encode("utf-8")[: max(room, 1)].decode("utf-8", "ignore")
    return f"{stem}…{suffix}"


def _split_suffix(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    if dot <= 0 or len(name) - dot > 10:
        return name, ""
    return name[:dot], name[dot:]


def safe_name(name: str, fallback: str, *, is_file: bool = False) -> str:
    """A folder or file name that extracts the same on Windows, macOS and Linux: no path
    separators or reserved characters, no trailing dots, not too long. Chinese is kept."""
    name = _UNSAFE_CHARS.sub("_", clean_text(name or "")).strip().rstrip(". ")
    if not name or set(name) <= {"."}:
        name = fallback
    if name.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return _shorten(name, keep_suffix=is_file)


def unique_name(used: set[str], name: str) -> str:
    """`name`, or `name (2).pdf`, `name (3).pdf` … when a folder already holds it (compared
    without case, as Windows and macOS do)."""
    if name.lower() not in used:
        used.add(name.lower())
        return name
    stem, suffix = _split_suffix(name)
    number = 2
    while f"{stem} ({number}){suffix}".lower() in used:
        number += 1
    result = f"{stem} ({number}){suffix}"
    used.add(result.lower())
    return result


class _Folders:
    """Folder paths for sections and tasks, made unique within their parent folder."""

    def __init__(self, plan: Plan):
        self.sections = queries.plan_sections(plan)
        self._children: dict[str, set[str]] = {}
        self._section_paths: dict[int | str, str] = {}
        self._task_paths: dict[int, str] = {}
        self._files: dict[str, set[str]] = {}

    def _child(self, parent: str, name: str) -> str:
        used = self._children.setdefault(parent, set())
        return f"{parent}/{unique_name(used, name)}" if parent else unique_name(used, name)

    def section(self, section_id: int | None, outside: str = "") -> str:
        """The folder of a section; for a task outside the plan's sections, the folder named
        `outside` (what such tasks are: principal duties, the reporting task)."""
        key = section_id if section_id is not None else f"outside:{outside}"
        if key in self._section_paths:
            return self._section_paths[key]
        info = self.sections.get(section_id) if section_id is not None else None
        if info is None:
            path = self._child("", safe_name(outside or _("Outside any section"), "_"))
        else:
            parent = self.section(info.parent_id) if info.parent_id is not None else ""
            path = self._child(parent, safe_name(info.heading, f"section-{section_id}"))
        self._section_paths[key] = path
        return path

    def task(self, item: queries.ArchiveItem) -> str:
        if item.task_id not in self._task_paths:
            name = " ".join(part for part in (item.task_number, item.task_title) if part)
            if item.is_principal_duty:
                outside = _("Principal duties of the bureau's head")
            elif item.is_reporting:
                outside = _("Submission and publication of the annual report")
            else:
                outside = ""
            folder = self._child(
                self.section(item.section_id, outside), safe_name(name, f"task-{item.task_id}")
            )
            self._task_paths[item.task_id] = folder
        return self._task_paths[item.task_id]

    def file(self, folder: str, item: queries.ArchiveItem) -> str:
        """The file's name in its task's folder: the day of the record it proves (else of its
        upload), the record's id when through a record, then the name it was uploaded with —
        so that many minutes of meetings read apart: 2020-03-05 记录12 会议记录.txt."""
        used = self._files.setdefault(folder, set())
        day = item.record_date or clock.to_local(item.uploaded_at).date()
        record = _("record %(id)d", id=item.record_id) if item.record_id else ""
        original = item.original_name or item.title
        name = " ".join(p for p in (day.isoformat(), record, original) if p)
        name = safe_name(name, f"evidence-{item.evidence_id}", is_file=True)
        return f"{folder}/{unique_name(used, name)}"


# -- the archive -----------------------------------------------------------------------------------


@dataclass
class ArchiveResult:
    """Filled in while the archive streams; complete once the generator is exhausted."""

    files: int = 0
    bytes: int = 0
    missing: list[int] = field(default_factory=list)
    altered: list[int] = field(default_factory=list)
    complete: bool = False
    #: Why the signed report is not in the archive ("" when it is).
    report_problem: str | None = None


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = clock.to_local(moment)
    if local.year < 1980:  # the zip format's epoch
        return (1980, 1, 1, 0, 0, 0)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def _compression(content_type: str) -> int:
    if content_type.startswith(_COMPRESSED_TYPES):
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def _csv_cell(value) -> str:
    text = "" if value is None else clean_text(str(value))
    # a cell starting with = + - @ would be run as a formula by spreadsheet programs
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _manifest_header() -> list[str]:
    return [
        _("Path in the archive"),
        _("SHA-256 checksum"),
        _("Size (bytes)"),
        _("Task ID"),
        _("Task"),
        _("Record ID"),
        _("Ledger record"),
        _("Evidence ID"),
        _("Title"),
        _("Uploaded by"),
        _("Uploaded at"),
        _("Review"),
        _("Checksum check"),
    ]


def _check_label(check: str, recorded: str) -> str:
    """The manifest's word for a file's check: it matches, is missing, or was altered."""
    if check == "ok":
        return _("Matches the recorded checksum")
    if check == "missing":
        return _("Missing from the store")
    return _("Altered (recorded checksum %(sha256)s)", sha256=recorded)


def root_folder(plan: Plan) -> str:
    return safe_name(_("%(plan)s evidence", plan=plan.title), f"plan-{plan.id}-evidence")


def _readme(plan: Plan, result: ArchiveResult) -> str:
    lines = [
        plan.bureau.name,
        plan.title,
        _("Evidence archive exported by Duban on %(when)s.", when=_now_text()),
        "",
        _(
            "One folder per section of the plan and per task; each file lies under every task it "
            "proves, directly or through one of the task's ledger records, under the name it was "
            "uploaded with (a second file of the same name gets a number: name (2).pdf)."
        ),
        _(
            "manifest.csv lists every file with its SHA-256, size, task, record, uploader and "
            "review; fields that would begin with = + - @ carry a leading apostrophe so that "
            "spreadsheet programs show them as text."
        ),
        _("Check the files with: sha256sum -c SHA256SUMS (inside this folder)."),
        _(
            "Links and notes, and withdrawn or replaced evidence, are listed on the Evidence sheet "
            "of the plan's workbook (.xlsx), not here."
        ),
        "",
        _("Files: %(n)d", n=result.files),
    ]
    if result.report_problem:
        lines.append(result.report_problem)
    if result.missing:
        ids = queries.ids_text(result.missing)
        lines.append(_("Missing from the store (not in this archive): evidence %(ids)s", ids=ids))
    if result.altered:
        ids = queries.ids_text(result.altered)
        lines.append(_("Content no longer matches its recorded hash: evidence %(ids)s", ids=ids))
    return "\r\n".join(lines) + "\r\n"


def _now_text() -> str:
    return clock.local_now().strftime("%Y-%m-%d %H:%M")


def stream_evidence_archive(
    plan: Plan,
    *,
    result: ArchiveResult | None = None,
    chunk_size: int = queries.CHUNK_SIZE,
) -> Iterator[bytes]:
    """Yield the bytes of the plan's evidence archive, piece by piece."""
    result = result if result is not None else ArchiveResult()
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
    root = root_folder(plan)
    folders = _Folders(plan)
    manifest = io.StringIO()
    manifest_writer = csv.writer(manifest, lineterminator="\r\n")
    manifest_writer.writerow(_manifest_header())
    sums: list[str] = []
    written: dict[tuple[int, int], tuple[str, str, int, str]] = {}

    for item in queries.archive_items(plan, sections=folders.sections, chunk_size=chunk_size):
        folder = folders.task(item)
        key = (item.task_id, item.evidence_id)
        if key in written:
            # linked to the task and to one of its records: one copy, listed for each link
            path, sha256, size, check = written[key]
        else:
            path, sha256, size, check = yield from _add_file(
                archive, sink, root, folders, folder, item
            )
            written[key] = (path, sha256, size, check)
            if check == "missing":
                if item.evidence_id not in result.missing:
                    result.missing.append(item.evidence_id)
            else:
                result.files += 1
                result.bytes += size
                sums.append(f"{sha256}  {path}")
                if check != "ok" and item.evidence_id not in result.altered:
                    result.altered.append(item.evidence_id)
        task_name = " ".join(p for p in (item.task_number, item.task_title) if p)
        manifest_writer.writerow(
            [
                _csv_cell(path),
                sha256,
                size if check != "missing" else "",
                item.task_id,
                _csv_cell(task_name),
                item.record_id or "",
                _csv_cell(item.record_summary),
                item.evidence_id,
                _csv_cell(item.title),
                _csv_cell(item.uploaded_by),
                clock.to_local(item.uploaded_at).strftime("%Y-%m-%d %H:%M:%S"),
                review_label(item.review_status),
                _check_label(check, item.sha256),
            ]
        )

    # the signed report and its revision history, in a folder of their own
    report_files, result.report_problem = signed_report_files(plan)
    folder = safe_name(_("Annual report (signed)"), "report")
    for name, data in report_files:
        path = f"{folder}/{safe_name(name, 'report', is_file=True)}"
        info = zipfile.ZipInfo(f"{root}/{path}", date_time=_zip_time(clock.now()))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
        sha256 = hashlib.sha256(data).hexdigest()
        result.files += 1
        result.bytes += len(data)
        sums.append(f"{sha256}  {path}")
        manifest_writer.writerow(
            [
                _csv_cell(path),
                sha256,
                len(data),
                "",
                "",
                "",
                "",
                "",
                _csv_cell(name),
                "",
                "",
                "",
                _check_label("ok", sha256),
            ]
        )
        yield from _drained(sink)

    now = _zip_time(clock.now())
    for name, text in (
        (MANIFEST_NAME, "\ufeff" + manifest.getvalue()),  # the BOM: Excel reads it as UTF-8
        (SUMS_NAME, "".join(f"{line}\n" for line in sums)),
        (README_NAME, _readme(plan, result)),
    ):
        info = zipfile.ZipInfo(f"{root}/{name}", date_time=now)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, text.encode("utf-8"))
        yield from _drained(sink)
    archive.close()
    result.complete = True
    log.info(
        "evidence archive of plan %s: %d files, %d bytes, %d missing, %d altered",
        plan.id,
        result.files,
        result.bytes,
        len(result.missing),
        len(result.altered),
    )
    yield from _drained(sink)


def _drained(sink: _Sink) -> Iterator[bytes]:
    data = sink.drain()
    if data:
        yield data


def _add_file(archive, sink, root, folders, folder, item):
    """Copy one blob into the archive, block by block, yielding the archive's bytes as they
    come; returns (path in the manifest, SHA-256 of what was written, size, check)."""
    path = folders.file(folder, item)
    try:
        blob = storage.open_blob(item.sha256)
    except (FileNotFoundError, ValueError):
        log.warning("evidence %s: blob %s is missing from the store", item.evidence_id, item.sha256)
        return "", item.sha256, 0, "missing"
    info = zipfile.ZipInfo(f"{root}/{path}", date_time=_zip_time(item.uploaded_at))
    info.compress_type = _compression(item.content_type)
    digest = hashlib.sha256()
    size = 0
    large = (item.size or 0) > zipfile.ZIP64_LIMIT // 2
    with blob, archive.open(info, "w", force_zip64=large) as entry:
        while block := blob.read(BLOCK_SIZE):
            digest.update(block)
            size += len(block)
            entry.write(block)
            yield from _drained(sink)
    yield from _drained(sink)
    sha256 = digest.hexdigest()
    check = "ok" if sha256 == item.sha256 else f"altered (recorded {item.sha256})"
    if check != "ok":
        log.warning(
            "evidence %s: content hashes to %s, not %s", item.evidence_id, sha256, item.sha256
        )
    return path, sha256, size, check
