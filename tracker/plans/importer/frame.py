"""The frame around a plan: red header, document number, 通知 wrapper, title, introduction,
signature blocks (unit and date), 版记 and attachment markers. What is left is the body."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.importer.layout import Layout, Paragraph, looks_like_signature_unit
from tracker.plans.importer.model import Skipped
from tracker.plans.importer.outline import match_marker
from tracker.plans.importer.patterns import compact
from tracker.plans.importer.readers import Table

DOCUMENT_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,14}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*(?:第\s*)?\d{1,4}\s*号"
)
_DATE = (
    r"(?:(?:(?:19|20)\d{2}|二[〇○零][一二三四五六七八九〇○零]{2})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})"
    r"\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
    r"|(?:19|20)\d{2}\s*[.．/\-－]\s*\d{1,2}\s*[.．/\-－]\s*\d{1,2})"
)
_DATE_LINE = re.compile(rf"^{_DATE}$")
#: A signature on one line: 忻州市民政局　2020年3月1日
_UNIT_AND_DATE = re.compile(rf"^(?P<unit>\S.{{1,30}}?)\s+{_DATE}$")
_IMPRINT = re.compile(
    r"^(?:抄送|抄报|主送|报送|分送|发送|送)\s*[:：]|印发$|^（?\(?此件[^）)]{0,12}[）)]?$|^[（(]联系人"
    r"|^[（(]此页无正文[）)]$"
)
_RED_HEADER = re.compile(r"^[\u4e00-\u9fff（）()、\s]{2,40}(?:文件|简报|通报|公报|通知)$")
_NOTICE = re.compile(r"关于(?:印发|转发|下发|公布|发布|印送)(?P<name>.+?)的(?:通知|函)$")
_ATTACHMENT = re.compile(
    r"^附\s*[件表]\s*[0-9０-９一二三四五六七八九十]*\s*(?:[:：]\s*(?P<rest>.*))?$"
)
TITLE_WORDS = re.compile(
    r"要点|计划|方案|安排|意见|规划|分工|清单|措施|任务|办法|细则|举措|台账|责任书|目标"
)


@dataclass
class Break:
    """The body is interrupted (a signature, an attachment): no paragraph continues across it."""

    reason: str


@dataclass
class Frame:
    title: str | None = None
    document_number: str | None = None
    items: list[Paragraph | Table | Break] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: Table captions (the title line just above a table), by position in `items`.
    captions: dict[int, str] = field(default_factory=dict)


def is_title_like(text: str) -> bool:
    return (
        4 <= len(text) <= 70
        and not re.search(r"[。；;]", text)
        and TITLE_WORDS.search(text) is not None
        and match_marker(text) is None
        and not _DATE_LINE.match(text)
        and not DOCUMENT_NUMBER.fullmatch(text)
        and not text.endswith(("：", ":"))
    )


def _notice_name(text: str) -> str | None:
    match = _NOTICE.search(text)
    if not match:
        return None
    name = match.group("name").strip()
    quoted = re.search(r"《(.+)》", name)
    return (quoted.group(1) if quoted else name).strip()


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _same_title(line: str, title: str) -> bool:
    if len(line) > 2 * len(title) + 40 and len(_HAN.findall(line)) > len(title) + 8:
        return False  # a paragraph far longer than the title (compact() keeps every 汉字)
    a, b = compact(line), compact(title)
    return bool(a) and (a == b or (b in a and len(a) <= len(b) + 8) or (a in b and len(a) >= 8))


def frame(layout: Layout) -> Frame:
    """Separate the body from what surrounds it."""
    result = Frame()
    meta = layout.meta
    title = (meta.get("标题") or meta.get("名称") or "").strip() or None
    number = (meta.get("发文字号") or meta.get("文号") or "").strip() or None
    items = list(layout.items)

    def para(index: int) -> str | None:
        item = items[index]
        return item.text if isinstance(item, Paragraph) else None

    # the 通知 wrapper: from its title to the plan's own title line or the notice's signature
    body_start = 0
    notice_at = next(
        (i for i in range(min(len(items), 40)) if para(i) and _notice_name(para(i) or "")), None
    )
    if notice_at is not None:
        name = _notice_name(para(notice_at) or "")
        if name and TITLE_WORDS.search(name) and not title:
            title = name
        body_start = None
        for index in range(notice_at + 1, len(items)):
            text = para(index)
            if text and title and _same_title(text, title) and is_title_like(text):
                body_start = index + 1
                break
        if body_start is None:
            for index in range(notice_at + 1, len(items)):
                text = para(index)
                if text and _DATE_LINE.match(text):
                    body_start = index + 1
                    while body_start < len(items) and _IMPRINT.search(para(body_start) or "-"):
                        body_start += 1
                    break
        if body_start is None:
            body_start = next(
                (i for i in range(notice_at + 1, len(items)) if match_marker(para(i) or "")),
                notice_at + 1,
            )
        for index in range(body_start):
            text = para(index)
            if text is None:
                continue
            found = DOCUMENT_NUMBER.search(text)
            if found and not number and len(text) <= 40:
                number = found.group(0)
            result.skipped.append(Skipped("notice", text))

    first_structure = next(
        (
            i
            for i in range(body_start, len(items))
            if isinstance(items[i], Table) or match_marker(para(i) or "")
        ),
        None,
    )
    body: list[Paragraph | Table | Break] = []
    after_break = False
    for index in range(body_start, len(items)):
        item = items[index]
        if isinstance(item, Table):
            caption = next(
                (
                    b.text
                    for b in reversed(body[-3:])
                    if isinstance(b, Paragraph) and is_title_like(b.text)
                ),
                None,
            )
            if caption:
                result.captions[len(body)] = caption
            body.append(item)
            after_break = False
            continue
        text = item.text
        before_structure = first_structure is None or index < first_structure
        signed = _UNIT_AND_DATE.match(text)
        if (
            _DATE_LINE.match(text)
            or (signed and looks_like_signature_unit(signed.group("unit").strip()))
            or (re.search(r"\d{4}\s*年.*日\s*印发$", text) and len(text) <= 60)
        ):
            # a signature: the date, and the unit names just above it (several when jointly issued)
            popped = 0
            while (
                popped < 3
                and body
                and isinstance(body[-1], Paragraph)
                and looks_like_signature_unit(body[-1].text)
            ):
                result.skipped.append(Skipped("signature", body.pop().text))
                popped += 1
            result.skipped.append(Skipped("signature", text))
            body.append(Break("signature"))
            after_break = True
            continue
        if _IMPRINT.search(text):
            result.skipped.append(Skipped("imprint", text))
            continue
        found = DOCUMENT_NUMBER.fullmatch(text.strip())
        if found and index < body_start + 15:
            number = number or found.group(0)
            result.skipped.append(Skipped("document_number", text))
            continue
        if index < body_start + 6 and _RED_HEADER.match(text) and before_structure:
            result.skipped.append(Skipped("header", text))
            continue
        attachment = _ATTACHMENT.match(text)
        if attachment and len(text) <= 80:
            result.skipped.append(Skipped("attachment", text))
            body.append(Break("attachment"))
            rest = re.sub(
                r"^[0-9０-９]+\s*[.．、]\s*", "", (attachment.group("rest") or "").strip()
            )
            rest = re.sub(r"\.(?:docx?|pdf|xlsx?|wps)$", "", rest, flags=re.I)
            if rest and is_title_like(rest):
                body.append(Break("caption:" + rest))
            after_break = True
            continue
        if title and _same_title(text, title) and is_title_like(text):
            result.skipped.append(Skipped("title", text))
            continue
        if before_structure and first_structure is not None and not after_break:
            if title is None and is_title_like(text):
                previous = result.skipped[-1] if result.skipped else None
                if (
                    previous is not None
                    and previous.reason in ("intro", "header")
                    and len(previous.text) <= 30
                    and not re.search(r"[。，,；;：:]", previous.text)
                    and not body
                    and para(index - 1) == previous.text
                ):
                    # a title set on two lines: XX市2021年法治政府建设 / 工作要点
                    text = previous.text + text
                    result.skipped.pop()
                title = text
                result.skipped.append(Skipped("title", text))
                continue
            if (
                title is not None
                and result.skipped
                and result.skipped[-1].reason == "title"
                and result.skipped[-1].text == title
                and len(text) <= 20
                and is_title_like(title + text)
                and not re.search(r"[，,。]", text)
                and not body
            ):
                # a title set on two lines
                title = title + text
                result.skipped[-1] = Skipped("title", title)
                continue
            if title is None and len(text) <= 40 and looks_like_signature_unit(text) and not body:
                result.skipped.append(Skipped("header", text))
                continue
            result.skipped.append(Skipped("intro", text))
            continue
        if after_break and not match_marker(text):
            # between a signature or attachment mark and the next outline item or table
            if title is None and is_title_like(text):
                title = text
            result.skipped.append(Skipped("attachment", text))
            if is_title_like(text):
                body.append(Break("caption:" + text))
            continue
        after_break = False
        body.append(item)
    # a signature after the last item with no date under it: 忻州市民政局 is no task's text
    while (
        body
        and isinstance(body[-1], Paragraph)
        and first_structure is not None
        and looks_like_signature_unit(body[-1].text)
        and match_marker(body[-1].text) is None
    ):
        result.skipped.append(Skipped("signature", body.pop().text))
    # captions recorded through Break("caption:…") just before a table
    for position, item in enumerate(body):
        if isinstance(item, Table) and position not in result.captions:
            for previous in reversed(body[max(0, position - 3) : position]):
                if isinstance(previous, Break) and previous.reason.startswith("caption:"):
                    result.captions[position] = previous.reason[len("caption:") :]
                    break
    if number is None:
        for item in items[: max(body_start, 0) + 12]:
            if isinstance(item, Paragraph):
                found = DOCUMENT_NUMBER.search(item.text)
                if found and len(item.text) <= 40:
                    number = found.group(0)
                    break
    result.title = title
    result.document_number = number
    result.items = body
    return result
