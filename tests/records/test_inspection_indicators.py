"""The indicators computed from the inspection ledgers and from the document-review and
decision ledgers, each on a hand-made set of records judged at an "as of" date."""

from datetime import date
from decimal import Decimal

import tracker.models  # noqa: F401 - every mapper, so the record classes configure
from tracker.records import indicators
from tracker.records.compliance_models import (
    CaseFileReview,
    ContractReview,
    EnforcementCase,
    LawReport,
    PufaActivity,
    PufaDuty,
    ReportDelivery,
)
from tracker.records.models import Decision, DecisionStep, DocumentReview

AS_OF = date(2026, 12, 31)
BY_KEY = {i.key: i for i in indicators.INDICATORS}


def figure(key, records):
    return indicators.compute(BY_KEY[key], records, AS_OF)


def case(id, opened=(3, 1), decided=None, published=None, major=False, review=None, **flags):
    return EnforcementCase(
        id=id,
        kind="enforcement_case",
        is_void=flags.pop("is_void", False),
        opened_on=date(2026, *opened),
        decided_on=date(*decided) if decided else None,
        published_on=date(*published) if published else None,
        is_major=major,
        legal_review_on=date(*review) if review else None,
        is_officers_certified=flags.get("certified", False),
        is_pre_publicized=flags.get("pre", False),
        is_id_shown=flags.get("shown", False),
        is_fully_recorded=flags.get("recorded", False),
    )


CASES = [
    # decided, reviewed before the decision, published before, during and after, recorded
    case(
        1,
        decided=(2026, 3, 30),
        published=(2026, 4, 3),
        major=True,
        review=(2026, 3, 25),
        certified=True,
        pre=True,
        shown=True,
        recorded=True,
    ),
    # major, reviewed only after the decision; not published afterwards
    case(
        2,
        decided=(2026, 5, 10),
        major=True,
        review=(2026, 5, 12),
        certified=True,
        pre=True,
        shown=True,
        recorded=True,
    ),
    # major, never reviewed; an uncertified officer; published but not shown during
    case(3, decided=(2026, 6, 1), published=(2026, 6, 5), major=True, pre=True),
    # ordinary case still open: counts for certification and recording only
    case(4, opened=(11, 2), certified=True, recorded=True),
    # decided after the as-of date: open at the as-of date
    case(5, opened=(12, 20), decided=(2027, 1, 5), major=True, review=(2027, 1, 2), certified=True),
    # void: counts nowhere
    case(6, decided=(2026, 4, 1), major=True, certified=True, is_void=True),
]


def test_enforcement_indicators():
    certified = figure("certified_enforcement_rate", CASES)
    assert (certified.numerator_ids, certified.denominator_ids) == ((1, 2, 4, 5), (1, 2, 3, 4, 5))
    assert certified.value == Decimal("80.0") and certified.meets_target is False
    review = figure("major_enforcement_review_rate", CASES)
    assert (review.numerator_ids, review.denominator_ids) == ((1,), (1, 2, 3))
    assert review.value == Decimal("33.3")
    publicity = figure("enforcement_publicity_rate", CASES)
    assert (publicity.numerator_ids, publicity.denominator_ids) == ((1,), (1, 2, 3))
    recorded = figure("full_process_record_rate", CASES)
    assert (recorded.numerator, recorded.denominator) == (3, 5) and recorded.value == 60


def test_case_file_pass_rate():
    reviews = [
        CaseFileReview(
            id=1,
            kind="case_file_review",
            is_void=False,
            reviewed_on=date(2026, 11, 1),
            score=Decimal("92"),
            pass_mark=Decimal("60"),
        ),
        CaseFileReview(
            id=2,
            kind="case_file_review",
            is_void=False,
            reviewed_on=date(2026, 11, 2),
            score=Decimal("59.5"),
            pass_mark=Decimal("60"),
        ),
        CaseFileReview(
            id=3,
            kind="case_file_review",
            is_void=False,
            reviewed_on=date(2026, 11, 3),
            score=Decimal("60"),
            pass_mark=Decimal("60"),
        ),
        CaseFileReview(
            id=4,
            kind="case_file_review",
            is_void=False,
            reviewed_on=date(2027, 1, 3),
            score=Decimal("80"),
            pass_mark=Decimal("60"),
        ),
    ]
    rate = figure("case_file_pass_rate", reviews)
    assert (rate.numerator_ids, rate.denominator_ids) == ((1, 3), (1, 2, 3))
    assert rate.value == Decimal("66.7") and rate.meets_target is None
    assert [r.grade for r in reviews[:3]] == ["excellent", "failed", "passed"]


def test_pufa_list_is_carried_out_when_an_item_has_an_activity_by_the_as_of_date():
    duties = [
        PufaDuty(id=i, kind="pufa_duty", is_void=False, listed_on=date(2026, 3, 1))
        for i in (1, 2, 3)
    ]
    duties.append(PufaDuty(id=4, kind="pufa_duty", is_void=False, listed_on=date(2027, 1, 1)))
    duties[0].activities = [
        PufaActivity(id=11, kind="pufa_activity", is_void=False, held_on=date(2026, 12, 4))
    ]
    duties[1].activities = [
        PufaActivity(id=12, kind="pufa_activity", is_void=True, held_on=date(2026, 6, 1)),
        PufaActivity(id=13, kind="pufa_activity", is_void=False, held_on=date(2027, 1, 6)),
    ]
    rate = figure("pufa_duty_fulfilment_rate", duties)
    assert (rate.numerator_ids, rate.denominator_ids) == ((1,), (1, 2, 3))
    assert rate.value == Decimal("33.3")


def test_law_report_good_rate():
    reports = [
        LawReport(
            id=1,
            kind="law_report",
            is_void=False,
            held_on=date(2026, 1, 20),
            evaluation="excellent",
        ),
        LawReport(
            id=2, kind="law_report", is_void=False, held_on=date(2026, 2, 1), evaluation="good"
        ),
        LawReport(
            id=3, kind="law_report", is_void=False, held_on=date(2026, 3, 1), evaluation="fair"
        ),
        LawReport(id=4, kind="law_report", is_void=False, held_on=date(2026, 4, 1), evaluation=""),
    ]
    rate = figure("law_report_good_rate", reports)
    assert (rate.numerator_ids, rate.denominator_ids) == ((1, 2), (1, 2, 3))


def test_contract_review_rate_counts_signed_contracts_reviewed_before_signing():
    def contract(id, reviewed, signed):
        return ContractReview(
            id=id,
            kind="contract_review",
            is_void=False,
            reviewed_on=date(2026, *reviewed) if reviewed else None,
            signed_on=date(*signed) if signed else None,
        )

    contracts = [
        contract(1, (4, 8), (2026, 4, 15)),
        contract(2, (5, 20), (2026, 5, 10)),  # reviewed after signing (补审)
        contract(3, None, (2026, 7, 1)),  # never reviewed
        contract(4, (11, 1), None),  # reviewed, not signed yet
        contract(5, (12, 1), (2027, 1, 5)),  # signed after the as-of date
    ]
    rate = figure("contract_review_rate", contracts)
    assert (rate.numerator_ids, rate.denominator_ids) == ((1,), (1, 2, 3))
    assert rate.value == Decimal("33.3") and rate.meets_target is False


def test_report_delivery_indicators_count_deliveries_after_the_year():
    def delivery(id, kind, on, receipt=""):
        return ReportDelivery(
            id=id,
            kind="report_delivery",
            is_void=False,
            delivery_kind=kind,
            report_year=2026,
            recipient="x",
            delivered_on=on,
            receipt=receipt,
        )

    deliveries = [
        delivery(1, "submitted", date(2027, 1, 15), "忻法办收〔2027〕3号"),
        delivery(2, "submitted", date(2027, 1, 15)),
        delivery(3, "published", date(2027, 1, 20)),
        delivery(4, "published", date(2027, 4, 2)),
    ]
    receipts = figure("report_receipt_rate", deliveries)
    assert (receipts.numerator_ids, receipts.denominator_ids) == ((1,), (1, 2))
    on_time = figure("report_published_on_time_rate", deliveries)
    assert (on_time.numerator_ids, on_time.denominator_ids) == ((3,), (3, 4))
    assert on_time.value == 50


def test_document_review_and_filing_rates():
    def document(id, reviewed, published=None, url="", filed=False):
        return DocumentReview(
            id=id,
            kind="document_review",
            is_void=False,
            reviewed_on=date(2026, *reviewed),
            published_on=date(2026, *published) if published else None,
            published_url=url,
            is_filed=filed,
            filed_on=None,
        )

    documents = [
        document(1, (3, 1), (3, 10), filed=True),
        document(2, (4, 20), (4, 10)),  # published before its review
        document(3, (5, 1), url="http://mzj.example/3"),  # published online, no date
        document(4, (6, 1)),  # not published: counts nowhere
    ]
    review = figure("document_review_rate", documents)
    assert (review.numerator_ids, review.denominator_ids) == ((1, 3), (1, 2, 3))
    filing = figure("document_filing_rate", documents)
    assert (filing.numerator_ids, filing.denominator_ids) == ((1,), (1, 2, 3))


def test_decision_procedure_rate():
    def decision(id, decided, steps):
        made = Decision(
            id=id, kind="decision", is_void=False, decided_on=date(*decided) if decided else None
        )
        made.steps = [
            DecisionStep(step=name, done_on=done, not_applicable_reason=reason)
            for name, (done, reason) in steps.items()
        ]
        return made

    done = (date(2026, 5, 1), "")
    all_done = dict.fromkeys(
        [
            "public_participation",
            "expert_review",
            "risk_assessment",
            "legality_review",
            "collective_discussion",
        ],
        done,
    )
    excused = {**all_done, "expert_review": (None, "不涉及专业技术问题")}
    missing = {**all_done, "risk_assessment": (None, "")}
    late = {**all_done, "legality_review": (date(2027, 1, 3), "")}
    decisions = [
        decision(1, (2026, 6, 1), all_done),
        decision(2, (2026, 7, 1), excused),
        decision(3, (2026, 8, 1), missing),
        decision(4, (2026, 9, 1), late),  # a step done only after the as-of date
        decision(5, None, all_done),  # not taken yet
    ]
    rate = figure("decision_procedure_rate", decisions)
    assert (rate.numerator_ids, rate.denominator_ids) == ((1, 2), (1, 2, 3, 4))
    assert rate.value == 50
