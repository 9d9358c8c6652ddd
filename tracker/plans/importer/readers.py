"""Read a plan document into blocks: paragraphs and tables, in document order.

Plain text (UTF-8, GB18030/GBK, UTF-16 with a BOM) and Word .docx are read; a legacy .doc,
a PDF or anything else that is not text raises UnreadableDocument with a message for the user.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field


class UnreadableDocument(Exception):
    """The input is not a document the importer can read; the message says why."""


@dataclass
class Table:
    """A table as rows of cell texts (merged cells repeat their text, as Word shows them)."""

    rows: list[list[str]] = field(default_factory=list)


Block = str | Table

_BINARY_SIGNATURES = {
    b"%PDF": "a PDF file",
    b"\xd0\xcf\x11\xe0": "a Word 97-2003 (.doc) or other legacy Office file",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
}


def decode_text(data: bytes) -> str:
    """Bytes of a text file as str: BOMs first, then UTF-8, then GB18030 (a superset of GBK and
    GB2312), then whatever charset-normalizer finds."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument("the file is not text in a known encoding")
    return str(best)


def _looks_binary(data: bytes) -> str | None:
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return what
    sample = data[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 10:
        # UTF-16 without BOM is rare in practice; NULs mean binary
        return "a binary file"
    return None


def read_blocks(data: bytes, filename: str = "") -> list[Block]:
    """The document's blocks (paragraph strings and Tables) in order."""
    name = filename.lower()
    if not data:
        raise UnreadableDocument("the file is empty")
    if data.startswith(b"PK") or name.endswith(".docx"):
        return read_docx(data)
    what = _looks_binary(data)
    if what:
        raise UnreadableDocument(
            f"{what} cannot be read; save the plan as .docx or plain text and try again"
        )
    text = decode_text(data)
    if name.endswith((".htm", ".html")) or re.search(r"<(p|div|br|table)\b", text[:2000], re.I):
        text = html_to_text(text)
    return text_blocks(text)


def text_blocks(text: str) -> list[Block]:
    """Plain text as one block per line (tables are recognised later, by the layout pass)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return text.split("\n")


def html_to_text(html: str) -> str:
    """Paragraph-per-line text of an HTML page (tables become tab-separated lines)."""
    from html import unescape

    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", html)
    html = re.sub(r"(?i)</t[dh]>", "\t", html)
    html = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h[1-6]|table)>", "\n", html)
    html = re.sub(r"<[^>]+>", "", html)
    lines = [
        re.sub(r"[ \t]*\t[ \t]*", "\t", line).strip(" \t") for line in unescape(html).split("\n")
    ]
    return "\n".join(lines)


# -- Word ----------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_CN_DIGITS = "零一二三四五六七八九"


def _chinese_number(value: int) -> str:
    if value <= 0:
        return str(value)
    if value < 10:
        return _CN_DIGITS[value]
    if value < 20:
        return "十" + (_CN_DIGITS[value - 10] if value > 10 else "")
    if value < 100:
        tens, ones = divmod(value, 10)
        return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(value)


def _format_number(fmt: str, value: int) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "ideographTraditional",
        "chineseLegalSimplified",
        "taiwaneseCounting",
        "ideographDigital",
    ):
        return _chinese_number(value)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + value - 1) if 1 <= value <= 20 else str(value)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "bullet":
        return ""
    return str(value)


class _Numbering:
    """Renders Word's automatic list numbers (一、 / （一） / 1.) that are not in the text."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                levels[ilvl] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{_W}val"), {}).items():
                self.levels[(num.get(f"{_W}numId"), ilvl)] = spec

    def label(self, paragraph) -> str:
        ppr = paragraph._p.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is None:
            # numbering set by the paragraph's style (List Number, or a custom 标题 style)
            style = paragraph.style
            while style is not None and num_pr is None:
                style_ppr = style.element.pPr
                num_pr = style_ppr.numPr if style_ppr is not None else None
                style = style.base_style
        if num_pr is None:
            return ""
        num_id = num_pr.numId.val if num_pr.numId is not None else None
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        if num_id is None or (str(num_id), ilvl) not in self.levels:
            return ""
        key = str(num_id)
        counters = self.counters.setdefault(key, [0] * 9)
        fmt, text, start = self.levels[(key, ilvl)]
        if ilvl < len(counters):
            counters[ilvl] = (counters[ilvl] or start - 1) + 1
            for deeper in range(ilvl + 1, len(counters)):
                counters[deeper] = 0
        if fmt == "bullet" or not text:
            return ""

        def render(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            if level >= len(counters):
                return ""
            spec = self.levels.get((key, level), (fmt, "", 1))
            return _format_number(spec[0], counters[level] or spec[2])

        return re.sub(r"%(\d)", render, text)


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def read_docx(data: bytes) -> list[Block]:
    """Paragraphs and tables of a .docx in document order; automatic numbers are rendered."""
    try:
        import docx
        from docx.table import Table as DocxTable

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument(f"the file is not a readable .docx document ({error})") from None
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on broken files
        raise UnreadableDocument(f"the file is not a readable .docx document ({error})") from None
    numbering = _Numbering(document)
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            rows = []
            for row in item.rows:
                cells, previous = [], None
                for cell in row.cells:
                    if previous is not None and cell._tc is previous:
                        continue  # a horizontally merged cell appears once
                    previous = cell._tc
                    cells.append(_cell_text(cell))
                rows.append(cells)
            blocks.append(Table(rows))
        else:
            label = numbering.label(item)
            text = item.text  # a soft line break stays a line break: the layout pass splits it
            blocks.append(f"{label}{text}" if label else text)
    return blocks
