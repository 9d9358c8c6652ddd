"""The principal's 述法 report (领导干部述法报告 of the 第一责任人): how the bureau's principal
leader studied and used the law, fulfilled the first responsible person's duties, and decided by
law; what fell short and what comes next. Built from the same data as the annual report (the
duty list, the sessions chaired, the major decisions and legality reviews, the recorded causes,
next year's plan), every figure traced the same way; the annual report's edits do not apply."""

from __future__ import annotations

from dataclasses import replace

from ..anchoring import anchor_facts, fact_sentence, place_figures
from ..context import BuildContext
from ..document import Figure, Paragraph, Part, Report, ReportWarning, Sentence
from ..edits import finish
from ..facts import decision_facts, document_review_facts, session_facts
from ..inputs import ReportInput
from .principal import duty_material, flowing, joined_facts, principal_sessions
from .shortcomings import build_shortcomings

REGULATION = "《党政主要负责人履行推进法治建设第一责任人职责规定》"


def _placeholder(ctx: BuildContext, part: Part, what: str) -> None:
    part.paragraphs.append(Paragraph([Sentence(f"【待补充：{what}】", origin="placeholder")]))
    ctx.warnings.append(ReportWarning("statement_part_empty", part.key, {"what": what}))


def _study_and_duties(ctx: BuildContext) -> tuple[Part, Part]:
    """一、 the sessions the principal chaired or attended; 二、 the duties. The duties'
    statements often tell the sessions too: each sentence goes to the part its figures belong
    to, so no count is said twice and every one stays traced."""
    study = Part("study", "一、", "带头尊法学法守法用法情况")
    duties = Part("duties", "二、", "履行推进法治建设第一责任人职责情况")
    sentences, duty_facts, _titles = duty_material(ctx)
    sessions = session_facts(principal_sessions(ctx), ctx.year, principal=True)
    ctx.facts[study.key].extend(sessions)
    ctx.facts[duties.key].extend(duty_facts)
    left = anchor_facts(sentences, duty_facts + sessions)
    session_labels = {figure.label for fact in sessions for figure in fact.figures}
    told = [s for s in sentences if any(f.label in session_labels for f in s.figures)]
    rest = [s for s in sentences if s not in told]
    left_sessions = [fact for fact in left if fact in sessions]
    if left_sessions:
        told.append(joined_facts(left_sessions))
    if left_duties := [fact for fact in left if fact not in sessions]:
        rest.append(joined_facts(left_duties))
    if told:
        study.paragraphs.append(Paragraph(flowing(told)))
    else:
        _placeholder(ctx, study, "本人主持或参加的集体学法、法治讲座等")
    if rest:
        duties.paragraphs.append(Paragraph(rest))
    else:
        _placeholder(ctx, duties, "本人部署、推进、督促法治建设的情况")
    return study, duties


def _decisions(ctx: BuildContext) -> Part:
    part = Part("decisions", "三、", "坚持依法决策情况")
    records = [r for r in ctx.data.records if r.task_id in ctx.by_id]
    facts = decision_facts([r for r in records if r.kind == "decision"], ctx.year)
    facts += document_review_facts([r for r in records if r.kind == "document_review"], ctx.year)
    ctx.facts[part.key].extend(facts)
    if facts:
        sentences = [fact_sentence(fact) for fact in facts]
        lead = "坚持重大事项集体讨论决定。"
        part.paragraphs.append(Paragraph([Sentence(lead, origin="generated"), *sentences]))
    else:
        _placeholder(ctx, part, "本人主持作出的重大行政决策及其法定程序")
    return part


def _next_steps(ctx: BuildContext) -> Part:
    """What fell short (the annual report's 二、, from the recorded causes), then what the
    principal takes on next year: next year's plan's duties of the first responsible person."""
    part = Part("next_steps", "四、", "存在的不足和下一步打算")
    part.paragraphs.extend(build_shortcomings(ctx).paragraphs)
    plan = ctx.data.next_plan
    if plan is None:
        return part
    duties = [t for t in plan.tasks if t.parent_id is None and t.is_principal_duty]
    tasks = [t for t in plan.tasks if t.parent_id is None and not t.is_principal_duty]
    if not (duties or tasks):
        return part
    sentence = Sentence(f"{plan.year}年，本人将", origin="generated")
    if tasks:
        sentence.text += f"带头抓好《{plan.title}》确定的{len(tasks)}项重点任务的落实"
        place_figures(
            sentence, [Figure("重点任务", len(tasks), "项", task_ids=[t.id for t in tasks])]
        )
    if duties:
        titles = "，".join(t.title.strip().rstrip("。") for t in duties)
        sentence.text += ("，" if tasks else "") + titles
        sentence.task_ids.extend(t.id for t in duties)
    sentence.text += "，切实履行推进法治建设第一责任人职责。"
    part.paragraphs.append(Paragraph([sentence]))
    return part


def build_statement_report(data: ReportInput) -> Report:
    """The principal's 述法 report for the plan's year."""
    ctx = BuildContext(replace(data, edits={}))
    name = min(data.principal_names) if data.principal_names else ""
    opening = Part("opening", "", "")
    opening.paragraphs.append(
        Paragraph(
            [
                Sentence(
                    f"根据{REGULATION}和年度述法工作安排，现将本人{ctx.year}年度履行推进法治建设"
                    "第一责任人职责、带头尊法学法守法用法情况报告如下：",
                    origin="generated",
                )
            ]
        )
    )
    study, duties = _study_and_duties(ctx)
    parts = [
        finish(ctx, study),
        finish(ctx, duties),
        finish(ctx, _decisions(ctx)),
        finish(ctx, _next_steps(ctx)),
    ]
    if not name:
        ctx.warnings.append(ReportWarning("no_principal", "opening"))
    return Report(
        plan_id=data.plan_id,
        year=ctx.year,
        bureau=data.bureau,
        title=f"{data.bureau}主要负责人{ctx.year}年度述法报告",
        opening=finish(ctx, opening),
        parts=parts,
        signatory=name or data.bureau,
        signed_on=data.signed_on or data.today,
        warnings=ctx.warnings,
    )
