"""Part 三、: how the principal leader fulfilled the duties of the first responsible person."""

from __future__ import annotations

from ..anchoring import anchor_facts, fact_sentence, place_figures
from ..context import BuildContext
from ..document import Paragraph, Part, ReportWarning, Sentence
from ..facts import Fact, record_facts, session_facts
from ..text import sentence_end, split_sentences, strip_ordinal


def build_principal(ctx: BuildContext) -> Part:
    part = Part("principal", "三、", "党政主要负责人履行推进法治建设第一责任人职责情况")
    duties = [t for t in ctx.top_tasks if t.is_principal_duty and t.status == "done"]
    duty_ids = {t.id for t in ctx.top_tasks if t.is_principal_duty}
    sentences: list[Sentence] = []
    facts: list[Fact] = []
    for task in duties:
        statement = strip_ordinal(task.result_statement) or task.title
        sentences.extend(
            Sentence(
                s, origin="statement", task_ids=[task.id], evidence_ids=list(task.evidence_ids)
            )
            for s in split_sentences(sentence_end(statement))
        )
        facts += record_facts(
            ctx.records_of.get(task.id, []),
            ctx.year,
            ctx.data.advisors,
            skip_kinds=("study_session",),
        )
    sessions = []
    for record in ctx.data.records:
        if record.kind != "study_session" or record.task_id not in ctx.by_id:
            continue
        root = ctx.by_id[record.task_id].parent_id or record.task_id
        chaired = record.attrs.get("chaired_by_id") in ctx.data.principal_ids or (
            record.attrs.get("chaired_by_name") in ctx.data.principal_names
            and record.attrs.get("chaired_by_name")
        )
        if chaired or root in duty_ids:
            sessions.append(record)
    facts += session_facts(sessions, ctx.year, principal=True)
    ctx.facts[part.key].extend(facts)
    left = anchor_facts(sentences, facts)
    if left:
        phrases = []
        extra = Sentence("", origin="generated")
        for fact in left:
            generated = fact_sentence(fact)
            phrases.append(generated.text.removeprefix("年内").rstrip("。"))
        extra.text = "年内" + "，".join(phrases) + "。"
        for fact in left:
            place_figures(extra, fact.figures)
            extra.add_sources(**fact.sources())
        sentences.append(extra)
    if not sentences:
        sentences.append(
            Sentence(
                "【待补充：主要负责人履行推进法治建设第一责任人职责的情况】",
                origin="placeholder",
            )
        )
        ctx.warnings.append(ReportWarning("no_principal_duties", part.key))
    part.paragraphs.append(Paragraph(sentences))
    open_duties = [t for t in ctx.top_tasks if t.is_principal_duty and t.status != "done"]
    if open_duties:
        ctx.warnings.append(
            ReportWarning("principal_duties_open", part.key, task_ids=[t.id for t in open_duties])
        )
    return part


# -- 四、 next year -------------------------------------------------------------------------
