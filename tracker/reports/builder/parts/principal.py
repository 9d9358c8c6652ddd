"""Part 三、: how the principal leader fulfilled the duties of the first responsible person."""

from __future__ import annotations

from ..anchoring import anchor_facts, fact_sentence, join_sentences, place_figures
from ..context import BuildContext
from ..document import Paragraph, Part, ReportWarning, Sentence
from ..facts import Fact, record_facts, session_facts
from ..inputs import RecordInfo
from ..statements import mentions, statement_sentences
from ..wording import SESSION_WORDS


def duty_material(ctx: BuildContext) -> tuple[list[Sentence], list[Fact], list[Sentence]]:
    """What the principal's finished duties say: their statements' sentences, the facts of
    their records (sessions apart), and the sentences that only restate a duty's title."""
    sentences: list[Sentence] = []
    facts: list[Fact] = []
    titles: list[Sentence] = []  # duties whose statement only says "done"
    for task in (t for t in ctx.top_tasks if t.is_principal_duty and t.status == "done"):
        texts, only_done = statement_sentences(task.title, task.result_statement)
        shaped = [
            Sentence(
                s, origin="statement", task_ids=[task.id], evidence_ids=list(task.evidence_ids)
            )
            for s in texts
        ]
        sentences.extend(shaped)
        if only_done:
            titles.extend(shaped)
        facts += record_facts(
            ctx.records_of.get(task.id, []),
            ctx.year,
            ctx.data.advisors,
            skip_kinds=("study_session",),
        )
    return sentences, facts, titles


def principal_sessions(ctx: BuildContext) -> list[RecordInfo]:
    """Study sessions the principal chaired, or held under one of the principal's duties."""
    duty_ids = {t.id for t in ctx.top_tasks if t.is_principal_duty}
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
    return sessions


def joined_facts(facts: list[Fact]) -> Sentence:
    """Facts no statement cites, as one sentence ("年内主持…、参加…。"), figures traced."""
    phrases = [fact_sentence(fact).text.removeprefix("年内").rstrip("。") for fact in facts]
    sentence = Sentence("年内" + "、".join(phrases) + "。", origin="generated")
    for fact in facts:
        place_figures(sentence, fact.figures)
        sentence.add_sources(**fact.sources())
    return sentence


def build_principal(ctx: BuildContext) -> Part:
    part = Part("principal", "三、", "党政主要负责人履行推进法治建设第一责任人职责情况")
    sentences, facts, titles = duty_material(ctx)
    facts += session_facts(principal_sessions(ctx), ctx.year, principal=True)
    ctx.facts[part.key].extend(facts)
    left = anchor_facts(sentences, facts)
    if left:
        extra = joined_facts(left)
        sentences.append(extra)
        # a duty's title that the sessions' sentence says again ("主持党组中心组学习会")
        sentences = [
            s for s in sentences if s not in titles or not mentions(extra.text, s.text.rstrip("。"))
        ]
    if not sentences:
        sentences.append(
            Sentence(
                "【待补充：主要负责人履行推进法治建设第一责任人职责的情况】",
                origin="placeholder",
            )
        )
        ctx.warnings.append(ReportWarning("no_principal_duties", part.key))
    part.paragraphs.append(Paragraph(flowing(sentences)))
    open_duties = [t for t in ctx.top_tasks if t.is_principal_duty and t.status != "done"]
    if open_duties:
        ctx.warnings.append(
            ReportWarning("principal_duties_open", part.key, task_ids=[t.id for t in open_duties])
        )
    return part


# -- 四、 next year -------------------------------------------------------------------------


_SESSION_NAMES = {name for _verb, name, _position in SESSION_WORDS.values()}


def _is_session(sentence: Sentence) -> bool:
    return any(f.label in _SESSION_NAMES for f in sentence.figures)


def _is_bare(sentence: Sentence) -> bool:
    """A session count and nothing else ("参加机关集体学习12次。")."""
    return "，" not in sentence.text and "；" not in sentence.text


def flowing(sentences: list[Sentence]) -> list[Sentence]:
    """The principal's part as the seed writes it: what was issued and planned, then the
    sessions joined into it — counts with what they did separated by "；", bare counts by "、"
    ("…；参加机关集体学习12次、组织交流研讨5次、开展主题党日和警示教育14次，在…")."""
    out: list[Sentence] = []
    previous_bare = False
    for sentence in sentences:
        if not out or not _is_session(sentence):
            out.append(sentence)
            previous_bare = False
            continue
        last = out[-1]
        bare = _is_bare(sentence)
        if previous_bare and sentence.text[:2] != "年内":
            separator = "、"
        elif _is_session(last):
            separator = "；"
        else:
            separator = "，"
        if separator != "，" and "年内" in last.text and sentence.text.startswith("年内"):
            sentence.text = sentence.text.removeprefix("年内")
            for figure in sentence.figures:
                if figure.span:
                    figure.span = (figure.span[0] - 2, figure.span[1] - 2)
        join_sentences(last, sentence, separator)
        last.origin = "statement" if "statement" in (last.origin, sentence.origin) else last.origin
        previous_bare = bare
    return out
