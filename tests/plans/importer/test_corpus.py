"""The importer on its corpus: every document read with the expected outline, units and dates
(scripts/score_import.py prints the same figures per document)."""

from __future__ import annotations

import pytest

from tests.plans.importer.corpus_tools import Score, cases, score

CASES = cases()


def test_the_corpus_is_varied_enough():
    assert len(CASES) >= 8
    sources = {case.source.suffix for case in CASES}
    assert ".txt" in sources and ".json" in sources  # plain text and a built .docx
    years = {case.expected["year"] for case in CASES}
    assert len(years) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_document(case):
    plan = case.parse()
    result = score(case, plan)
    assert result.misses == [], "\n".join(result.misses)
    assert result.extra_tasks == 0
    assert result.sections_right == result.sections_expected
    assert plan.title == case.expected["title"]
    assert plan.document_number == case.expected["document_number"]


def test_overall_figures_meet_the_targets():
    total = Score()
    for case in CASES:
        total.add(score(case, case.parse()))
    assert total.percent("titles") >= 95
    assert total.percent("units") >= 90
    assert total.percent("deadlines") >= 90
