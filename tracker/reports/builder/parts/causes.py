"""Part 二's paragraphs on why work fell behind: the causes units and the coordinator stated,
grouped by cause, naming the areas of work they held up — never a list of tasks."""

from __future__ import annotations

from collections import defaultdict

from ..anchoring import place_figures
from ..context import BuildContext
from ..document import Figure, ReportWarning, Sentence
from ..inputs import CauseInfo, TaskInfo
from ..statements import clean_text
from ..text import sentence_end, split_sentences

#: How a report names each of the default causes at the head of its paragraph.
CAUSE_LEADS = {
    "人员力量不足": "干部队伍人员力量不足",
    "专业人才缺乏": "专业法律人才缺乏",
    "经费保障不足": "经费保障不足",
    "上级政策调整": "受上级政策调整影响",
    "部门协调难度大": "部门之间协调难度较大",
}
LATE_OCCASIONS = ("overdue", "late_submission")


def area_of(ctx: BuildContext, task: TaskInfo) -> str:
    """The area of work a task belongs to, as a report names it: the last clause of its top
    section's title ("立足民政职能，开展法治宣传" → "开展法治宣传")."""
    sections = {s.id: s for s in ctx.data.sections}
    section = sections.get(task.section_id)
    while section is not None and section.parent_id in sections:
        section = sections[section.parent_id]
    if section is None:
        return ""
    title = clean_text(section.title).rstrip("。；")
    return title.split("，")[-1].strip()


def areas_phrase(ctx: BuildContext, tasks: list[TaskInfo]) -> str:
    areas: list[str] = []
    of_section: dict[int | None, str] = {}  # a task's area is its section's
    for task in tasks:
        if task.section_id not in of_section:
            of_section[task.section_id] = area_of(ctx, task)
        area = of_section[task.section_id]
        if area and area not in areas:
            areas.append(area)
    if not areas:
        return ""
    return "、".join(areas[:3]) + ("等方面" if len(areas) > 1 else "方面")


def _counted(
    ctx: BuildContext, lead: str, tasks: list[TaskInfo], returned: list[TaskInfo]
) -> Sentence:
    """ "{lead}，{areas}有N项任务未能按期完成、M项任务办理结果被退回。", both counts traced."""
    late = [t for t in tasks if t not in returned]
    clauses, figures = [], []
    if late:
        clauses.append(f"{len(late)}项任务未能按期完成")
        figures.append(Figure("未按期完成任务", len(late), "项", task_ids=_ids(late)))
    if returned:
        clauses.append(f"{len(returned)}项任务办理结果被退回")
        figures.append(Figure("被退回任务", len(returned), "项", task_ids=_ids(returned)))
    areas = areas_phrase(ctx, tasks + returned)
    text = (f"{areas}有" if areas else "有") + "、".join(clauses) + "。"
    if lead:
        text = f"{lead}，{text}"
    sentence = Sentence(text, origin="generated", task_ids=_ids(tasks + returned))
    place_figures(sentence, figures)
    return sentence


def cause_paragraphs(ctx: BuildContext) -> list[list[Sentence]]:
    """One paragraph per cause stated, the most frequent first."""
    groups: dict[str, list[CauseInfo]] = defaultdict(list)
    for cause in ctx.data.causes:
        if cause.task_id is None or _task(ctx, cause) is not None:
            groups[cause.cause].append(cause)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    paragraphs = []
    for label, causes in ordered:
        tasks, returned = [], []
        for cause in causes:
            task = _task(ctx, cause)
            if task is None:
                continue
            bucket = returned if cause.occasion == "returned" else tasks
            if task not in tasks and task not in returned:
                bucket.append(task)
        sentences: list[Sentence] = []
        lead = CAUSE_LEADS.get(label, "" if label == "其他" else label)
        if tasks or returned:
            sentences.append(_counted(ctx, lead, tasks, returned))
        said: list[str] = []
        for cause in causes:
            for text in split_sentences(sentence_end(clean_text(cause.explanation))):
                if text not in said:
                    said.append(text)
                    sentences.append(
                        Sentence(
                            text,
                            origin="statement",
                            task_ids=[cause.task_id] if cause.task_id else [],
                        )
                    )
        remedies = []
        for cause in causes:
            remedy = clean_text(cause.remedy).rstrip("。；，")
            if remedy and remedy not in remedies:
                remedies.append(remedy)
        if remedies:
            sentences.append(
                Sentence(
                    "下一步，" + "；".join(remedies) + "。",
                    origin="statement",
                    task_ids=[c.task_id for c in causes if c.task_id],
                )
            )
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


def _task(ctx: BuildContext, cause: CauseInfo) -> TaskInfo | None:
    task = ctx.by_id.get(cause.task_id) if cause.task_id else None
    if task is not None and task.parent_id is not None:
        return ctx.by_id.get(task.parent_id) or task
    return task


def behind_without_cause(ctx: BuildContext) -> list[Sentence]:
    """Work that fell behind with no cause stated: one sentence of counts by area, and a
    warning asking the coordinator to have the units state why."""
    explained = {t.id for c in ctx.data.causes if (t := _task(ctx, c)) is not None}
    today = ctx.data.today
    unfinished, overdue, late, returned = [], [], [], []
    for task in ctx.top_tasks:
        if task.id in explained or task.status == "cancelled":
            continue
        if task.status in ("assigned", "in_progress", "submitted", "draft"):
            unfinished.append(task)
            if task.due_date and task.due_date < today and task.status != "submitted":
                overdue.append(task)
        elif task.status == "done" and ctx.late_days(task):
            late.append(task)
        if task.returns or any(o.returns for o in ctx.occurrences.get(task.id, [])):
            returned.append(task)
    if not (unfinished or late or returned):
        return []
    clauses, figures = [], []
    if unfinished:
        clause = f"{len(unfinished)}项任务尚未完成"
        figures.append(Figure("尚未完成任务", len(unfinished), "项", task_ids=_ids(unfinished)))
        if overdue:
            clause += f"，其中{len(overdue)}项已超过完成时限"
            figures.append(Figure("超过完成时限的任务", len(overdue), "项", task_ids=_ids(overdue)))
        clauses.append(clause)
    if late:
        clauses.append(f"{len(late)}项任务逾期办结")
        figures.append(Figure("逾期办结任务", len(late), "项", task_ids=_ids(late)))
    if returned:
        clauses.append(f"{len(returned)}项任务办理质量不高、被退回补充")
        figures.append(Figure("被退回任务", len(returned), "项", task_ids=_ids(returned)))
    tasks = list({t.id: t for t in unfinished + late + returned}.values())
    areas = areas_phrase(ctx, tasks)
    text = "部分工作推进不够及时，" + (f"{areas}有" if areas else "有") + "；".join(clauses) + "。"
    sentence = Sentence(text, origin="generated", task_ids=_ids(tasks))
    place_figures(sentence, figures)
    ctx.warnings.append(ReportWarning("causes_missing", "shortcomings", {"count": len(tasks)}))
    return [sentence]


def _ids(tasks: list[TaskInfo]) -> list[int]:
    return [t.id for t in tasks]
