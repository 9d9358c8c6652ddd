"""The report built from the demo's 2020 plan, measured against the seed report it mirrors.

The seed (../shared/seed/xinzhou-civil-affairs-2020-rule-of-law-report.txt) is the bureau's own
2020 report. The demo's plan, ledger and the legal office's edits are loaded once for the module."""

from __future__ import annotations

import difflib
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import standalone_app
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records import indicators
from tracker.records.models import Record
from tracker.reports.builder import number_text
from tracker.reports.builder.wording import INDICATOR_WORDS
from tracker.reports.queries import report_for_plan
from tracker.reports.render_md import render_md
from tracker.tasks.models import Task

LOADED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

#: The seed's four part headings. Parts 二 and 三 are worded differently by the seed than by
#: Art. 25 (which the report follows); the words they share are what is compared.
SEED_PARTS = [
    ("一、", "2020年推进法治政府建设的主要举措和成效", "2020年推进法治政府建设的主要举措和成效"),
    ("二、", "推进法治政府建设存在的不足", "存在的不足"),
    ("三、", "党政主要负责人履职推进法治建设第一责任人职责，加强法治政府建设", "第一责任人职责"),
    ("四、", "2021年推进法治政府建设的主要安排", "2021年推进法治政府建设的主要安排"),
]
SEED_SECTIONS = [
    "（一）加强组织领导，推进法治建设",
    "（二）健全体制机制，依法履行职能",
    "（三）立足民政职能，开展法治宣传",
    "（四）结合民政实际，加强基层民主自治",
    "（五）结合民政职能，推进扫黑除恶专项斗争",
    "（六）强化社会治理，促进和谐稳定",
]
#: Every figure the seed cites (counts, amounts, percentages), as the seed writes it. Left out:
#: years and dates, names that contain numerals (“七五”普法, “十三五”, “一约四会”, 五级, 两县) and
#: "13710督办推进" in （六）五是, a garbled fragment of the seed that measures nothing.
SEED_FIGURES = [
    "5份",  # （二）二是 legality reviews
    "5人",  # （二）三是 enforcement certificates
    "2286元",
    "4778元",
    "6%",
    "153654人",
    "185990人",
    "82.61%",
    "113433人",
    "14856人",
    "27.73%",
    "525名",
    "614名",
    "1000元",
    "1500元",
    "23517名",
    "1085人",
    "6217元",
    "7787元",
    "97名",
    "25548名",
    "2949名",
    "33276名",
    "31158名",
    "9次",
    "13756人次",
    "15亿元",
    "3323万元",
    "3个",
    "2个",
    "535个",
    "65个",
    "20295张",
    "35.19张",
    "506个",
    "4888个",
    "2702个",
    "44.7%",
    "10个",
    "14县",
    "35件",
    "796家",
    "23个",
    "1865个",
    "498个",
    "117个",
    "62个",
    "18次",  # 三、 sessions the principal chaired and attended
    "23次",
    "12次",
    "5次",
    "14次",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    with standalone_app(tmp_path_factory.mktemp("demo-report")) as app:
        runner = app.test_cli_runner()
        with clock.frozen_at(LOADED_AT):
            result = runner.invoke(args=["demo", "load"])
            assert result.exit_code == 0, (result.output, result.exception)
            plan = db.session.scalar(sa.select(Plan).where(Plan.title == "2020年法治建设工作要点"))
            built = report_for_plan(plan)
            # the statutory indicators as the ledger computes them, for the tests to compare
            records = db.session.scalars(
                sa.select(Record).join(Task).where(Task.plan_id == plan.id)
            ).all()
            built.ledger_figures = {
                f.indicator.key: f
                for f in (
                    indicators.compute(i, records, date(2020, 12, 31))
                    for i in indicators.INDICATORS
                )
            }
            yield built


def cited(report, written: str):
    """The figure of the report that cites `written` (e.g. "2286元") with its records, if any."""
    number = written.rstrip("%人名次元个张家件县亿万份")
    for figure in report.figures():
        values = {number_text(v) for v in figure.values}
        if number in values and written in figure.text and figure.record_ids:
            return figure
    return None


def test_the_seeds_four_parts_in_order(report):
    parts = report.shown_parts
    assert [p.number for p in parts] == [number for number, _seed, _shared in SEED_PARTS]
    for part, (_number, seed_title, shared) in zip(parts, SEED_PARTS, strict=True):
        assert shared in part.title, (part.title, seed_title)
    assert parts[0].title == SEED_PARTS[0][1] and parts[3].title == SEED_PARTS[3][1]


def test_the_seeds_six_sections(report):
    assert [s.heading for s in report.part("measures").sections] == SEED_SECTIONS


def test_at_least_90_percent_of_the_seeds_figures_are_cited_with_their_records(report):
    missing = [written for written in SEED_FIGURES if cited(report, written) is None]
    share = 1 - len(missing) / len(SEED_FIGURES)
    print(f"seed figures cited with sources: {share:.0%} of {len(SEED_FIGURES)}; missing {missing}")
    assert share >= 0.9, missing


def test_figures_named_in_the_issue_read_as_in_the_seed(report):
    text = "\n".join(p.plain_text() for p in report.all_parts())
    for sentence in (
        "对现行有效的由市民政局代市委、市政府起草的5份文件进行了审查，均通过网络公开",
        "行政执法人员领证人数为5人",
        "从2015年的2286元提高到2020年的4778元",
        "年内主持18次党组中心组学习会",
    ):
        assert sentence in text
    reviews = cited(report, "5份")
    assert reviews.label == "规范性文件合法性审查" and len(reviews.record_ids) == 5
    assert len(reviews.evidence_ids) == 5  # each review's scanned proof
    sessions = cited(report, "18次")
    assert sessions.part.startswith("三、") and len(sessions.record_ids) == 18


def test_numbered_measures_as_in_the_seed(report):
    sixth = report.part("measures").sections[5]
    assert [p.ordinal for p in sixth.paragraphs] == ["一是", "二是", "三是", "四是", "五是"]
    assert sixth.paragraphs[0].text.startswith("一是围绕脱贫攻坚，社会救助兜底保障工作实现新突破。")


SEED_SHORTCOMINGS = [
    "一是目前民政干部队伍不同程度地存在人员不足等问题，民政干部队伍整体素质仍需进一步加强。",
    "二是目前我局专业法律工作人员偏少，自身法律专家队伍建设需进一步加强。",
]


#: The seed's part 四 (its commas full-width), which the demo's 2021 plan is drawn from.
SEED_PART_FOUR = [
    (
        "（一）加强规范性文件的制定。完善民政政策法规体系，提高政策制度质量。围绕民政工作"
        "中心任务制订完善政策法规。对照国家和省、市出台的有关民政法律、法规、规范性文件，"
        "健全完善配套性文件。通过配套政策文件的制订出台，将国家、省、市的有关民政法律、法"
        "规、规范性文件落到实处。"
    ),
    (
        "（二）强化法治建设业务人员培训。进一步加强执法人员的培训工作，使其熟练掌握相关法"
        "律知识、执法程序、案卷制作标准及方法，努力提高行政执法文书的制作运用能力，提高执"
        "法水平和办案质量，加强行政执法队伍管理，保障执法质量。"
    ),
    (
        "（三）落实重大决策社会稳定风险评估机制。充分发挥专家咨询在重大决策中的积极作用，"
        "对专业性、技术性较强的决策事项，组织专家、专业机构进行论证。"
    ),
    (
        "（四）做好行政执法责任制相关工作。进一步完善行政执法岗位责任制度、程序制度、公示"
        "制度、定期报告制度、案卷归档制度等行政执法责任配套制度，规范行政执法活动。同时，"
        "要建立完善行政执法案卷评查制度、评议考核制度、监督检查制度、责任追究制度等行政执"
        "法考核、监督及责任追究制度。"
    ),
]


def test_no_part_is_pasted_the_generator_writes_them_all(report):
    assert [p.key for p in report.all_parts() if p.edit] == []
    # 二、 from the legal office's structural notes (the causes behind the seed's 不足)
    shortcomings = [p.text for p in report.part("shortcomings").paragraphs[1:]]
    assert shortcomings == SEED_SHORTCOMINGS
    # 四、 from the 2021 plan, word for word the seed's arrangements
    arrangements = [
        s.paragraphs[0].lead + s.paragraphs[0].text for s in report.part("arrangements").sections
    ]
    assert arrangements == SEED_PART_FOUR


def test_what_the_seed_says_beyond_figures_is_kept(report):
    text = "".join(p.plain_text() for p in report.all_parts())
    assert "切实增强“四个意识”，全面推进依法行政" in text
    assert "纳入“13710”督办系统督办推进" in text  # a name, not a figure
    assert "13710" not in [s for sentence in report.sentences() for s in sentence.unsourced]


def test_the_legal_offices_signature(report):
    assert (report.signatory, report.signed_on) == ("忻州市民政局", date(2021, 1, 15))
    assert report.signed_on_text == "2021年1月15日"


def test_no_number_in_the_demo_report_lacks_a_record(report):
    unsourced = [n for s in report.sentences() for n in s.unsourced]
    # only the opening paragraph's task counts are not ledger records (they count tasks)
    assert unsourced == [], unsourced


GOLDEN = Path(__file__).parent / "golden" / "demo-2020-report.md"


def test_the_golden_markdown_is_the_report_as_generated(report):
    """tests/reports/golden/demo-2020-report.md is the demo's 2020 report as the generator writes
    it (linked from the README). Regenerate after a deliberate change of wording with
    TRACKER_UPDATE_GOLDEN=1 pytest tests/reports/test_demo_report.py, and review the diff."""
    text = render_md(report)
    if os.environ.get("TRACKER_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8")
    if text != golden:
        diff = "".join(
            difflib.unified_diff(
                golden.splitlines(keepends=True),
                text.splitlines(keepends=True),
                "golden",
                "generated",
            )
        )
        pytest.fail(f"the demo report drifted from {GOLDEN.name}:\n{diff}")


def test_the_statutory_indicators_are_cited_as_the_ledger_computes_them(report):
    """Each indicator the 2020 ledger yields is cited beside the task whose records it counts,
    its share, numerator and denominator traced to those records (the Report sources sheet)."""
    figures = {f.label: f for f in report.figures()}
    # the report's own submission and publication come after it: not cited in it
    computed = {
        k: f
        for k, f in report.ledger_figures.items()
        if f.denominator and f.indicator.kind != "report_delivery"
    }
    assert {"head_appearance_rate", "document_review_rate", "decision_procedure_rate"} <= set(
        computed
    )
    for key, ledger in computed.items():
        name, counted, meeting, _unit = INDICATOR_WORDS[key]
        rate = figures[name]
        assert rate.value == ledger.value and rate.unit == "%"
        assert sorted(rate.record_ids) == sorted(ledger.denominator_ids)
        assert figures[f"{name}的分母：{counted}"].value == ledger.denominator
        assert f"{name}为{number_text(ledger.value)}%" in rate.text
