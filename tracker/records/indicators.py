"""Statutory indicators computed from the ledger, declared in one table.

Each indicator is a share of one record kind's live records: the denominator says which records
count, the numerator which of those meet the measure. Both are predicates of a record and the
"as of" date that governs every derived status, so a figure can always be traced to its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from tracker.records.compliance_models import GOOD_EVALUATIONS
from tracker.records.models import DECISION_STEPS, Record

Predicate = Callable[[Record, date], bool]


def _on_or_before(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


@dataclass(frozen=True)
class Indicator:
    key: str
    name: object
    #: The record kind the indicator is computed from.
    kind: str
    numerator_label: object
    numerator: Predicate
    denominator_label: object
    denominator: Predicate
    #: True when a higher share is better (出庭率), False when lower is (败诉率).
    higher_is_better: bool
    #: The share (in percent) the bureau aims at, where there is one.
    target: Decimal | None = None


def _decided(r, as_of):
    return r.is_decided and _on_or_before(r.decided_on, as_of)


def _judged(r, as_of):
    return r.is_judged and _on_or_before(r.judged_on, as_of)


def _suggested(r, as_of):
    return r.has_suggestion and _on_or_before(r.judged_on or r.served_on, as_of)


def _published_document(r, as_of):
    if r.published_on is not None:
        return r.published_on <= as_of
    return bool(r.published_url) and r.reviewed_on <= as_of


def _steps_settled(r, as_of):
    for name in DECISION_STEPS:
        step = r.step(name)
        if step is None:
            return False
        if not (_on_or_before(step.done_on, as_of) or step.not_applicable_reason.strip()):
            return False
    return True


def _case_decided(r, as_of):
    return _on_or_before(r.decided_on, as_of)


def _fully_publicized(r, as_of):
    return r.is_pre_publicized and r.is_id_shown and _on_or_before(r.published_on, as_of)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="reconsideration_correction_rate",
        name=_l("Reconsideration correction rate (行政复议纠错率)"),
        kind="reconsideration",
        numerator_label=_l("Decisions revoking, altering or finding the act unlawful"),
        numerator=lambda r, as_of: _decided(r, as_of) and r.is_corrective,
        denominator_label=_l("Reconsideration cases decided"),
        denominator=_decided,
        higher_is_better=False,
    ),
    Indicator(
        key="correction_completion_rate",
        name=_l("Corrections completed after 纠错 (纠错整改完成率)"),
        kind="reconsideration",
        numerator_label=_l("Corrective decisions the bureau has acted on"),
        numerator=lambda r, as_of: _on_or_before(r.corrected_on, as_of),
        denominator_label=_l("Corrective decisions"),
        denominator=lambda r, as_of: _decided(r, as_of) and r.is_corrective,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="litigation_loss_rate",
        name=_l("Litigation loss rate (行政诉讼败诉率)"),
        kind="litigation",
        numerator_label=_l("Judgments the bureau lost"),
        numerator=lambda r, as_of: _judged(r, as_of) and r.is_lost,
        denominator_label=_l("Lawsuits judged or otherwise closed"),
        denominator=_judged,
        higher_is_better=False,
    ),
    Indicator(
        key="head_appearance_rate",
        name=_l("Head appeared in court (负责人出庭应诉率)"),
        kind="litigation",
        numerator_label=_l("Hearings the bureau's head attended"),
        numerator=lambda r, as_of: _on_or_before(r.hearing_on, as_of) and r.head_appeared,
        denominator_label=_l("Lawsuits heard in court"),
        denominator=lambda r, as_of: _on_or_before(r.hearing_on, as_of),
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="judicial_suggestion_reply_rate",
        name=_l("Judicial suggestions answered (司法建议反馈率)"),
        kind="litigation",
        numerator_label=_l("Judicial suggestions answered"),
        numerator=lambda r, as_of: (
            _suggested(r, as_of) and _on_or_before(r.suggestion_replied_on, as_of)
        ),
        denominator_label=_l("Judicial suggestions received"),
        denominator=_suggested,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="document_review_rate",
        name=_l("Normative documents reviewed before issue (规范性文件合法性审查率)"),
        kind="document_review",
        numerator_label=_l("Documents reviewed for legality before they were published"),
        numerator=lambda r, as_of: r.published_on is None or r.reviewed_on <= r.published_on,
        denominator_label=_l("Normative documents published"),
        denominator=_published_document,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="document_filing_rate",
        name=_l("Normative documents filed (规范性文件备案率)"),
        kind="document_review",
        numerator_label=_l("Published documents filed for the record"),
        numerator=lambda r, as_of: r.is_filed and (r.filed_on is None or r.filed_on <= as_of),
        denominator_label=_l("Normative documents published"),
        denominator=_published_document,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="decision_procedure_rate",
        name=_l("Major decisions with every statutory step (重大行政决策法定程序履行率)"),
        kind="decision",
        numerator_label=_l("Decisions whose five steps are all done or not applicable"),
        numerator=_steps_settled,
        denominator_label=_l("Major decisions taken"),
        denominator=lambda r, as_of: _on_or_before(r.decided_on, as_of),
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="certified_enforcement_rate",
        name=_l("Enforcement by certified officers (执法人员持证率)"),
        kind="enforcement_case",
        numerator_label=_l("Cases handled only by officers with a valid certificate"),
        numerator=lambda r, as_of: r.is_officers_certified,
        denominator_label=_l("Enforcement cases opened"),
        denominator=lambda r, as_of: r.opened_on <= as_of,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="major_enforcement_review_rate",
        name=_l("Major enforcement decisions reviewed (重大执法决定法制审核率)"),
        kind="enforcement_case",
        numerator_label=_l("Major decisions reviewed by the legal office before they were made"),
        numerator=lambda r, as_of: r.is_reviewed_before_decision,
        denominator_label=_l("Major enforcement decisions made"),
        denominator=lambda r, as_of: r.is_major and _case_decided(r, as_of),
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="enforcement_publicity_rate",
        name=_l("Enforcement publicity before, during and after (执法公示率)"),
        kind="enforcement_case",
        numerator_label=_l("Decided cases published beforehand, during and afterwards"),
        numerator=_fully_publicized,
        denominator_label=_l("Enforcement cases decided"),
        denominator=_case_decided,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="full_process_record_rate",
        name=_l("Whole procedure recorded (全过程记录率)"),
        kind="enforcement_case",
        numerator_label=_l("Cases recorded from start to finish"),
        numerator=lambda r, as_of: r.is_fully_recorded,
        denominator_label=_l("Enforcement cases opened"),
        denominator=lambda r, as_of: r.opened_on <= as_of,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="case_file_pass_rate",
        name=_l("Enforcement files passing review (案卷评查合格率)"),
        kind="case_file_review",
        numerator_label=_l("Files scoring at least the pass mark"),
        numerator=lambda r, as_of: r.is_passed,
        denominator_label=_l("Enforcement files reviewed"),
        denominator=lambda r, as_of: r.reviewed_on <= as_of,
        higher_is_better=True,
    ),
    Indicator(
        key="pufa_duty_fulfilment_rate",
        name=_l("Responsibility list items carried out (普法责任清单落实率)"),
        kind="pufa_duty",
        numerator_label=_l("Items with at least one activity held"),
        numerator=lambda r, as_of: bool(r.activities_by(as_of)),
        denominator_label=_l("Items on the responsibility list"),
        denominator=lambda r, as_of: r.listed_on <= as_of,
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="law_report_good_rate",
        name=_l("述法 evaluated good or excellent (述法评议好、较好等次率)"),
        kind="law_report",
        numerator_label=_l("Reports evaluated 好 or 较好"),
        numerator=lambda r, as_of: r.evaluation in GOOD_EVALUATIONS,
        denominator_label=_l("Reports evaluated"),
        denominator=lambda r, as_of: bool(r.evaluation) and r.held_on <= as_of,
        higher_is_better=True,
    ),
    Indicator(
        key="contract_review_rate",
        name=_l("Contracts reviewed before signing (合同合法性审查率)"),
        kind="contract_review",
        numerator_label=_l("Contracts reviewed for legality before they were signed"),
        numerator=lambda r, as_of: r.is_reviewed_before_signing,
        denominator_label=_l("Contracts signed"),
        denominator=lambda r, as_of: _on_or_before(r.signed_on, as_of),
        higher_is_better=True,
        target=Decimal(100),
    ),
    # The annual report is submitted and published after its year: these two count every
    # delivery of the plan's report, whatever the "as of" date.
    Indicator(
        key="report_receipt_rate",
        name=_l("Report submissions with a receipt (年度报告报送回执率)"),
        kind="report_delivery",
        numerator_label=_l("Submissions whose receipt is on file"),
        numerator=lambda r, as_of: bool(r.receipt),
        denominator_label=_l("Submissions of the annual report"),
        denominator=lambda r, as_of: r.delivery_kind == "submitted",
        higher_is_better=True,
        target=Decimal(100),
    ),
    Indicator(
        key="report_published_on_time_rate",
        name=_l("Report published by 1 April (年度报告按时公开率)"),
        kind="report_delivery",
        numerator_label=_l("Publications on or before 1 April of the next year"),
        numerator=lambda r, as_of: r.delivered_on <= r.publication_deadline,
        denominator_label=_l("Publications of the annual report"),
        denominator=lambda r, as_of: r.delivery_kind == "published",
        higher_is_better=True,
        target=Decimal(100),
    ),
)

#: The record kinds some indicator is computed from, in table order.
SOURCE_KINDS = tuple(dict.fromkeys(indicator.kind for indicator in INDICATORS))


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    as_of: date
    #: Ids of the records counted in the numerator / denominator, in ledger order.
    numerator_ids: tuple[int, ...]
    denominator_ids: tuple[int, ...]

    @property
    def numerator(self) -> int:
        return len(self.numerator_ids)

    @property
    def denominator(self) -> int:
        return len(self.denominator_ids)

    @property
    def value(self) -> Decimal | None:
        """The share in percent, one decimal; None when nothing counts (no 0/0 figure)."""
        if not self.denominator:
            return None
        share = Decimal(100 * self.numerator) / Decimal(self.denominator)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def meets_target(self) -> bool | None:
        target, value = self.indicator.target, self.value
        if target is None or value is None:
            return None
        return value >= target if self.indicator.higher_is_better else value <= target


def compute(indicator: Indicator, records: Iterable[Record], as_of: date) -> Figure:
    """The indicator over `records` (void ones and other kinds never count)."""
    counted = [r for r in records if r.kind == indicator.kind and not r.is_void]
    denominator = [r for r in counted if indicator.denominator(r, as_of)]
    numerator = [r for r in denominator if indicator.numerator(r, as_of)]
    return Figure(
        indicator=indicator,
        as_of=as_of,
        numerator_ids=tuple(r.id for r in numerator),
        denominator_ids=tuple(r.id for r in denominator),
    )


def for_kind(kind: str, records: Iterable[Record], as_of: date) -> list[Figure]:
    """Every indicator computed from `kind`'s ledger."""
    records = list(records)
    return [compute(i, records, as_of) for i in INDICATORS if i.kind == kind]


def as_of_for_year(year: int | None, today: date) -> date:
    """The date statuses are judged at: the year's last day once it is over, else today."""
    if year is None:
        return today
    return min(today, date(year, 12, 31))
