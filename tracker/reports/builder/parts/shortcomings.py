"""Part 二、: shortcomings and causes, from the causes stated during the year and what the data
shows was missed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..anchoring import place_figures
from ..context import BuildContext
from ..document import Figure, Paragraph, Part, ReportWarning, Sentence
from ..facts import evidence_of
from ..inputs import RecordInfo, TaskInfo
from ..text import chinese_date, ordinal, quoted
from ..wording import STEP_WORDS, decision_title
from .causes import behind_without_cause, cause_paragraphs

T = TypeVar("T")

#: Items one shortcoming names one by one (a cancelled task, a decision missing steps, …); past
#: this many, one sentence counts the others and names them all in its sources. A synthetic
#: plan of 100,000 tasks listed 13,304 cancelled tasks in one paragraph.
LISTED_PER_SHORTCOMING = 30


def _listed(
    items: Sequence[T],
    sentence_of: Callable[[T], Sentence],
    rest: str,
    label: str,
    unit: str,
) -> list[Sentence]:
    """A sentence for each of the first items, then one counting the others: `rest` has an {n}
    slot. The others' sentences are made one at a time, only for their sources: 13,304
    cancelled tasks' sentences, all made before the list was cut, were 11 MB of a 100,000-task
    report's peak."""
    sentences = [sentence_of(item) for item in items[:LISTED_PER_SHORTCOMING]]
    others = items[LISTED_PER_SHORTCOMING:]
    if not others:
        return sentences
    ids: dict[str, dict[int, None]] = {"task_ids": {}, "record_ids": {}, "evidence_ids": {}}
    for item in others:
        sentence = sentence_of(item)
        for attr, seen in ids.items():
            seen.update(dict.fromkeys(getattr(sentence, attr)))
    counted = Sentence(
        rest.format(n=len(others)),
        origin="generated",
        task_ids=list(ids["task_ids"]),
        record_ids=list(ids["record_ids"]),
        evidence_ids=list(ids["evidence_ids"]),
    )
    figure = Figure(
        label,
        len(others),
        unit,
        task_ids=list(counted.task_ids),
        record_ids=list(counted.record_ids),
        evidence_ids=list(counted.evidence_ids),
    )
    place_figures(counted, [figure])
    return [*sentences, counted]


def build_shortcomings(ctx: BuildContext) -> Part:
    part = Part("shortcomings", "二、", "存在的不足和原因")
    today = ctx.data.today
    groups: list[tuple[str, list[Sentence]]] = []

    def label(task: TaskInfo) -> str:
        return quoted(task.title)

    # why work fell behind, by cause; then what fell behind with no cause stated yet
    for sentences in cause_paragraphs(ctx):
        groups.append(("cause", sentences))
    behind = behind_without_cause(ctx)
    if behind:
        groups.append(("behind", behind))

    def missed_sentence(task: TaskInfo) -> Sentence:
        achieved = task.achieved_count or 0
        measure = task.target_measure
        sentence = Sentence(
            f"{label(task)}计划完成{task.target_count}{measure}，实际完成{achieved}{measure}。",
            task_ids=[task.id],
        )
        records = ctx.records_of.get(task.id, [])
        record_ids, evidence_ids = [r.id for r in records], evidence_of(records)
        sentence.add_sources(record_ids=record_ids, evidence_ids=evidence_ids)
        place_figures(
            sentence,
            [
                Figure("目标数", task.target_count, measure, task_ids=[task.id]),
                Figure(
                    "实际完成数",
                    achieved,
                    measure,
                    record_ids=record_ids,
                    task_ids=[task.id],
                    evidence_ids=evidence_ids,
                ),
            ],
        )
        return sentence

    missed = _listed(
        [
            task
            for task in ctx.top_tasks
            if task.target_count is not None
            and task.status != "cancelled"
            and (task.achieved_count or 0) < task.target_count
        ],
        missed_sentence,
        "另有{n}项任务的量化目标尚未完成，逐项情况见年度任务清单。",
        "量化目标尚未完成的其他任务",
        "项",
    )
    if missed:
        groups.append(("missed", [Sentence("部分量化目标尚未完成：", "fixed"), *missed]))

    def steps_sentence(pair: tuple[RecordInfo, TaskInfo]) -> Sentence:
        record, task = pair
        missing = "、".join(STEP_WORDS[s] for s in record.attrs["open_steps"])
        title = decision_title(record.attrs.get("decision_title", ""))
        return Sentence(
            f"重大行政决策《{title}》尚未履行{missing}程序。",
            task_ids=[task.id],
            record_ids=[record.id],
            evidence_ids=list(record.evidence_ids),
        )

    def rectify_sentence(pair: tuple[RecordInfo, TaskInfo]) -> Sentence:
        record, task = pair
        due = record.attrs.get("rectification_due")
        text = (
            f"对{record.attrs.get('target_organisation', '')}检查发现的"
            f"{record.attrs['problem_count']}个问题尚未整改到位"
        )
        if due and due < today:
            text += f"，已超过整改期限（{chinese_date(due)}）"
        return Sentence(
            text + "。",
            task_ids=[task.id],
            record_ids=[record.id],
            evidence_ids=list(record.evidence_ids),
        )

    decisions, inspections = [], []
    for record in ctx.data.records:
        task = ctx.by_id.get(record.task_id)
        if task is None:
            continue
        if record.kind == "decision" and record.attrs.get("open_steps"):
            decisions.append((record, task))
        if (
            record.kind == "inspection"
            and record.attrs.get("problem_count")
            and not record.attrs.get("rectified_on")
        ):
            inspections.append((record, task))
    steps_open = _listed(
        decisions,
        steps_sentence,
        "另有{n}项重大行政决策尚未履行全部法定程序，逐项情况见重大行政决策台账。",
        "尚未履行全部法定程序的其他重大行政决策",
        "项",
    )
    unrectified = _listed(
        inspections,
        rectify_sentence,
        "另有{n}次检查发现的问题尚未整改到位，逐项情况见行政执法检查台账。",
        "问题尚未整改到位的其他检查",
        "次",
    )
    if steps_open:
        groups.append(
            ("steps", [Sentence("重大行政决策法定程序履行不够到位：", "fixed"), *steps_open])
        )
    if unrectified:
        groups.append(
            ("rectify", [Sentence("检查发现问题的整改不够及时：", "fixed"), *unrectified])
        )

    def cancelled_sentence(task: TaskInfo) -> Sentence:
        reason = f"，原因是：{task.cancel_note}" if task.cancel_note else ""
        return Sentence(f"{label(task)}经研究撤销{reason}。", task_ids=[task.id])

    cancelled = _listed(
        [task for task in ctx.top_tasks if task.status == "cancelled"],
        cancelled_sentence,
        "另有{n}项任务经研究撤销，逐项原因见年度任务清单。",
        "经研究撤销的其他任务",
        "项",
    )
    if cancelled:
        groups.append(("cancelled", [Sentence("个别任务未能实施：", "fixed"), *cancelled]))

    if groups:
        intro = Sentence(
            f"{ctx.year}年，{ctx.we}法治政府建设工作取得了一定成效，但对照年度工作要点和法治"
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
                        f"{ctx.year}年，{ctx.we}法治政府建设工作取得了一定成效，但与法治政府建设的"
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
