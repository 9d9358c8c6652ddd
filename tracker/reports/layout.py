"""The GB/T 9704-2012 page and type every rendering of the report follows, in one place.

Official fonts (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are rarely installed on servers: the
DOCX names them with fallbacks a Chinese Word or WPS maps them to (宋体, 仿宋/FangSong,
楷体/KaiTi, SimHei), and the HTML/PDF lists them first, then the common system names, then the
Noto CJK fonts that Debian's fonts-noto-cjk installs.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A4, margins in millimetres: top 37, bottom 35, left 28, right 26 (版心 156 × 225 mm).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
#: 22 lines of 28 characters: 3号 (16 pt) type, line pitch 28.9 pt, character spacing −0.25 pt.
BODY_SIZE_PT = 16  # 3号
TITLE_SIZE_PT = 22  # 2号
PAGE_NUMBER_SIZE_PT = 14  # 4号
LINE_PITCH_PT = 28.9
LINE_PITCH_TWIPS = 578
CHAR_SPACING_PT = -0.25
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
#: Word's character grid (文档网格, "指定行和字符网格"): a character pitch of the 16 pt body size
#: plus charSpace/4096 pt, here 156 mm / 28 = 15.79 pt.
GRID_CHAR_SPACE = -848


@dataclass(frozen=True)
class Face:
    """A typeface as the standard names it, the fallback Word/WPS should substitute, and the
    CSS families to try, ending with the Noto CJK font the PDF falls back to."""

    name: str
    alt_name: str
    css: tuple[str, ...]


TITLE_FACE = Face(
    "方正小标宋简体",
    "宋体",
    ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "Noto Serif CJK SC"),
)
BODY_FACE = Face(
    "仿宋_GB2312",
    "仿宋",
    ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
)
KAI_FACE = Face(
    "楷体_GB2312",
    "楷体",
    ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
)
HEI_FACE = Face("黑体", "SimHei", ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC"))
SONG_FACE = Face("宋体", "SimSun", ("宋体", "SimSun", "STSong", "Noto Serif CJK SC"))
#: Latin letters and digits of the body.
LATIN_FONT = "Times New Roman"


#: Letter spacing that fits one more character on a line (2 em indent + 27 × 15 pt < 442 pt): a
#: heading that would leave a lone character on its last line is set this tight (紧排) instead.
TIGHT_SPACING_PT = -1.0


def orphans_a_character(heading: str, indent_chars: int = 2) -> bool:
    """Whether the heading, indented two characters, would wrap with one character alone on
    its last line (a full line of 28, then one character)."""
    width = text_width(heading) + indent_chars
    rest = width - CHARS_PER_LINE * int(width // CHARS_PER_LINE)
    return width > CHARS_PER_LINE and 0 < rest <= 1


def text_width(text: str) -> float:
    """Width in characters: ASCII digits and letters are half-width."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)


def signature_indents(signatory: str, date_text: str) -> tuple[int, int]:
    """Right indents (in characters) of the signature and the date, per GB/T 9704 7.3.5.2 for a
    document without a seal: the signature 2 characters from the right edge, the date on the
    next line starting 2 characters further right; if the date is the longer line, the date
    stays 2 characters from the edge and the signature moves left to keep its place."""
    signature, day = text_width(signatory), text_width(date_text)
    date_indent = signature - 2 - day + 2
    if date_indent >= 2:
        return 2, int(date_indent + 0.5)
    return int(2 + day + 2 - signature + 0.5), 2
