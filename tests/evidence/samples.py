"""Tiny but genuine files of every accepted type, and a few impostors, made in the test."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CHINESE_TEXT = "关于规范性文件审查的报告\n\n一、基本情况\n全年审查规范性文件5件。\n"


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    # SOI, a JFIF APP0 segment, EOI: enough for any reader to know what it is.
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9"
    )


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


OOXML = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def ooxml(kind: str) -> bytes:
    """A DOCX, XLSX or PPTX: a ZIP whose [Content_Types].xml names its main part."""
    part, main_type = OOXML[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" '
        f'ContentType="application/vnd.openxmlformats-officedocument.{main_type}"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{part}"/></Relationships>'
    )
    return _zip({"[Content_Types].xml": content_types, "_rels/.rels": rels, part: "<x/>"})


def ole() -> bytes:
    """An OLE compound file header (the container of DOC, XLS, PPT and WPS files)."""
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # signature
        + b"\x00" * 16  # CLSID
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 0x0009, 0x0006)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 0, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    )
    header += b"\xff" * (512 - len(header))
    return header + b"\x00" * 1024


def ofd() -> bytes:
    """An OFD (GB/T 33190) document: a ZIP with OFD.xml at its root."""
    return _zip(
        {
            "OFD.xml": '<?xml version="1.0" encoding="UTF-8"?>'
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
            "Doc_0/Document.xml": "<ofd:Document/>",
        }
    )


def plain_zip() -> bytes:
    return _zip({"扫描件/会议纪要.txt": CHINESE_TEXT, "签到表.txt": "张三\n李四\n"})


def utf8_text() -> bytes:
    return CHINESE_TEXT.encode("utf-8")


def gb18030_text() -> bytes:
    return CHINESE_TEXT.encode("gb18030")


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def html() -> bytes:
    return (
        b"<!DOCTYPE html>\n<html><head><title>report</title></head>"
        b"<body><script>alert(document.cookie)</script></body></html>\n"
    )


#: (file name, content maker, sniffed MIME type) of every accepted type.
ACCEPTED = [
    ("关于规范性文件审查的报告.pdf", pdf, "application/pdf"),
    ("电子公文.ofd", ofd, "application/ofd"),
    ("审查意见.doc", ole, "application/x-ole-storage"),
    (
        "审查意见.docx",
        lambda: ooxml("docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("台账.xls", ole, "application/x-ole-storage"),
    (
        "台账.xlsx",
        lambda: ooxml("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("培训课件.ppt", ole, "application/x-ole-storage"),
    (
        "培训课件.pptx",
        lambda: ooxml("pptx"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("通知.wps", ole, "application/x-ole-storage"),
    ("现场照片.jpg", jpeg, "image/jpeg"),
    ("现场照片.jpeg", jpeg, "image/jpeg"),
    ("签到表.png", png, "image/png"),
    ("情况说明.txt", utf8_text, "text/plain; charset=utf-8"),
    ("情况说明-国标.txt", gb18030_text, "text/plain; charset=gb18030"),
    ("全部材料.zip", plain_zip, "application/zip"),
]
