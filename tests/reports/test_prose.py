"""The report's prose from data as units really type it: statements made into sentences of the
measure's paragraph, the ledger's figures said once and where they belong, and the style rules a
reader of Chinese official writing checks (tests/reports/style.py) on both fixtures."""

from __future__ import annotations

import pytest

from tests.reports.fragmentary import fragmentary
from tests.reports.style import style_problems
from tests.reports.test_builder import metric, sample
from tracker.reports.builder import build_report
from tracker.reports.builder.parts.opening import preamble_framing
from tracker.reports.builder.statements import insertion_point, statement_sentences
from tracker.reports.builder.text import (
    full_width,
    nest_quotes,
    quoted,
    quotes_nested,
    tidy_punctuation,
)


@pytest.mark.parametrize(
    ("title", "statement", "sentences", "only_done"),
    [
        ("健全法律顾问制度", "已完成。", ["健全法律顾问制度。"], True),
        ("健全法律顾问制度", "按要求完成", ["健全法律顾问制度。"], True),
        ("健全法律顾问制度", "", ["健全法律顾问制度。"], True),
        (
            "落实规范性文件合法性审查制度",
            "按要求完成了5件规范性文件审查",
            ["落实规范性文件合法性审查制度，按要求完成了5件规范性文件审查。"],
            False,
        ),
        ("开展法治专题培训", "开展培训2次", ["开展法治专题培训2次。"], False),
        ("开展法治专题培训", "我科开展专题培训,共2次.", ["开展专题培训，共2次。"], False),
        (
            "做好重大行政决策工作",
            "1项重大行政决策按程序出台。",
            ["做好重大行政决策工作，1项重大行政决策按程序出台。"],
            False,
        ),
        (
            "健全制度",
            "修订制度3项。5项制度已印发。",
            ["修订制度3项，5项制度已印发。"],
            False,
        ),
        # a statement written as sentences stays the unit's
        (
            "落实审查制度",
            "对现行有效的5份文件进行了审查，均通过网络公开。",
            ["对现行有效的5份文件进行了审查，均通过网络公开。"],
            False,
        ),
    ],
)
def test_statements_as_units_type_them(title, statement, sentences, only_done):
    assert statement_sentences(title, statement) == (sentences, only_done)


def test_punctuation_and_quotes():
    assert full_width("完成审查,均公开;共3次.") == "完成审查，均公开；共3次。"
    assert full_width("提高到4.5%,1,000人") == "提高到4.5%，1,000人"
    assert tidy_punctuation("低保、、养老，。共；；") == "低保、养老。共；"
    assert nest_quotes("“开展“双随机、一公开”抽查”") == "“开展‘双随机、一公开’抽查”"
    assert quoted("开展“双随机、一公开”抽查") == "“开展‘双随机、一公开’抽查”"
    assert quotes_nested("“开展‘双随机’抽查”") and not quotes_nested("“开展“双随机”抽查”")


def test_ledger_sentences_go_before_a_concluding_sentence_or_after_their_topic():
    concluding = ["组织学习。", "开展讲座。", "提高依法行政水平。"]
    assert insertion_point(concluding) == 2
    topical = ["组织联合抽查检查。", "培育社会组织。", "全面覆盖。"]
    assert insertion_point(topical, {"抽查", "检查"}) == 1


def measures_text(report) -> str:
    return report.part("measures").plain_text()


def test_fragmentary_statements_read_as_a_measures_paragraph():
    report = build_report(fragmentary())
    text = measures_text(report)
    # 已完成。: the measure, then what the ledger shows of it, in one sentence
    assert "一是健全法律顾问制度，聘请山西某律师事务所担任法律顾问，全年咨询法律顾问2次" in text
    assert "二是开展法治专题培训2次。" in text
    assert "已完成" not in text
    # the unit's count anchored to the ledger, the rest of the ledger's fact said once
    assert "按要求完成了5件规范性文件审查。审查的文件均通过网络公开" in text
    reviews = next(f for f in report.figures() if f.label == "规范性文件合法性审查")
    assert reviews.text.endswith("按要求完成了5件规范性文件审查。")
    assert len(reviews.record_ids) == 5
    # late rectifications are said, not glossed over
    assert "发现的问题已全部整改到位，其中2个问题逾期整改到位。" in text
    late = next(f for f in report.figures() if f.label == "问题逾期整改到位")
    assert late.record_ids == [41]
    warned = [w.task_ids for w in report.warnings if w.code == "thin_result_statement"]
    assert warned == [[2]]


def traced_sample():
    """The builder tests' sample with its one unbacked number (6%) entered in the ledger."""
    data = sample()
    data.records.append(metric(41, 4, "特殊困难群众保障水平提高比例", 6, "%"))
    return data


@pytest.mark.parametrize("fixture", [traced_sample, fragmentary], ids=["sample", "fragmentary"])
def test_part_one_keeps_the_style_rules(fixture):
    report = build_report(fixture())
    problems = [p for p in style_problems(report) if p.startswith("一、")]
    assert problems == []


def test_decisions_are_not_written_digit_first():
    report = build_report(fragmentary())
    decision = next(f for f in report.figures() if f.label == "重大行政决策")
    assert not decision.text[:1].isdigit()


@pytest.mark.parametrize("fixture", [traced_sample, fragmentary], ids=["sample", "fragmentary"])
def test_the_whole_report_keeps_the_style_rules(fixture):
    assert style_problems(build_report(fixture())) == []


def test_the_opening_frames_the_year_and_counts_plan_tasks_once():
    opening = build_report(fragmentary()).opening.plain_text()
    assert opening.startswith("2020年，测试县民政局以习近平新时代中国特色社会主义思想为指导")
    # six plan tasks; the principal's duty is no plan task
    assert "印发《2020年法治建设工作要点》，确定重点任务6项，年内全部办结。" in opening
    assert "7项" not in opening


def test_the_opening_takes_the_plans_preamble():
    preamble = (
        "关于印发2021年法治建设工作要点的通知\n2021年全局法治建设工作的总体要求是：坚持以习近平"
        "新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，紧紧围绕市委、市政府决策"
        "部署，现制定如下要点。\n一、加强组织领导\n"
    )
    framing = preamble_framing(preamble)
    assert framing == (
        "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，紧紧围绕市委、"
        "市政府决策部署"
    )
    opening = build_report(fragmentary(framing=framing)).opening.plain_text()
    assert opening.startswith("2020年，测试县民政局坚持以习近平新时代中国特色社会主义思想为指导")
    assert preamble_framing("一、加强组织领导") == ""


def test_part_three_is_one_flowing_paragraph():
    part = build_report(fragmentary()).part("principal")
    assert len(part.paragraphs) == 1
    assert part.plain_text() == (
        "落实党组中心组学法制度，年内主持4次党组中心组学习会、召开6次党组（扩大）会。"
    )
    figures = {f.display: f for f in part.sentences() for f in f.figures}
    assert figures["4次"].record_ids == [60, 61, 62, 63]
    assert figures["6次"].record_ids == [70, 71, 72, 73, 74, 75]
    sentence = part.paragraphs[0].sentences[0]
    for figure in sentence.figures:
        assert sentence.text[figure.span[0] : figure.span[1]] == figure.display
