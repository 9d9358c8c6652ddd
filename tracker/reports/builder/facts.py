"""Facts per record kind: the figures a task's records prove, and the sentence that states them
when the task's own text does not."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from .document import Figure
from .inputs import AdvisorInfo, IndicatorInfo, RecordInfo
from .text import clean_number, keywords_of, number_text
from .wording import (
    CATEGORY_WORDS,
    INDICATOR_WORDS,
    INSPECTION_WORDS,
    SESSION_ORDER,
    SESSION_WORDS,
    STEP_WORDS,
    decision_title,
    session_phrase,
)


@dataclass
class Fact:
    """Figures drawn from records, and the sentence that states them when the text does not."""

    figures: list[Figure]
    sentence: str
    keywords: set[str] = field(default_factory=set)
    #: Shorter wordings for a paragraph that already says part of the sentence: (what the
    #: paragraph says, the sentence without it), e.g. who was engaged as legal advisor.
    briefer: list[tuple[str, str]] = field(default_factory=list)
    #: When the text cites the main figure but not all of the rest: (figure label, the clause
    #: that states it, words that show the text says it already), and what the clauses follow.
    complements: list[tuple[str, str, str]] = field(default_factory=list)
    complement_lead: str = ""
    #: Labels of the figures the text was found to cite (set by anchoring).
    placed: set[str] = field(default_factory=set)

    def complement(self, said: str) -> str:
        """The sentence that states what the text left out of this fact ("" when nothing)."""
        clauses = [
            clause
            for label, clause, marker in self.complements
            if label not in self.placed and not (marker and marker in said)
        ]
        return self.complement_lead + "，".join(clauses) + "。" if clauses else ""

    @property
    def primary(self) -> Figure:
        return self.figures[0]

    def sources(self) -> dict:
        task_ids, record_ids, evidence_ids, metric_ids = [], [], [], []
        for figure in self.figures:
            for mine, theirs in (
                (task_ids, figure.task_ids),
                (record_ids, figure.record_ids),
                (evidence_ids, figure.evidence_ids),
                (metric_ids, figure.metric_ids),
            ):
                mine.extend(i for i in theirs if i not in mine)
        return {
            "task_ids": task_ids,
            "record_ids": record_ids,
            "evidence_ids": evidence_ids,
            "metric_ids": metric_ids,
        }


def evidence_of(records: list[RecordInfo]) -> list[int]:
    seen: list[int] = []
    for record in records:
        seen.extend(e for e in record.evidence_ids if e not in seen)
    return seen


def make_figure(label: str, value, unit: str, records: list[RecordInfo], **extra) -> Figure:
    return Figure(
        label=label,
        value=clean_number(value),
        unit=unit,
        record_ids=[r.id for r in records],
        task_ids=sorted({r.task_id for r in records}),
        evidence_ids=evidence_of(records),
        metric_ids=[r.id for r in records if r.kind == "metric"],
        **extra,
    )


def document_review_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    if not records:
        return []
    n = len(records)
    published = [r for r in records if r.attrs.get("is_published")]
    filed = [r for r in records if r.attrs.get("is_filed")]
    revised = [r for r in records if r.attrs.get("conclusion") == "lawful_after_revision"]
    unlawful = [r for r in records if r.attrs.get("conclusion") == "unlawful"]
    behalf = {r.attrs.get("on_behalf_of", "") for r in records}
    who = f"（{behalf.pop()}）" if len(behalf) == 1 and "" not in behalf else ""
    text = f"对{n}份规范性文件{who}进行了合法性审查"
    figures = [make_figure("规范性文件合法性审查", n, "份", records)]
    if revised:
        text += f"，其中{len(revised)}份经修改后通过审查"
        figures.append(make_figure("经修改后通过合法性审查", len(revised), "份", revised))
    if unlawful:
        text += f"，{len(unlawful)}份未通过审查"
        figures.append(make_figure("未通过合法性审查", len(unlawful), "份", unlawful))
    complements = []
    if published:
        clause = "均通过网络公开" if len(published) == n else f"{len(published)}份通过网络公开"
        text += "，" + clause
        figures.append(make_figure("审查后通过网络公开", len(published), "份", published))
        complements.append(("审查后通过网络公开", clause, "网络公开"))
    if filed:
        clause = "均按规定报送备案" if len(filed) == n else f"{len(filed)}份报送备案"
        text += "，" + clause
        figures.append(make_figure("报送备案", len(filed), "份", filed))
        complements.append(("报送备案", clause, "备案"))
    fact = Fact(figures, text + "。", keywords_of("规范性文件合法性审查"))
    fact.complements, fact.complement_lead = complements, "审查的文件"
    return [fact]


def certification_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    year_end = date(year, 12, 31)
    valid = [
        r
        for r in records
        if not (r.attrs.get("revoked_on") and r.attrs["revoked_on"] <= year_end)
        and not (r.attrs.get("expires_on") and r.attrs["expires_on"] < year_end)
        and not (r.attrs.get("issued_on") and r.attrs["issued_on"] > year_end)
    ]
    if not valid:
        return []
    holders = {r.attrs.get("holder_name") or r.id for r in valid}
    text = f"行政执法人员领证人数为{len(holders)}人"
    figures = [make_figure("行政执法人员持证人数", len(holders), "人", valid, year=year)]
    new = [r for r in valid if r.attrs.get("issued_on") and r.attrs["issued_on"].year == year]
    if new:
        text += f"，其中{year}年新领证{len(new)}人"
        figures.append(make_figure(f"{year}年新领取执法证", len(new), "人", new, year=year))
    return [Fact(figures, text + "。", keywords_of("行政执法人员领证持证人数执法证"))]


def consultation_facts(
    records: list[RecordInfo], year: int, advisors: list[AdvisorInfo]
) -> list[Fact]:
    if not records:
        return []
    n = len(records)
    categories = [c for c in CATEGORY_WORDS if any(r.attrs.get("category") == c for r in records)]
    adopted = [r for r in records if r.attrs.get("is_adopted", True)]
    firms = sorted({r.attrs.get("advisor", "") for r in records} - {""})
    if not firms:
        firms = [f"{a.firm}{a.person}".strip() for a in advisors]
    engaged = f"聘请{'、'.join(firms)}担任法律顾问，" if firms else ""
    text = f"全年咨询法律顾问{n}次"
    if categories:
        words = "、".join(CATEGORY_WORDS[c] for c in categories)
        text += f"，涉及{words}" + ("等事项" if len(categories) > 1 else "事项")
    figures = [make_figure("咨询法律顾问", n, "次", records)]
    if adopted:
        text += "，意见均被采纳" if len(adopted) == n else f"，采纳法律顾问意见{len(adopted)}条"
        figures.append(make_figure("采纳法律顾问意见", len(adopted), "条", adopted))
    briefer = [("担任法律顾问", text + "。")] if engaged else []
    return [Fact(figures, engaged + text + "。", keywords_of("咨询法律顾问意见"), briefer)]


def inspection_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    done = [r for r in records if r.attrs.get("done_on")]
    if not done:
        return []
    kinds = Counter(r.attrs.get("inspection_kind", "random") for r in done)
    words = "、".join(f"{INSPECTION_WORDS.get(k, '检查')}{n}次" for k, n in kinds.items())
    text = f"组织{words}"
    figures = [make_figure("开展检查", len(done), "次", done)]
    if len(kinds) > 1:
        text += f"，共{len(done)}次"
    complements: list[tuple[str, str, str]] = []
    with_problems = [r for r in done if r.attrs.get("problem_count")]
    problems = sum(r.attrs["problem_count"] for r in with_problems)
    if problems:
        fixed = [r for r in with_problems if r.attrs.get("rectified_on")]
        fixed_count = sum(r.attrs["problem_count"] for r in fixed)
        text += f"，发现问题{problems}个"
        figures.append(make_figure("检查发现问题", problems, "个", with_problems))
        if fixed_count == problems:
            clause = "已全部整改到位"
        elif fixed_count:
            clause = f"已整改{fixed_count}个"
        if fixed:
            text += "，" + clause
            figures.append(make_figure("问题已整改", fixed_count, "个", fixed))
            complements.append(("问题已整改", "发现的问题" + clause, "整改"))
        # a rectification finished after its deadline is said to be late, not glossed over
        late = [
            r
            for r in fixed
            if r.attrs.get("rectification_due")
            and r.attrs["rectified_on"] > r.attrs["rectification_due"]
        ]
        late_count = sum(r.attrs["problem_count"] for r in late)
        if late_count:
            clause = f"其中{late_count}个问题逾期整改到位"
            text += "，" + clause
            figures.append(make_figure("问题逾期整改到位", late_count, "个", late))
            complements.append(("问题逾期整改到位", clause, "逾期整改"))
    else:
        text += "，未发现问题"
    return [Fact(figures, text + "。", keywords_of("抽查检查问题整改"), complements=complements)]


def decision_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    if not records:
        return []
    n = len(records)
    complete = [r for r in records if not r.attrs.get("open_steps")]
    names = "、".join(f"《{decision_title(r.attrs.get('decision_title', ''))}》" for r in records)
    steps = "、".join(STEP_WORDS.values())
    label = f"（{names}）" if n <= 3 else ""
    head = f"全年作出重大行政决策{n}项{label}，"
    if len(complete) == n:
        done = ("均" if n > 1 else "") + "履行了{steps}法定程序"
    else:
        done = f"其中{len(complete)}项履行了{{steps}}全部法定程序"
    text = head + done.format(steps=steps)
    briefer = [(steps, head + done.format(steps="上述") + "。")]
    figures = [make_figure("重大行政决策", n, "项", records)]
    if complete and len(complete) != n:
        figures.append(make_figure("履行全部法定程序的重大行政决策", len(complete), "项", complete))
    return [Fact(figures, text + "。", keywords_of("重大行政决策法定程序"), briefer)]


def session_facts(records: list[RecordInfo], year: int, *, principal: bool = False) -> list[Fact]:
    """One fact per kind of session: 主持18次党组中心组学习会, 参加机关集体学习12次 …"""
    by_kind: dict[str, list[RecordInfo]] = defaultdict(list)
    for record in records:
        by_kind[record.attrs.get("session_kind", "")].append(record)
    facts = []
    for kind in sorted(by_kind, key=lambda k: SESSION_ORDER.index(k) if k in SESSION_ORDER else 99):
        group = by_kind[kind]
        verb, name, _position = SESSION_WORDS.get(kind, ("开展", "学习活动", "after"))
        phrase = session_phrase(kind, len(group))
        figures = [make_figure(name, len(group), "次", group)]
        attendance = sum(r.attrs.get("attendee_count") or 0 for r in group)
        if attendance and not principal:
            phrase += f"，参加{attendance}人次"
            figures.append(make_figure(f"{name}参加人次", attendance, "人次", group))
        text = ("年内" if principal else "全年") + phrase + "。"
        facts.append(Fact(figures, text, keywords_of(name)))
    return facts


def metric_facts(records: list[RecordInfo], year: int) -> list[Fact]:
    facts = []
    for record in records:
        a = record.attrs
        name, unit = a.get("name", ""), a.get("measure", "")
        value = clean_number(a.get("value", 0))
        as_of = a.get("as_of")
        metric_year = as_of.year if as_of else year
        baseline = a.get("baseline_value")
        if baseline is not None and a.get("baseline_year"):
            baseline = clean_number(baseline)
            move = "提高到" if value > baseline else ("减少到" if value < baseline else "保持在")
            text = (
                f"{name}从{a['baseline_year']}年的{number_text(baseline)}{unit}"
                f"{move}{metric_year}年的{number_text(value)}{unit}。"
            )
            figure = make_figure(
                name,
                value,
                unit,
                [record],
                year=metric_year,
                baseline_value=baseline,
                baseline_year=a["baseline_year"],
            )
        else:
            text = f"{name}为{number_text(value)}{unit}。"
            figure = make_figure(name, value, unit, [record], year=metric_year)
        facts.append(Fact([figure], text, keywords_of(name)))
    return facts


def record_facts(
    records: list[RecordInfo],
    year: int,
    advisors: list[AdvisorInfo],
    *,
    skip_kinds: tuple[str, ...] = (),
) -> list[Fact]:
    """The facts of one task's records, kind by kind in ledger order."""
    by_kind: dict[str, list[RecordInfo]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    facts: list[Fact] = []
    for kind in (
        "document_review",
        "certification",
        "consultation",
        "inspection",
        "decision",
        "study_session",
        "metric",
    ):
        group = by_kind.get(kind)
        if not group or kind in skip_kinds:
            continue
        if kind == "document_review":
            facts += document_review_facts(group, year)
        elif kind == "certification":
            facts += certification_facts(group, year)
        elif kind == "consultation":
            facts += consultation_facts(group, year, advisors)
        elif kind == "inspection":
            facts += inspection_facts(group, year)
        elif kind == "decision":
            facts += decision_facts(group, year)
        elif kind == "study_session":
            facts += session_facts(group, year)
        else:
            facts += metric_facts(group, year)
    return facts


def indicator_facts(indicators: list[IndicatorInfo], records: list[RecordInfo]) -> list[Fact]:
    """One fact per statutory indicator of a task's records: the share, with the numerator and
    denominator it is computed from, each figure traced to the records it counts."""
    by_id = {r.id: r for r in records}
    facts = []
    for info in indicators:
        words = INDICATOR_WORDS.get(info.key)
        if words is None or not info.denominator_ids:
            continue
        name, counted, meeting, unit = words
        denominator = [by_id[i] for i in info.denominator_ids if i in by_id]
        numerator = [by_id[i] for i in info.numerator_ids if i in by_id]
        d, n = len(denominator), len(numerator)
        which = f"其中{meeting}{n}{unit}" if n else f"无一{meeting}"
        text = f"{name}为{number_text(info.value)}%（{counted}{d}{unit}，{which}）。"
        figures = [
            make_figure(name, info.value, "%", denominator),
            make_figure(f"{name}的分母：{counted}", d, unit, denominator),
            make_figure(f"{name}的分子：{meeting}", n, unit, numerator),
        ]
        facts.append(Fact(figures, text, keywords_of(name)))
    return facts
