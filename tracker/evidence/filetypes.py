"""Decide what an uploaded file really is, from its content, and whether its name agrees.

Only the types a bureau's evidence comes in are accepted (PDF, OFD, Office and WPS documents,
JPEG and PNG images, plain text, ZIP archives), and only when the extension matches what the
bytes are: an executable renamed .docx or a web page named .pdf is refused. Pure: a file path
and a name in, a verdict out.
"""

from __future__ import annotations

import codecs
import logging
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.core.exceptions import DomainError

#: Longest original file name kept (longer names are shortened, keeping the extension).
MAX_NAME_LENGTH = 255
HEAD_SIZE = 8192
#: How much of [Content_Types].xml is read to tell DOCX, XLSX and PPTX apart.
CONTENT_TYPES_LIMIT = 1024 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
#: libmagic's names for the legacy Office formats inside an OLE compound file.
OLE_FAMILIES = {
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}

#: Content kind → MIME type stored with the evidence.
MIME_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ole": "application/x-ole-storage",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
    "text": "text/plain",
}

#: Accepted extension → the content kind it must hold.
EXTENSIONS = {
    "pdf": "pdf",
    "ofd": "ofd",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
    "wps": "ole",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "txt": "text",
    "zip": "zip",
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

KIND_LABELS = {
    "pdf": _l("a PDF document"),
    "ofd": _l("an OFD document"),
    "docx": _l("a Word document (DOCX)"),
    "xlsx": _l("an Excel workbook (XLSX)"),
    "pptx": _l("a PowerPoint presentation (PPTX)"),
    "ole": _l("an Office 97–2003 or WPS document"),
    "doc": _l("a Word 97–2003 document (DOC)"),
    "xls": _l("an Excel 97–2003 workbook (XLS)"),
    "ppt": _l("a PowerPoint 97–2003 presentation (PPT)"),
    "jpeg": _l("a JPEG image"),
    "png": _l("a PNG image"),
    "zip": _l("a ZIP archive"),
    "text": _l("plain text"),
    "html": _l("a web page (HTML)"),
    "executable": _l("an executable program"),
    "damaged_zip": _l("a damaged ZIP archive"),
}
ACCEPTED_TEXT = _l(
    "Accepted: PDF, OFD, Word, Excel, PowerPoint and WPS documents, JPEG and PNG images, "
    "plain text (.txt) and ZIP archives."
)
EXECUTABLE_MIMES = frozenset(
    {
        "application/x-executable",
        "application/x-sharedlib",
        "application/x-pie-executable",
        "application/x-dosexec",
        "application/x-msdownload",
        "application/x-mach-binary",
        "application/x-elf",
        "application/vnd.microsoft.portable-executable",
    }
)
MARKUP_MIMES = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml"})

log = logging.getLogger(__name__)


class FileRefused(DomainError):
    """The upload is not accepted; the message says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


@dataclass(frozen=True)
class Sniffed:
    """What the content is: a kind (pdf, docx, ole, text, …), its MIME type, and for legacy
    Office files the family libmagic recognised (doc, xls, ppt) when it did."""

    kind: str
    mime: str
    family: str | None = None


@dataclass(frozen=True)
class Verdict:
    """An accepted file: the cleaned original name, its extension and the sniffed MIME type."""

    name: str
    extension: str
    content_type: str


# -- names -----------------------------------------------------------------------------------


def clean_name(raw: str | None) -> str:
    """The file's own name without any path parts or control characters, at most 255 long.

    "../../etc/报告.pdf" and "C:\\Users\\x\\报告.pdf" both give "报告.pdf"; Chinese is kept.
    """
    name = (raw or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


# -- content ---------------------------------------------------------------------------------


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            lowered = {n.lower(): n for n in names}
            if "ofd.xml" in lowered:
                return "ofd"
            if "[content_types].xml" in lowered:
                info = archive.getinfo(lowered["[content_types].xml"])
                if info.file_size <= CONTENT_TYPES_LIMIT:
                    with archive.open(info) as handle:
                        content_types = handle.read(CONTENT_TYPES_LIMIT).decode("utf-8", "replace")
                    for main_type, kind in OOXML_MAIN_TYPES.items():
                        if main_type in content_types:
                            return kind
                for part, kind in OOXML_MAIN_PARTS.items():
                    if part in lowered:
                        return kind
            return "zip"
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, KeyError):
        return "damaged_zip"


def _text_encoding(path: Path) -> str | None:
    """utf-8 or gb18030 when the whole file is text in that encoding, else None."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    if not _is_text(decoder.decode(chunk)):
                        return None
                if not _is_text(decoder.decode(b"", final=True)):
                    return None
        except UnicodeDecodeError:
            continue
        return "utf-8" if encoding == "utf-8-sig" else "gb18030"
    return None


def _is_text(chunk: str) -> bool:
    # Control characters other than layout ones mean binary data that happened to decode.
    return not any((ord(c) < 0x20 and c not in "\t\n\r\f\v\x1a") or c == "\x7f" for c in chunk)


def _libmagic(path: Path) -> str:
    # imported at the first upload that needs it: python-magic loads libmagic through ctypes
    # (with its own subprocesses to find it), which no other page needs in a web worker
    try:
        import magic
    except (ImportError, OSError) as exc:  # no libmagic on this server: `tracker doctor` says so
        log.error("libmagic cannot be loaded, an upload is refused: %s", exc)
        raise FileRefused(
            _("The server cannot check this kind of file now; ask the administrator.")
        ) from exc
    try:
        return magic.from_file(os.fspath(path), mime=True) or ""
    except (magic.MagicException, OSError):
        return ""


def sniff(path: Path) -> Sniffed:
    """Tell from the bytes what the file is (kind "unknown" when it is nothing we know)."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_SIZE)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return Sniffed("pdf", MIME_TYPES["pdf"])
    if head.startswith(PNG_SIGNATURE):
        return Sniffed("png", MIME_TYPES["png"])
    if head.startswith(JPEG_SIGNATURE):
        return Sniffed("jpeg", MIME_TYPES["jpeg"])
    if head.startswith(OLE_SIGNATURE):
        detected = _libmagic(path)
        family = OLE_FAMILIES.get(detected)
        return Sniffed("ole", detected if family else MIME_TYPES["ole"], family)
    if head.startswith(ZIP_SIGNATURES):
        kind = _zip_kind(path)
        return Sniffed(kind, MIME_TYPES.get(kind, "application/zip"))
    import filetype  # with libmagic above: only uploads load it

    guessed = filetype.guess_mime(head) or ""
    if guessed in EXECUTABLE_MIMES:
        return Sniffed("executable", guessed)
    detected = _libmagic(path)
    if detected in EXECUTABLE_MIMES:
        return Sniffed("executable", detected)
    if guessed:
        return Sniffed("unknown", guessed)
    encoding = _text_encoding(path)
    if encoding is not None:
        if detected in MARKUP_MIMES:
            return Sniffed("html", detected)
        return Sniffed("text", f"text/plain; charset={encoding}")
    return Sniffed("unknown", detected or "application/octet-stream")


def _describe(sniffed: Sniffed) -> str:
    label = KIND_LABELS.get(sniffed.family or sniffed.kind)
    return str(label) if label is not None else _("unrecognised data (%(mime)s)", mime=sniffed.mime)


def check_name(raw_name: str | None) -> tuple[str, str]:
    """The cleaned name and its extension, or FileRefused when the name cannot be accepted."""
    name = clean_name(raw_name)
    if not name:
        raise FileRefused(_("The file has no name. Choose the file again."))
    extension = extension_of(name)
    if extension not in EXTENSIONS:
        shown = f".{extension}" if extension else _("(none)")
        raise FileRefused(
            _("Files with the extension %(extension)s are not accepted.", extension=shown)
            + " "
            + str(ACCEPTED_TEXT)
        )
    return name, extension


def check(path: Path, size: int, raw_name: str | None) -> Verdict:
    """Accept the file stored at `path` under the name the user gave, or raise FileRefused."""
    name, extension = check_name(raw_name)
    if size == 0:
        raise FileRefused(_("“%(name)s” is empty (0 bytes).", name=name))
    sniffed = sniff(path)
    expected = EXTENSIONS[extension]
    matches = sniffed.kind == expected
    if matches and sniffed.kind == "ole" and sniffed.family and extension in OLE_FAMILIES.values():
        matches = sniffed.family == extension
    if not matches:
        raise FileRefused(
            _(
                "“%(name)s” is not accepted: its name says %(expected)s, but its content is "
                "%(found)s. Upload the original file, saved with its proper extension.",
                name=name,
                expected=str(KIND_LABELS.get(extension, KIND_LABELS[expected])),
                found=_describe(sniffed),
            )
        )
    return Verdict(name=name, extension=extension, content_type=sniffed.mime)
