"""The renderings: DOCX in the GB/T 9704 layout (read back with python-docx), the print-ready
HTML, the PDF made from it, and Markdown."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from tests.reports.test_builder import sample
from tracker.reports.builder import PartEdit, build_report
from tracker.reports.render_docx import render_docx
from tracker.reports.render_md import render_md


@pytest.fixture
def report():
    data = sample()
    data.edits = {
        "arrangements": PartEdit(
            1,
            "（一）加强规范性文件的制定。完善民政政策法规体系。\n"
            "（二）强化培训\n1. 执法培训\n培训正文。",
        )
    }
    return build_report(data)


@pytest.fixture
def document(report):
    return Document(io.BytesIO(render_docx(report)))


def east_asia(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_page_is_a4_with_the_standard_margins_and_grid(document):
    section = document.sections[0]

    def mm(*lengths):  # stored in twips: 37 mm is 2098 twips, 37.01 mm
        return tuple(round(length.mm, 1) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin) == (37, 35)
    assert mm(section.left_margin, section.right_margin) == (28, 26)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "578"
    # the character grid: 28 pitches of 16 pt + charSpace/4096 pt fill the 156 mm type width
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 28 * pitch <= 442.3 < 29 * pitch
    # 22 lines of 28.9 pt fill the type area's 225 mm; 28 characters of 16 − 0.25 pt its 156 mm
    type_height = section.page_height.pt - section.top_margin.pt - section.bottom_margin.pt
    assert int(type_height // 28.9) == 22
    type_width = section.page_width.pt - section.left_margin.pt - section.right_margin.pt
    assert int(type_width // (16 - 0.25)) == 28


def test_docx_body_is_3hao_fangsong_with_exact_lines_and_tight_spacing(document):
    body = document.styles["Normal"]
    assert body.font.size == Pt(16)
    assert east_asia(body) == "仿宋_GB2312"
    assert body.element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"  # −0.25 pt
    paragraph = body.paragraph_format
    assert paragraph.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert paragraph.line_spacing == Pt(28.9)
    assert paragraph.widow_control is False
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    ind = body.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"  # two characters


def test_docx_title_and_headings_use_the_standard_faces(document):
    title = document.styles["Report Title"]
    assert title.font.size == Pt(22) and east_asia(title) == "方正小标宋简体"
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia(document.styles["Heading 1"]) == "黑体"
    assert document.styles["Heading 1"].font.bold is False
    assert east_asia(document.styles["Heading 2"]) == "楷体_GB2312"
    assert document.styles["Heading 3"].font.bold is True
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        assert document.styles[name].font.size == Pt(16)
        assert document.styles[name].font.color.rgb == (0, 0, 0)


def test_docx_content_in_order_with_its_styles(document, report):
    rows = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert rows[0] == ("Report Title", "测试市民政局\n2020年度法治政府建设情况报告")
    heads = [text for style, text in rows if style == "Heading 1"]
    assert heads == [p.heading for p in report.shown_parts]
    sections = [text for style, text in rows if style == "Heading 2"]
    assert sections[:2] == ["（一）加强组织领导，推进法治建设", "（二）健全体制机制，依法履行职能"]
    assert "（二）强化培训" in sections
    assert ("Heading 3", "1.执法培训") in rows
    run_in = next(
        p for p in document.paragraphs if p.text.startswith("（一）加强规范性文件的制定。")
    )
    assert (
        run_in.runs[0].style.name == "Run-in Heading"
        and run_in.runs[0].text == "（一）加强规范性文件的制定。"
    )
    assert east_asia(document.styles["Run-in Heading"]) == "楷体_GB2312"
    signature, day = [p for p in document.paragraphs if p.text][-2:]
    assert (signature.text, day.text) == ("测试市民政局", "2021年1月15日")
    assert signature.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert day.paragraph_format.right_indent == Pt(2 * 16)


def test_docx_page_numbers_at_the_outside_edge(document):
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == alignment
        xml = etree.tostring(paragraph._p, encoding="unicode")
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text == "— 1 —"  # the field's cached result between the dashes
        assert paragraph.style.font.size == Pt(14)  # 4号
        assert east_asia(paragraph.style) == "宋体"


def test_docx_names_fallbacks_for_the_official_fonts(document):
    part = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    root = etree.fromstring(part.blob)
    alt = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in root.findall(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alt["方正小标宋简体"] == "宋体"
    assert alt["仿宋_GB2312"] == "仿宋"
    assert alt["楷体_GB2312"] == "楷体"
    assert alt["黑体"] == "SimHei"


def test_markdown(report):
    text = render_md(report)
    assert text.startswith("# 测试市民政局2020年度法治政府建设情况报告\n")
    assert "\n## 一、2020年推进法治政府建设的主要举措和成效\n" in text
    assert "\n### （一）加强组织领导，推进法治建设\n" in text
    assert "\n**（一）加强规范性文件的制定。**完善民政政策法规体系。\n" in text
    assert text.rstrip().endswith('<p align="right">测试市民政局<br>2021年1月15日</p>')


def test_markdown_escapes_what_would_be_markup():
    data = sample()
    data.tasks[0].result_statement = "完成*重点*任务，见[附件]。"
    assert "完成\\*重点\\*任务，见\\[附件\\]。" in render_md(build_report(data))


def test_html_is_one_self_contained_page(app, report):
    from tracker.reports.render_html import render_html

    page = render_html(report)
    assert page.startswith("<!doctype html>") and '<html lang="zh-CN">' in page
    assert "<link" not in page and "@page" in page and "size: A4" in page
    assert '<h1 class="gw-title">测试市民政局<br>2020年度法治政府建设情况报告</h1>' in page
    assert '<h2 class="gw-h1">一、2020年推进法治政府建设的主要举措和成效</h2>' in page
    assert '<span class="gw-kai">（一）加强规范性文件的制定。</span>' in page
    assert "Noto Serif CJK SC" in page and "仿宋_GB2312" in page


def test_pdf_from_the_same_page_with_noto_fonts(app, report):
    from tracker.reports.render_html import render_pdf

    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF-")
    streams = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    fonts = {name for s in streams for name in re.findall(rb"/FontName\s*/\w+\+([\w-]+)", s)}
    # the official faces, resolved to the Noto CJK fonts installed (fonts-noto-cjk)
    assert {b"Duban-FangSong", b"Duban-HeiTi", b"Duban-SongTi"} <= fonts, fonts
    assert any(b"/FontFile" in s for s in streams)  # embedded, so it prints the same anywhere
