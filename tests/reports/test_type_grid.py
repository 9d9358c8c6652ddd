"""The report's lines as WeasyPrint lays them out: 28 characters of body text per line, 22 lines
per page, and no heading leaving one character alone on its last line (set tight instead), in the
PDF and the DOCX. Measured on Debian's Noto CJK fonts (fonts-noto-cjk), as CI installs them."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.reports.test_builder import sample
from tracker.reports import layout
from tracker.reports.builder import PartEdit, build_report
from tracker.reports.render_docx import render_docx

#: 27 characters: with the two-character indent, one character more than a line holds
LONG_HEADING = "（三）坚持依法科学民主决策，严格落实重大行政决策的程序"
LONG_BODY = "深入推进依法行政，全面提高民政系统工作人员法治思维和依法办事能力。" * 6


@pytest.fixture
def report():
    data = sample()
    data.edits = {
        "arrangements": PartEdit(
            1, f"（一）加强规范性文件的制定。{LONG_BODY}\n{LONG_HEADING}\n{LONG_BODY}"
        )
    }
    return build_report(data)


def _laid_out(app, report):
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from tracker.reports.render_html import render_html

    with app.test_request_context():
        document = HTML(string=render_html(report), base_url=app.static_folder).render()

    def line_boxes(box):
        if isinstance(box, boxes.LineBox):
            yield box
            return
        for child in getattr(box, "children", None) or []:
            yield from line_boxes(child)

    def text(box):
        if isinstance(box, boxes.TextBox):
            return box.text
        return "".join(text(child) for child in getattr(box, "children", None) or [])

    pages = []
    for page in document.pages:
        pages.append(
            [
                ((line.element.get("class") or "") if line.element is not None else "", text(line))
                for line in line_boxes(page._page_box)
            ]
        )
    return pages


def test_pdf_lines_hold_28_characters_and_pages_22_lines(app, report):
    pages = _laid_out(app, report)
    body = [line for page in pages for kind, line in page if kind == "gw-p"]
    widths = [layout.text_width(line) for line in body]
    assert max(widths) <= 28.5
    # a wrapped body line is full: 28 characters (27.5 when a half-width digit pair shares one)
    assert sum(1 for width in widths if width >= 27.5) >= 10
    first = [kind for kind, _ in pages[0] if kind.startswith(("gw-p", "gw-h", "gw-title"))]
    assert len(first) + 1 == layout.LINES_PER_PAGE  # the blank line under the title counts


def test_a_heading_one_character_too_long_is_set_tight_on_one_line(app, report):
    assert layout.orphans_a_character(LONG_HEADING)
    assert not layout.orphans_a_character("（一）加强组织领导，推进法治建设")
    lines_of = defaultdict(list)
    for page in _laid_out(app, report):
        for kind, line in page:
            if kind.startswith("gw-h"):
                lines_of[kind].append(line)
    assert LONG_HEADING in lines_of["gw-h2 gw-tight"]  # whole, on one line

    document = Document(io.BytesIO(render_docx(report)))
    (heading,) = [p for p in document.paragraphs if p.text == LONG_HEADING]
    spacing = heading.runs[0]._r.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == str(round(layout.TIGHT_SPACING_PT * 20))


def test_docx_carries_the_bureau_and_build_time_not_the_template_metadata(report):
    from datetime import UTC, datetime

    from tracker.core import clock

    with clock.frozen_at(datetime(2021, 1, 15, 9, 30, tzinfo=UTC)):
        data = render_docx(report)
    document = Document(io.BytesIO(data))
    properties = document.core_properties
    assert properties.author == properties.last_modified_by == "测试市民政局"
    assert properties.created == properties.modified == datetime(2021, 1, 15, 9, 30, tzinfo=UTC)
    assert properties.comments == "" and "python-docx" not in data.decode("latin-1")
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not any("thumbnail" in name for name in names)
    app_xml = zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml").decode()
    assert "Macintosh" not in app_xml and "<Application>Duban</Application>" in app_xml
