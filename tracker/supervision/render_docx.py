"""A 督办通知单 as a Word document: A4, 仿宋 body, 方正小标宋 title, the fields in a table."""

from __future__ import annotations

import io
from datetime import UTC

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"


def _fonts(run, east_asian: str, size: float) -> None:
    # python-docx's font.name sets only the Latin font: name the East-Asian one too
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _paragraph(document, text: str, *, font=BODY_FONT, size=16.0, align=None, bold=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    _fonts(run, font, size)
    return paragraph


def render_notice_docx(sheet: dict) -> bytes:
    """The notice built by views.notice_sheet(): title, number, addressee, one block per task,
    and the signature lines."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _paragraph(document, sheet["title"], font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, sheet["number"], size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"{sheet['addressee']}：")
    _paragraph(document, sheet["opening"])
    for item in sheet["items"]:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in item["fields"]:
            cells = table.add_row().cells
            for cell, text in ((cells[0], label), (cells[1], value)):
                cell.text = ""
                run = cell.paragraphs[0].add_run(text)
                _fonts(run, BODY_FONT, 14)
        document.add_paragraph()
    _paragraph(document, sheet["closing"])
    for line in sheet["signature_lines"]:
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    properties = document.core_properties
    properties.title = f"{sheet['title']} {sheet['number']}"
    properties.author = sheet["issuing_office"]
    properties.subject = sheet["addressee"]
    issued = sheet["issued_at"]
    properties.created = issued.astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
