"""The report as a Word document in the GB/T 9704-2012 layout (党政机关公文格式).

A4 with margins 37/35/28/26 mm; 22 lines of 28 characters (3号 仿宋_GB2312, line pitch 28.9 pt on a
`docGrid` of type "lines", character spacing −0.25 pt); the title in 2号 方正小标宋简体, centred;
一、 headings in 黑体, （一） headings in 楷体_GB2312, 1. headings bold; page numbers in 4号 宋体 as
"— 1 —" at the outside edge (odd pages right, even pages left, one character in).

python-docx's `font.name` sets only the Latin font, so every style also names its East-Asian
font (`w:rFonts w:eastAsia`), and the font table gives each official font an `altName` that Word
and WPS substitute where it is not installed.
"""

from __future__ import annotations

import io
from datetime import UTC

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from tracker.core import clock
from tracker.reports import layout
from tracker.reports.builder import Paragraph, Report, Section

STYLE_TITLE = "Report Title"
STYLE_BODY = "Normal"
STYLE_PART = "Heading 1"  # 一、 黑体
STYLE_SECTION = "Heading 2"  # （一） 楷体_GB2312
STYLE_SUBSECTION = "Heading 3"  # 1. 仿宋_GB2312 bold
STYLE_SIGNATURE = "Report Signature"
STYLE_RUN_IN_KAI = "Run-in Heading"
STYLE_RUN_IN_BOLD = "Run-in Bold Heading"
STYLE_PAGE_NUMBER = "Page Number Footer"


#: Schema order of the children of w:pPr and w:rPr (Word rejects them out of order).
PPR_ORDER = (
    "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr "
    "w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap "
    "w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi w:adjustRightInd "
    "w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc "
    "w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr "
    "w:sectPr w:pPrChange"
).split()
RPR_ORDER = (
    "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline "
    "w:shadow w:emboss w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing "
    "w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText "
    "w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout w:specVanish w:oMath"
).split()
_ORDERS = {qn("w:pPr"): PPR_ORDER, qn("w:rPr"): RPR_ORDER}


def _child(parent, tag: str):
    """The child `tag` of a w:pPr or w:rPr, created in its schema place when missing."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        order = _ORDERS.get(parent.tag)
        if order and tag in order:
            parent.insert_element_before(element, *order[order.index(tag) + 1 :])
        else:
            parent.append(element)
    return element


def set_fonts(rpr_owner, face: layout.Face, latin: str = layout.LATIN_FONT) -> None:
    """Name the East-Asian font explicitly (and drop theme fonts that would override it)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = _child(rpr, "w:rFonts")
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), face.name)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_char_spacing(rpr_owner, points: float) -> None:
    rpr = rpr_owner.get_or_add_rPr()
    spacing = _child(rpr, "w:spacing")
    spacing.set(qn("w:val"), str(round(points * 20)))


def _set_lang(rpr_owner) -> None:
    lang = _child(rpr_owner.get_or_add_rPr(), "w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _clear_theme_look(style) -> None:
    """Built-in headings come coloured, bold and spaced: make them plain black text."""
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:b", "w:bCs", "w:i", "w:iCs"):
        for element in rpr.findall(qn(tag)):
            rpr.remove(element)
    style.font.color.rgb = RGBColor(0, 0, 0)


def _first_line_chars(ppr, chars: int, size_pt: float) -> None:
    """First-line indent in characters (firstLineChars), with the same in twips for readers
    that ignore it."""
    ind = _child(ppr, "w:ind")
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(round(chars * size_pt * 20)))


def _no_first_line(ppr) -> None:
    ind = _child(ppr, "w:ind")
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")


def _right_chars(paragraph_or_style_ppr, chars: int, size_pt: float = layout.BODY_SIZE_PT) -> None:
    ind = _child(paragraph_or_style_ppr, "w:ind")
    ind.set(qn("w:rightChars"), str(chars * 100))
    ind.set(qn("w:right"), str(round(chars * size_pt * 20)))


def _exact_lines(paragraph_format) -> None:
    paragraph_format.line_spacing = Pt(layout.LINE_PITCH_PT)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.widow_control = False


def _no_auto_space(ppr) -> None:
    """No extra space between Chinese and Latin/digits: it would break the 28-character grid."""
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _child(ppr, tag).set(qn("w:val"), "0")


def _paragraph_style(document, name: str, *, base: str = STYLE_BODY):
    styles = document.styles
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        return style


def _character_style(document, name: str):
    try:
        return document.styles[name]
    except KeyError:
        return document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)


def _setup_styles(document) -> None:
    styles = document.styles
    # document defaults: the East-Asian font and language, so nothing falls back to MS Mincho
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
        if rpr is not None:
            fonts = _child(rpr, "w:rFonts")
            for attribute in list(fonts.attrib):
                del fonts.attrib[attribute]
            fonts.set(qn("w:ascii"), layout.LATIN_FONT)
            fonts.set(qn("w:hAnsi"), layout.LATIN_FONT)
            fonts.set(qn("w:eastAsia"), layout.BODY_FACE.name)
            fonts.set(qn("w:cs"), layout.LATIN_FONT)
            _child(rpr, "w:lang").set(qn("w:eastAsia"), "zh-CN")

    body = styles[STYLE_BODY]
    body.font.size = Pt(layout.BODY_SIZE_PT)
    body.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(body.element, layout.BODY_FACE)
    _set_char_spacing(body.element, layout.CHAR_SPACING_PT)
    _set_lang(body.element)
    _exact_lines(body.paragraph_format)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body_ppr = body.element.get_or_add_pPr()
    _first_line_chars(body_ppr, 2, layout.BODY_SIZE_PT)
    _no_auto_space(body_ppr)

    title = _paragraph_style(document, STYLE_TITLE)
    title.font.size = Pt(layout.TITLE_SIZE_PT)
    set_fonts(title.element, layout.TITLE_FACE)
    _set_char_spacing(title.element, 0)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    _no_first_line(title.element.get_or_add_pPr())

    for name, face, bold, outline in (
        (STYLE_PART, layout.HEI_FACE, False, 0),
        (STYLE_SECTION, layout.KAI_FACE, False, 1),
        (STYLE_SUBSECTION, layout.BODY_FACE, True, 2),
    ):
        style = styles[name]
        _clear_theme_look(style)
        style.font.size = Pt(layout.BODY_SIZE_PT)
        style.font.bold = bold
        style.font.italic = False
        set_fonts(style.element, face)
        _set_char_spacing(style.element, layout.CHAR_SPACING_PT)
        _exact_lines(style.paragraph_format)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _first_line_chars(style.element.get_or_add_pPr(), 2, layout.BODY_SIZE_PT)
        _child(style.element.get_or_add_pPr(), "w:outlineLvl").set(qn("w:val"), str(outline))

    signature = _paragraph_style(document, STYLE_SIGNATURE)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _no_first_line(signature.element.get_or_add_pPr())

    kai = _character_style(document, STYLE_RUN_IN_KAI)
    set_fonts(kai.element, layout.KAI_FACE)
    bold = _character_style(document, STYLE_RUN_IN_BOLD)
    bold.font.bold = True

    footer = _paragraph_style(document, STYLE_PAGE_NUMBER)
    footer.font.size = Pt(layout.PAGE_NUMBER_SIZE_PT)
    set_fonts(footer.element, layout.SONG_FACE, latin=layout.SONG_FACE.name)
    _set_char_spacing(footer.element, 0)
    footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    footer.paragraph_format.line_spacing = 1.0
    _no_first_line(footer.element.get_or_add_pPr())


def _setup_page(document) -> None:
    section = document.sections[0]
    section.page_width = Mm(layout.PAGE_WIDTH_MM)
    section.page_height = Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin = Mm(layout.MARGIN_TOP_MM)
    section.bottom_margin = Mm(layout.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(layout.MARGIN_LEFT_MM)
    section.right_margin = Mm(layout.MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    # the page number's dash sits 7 mm below the type area: 35 − 7 − ~5 mm for a 4号 line
    section.footer_distance = Mm(23)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    for attribute in list(grid.attrib):
        del grid.attrib[attribute]
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(layout.LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(layout.GRID_CHAR_SPACE))
    # odd pages number at the right, even pages at the left (单页码居右，双页码居左)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE) whose cached result is `placeholder`."""

    def fld(kind: str):
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def _page_number(footer, alignment) -> None:
    """ "— 1 —" in 4号 宋体, one character in from the outside edge."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.style = STYLE_PAGE_NUMBER
    paragraph.alignment = alignment
    ppr = paragraph._p.get_or_add_pPr()
    ind = _child(ppr, "w:ind")
    side = "right" if alignment == WD_ALIGN_PARAGRAPH.RIGHT else "left"
    ind.set(qn(f"w:{side}Chars"), "100")
    ind.set(qn(f"w:{side}"), str(layout.PAGE_NUMBER_SIZE_PT * 20))
    paragraph.add_run("— ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def _font_fallbacks(document) -> None:
    """Declare the official fonts in the font table with the font to use in their place."""
    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    root = etree.fromstring(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for face in (
        layout.TITLE_FACE,
        layout.BODY_FACE,
        layout.KAI_FACE,
        layout.HEI_FACE,
        layout.SONG_FACE,
    ):
        if face.name in known:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), face.name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), face.alt_name)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(
            qn("w:val"), "modern" if face is layout.HEI_FACE else "roman"
        )
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- content ---------------------------------------------------------------------------------


def _body_paragraph(document, paragraph: Paragraph, run_in_style: str = STYLE_RUN_IN_KAI):
    p = document.add_paragraph(style=STYLE_BODY)
    if paragraph.lead:
        p.add_run(paragraph.lead, style=run_in_style)
    p.add_run(paragraph.text)
    return p


def _heading(document, text: str, style: str):
    """A heading paragraph; one that would leave a lone character on its last line is set tight."""
    p = document.add_paragraph(style=style)
    run = p.add_run(text)
    if layout.orphans_a_character(text):
        _set_char_spacing(run._r, layout.TIGHT_SPACING_PT)
    return p


def _section(document, section: Section) -> None:
    heading_style = STYLE_SECTION if section.depth == 1 else STYLE_SUBSECTION
    run_in = STYLE_RUN_IN_KAI if section.depth == 1 else STYLE_RUN_IN_BOLD
    paragraphs = list(section.paragraphs)
    if not (paragraphs and paragraphs[0].lead):
        _heading(document, section.heading, heading_style)
    for paragraph in paragraphs:
        _body_paragraph(document, paragraph, run_in)
    for sub in section.subsections:
        _section(document, sub)


APP_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Duban</Application><DocSecurity>0</DocSecurity></Properties>"
)
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"


def _set_properties(document, report: Report) -> None:
    """The document's own metadata, not python-docx's template's: the bureau, the build time,
    Duban as the application, and no stock thumbnail."""
    built = clock.now().astimezone(UTC).replace(tzinfo=None, microsecond=0)
    properties = document.core_properties
    properties.title = report.title
    properties.author = properties.last_modified_by = report.bureau
    properties.subject = report.title
    properties.comments = ""
    properties.language = "zh-CN"
    properties.created = properties.modified = built
    properties.revision = 1
    package_rels = document.part.package.rels
    for key, rel in list(package_rels.items()):
        if rel.reltype == THUMBNAIL:
            del package_rels[key]
        elif rel.reltype == EXTENDED:
            rel.target_part._blob = APP_PROPERTIES.encode("utf-8")


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    _setup_styles(document)
    _setup_page(document)
    _font_fallbacks(document)
    _set_properties(document, report)
    # the first paragraph of a new document is empty: use it for the title
    body = document.element.body
    for existing in list(body.iterchildren(qn("w:p"))):
        body.remove(existing)
    title = document.add_paragraph(style=STYLE_TITLE)
    for index, line in enumerate(report.title_lines):
        run = title.add_run(line)
        if index < len(report.title_lines) - 1:
            run.add_break()
    document.add_paragraph("", style=STYLE_BODY)  # one blank line under the title
    if report.addressee_line:  # 主送机关: flush left (GB/T 9704 7.3.2)
        addressee = document.add_paragraph(report.addressee_line, style=STYLE_BODY)
        _no_first_line(addressee._p.get_or_add_pPr())
    for part in report.all_parts():
        if part.number:
            _heading(document, part.heading, STYLE_PART)
        for paragraph in part.paragraphs:
            _body_paragraph(document, paragraph)
        for section in part.sections:
            _section(document, section)
    document.add_paragraph("", style=STYLE_BODY)
    signature_indent, date_indent = layout.signature_indents(
        report.signatory, report.signed_on_text
    )
    for text, indent in (
        (report.signatory, signature_indent),
        (report.signed_on_text, date_indent),
    ):
        p = document.add_paragraph(text, style=STYLE_SIGNATURE)
        _right_chars(p._p.get_or_add_pPr(), indent)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
