"""Part 四、: next year's arrangements from next year's plan, and part 五、 (the coordinator's)."""

from __future__ import annotations

from collections import defaultdict

from ..context import BuildContext
from ..document import Paragraph, Part, ReportWarning, Section, Sentence
from ..inputs import TaskInfo
from ..text import chinese_number, sentence_end, split_sentences, strip_ordinal


def build_arrangements(ctx: BuildContext) -> Part:
    part = Part("arrangements", "四、", f"{ctx.year + 1}年推进法治政府建设的主要安排")
    plan = ctx.data.next_plan
    if plan is None:
        part.paragraphs.append(
            Paragraph(
                [
                    Sentence(
                        f"【待补充：{ctx.year + 1}年法治政府建设工作要点制定后据此生成】",
                        origin="placeholder",
                    )
                ]
            )
        )
        ctx.warnings.append(ReportWarning("no_next_plan", part.key, {"year": ctx.year + 1}))
        return part
    tasks = [t for t in plan.tasks if t.parent_id is None and not t.is_principal_duty]
    known = {s.id for s in plan.sections}
    parent_of = {s.id: s.parent_id for s in plan.sections}

    def top_of(section_id: int | None) -> int | None:
        while section_id is not None and parent_of.get(section_id) in known:
            section_id = parent_of[section_id]
        return section_id if section_id in known else None

    by_top: dict[int | None, list[TaskInfo]] = defaultdict(list)
    for task in tasks:
        by_top[top_of(task.section_id)].append(task)
    groups = [(s.title, by_top.get(s.id, [])) for s in plan.sections if s.parent_id is None]
    if by_top.get(None):
        groups.append(("其他工作", by_top[None]))
    count = 0
    for title, group in groups:
        if not group:
            continue
        count += 1
        heading = f"（{chinese_number(count)}）"
        title = title.strip().rstrip("。")
        sentences = []
        for task in group:
            body = strip_ordinal(task.text) or task.title
            sentences.extend(
                Sentence(s, origin="statement", task_ids=[task.id])
                for s in split_sentences(sentence_end(body))
            )
        lead = f"{heading}{title}。"
        part.sections.append(
            Section(
                number=heading,
                title=title + "。",
                paragraphs=[Paragraph(sentences, lead=lead)],
                source_section_ids=[],
            )
        )
    if not part.sections:
        part.paragraphs.append(
            Paragraph(
                [
                    Sentence(
                        f"【待补充：《{plan.title}》尚无任务】",
                        origin="placeholder",
                    )
                ]
            )
        )
        ctx.warnings.append(ReportWarning("next_plan_empty", part.key, {"title": plan.title}))
    return part


# -- 五、 other matters -------------------------------------------------------------------


def build_other() -> Part:
    return Part("other", "五、", "其他需要报告的情况")
