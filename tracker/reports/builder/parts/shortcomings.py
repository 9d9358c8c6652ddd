"""Part 二、: shortcomings and causes, from what the data shows was missed."""

from __future__ import annotations

from ..anchoring import place_figures
from ..context import BuildContext
from ..document import Figure, Paragraph, Part, ReportWarning, Sentence
from ..facts import evidence_of
from ..inputs import TaskInfo
from ..text import chinese_date, ordinal, quoted
from ..wording import STEP_WORDS, decision_title


def build_shortcomings(ctx: BuildContext) -> Part:
    part = Part("shortcomings", "二、", "存在的不足和原因")
    today = ctx.data.today
    groups: list[tuple[str, list[Sentence]]] = []

    def label(task: TaskInfo) -> str:
        name = quoted(task.title)
        return f"{name}（{task.lead_unit}牵头）" if task.lead_unit else name

    unfinished, overdue = [], []
    for task in ctx.top_tasks:
        if task.status not in ("assigned", "in_progress", "submitted", "draft"):
            continue
        text = label(task)
        if task.due_date:
            text += f"原定{chinese_date(task.due_date)}前完成，"
        if task.status == "submitted":
            text += "已申请办结，尚待审核"
        else:
            text += f"尚未完成，进度{task.progress}%"
        if task.due_date and task.due_date < today and task.status != "submitted":
            text += f"，已逾期{(today - task.due_date).days}天"
            overdue.append(task.id)
        open_periods = [
            o.period_label
            for o in ctx.occurrences.get(task.id, [])
            if o.status not in ("done", "cancelled") and o.due_date and o.due_date < today
        ]
        if open_periods:
            text += f"，其中{'、'.join(open_periods)}未按期完成"
        unfinished.append(Sentence(text + "。", task_ids=[task.id]))
    if unfinished:
        text = f"部分任务尚未完成，共{len(unfinished)}项"
        if overdue:
            text += f"，其中{len(overdue)}项已超过完成时限"
        intro = Sentence(text + "：", origin="generated")
        intro.task_ids = [i for s in unfinished for i in s.task_ids]
        figures = [Figure("尚未完成任务", len(unfinished), "项", task_ids=intro.task_ids)]
        if overdue:
            figures.append(Figure("超过完成时限的任务", len(overdue), "项", task_ids=overdue))
        place_figures(intro, figures)
        groups.append(("unfinished", [intro, *unfinished]))

    late = []
    for task in ctx.top_tasks:
        days = ctx.late_days(task) if task.status == "done" else 0
        if days:
            late.append(
                Sentence(
                    f"{label(task)}于{chinese_date(task.submitted_on or task.completed_on)}"
                    f"办结，超出完成时限{days}天。",
                    task_ids=[task.id],
                )
            )
    if late:
        groups.append(("late", [Sentence("个别任务逾期办结：", origin="fixed"), *late]))

    returned = []
    for task in ctx.top_tasks + [t for ts in ctx.occurrences.values() for t in ts]:
        if not task.returns:
            continue
        reasons = "；".join(r.note for r in task.returns if r.note)
        text = f"{label(task)}办理结果被退回{len(task.returns)}次"
        text += f"，原因是：{reasons}。" if reasons else "。"
        returned.append(Sentence(text, task_ids=[task.id]))
    if returned:
        groups.append(
            ("returned", [Sentence("部分任务办理质量不高，需退回补充：", "fixed"), *returned])
        )

    missed = []
    for task in ctx.top_tasks:
        if task.target_count is None or task.status == "cancelled":
            continue
        achieved = task.achieved_count or 0
        if achieved >= task.target_count:
            continue
        measure = task.target_measure
        sentence = Sentence(
            f"{label(task)}计划完成{task.target_count}{measure}，实际完成{achieved}{measure}。",
            task_ids=[task.id],
        )
        records = ctx.records_of.get(task.id, [])
        sentence.add_sources(record_ids=[r.id for r in records], evidence_ids=evidence_of(records))
        place_figures(
            sentence,
            [
                Figure("目标数", task.target_count, measure, task_ids=[task.id]),
                Figure(
                    "实际完成数",
                    achieved,
                    measure,
                    record_ids=[r.id for r in records],
                    task_ids=[task.id],
                    evidence_ids=evidence_of(records),
                ),
            ],
        )
        missed.append(sentence)
    if missed:
        groups.append(("missed", [Sentence("部分量化目标尚未完成：", "fixed"), *missed]))

    steps_open = []
    unrectified = []
    for record in ctx.data.records:
        task = ctx.by_id.get(record.task_id)
        if task is None:
            continue
        if record.kind == "decision" and record.attrs.get("open_steps"):
            missing = "、".join(STEP_WORDS[s] for s in record.attrs["open_steps"])
            title = decision_title(record.attrs.get("decision_title", ""))
            steps_open.append(
                Sentence(
                    f"重大行政决策《{title}》尚未履行{missing}程序。",
                    task_ids=[task.id],
                    record_ids=[record.id],
                    evidence_ids=list(record.evidence_ids),
                )
            )
        if (
            record.kind == "inspection"
            and record.attrs.get("problem_count")
            and not record.attrs.get("rectified_on")
        ):
            due = record.attrs.get("rectification_due")
            text = (
                f"对{record.attrs.get('target_organisation', '')}检查发现的"
                f"{record.attrs['problem_count']}个问题尚未整改到位"
            )
            if due and due < today:
                text += f"，已超过整改期限（{chinese_date(due)}）"
            unrectified.append(
                Sentence(
                    text + "。",
                    task_ids=[task.id],
                    record_ids=[record.id],
                    evidence_ids=list(record.evidence_ids),
                )
            )
    if steps_open:
        groups.append(
            ("steps", [Sentence("重大行政决策法定程序履行不够到位：", "fixed"), *steps_open])
        )
    if unrectified:
        groups.append(
            ("rectify", [Sentence("检查发现问题的整改不够及时：", "fixed"), *unrectified])
        )

    cancelled = []
    for task in ctx.top_tasks:
        if task.status == "cancelled":
            reason = f"，原因是：{task.cancel_note}" if task.cancel_note else ""
            cancelled.append(Sentence(f"{label(task)}经研究撤销{reason}。", task_ids=[task.id]))
    if cancelled:
        groups.append(("cancelled", [Sentence("个别任务未能实施：", "fixed"), *cancelled]))

    if groups:
        intro = Sentence(
            f"{ctx.year}年，我局法治政府建设工作取得了一定成效，但对照年度工作要点和法治"
            "政府建设的要求，仍存在一些不足，主要体现在：",
            origin="fixed",
        )
        part.paragraphs.append(Paragraph([intro]))
        for index, (_kind, sentences) in enumerate(groups, 1):
            part.paragraphs.append(Paragraph(sentences, ordinal=ordinal(index)))
    else:
        # nothing in the data fell short: the part still names shortcomings, never "all done"
        part.paragraphs.append(
            Paragraph(
                [
                    Sentence(
                        f"{ctx.year}年，我局法治政府建设工作取得了一定成效，但与法治政府建设的"
                        "要求相比还有一定差距，主要体现在：",
                        origin="fixed",
                    ),
                    Sentence(
                        "【待补充：与法治政府建设要求相比存在的差距及其原因】",
                        origin="placeholder",
                    ),
                ]
            )
        )
        ctx.warnings.append(ReportWarning("write_causes", part.key))
    return part


# -- 三、 the principal leader ------------------------------------------------------------
