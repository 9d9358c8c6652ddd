"""From raw lines to paragraphs: web-page chrome and page markers out, broken sentences and
hard-wrapped lines (text copied from a PDF) joined again, tables recognised in plain text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from tracker.plans.importer.deadlines import is_deadline_phrase
from tracker.plans.importer.outline import OutlineState, match_marker, split_glued
from tracker.plans.importer.patterns import PARAGRAPH_END, clean_line, display_width
from tracker.plans.importer.readers import Block, Table
from tracker.plans.importer.units import looks_like_unit

PAGE_MARKER = re.compile(
    r"^(?:[-—–－―‐─_~·•\s]+\s*\d{1,3}\s*[-—–－―‐─_~·•\s]+|[-—–－―‐─]\s*\d{1,3}|\d{1,3}\s*[-—–－―‐─]"
    r"|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}"
    r"|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)

#: A page number glued before the first words of the page's text ("- 2 - 工作汇报，…").
_LEADING_PAGE_MARKER = re.compile(r"^[-—–－]\s*\d{1,3}\s*[-—–－]\s+(?=\S)")

#: Labels of a government site's document information table (captured, then dropped).
_META = re.compile(
    r"(索引号|主题分类|发文机关|发布机构|成文日期|发文字号|文号|发布日期|标\s*题|名\s*称|主\s*题\s*词"
    r"|有效性|体裁分类|组配分类|公开方式|公开范围|信息来源|生成日期)\s*[:：]"
)
_CHROME = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]"
    r"|^首页\s*(?:>|＞|»|/|›)"
    r"|(?:>|＞|»|›)\s*(?:正文|详情|政务公开|通知公告|政策文件|文件)\s*$"
    r"|^(?:发布时间|发布日期|来源|作者|浏览次数|阅读次数|点击数|访问量|信息来源|责任编辑|编辑|审核|"
    r"字号|字体|分享到|打印本页|关闭窗口|打印|关闭|收藏|上一篇|下一篇|相关链接|相关文件|相关文章|网站地图"
    r"|联系我们|网站声明|主办单位|承办单位|主办|承办|技术支持|网站标识码|版权所有|扫一扫|无障碍|长者模式"
    r"|【\s*(?:打印|关闭|字体|大|中|小)|【\s*字号)"
    r"|(?:ICP备|公网安备|网站标识码|版权所有|Copyright|©)"
    r"|^[【\[]?\s*(?:字体|字号)\s*[:：]?\s*(?:大|【大】)"
    r"|扫一扫在手机(?:上)?(?:打开|查看)|在手机打开当前页面|视力保护色|^\s*(?:【\s*)?(?:打印|关闭)(?:本页|窗口)?"
    r"(?:\s*】)?\s*(?:【\s*(?:打印|关闭)(?:本页|窗口)?\s*】\s*)*$"
    r"|^(?:阅读|浏览)\s*[:：]?\s*\d+\s*次?$|^\d+\s*次浏览$"
    # WeChat articles
    r"|^原创\s|发表于\S{0,6}$|点击上方.{0,6}关注|^(?:END|End|end|-{2,}\s*END\s*-{2,})$|阅读原文"
    r"|长按(?:识别)?二维码|微信扫一扫|预览时标签不可点|^(?:分享|收藏|点赞|在看|赞|转发)(?:\s+(?:分享|收藏|点赞|在看|赞|转发))+$",
    re.I,
)
#: After one of these only links to other pages follow (unless the outline goes on).
_TAIL = re.compile(
    r"^(?:往期推荐|往期回顾|推荐阅读|相关阅读|相关推荐|猜你喜欢|热点推荐|相关文章|相关链接|更多阅读|延伸阅读)\s*[:：]?$"
)
_LABEL_LINE = re.compile(
    r"^(?:【\s*)?(?:牵头|配合|协办|责任|完成|时间|时限|主责|参与|协同|实施|承办|责任领导|分管领导)"
    r"[\u4e00-\u9fff]{0,4}\s*(?:】\s*)?[:：]"
)
_HEADER_WORDS = re.compile(
    r"^(?:序号|编号|序|重点任务|主要任务|工作任务|具体任务|任务内容|工作内容|主要内容|具体措施|工作措施"
    r"|重点工作|工作事项|事项|任务|内容|措施|举措|工作要点|类别|任务类别|项目|牵头单位|牵头部门|牵头科室"
    r"|牵头处室|责任单位|责任部门|责任科室|责任处室|配合单位|配合部门|配合科室|协办单位|参与单位|完成时限"
    r"|完成时间|时间节点|时限|时限要求|进度安排|备注|责任领导|分管领导|责任人)$"
)


@dataclass
class Paragraph:
    text: str


@dataclass
class Layout:
    items: list[Paragraph | Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    chrome: list[str] = field(default_factory=list)


@dataclass
class _Line:
    raw: str
    text: str
    kind: str  # text, blank, page, cells
    cells: list[str] | None = None
    #: A page number stood at the start of the line ("- 2 - 工作汇报…", a PDF copy): the text
    #: goes on from the page before.
    page_before: bool = False

    @property
    def indented(self) -> bool:
        return re.match(r"^[\s\u3000\u00a0]{2,}|^\u3000", self.raw) is not None


def _capture_meta(text: str, meta: dict[str, str]) -> bool:
    """Read a document-information line (标题：… 发文字号：…); True when the line is one."""
    first = _META.search(text[:40])  # a label near the start, or none (cheap on long lines)
    if first is None or (first.start() > 2 and not text.startswith(("【", "["))):
        return False
    matches = list(_META.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        key = re.sub(r"\s", "", match.group(1))
        value = text[match.end() : end].strip(" \t　")
        meta.setdefault(key, value)
    return True


def _classify(raw: str, meta: dict[str, str], chrome: list[str]) -> _Line:
    text = clean_line(raw)
    if not text:
        return _Line(raw, "", "blank")
    if PAGE_MARKER.match(text):
        return _Line(raw, text, "page")
    leading = _LEADING_PAGE_MARKER.match(text)
    if leading:
        rest = text[leading.end() :]
        return _Line(
            raw[raw.index(rest[:1]) :] if rest[:1] in raw else rest, rest, "text", page_before=True
        )
    if len(text) <= 120 and _CHROME.search(text):
        chrome.append(text)
        return _Line(raw, text, "chrome")
    if _capture_meta(text, meta):
        chrome.append(text)
        return _Line(raw, text, "chrome")
    for separator in ("\t", "|", "｜"):
        if separator in raw:
            cells = [clean_line(c) for c in raw.strip().strip("|｜").split(separator)]
            if sum(1 for c in cells if c) >= 2:
                return _Line(raw, text, "cells", cells)
    return _Line(raw, text, "text")


def _starts_item(text: str) -> bool:
    return match_marker(text) is not None or _LABEL_LINE.match(text) is not None


def _wrap_width(lines: list[_Line]) -> tuple[int, int] | None:
    """The width (display columns, characters) at which text copied from a PDF was
    hard-wrapped, if it was."""
    texts = [line.raw.rstrip() for line in lines if line.kind == "text"]
    if len(texts) < 6:
        return None
    result = []
    for measure in (display_width, len):
        values = [measure(t) for t in texts]
        common = Counter(v for v in values if v >= (30 if measure is display_width else 15))
        if not common:
            return None
        value, _ = common.most_common(1)[0]
        near = sum(1 for v in values if value - 2 <= v <= value)
        if near < max(4, len(values) * 0.25):
            return None
        result.append(value)
    return result[0], result[1]


def _join(left: str, right: str) -> str:
    if re.search(r"[A-Za-z0-9]$", left) and re.match(r"^[A-Za-z]", right):
        return f"{left} {right}"
    return left + right


def _is_header_run(lines: list[_Line], start: int) -> int:
    """Length of a run of table header cells written one per line (序号 / 工作任务 / …)."""
    count = 0
    while start + count < len(lines):
        line = lines[start + count]
        if line.kind != "text" or not _HEADER_WORDS.match(re.sub(r"\s", "", line.text)):
            break
        count += 1
    return count if count >= 3 else 0


def _cell_table(lines: list[_Line], start: int, width: int) -> tuple[Table, int] | None:
    """A table copied from a web page with one cell per line, anchored on its 序号 column."""
    header = [lines[start + i].text for i in range(width)]
    has_number = re.sub(r"\s", "", header[0]) in ("序号", "编号", "序")
    rows = [header]
    index = start + width
    expected = 1
    while index < len(lines):
        line = lines[index]
        if line.kind == "blank" and not has_number:
            break
        if has_number:
            if line.kind != "text" or line.text.strip() != str(expected):
                break
            cells = [line.text.strip()]
            index += 1
            while index < len(lines) and len(cells) < width:
                nxt = lines[index]
                if nxt.kind == "text" and nxt.text.strip() == str(expected + 1):
                    break
                if nxt.kind in ("page", "chrome"):
                    index += 1
                    continue
                if nxt.kind == "text" and match_marker(nxt.text) and len(cells) >= width - 1:
                    break
                cells.append(nxt.text if nxt.kind != "blank" else "")
                index += 1
            rows.append(_fit_cells(cells, header))
            expected += 1
        else:
            cells = []
            while index < len(lines) and len(cells) < width and lines[index].kind == "text":
                cells.append(lines[index].text)
                index += 1
            if len(cells) < width:
                break
            rows.append(cells)
    if len(rows) < 2:
        return None
    return Table(rows), index


def _fit_cells(cells: list[str], header: list[str]) -> list[str]:
    """Put a row's cells under their headers when an empty cell was lost in copying."""
    width = len(header)
    while len(cells) > width and not cells[-1]:
        cells.pop()
    if len(cells) == width:
        return cells
    if len(cells) > width:
        return cells[: width - 1] + ["".join(cells[width - 1 :])]
    # fewer cells: the number and the task come first, a deadline last, units in between
    number, task, *rest = cells + [""] * (2 - min(len(cells), 2))
    fitted = [number, task] + [""] * (width - 2)
    deadline_column = next(
        (i for i, h in enumerate(header) if re.search(r"时限|时间|节点|期限|进度", h)), None
    )
    if rest and deadline_column is not None and is_deadline_phrase(rest[-1]):
        fitted[deadline_column] = rest.pop()
    slots = [i for i in range(2, width) if i != deadline_column and fitted[i] == ""]
    for slot, value in zip(slots, rest, strict=False):
        fitted[slot] = value
    return fitted


def layout(blocks: list[Block], *, from_text: bool = True) -> Layout:
    """Paragraphs and tables of a document, cleaned and joined."""
    result = Layout()
    lines: list[_Line | Table] = []
    for block in blocks:
        if isinstance(block, Table):
            lines.append(block)
            continue
        for raw in block.split("\n"):
            lines.append(_classify(raw, result.meta, result.chrome))
    for index, line in enumerate(lines):
        if isinstance(line, _Line) and line.kind == "text" and _TAIL.match(line.text):
            rest = lines[index + 1 :]
            if not any(isinstance(x, _Line) and x.kind == "text" and match_marker(x.text)
                       for x in rest):  # fmt: skip
                for tail in lines[index:]:
                    if isinstance(tail, _Line) and tail.kind == "text":
                        result.chrome.append(tail.text)
                        tail.kind = "chrome"
            break
    # tables: tab-separated rows, and one-cell-per-line tables under a header run
    grouped: list[_Line | Table] = []
    plain = [x if isinstance(x, _Line) else _Line("", "", "blank") for x in lines]
    index = 0
    while index < len(lines):
        line = lines[index]
        if isinstance(line, _Line) and line.kind == "cells":
            rows = []
            while index < len(lines):
                current = lines[index]
                if isinstance(current, _Line) and current.kind == "cells":
                    rows.append(current.cells)
                    index += 1
                elif isinstance(current, _Line) and current.kind == "blank" and rows:
                    index += 1
                else:
                    break
            if len(rows) >= 2:
                grouped.append(Table(rows))
            else:
                grouped.append(_Line(line.raw, " ".join(c for c in rows[0] if c), "text"))
            continue
        if isinstance(line, _Line) and line.kind == "text":
            width = _is_header_run(plain, index)
            if width:
                found = _cell_table(plain, index, width)
                if found:
                    grouped.append(found[0])
                    index = found[1]
                    continue
        grouped.append(line)
        index += 1
    text_lines = [x for x in grouped if isinstance(x, _Line)]
    wrap = _wrap_width(text_lines) if from_text else None
    uses_indent = sum(1 for x in text_lines if x.kind == "text" and x.indented) >= 3
    current: list[str] = []  # text of the paragraph being built
    last_raw: _Line | None = None
    page_break = saw_blank = False

    outline = OutlineState()

    def flush():
        nonlocal current
        if current:
            for piece in split_glued("".join(current), outline):
                result.items.append(Paragraph(piece))
            current = []

    for item in grouped:
        if isinstance(item, Table):
            flush()
            result.items.append(item)
            last_raw, page_break, saw_blank = None, False, False
            continue
        if item.kind == "page":
            page_break = True
            continue
        if item.kind in ("chrome", "cells"):
            continue
        if item.kind == "blank":
            saw_blank = True
            continue
        text = item.text
        page_break = page_break or item.page_before
        joined = False
        if current and not _starts_item(text):
            previous = current[-1]
            ends = previous.rstrip()[-1:] in PARAGRAPH_END
            if page_break and not ends:
                joined = True  # a sentence broken by a page marker
            elif (
                wrap
                and not saw_blank
                and last_raw is not None
                and (
                    display_width(last_raw.raw.rstrip()) >= wrap[0] - 3
                    or len(last_raw.raw.rstrip()) >= wrap[1] - 1
                )
                and not (uses_indent and item.indented)
                and not (ends and not uses_indent)
            ):
                joined = True  # a line hard-wrapped by a PDF copy
        if joined:
            current[-1] = _join(current[-1], text)
        else:
            flush()
            current = [text]
        last_raw, page_break, saw_blank = item, False, False
    flush()
    return result


def looks_like_signature_unit(text: str) -> bool:
    return len(text) <= 30 and looks_like_unit(text) and not re.search(r"[。，,；;：:]", text)
