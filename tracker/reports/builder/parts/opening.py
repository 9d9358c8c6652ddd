"""The opening paragraph: what guided the year's work (from the plan's own preamble when it
has one), the plan and its results in one sentence, then the formula that opens the report."""

from __future__ import annotations

import re

from ..anchoring import place_figures
from ..context import BuildContext
from ..document import Figure, Paragraph, Part, Sentence
from ..statements import clean_text

#: The guiding clause of a plan's preamble: "以习近平新时代中国特色社会主义思想为指导，…".
_GUIDING = re.compile(r"(?:坚持|全面)?以[^。；]{4,80}?为指导[^。]*")
#: Where a plan's preamble stops: its first numbered heading.
_FIRST_HEADING = re.compile(r"^\s*一、", re.MULTILINE)
#: Words of a plan that do not belong in a report's account of the year.
_PLAN_VOICE = re.compile(
    r"[，,](?:现|特)?(?:制定|提出)(?:如下|本)[^。]*$|[，,]?(?:制定本要点|特制定本要点)$"
)

DEFAULT_FRAMING = (
    "以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党中央、国务院关于法治政府建设的"
    "决策部署，扎实推进法治政府建设"
)


def preamble_framing(source_text: str) -> str:
    """The guiding clause of the plan's preamble (the text before its first heading), as the
    report's framing ("" when the preamble has none)."""
    if not source_text:
        return ""
    match = _FIRST_HEADING.search(source_text)
    preamble = source_text[: match.start()] if match else source_text[:1000]
    guiding = _GUIDING.search(preamble.replace("\n", ""))
    if not guiding:
        return ""
    return _PLAN_VOICE.sub("", clean_text(guiding.group(0))).rstrip("，。；")


def build_opening(ctx: BuildContext) -> Part:
    """The opening: framing, then the plan's tasks (not the principal's duties) counted once."""
    d = ctx.data
    framing = (d.framing or DEFAULT_FRAMING).strip().rstrip("。")
    if not framing.startswith((f"{ctx.year}年", d.bureau, ctx.name)):
        framing = f"{ctx.year}年，{ctx.name}{framing}"
    first = Sentence(clean_text(framing + "。"), origin="fixed")
    live = [t for t in ctx.top_tasks if t.status != "cancelled" and not t.is_principal_duty]
    done = [t for t in live if t.status == "done"]
    plan = f"《{d.plan_title}》" + (f"（{d.document_number}）" if d.document_number else "")
    text = f"印发{plan}，确定重点任务{len(live)}项，"
    figures = [Figure("工作要点重点任务", len(live), "项", task_ids=[t.id for t in live])]
    if len(done) == len(live):
        text += "年内全部办结。"
    elif done:
        text += f"年内办结{len(done)}项。"
        figures.append(Figure("已办结任务", len(done), "项", task_ids=[t.id for t in done]))
    else:
        text += "正在推进落实。"
    results = Sentence(text, origin="generated", task_ids=[t.id for t in live])
    place_figures(results, figures)
    wider = [Sentence(clean_text(text), origin="generated") for text in d.wider_sentences]
    closing = Sentence(f"现将{ctx.we}{ctx.year}年度法治政府建设情况报告如下：", origin="fixed")
    sentences = [first, results, *wider, closing] if live else [first, *wider, closing]
    return Part("opening", "", "", paragraphs=[Paragraph(sentences)])
