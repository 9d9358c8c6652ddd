"""Part 一、: measures and results, one （一） per plan section and 一是… per done task."""

from __future__ import annotations

from collections import defaultdict

from ..anchoring import anchor_facts, complement_sentence, fact_sentence, join_sentences
from ..context import BuildContext
from ..document import Paragraph, Part, ReportWarning, Section, Sentence
from ..facts import indicator_facts, record_facts
from ..inputs import SectionInfo, TaskInfo
from ..statements import insertion_point, is_only_done, statement_sentences
from ..text import chinese_number, ordinal

#: Done tasks a section writes as measures of their own (一是, 二是, …); past this many, the
#: tasks whose records or indicators give the report figures are still written (every figure is
#: cited where it was earned), and the others are counted in one closing paragraph that names
#: them in its sources. A plan section of a bureau holds a few dozen tasks at most; a synthetic
#: city plan of 100,000 made a report page of 29 MB (26,780 paragraphs) that took 17 s to show.
MEASURES_PER_SECTION = 30


def _gives_figures(ctx: BuildContext, task: TaskInfo) -> bool:
    return bool(ctx.records_of.get(task.id) or ctx.indicators_of.get(task.id))


def counted_paragraph(tasks: list[TaskInfo]) -> Paragraph:
    """The closing paragraph of a section with more done tasks than it writes one by one."""
    text = f"此外，另有{len(tasks)}项任务已按要求办结，逐项办理情况见年度任务清单。"
    ids = [t.id for t in tasks]
    return Paragraph(sentences=[Sentence(text, origin="generated", task_ids=ids)])


def task_paragraph(ctx: BuildContext, task: TaskInfo, number: str, part_key: str) -> Paragraph:
    """A done task as one measure of its section: the unit's statement made into sentences, the
    ledger's figures anchored where the text writes them, the others stated before the
    paragraph's concluding sentence."""
    statement = task.result_statement
    periods = [o for o in ctx.occurrences.get(task.id, []) if o.status == "done"]
    if is_only_done(statement) and periods:
        # a recurring task is done when its periods are: say so, period by period
        statement = f"{task.title.rstrip('。')}，全年{len(periods)}期均按要求完成"
    texts, only_done = statement_sentences(task.title, statement)
    evidence = list(task.evidence_ids)
    for occurrence in ctx.occurrences.get(task.id, []):
        evidence.extend(e for e in occurrence.evidence_ids if e not in evidence)
    sentences = [
        Sentence(text, origin="statement", task_ids=[task.id], evidence_ids=list(evidence))
        for text in texts
    ]
    records = ctx.records_of.get(task.id, [])
    facts = record_facts(records, ctx.year, ctx.data.advisors)
    facts += indicator_facts(ctx.indicators_of.get(task.id, []), records)
    ctx.facts[part_key].extend(facts)
    left = anchor_facts(sentences, facts)
    if only_done and not left:
        code = "no_result_statement" if not statement.strip() else "thin_result_statement"
        ctx.warnings.append(ReportWarning(code, part_key, task_ids=[task.id]))
    said = "".join(s.text for s in sentences)
    added = []
    for fact in facts:
        extra = complement_sentence(fact, said) if fact not in left else None
        if extra is not None:
            added.append((fact, extra))
            said += extra.text
    for fact in left:
        added.append((fact, fact_sentence(fact, said)))
        said += added[-1][1].text
    if added and only_done and len(sentences) == 1:
        # "健全法律顾问制度。" + "全年咨询法律顾问6次…" read as one sentence: the measure, then
        # what the ledger shows of it
        join_sentences(sentences[0], added.pop(0)[1])
    statements = [s.text for s in sentences]
    placed: dict[int, list[Sentence]] = {}
    for fact, sentence in added:
        placed.setdefault(insertion_point(statements, fact.keywords), []).append(sentence)
    for at in sorted(placed, reverse=True):
        sentences[at:at] = placed[at]
    return Paragraph(sentences=sentences, ordinal=number)


def build_measures(ctx: BuildContext) -> Part:
    title = f"{ctx.year}年推进法治政府建设的主要举措和成效"
    part = Part("measures", "一、", title)
    done = [t for t in ctx.top_tasks if t.status == "done" and not t.is_principal_duty]
    by_section: dict[int | None, list[TaskInfo]] = defaultdict(list)
    for task in done:
        by_section[task.section_id].append(task)
    known = {s.id for s in ctx.data.sections}
    children: dict[int | None, list[SectionInfo]] = defaultdict(list)
    for section in ctx.data.sections:
        children[section.parent_id if section.parent_id in known else None].append(section)

    def subtree_ids(section: SectionInfo) -> list[int]:
        ids = [section.id]
        for child in children.get(section.id, []):
            ids.extend(subtree_ids(child))
        return ids

    def paragraphs_for(tasks: list[TaskInfo]) -> list[Paragraph]:
        written, counted = [], []
        for task in tasks:
            if len(written) < MEASURES_PER_SECTION or _gives_figures(ctx, task):
                written.append(task)
            else:
                counted.append(task)
        numbered = len(tasks) > 1
        paragraphs = [
            task_paragraph(ctx, t, ordinal(i) if numbered else "", part.key)
            for i, t in enumerate(written, 1)
        ]
        if counted:
            paragraphs.append(counted_paragraph(counted))
        return paragraphs

    count = 0
    for top in children.get(None, []):
        own = by_section.get(top.id, [])
        subs = []
        for child in children.get(top.id, []):
            tasks = [t for sid in subtree_ids(child) for t in by_section.get(sid, [])]
            if tasks:
                subs.append((child, tasks))
        if not own and not subs:
            if any(t.section_id in subtree_ids(top) for t in ctx.top_tasks):
                ctx.warnings.append(
                    ReportWarning("section_without_results", part.key, {"section": top.title})
                )
            continue
        count += 1
        section = Section(
            number=f"（{chinese_number(count)}）",
            title=top.title.strip().rstrip("。"),
            paragraphs=paragraphs_for(own),
            source_section_ids=subtree_ids(top),
        )
        for index, (child, tasks) in enumerate(subs, 1):
            section.subsections.append(
                Section(
                    number=f"{index}.",
                    title=child.title.strip().rstrip("。"),
                    paragraphs=paragraphs_for(tasks),
                    depth=2,
                    source_section_ids=subtree_ids(child),
                )
            )
        part.sections.append(section)
    loose = [t for t in by_section.get(None, [])] + [
        t
        for sid, tasks in by_section.items()
        if sid is not None and sid not in known
        for t in tasks
    ]
    if loose:
        count += 1
        part.sections.append(
            Section(
                number=f"（{chinese_number(count)}）",
                title="其他工作",
                paragraphs=paragraphs_for(loose),
            )
        )
    if not part.sections:
        part.paragraphs.append(
            Paragraph([Sentence(f"【待补充：{ctx.year}年尚无办结的任务】", origin="placeholder")])
        )
        ctx.warnings.append(ReportWarning("no_done_tasks", part.key))
    return part


# -- 二、 shortcomings --------------------------------------------------------------------
