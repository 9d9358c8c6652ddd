"""Each statutory indicator computed on a hand-made set of cases, judged at an "as of" date."""

from datetime import date
from decimal import Decimal

import tracker.models  # noqa: F401 - every mapper, so the record classes configure
from tracker.records import indicators
from tracker.records.models import Litigation, Reconsideration

AS_OF = date(2026, 12, 31)


def case(id, outcome="", decided_on=None, corrected_on=None, is_void=False):
    return Reconsideration(
        id=id,
        kind="reconsideration",
        outcome=outcome,
        decided_on=decided_on,
        corrected_on=corrected_on,
        correction="整改" if corrected_on else "",
        is_void=is_void,
    )


def suit(id, hearing_on=None, head=False, judged_on=None, judgment="", suggestion="", replied=None):
    return Litigation(
        id=id,
        kind="litigation",
        hearing_on=hearing_on,
        head_appeared=head,
        judged_on=judged_on,
        judgment=judgment,
        judicial_suggestion=suggestion,
        suggestion_replied_on=replied,
        served_on=date(2026, 1, 5),
        is_void=False,
    )


CASES = [
    case(1, "upheld", date(2026, 3, 1)),
    case(2, "revoked", date(2026, 4, 1), corrected_on=date(2026, 5, 1)),
    case(3, "confirmed_unlawful", date(2026, 6, 1)),  # correction still outstanding
    case(4, "rejected", date(2026, 7, 1)),
    case(5),  # undecided: counts nowhere
    case(6, "altered", date(2026, 8, 1), is_void=True),  # void: counts nowhere
    case(7, "altered", date(2027, 1, 20)),  # decided after the as-of date
]
SUITS = [
    suit(11, date(2026, 3, 1), True, date(2026, 4, 1), "claim_rejected"),
    suit(
        12,
        date(2026, 5, 1),
        False,
        date(2026, 6, 1),
        "confirmed_unlawful",
        "规范期限",
        date(2026, 7, 1),
    ),
    suit(13, date(2026, 8, 1), True, date(2026, 9, 1), "withdrawn"),
    suit(14, date(2026, 10, 1), True),  # heard, not yet judged
    suit(15, None, False, None, "", ""),  # served only
    suit(16, date(2026, 6, 1), False, date(2026, 7, 1), "ordered_to_act", "完善程序"),
]


def figure(key, records, as_of=AS_OF):
    (indicator,) = [i for i in indicators.INDICATORS if i.key == key]
    return indicators.compute(indicator, records, as_of)


def test_reconsideration_correction_rate():
    result = figure("reconsideration_correction_rate", CASES)
    assert result.denominator_ids == (1, 2, 3, 4)
    assert result.numerator_ids == (2, 3)
    assert result.value == Decimal("50.0")
    assert result.meets_target is None  # no target: lower is better, nothing to meet


def test_correction_completion_rate():
    result = figure("correction_completion_rate", CASES)
    assert (result.numerator_ids, result.denominator_ids) == ((2,), (2, 3))
    assert result.value == Decimal("50.0") and result.meets_target is False


def test_litigation_loss_rate():
    result = figure("litigation_loss_rate", SUITS)
    assert result.denominator_ids == (11, 12, 13, 16)
    assert result.numerator_ids == (12, 16)
    assert result.value == Decimal("50.0")


def test_head_appearance_rate():
    result = figure("head_appearance_rate", SUITS)
    assert result.denominator_ids == (11, 12, 13, 14, 16)
    assert result.numerator_ids == (11, 13, 14)
    assert result.value == Decimal("60.0") and result.meets_target is False
    # judged earlier, only the hearings held by then count
    early = figure("head_appearance_rate", SUITS, date(2026, 6, 15))
    assert (early.numerator_ids, early.denominator_ids) == ((11,), (11, 12, 16))


def test_judicial_suggestion_reply_rate():
    result = figure("judicial_suggestion_reply_rate", SUITS)
    assert (result.numerator_ids, result.denominator_ids) == ((12,), (12, 16))
    assert result.value == Decimal("50.0")
    met = figure("judicial_suggestion_reply_rate", SUITS[:2])
    assert met.value == Decimal("100.0") and met.meets_target is True


def test_nothing_to_count_gives_no_figure():
    result = figure("litigation_loss_rate", [])
    assert result.value is None and result.meets_target is None
    assert figure("reconsideration_correction_rate", SUITS).denominator == 0


def test_rounding_is_half_up_to_one_decimal():
    cases = [case(i, "revoked" if i == 1 else "upheld", date(2026, 3, 1)) for i in range(1, 4)]
    assert figure("reconsideration_correction_rate", cases).value == Decimal("33.3")


def test_as_of_is_the_years_last_day_once_it_is_over():
    assert indicators.as_of_for_year(2020, date(2026, 7, 1)) == date(2020, 12, 31)
    assert indicators.as_of_for_year(2026, date(2026, 7, 1)) == date(2026, 7, 1)
    assert indicators.as_of_for_year(None, date(2026, 7, 1)) == date(2026, 7, 1)


def test_the_table_declares_every_indicator_completely():
    keys = [i.key for i in indicators.INDICATORS]
    assert len(keys) == len(set(keys))
    for indicator in indicators.INDICATORS:
        assert indicator.kind in indicators.SOURCE_KINDS
        assert str(indicator.name) and str(indicator.numerator_label)
        assert str(indicator.denominator_label)
