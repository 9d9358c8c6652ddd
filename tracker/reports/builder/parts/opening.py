"""The opening paragraph: the year's work and the plan's results."""

from __future__ import annotations

from ..anchoring import place_figures
from ..context import BuildContext
from ..document import Figure, Paragraph, Part, Sentence


def build_opening(ctx: BuildContext) -> Part:
    d = ctx.data
    live = [t for t in ctx.top_tasks if t.status != "cancelled"]
    done = [t for t in live if t.status == "done"]
    late = [t for t in live if t.status != "done"]
    plan = f"《{d.plan_title}》" + (f"（{d.document_number}）" if d.document_number else "")
    text = (
        f"{ctx.year}年，{d.bureau}深入贯彻落实党中央、国务院关于法治政府建设的决策部署，"
        f"按照{plan}确定的{len(live)}项重点任务，逐项明确牵头单位、责任人和完成时限，"
    )
    if late:
        text += f"全年办结{len(done)}项，{len(late)}项尚未办结。"
    else:
        text += f"{len(done)}项任务全部办结。"
    sentence = Sentence(text, origin="generated", task_ids=[t.id for t in live])
    figures = [
        Figure("工作要点重点任务", len(live), "项", task_ids=[t.id for t in live]),
        Figure("已办结任务", len(done), "项", task_ids=[t.id for t in done]),
    ]
    if late:
        figures.append(Figure("尚未办结任务", len(late), "项", task_ids=[t.id for t in late]))
    place_figures(sentence, figures)
    closing = Sentence(f"现将我局{ctx.year}年度法治政府建设情况报告如下：", origin="fixed")
    return Part("opening", "", "", paragraphs=[Paragraph([sentence, closing])])


# -- 一、 measures and results ----------------------------------------------------------
