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

from tracker.records.models import Record

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
