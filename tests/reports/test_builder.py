"""The report builder on plain data: structure, numbering, figures and their sources, the parts
drawn from what was missed, the principal leader's sessions, next year's plan, edits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reports.style import style_problems
from tracker.reports import builder
from tracker.reports.builder import (
    AdvisorInfo,
    CauseInfo,
    NextPlanInfo,
    PartEdit,
    RecordInfo,
    ReportInput,
    ReturnInfo,
    SectionInfo,
    TaskInfo,
    build_report,
    chinese_number,
    parse_part_text,
    split_sentences,
    written_numbers,
)
from tracker.reports.layout import signature_indents

TODAY = date(2021, 1, 20)


def review(ident, task_id, published=True, filed=False, conclusion="lawful"):
    return RecordInfo(
        ident,
        "document_review",
        task_id,
        evidence_ids=[100 + ident],
        attrs={
            "document_title": f"文件{ident}",
            "on_behalf_of": "",
            "conclusion": conclusion,
            "is_published": published,
            "is_filed": filed,
        },
    )


def metric(ident, task_id, name, value, measure, baseline=None, baseline_year=None):
    return RecordInfo(
        ident,
        "metric",
        task_id,
        attrs={
            "name": name,
            "measure": measure,
            "value": Decimal(str(value)),
            "as_of": date(2020, 12, 31),
            "baseline_value": Decimal(str(baseline)) if baseline is not None else None,
            "baseline_year": baseline_year,
        },
    )


def session(ident, task_id, kind, chaired_by_id=7):
    return RecordInfo(
        ident,
        "study_session",
        task_id,
        attrs={"session_kind": kind, "chaired_by_id": chaired_by_id, "chaired_by_name": ""},
    )


def sample(**changes) -> ReportInput:
    """A small 2020 plan: two sections, done tasks with records, one principal duty."""
    data = ReportInput(
        plan_id=1,
        year=2020,
        bureau="测试市民政局",
        plan_title="2020年法治建设工作要点",
        document_number="测民发〔2020〕1号",
        today=TODAY,
        sections=[
            SectionInfo(10, "加强组织领导，推进法治建设", "（一）"),
            SectionInfo(20, "健全体制机制，依法履行职能", "（二）"),
        ],
        tasks=[
            TaskInfo(
                1,
                "印发工作要点",
                section_id=10,
                result_statement="印发《2020年法治建设工作要点》。",
            ),
            TaskInfo(
                2, "健全法律顾问制度", section_id=10, result_statement="一是健全法律顾问制度。"
            ),
            TaskInfo(
                3,
                "落实规范性文件合法性审查制度",
                section_id=20,
                result_statement="对现行有效的5份文件进行了审查，均通过网络公开。",
                target_count=5,
                target_measure="份",
                achieved_count=5,
            ),
            TaskInfo(
                4,
                "社会救助兜底保障",
                section_id=20,
                result_statement="最低生活保障标准从2015年的2286元提高到2020年的4778元，按6%的比例提高保障水平。",
            ),
            TaskInfo(
                5,
                "主持党组中心组学习会",
                is_principal_duty=True,
                result_statement="年内主持3次党组中心组学习会，认真学习法律法规。",
                target_count=3,
                target_measure="次",
                achieved_count=3,
            ),
        ],
        records=[
            *(review(i, 3) for i in range(1, 6)),
            RecordInfo(
                30,
                "consultation",
                2,
                attrs={"category": "litigation", "is_adopted": True, "advisor": "某律师事务所"},
            ),
            RecordInfo(
                31,
                "consultation",
                2,
                attrs={"category": "petition", "is_adopted": False, "advisor": "某律师事务所"},
            ),
            metric(40, 4, "最低生活保障标准", 4778, "元", 2286, 2015),
            *(session(50 + i, 5, "center_group") for i in range(3)),
            session(60, 1, "party_group_meeting"),  # chaired by the principal, under a task
        ],
        principal_ids={7},
        signatory="",
        signed_on=date(2021, 1, 15),
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def headings(report):
    return [p.heading for p in report.shown_parts]


# -- helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (35, "三十五"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1000, "一千"),
        (1010, "一千零一十"),
        (10010, "一万零一十"),
        (12345, "一万二千三百四十五"),
        (100000, "十万"),
        (20000005, "二千万零五"),
    ],
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_sentences_keep_their_marks_and_quotes():
    assert split_sentences("一是印发。实现“两线合一”。推动衔接") == [
        "一是印发。",
        "实现“两线合一”。",
        "推动衔接",
    ]


def test_written_numbers_skip_years_dates_and_titles():
    text = "按照《2020年工作要点》（测民发〔2020〕1号），2021年3月完成，共5份，占82.61%，"
    text += "（2018—2022年）"
    assert [text[a:b] for a, b in written_numbers(text)] == ["5份", "82.61%"]


def test_signature_is_indented_per_gbt_9704():
    # the date (7 characters wide) is longer than the signature (6): it keeps 2 characters to the
    # right edge and the signature starts 2 characters before it
    assert signature_indents("忻州市民政局", "2021年1月15日") == (5, 2)
    assert signature_indents("中共忻州市民政局党组委员会", "2021年1月15日") == (2, 7)


# -- structure -------------------------------------------------------------------------------------


def test_title_parts_and_signature():
    report = build_report(sample())
    assert report.title == "测试市民政局2020年度法治政府建设情况报告"
    assert headings(report) == [
        "一、2020年推进法治政府建设的主要举措和成效",
        "二、存在的不足和原因",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况",
        "四、2021年推进法治政府建设的主要安排",
    ]
    assert report.signatory == "测试市民政局" and report.signed_on_text == "2021年1月15日"
    opening = report.opening.paragraphs[0].text
    assert opening.startswith("2020年，测试市民政局以习近平新时代中国特色社会主义思想为指导")
    # the plan's tasks, not the principal's duties, counted once
    assert "确定重点任务4项，年内全部办结。" in opening
    assert opening.endswith("现将我局2020年度法治政府建设情况报告如下：")


def test_one_section_per_plan_section_and_numbered_measures():
    part = build_report(sample()).part("measures")
    assert [s.heading for s in part.sections] == [
        "（一）加强组织领导，推进法治建设",
        "（二）健全体制机制，依法履行职能",
    ]
    first = part.sections[0].paragraphs
    assert [p.ordinal for p in first] == ["一是", "二是"]
    # a statement typed with its own number loses it: the report numbers it
    assert first[1].text.startswith("二是健全法律顾问制度。")
    assert not first[1].text.startswith("二是一是")


def test_a_figure_the_statement_writes_is_tied_to_its_records():
    report = build_report(sample())
    review_paragraph = report.part("measures").sections[1].paragraphs[0]
    (sentence,) = review_paragraph.sentences
    (figure,) = sentence.figures
    assert (figure.label, figure.display) == ("规范性文件合法性审查", "5份")
    assert figure.record_ids == [1, 2, 3, 4, 5] and figure.task_ids == [3]
    assert figure.evidence_ids == [101, 102, 103, 104, 105]
    assert sentence.text[slice(*figure.span)] == "5份"
    assert sentence.record_ids == [1, 2, 3, 4, 5] and 3 in sentence.task_ids
    # no second sentence repeats what the statement already says
    assert len(review_paragraph.sentences) == 1


def test_a_figure_the_statement_does_not_write_gets_its_own_sentence():
    paragraph = build_report(sample()).part("measures").sections[0].paragraphs[1]
    added = paragraph.sentences[-1]
    assert added.origin == "generated"
    assert added.text == (
        "聘请某律师事务所担任法律顾问，全年咨询法律顾问2次，涉及行政诉讼、信访等事项，采纳法律顾问意见1条。"
    )
    assert {f.display for f in added.figures} == {"2次", "1条"}
    assert added.record_ids == [30, 31]


def test_a_metric_with_its_baseline():
    paragraph = build_report(sample()).part("measures").sections[1].paragraphs[1]
    figure = next(f for s in paragraph.sentences for f in s.figures)
    assert (figure.value, figure.baseline_value, figure.baseline_year) == (4778, 2286, 2015)
    assert figure.metric_ids == [40]
    # 6% is written but no record backs it
    assert paragraph.sentences[0].unsourced == ["6%"]
    report = build_report(sample())
    assert any(
        w.code == "unsourced_figures" and "6%" in w.params["figures"] for w in report.warnings
    )


def test_metric_sentence_when_the_text_does_not_cite_it():
    data = sample()
    data.records.append(metric(41, 4, "农村低保保障人数", 185990, "人"))
    data.records.append(metric(42, 4, "行政村总数", 2702, "个", 4888, 2019))
    paragraph = build_report(data).part("measures").sections[1].paragraphs[1]
    texts = [s.text for s in paragraph.sentences]
    assert "农村低保保障人数为185990人。" in texts
    assert "行政村总数从2019年的4888个减少到2020年的2702个。" in texts


def test_figures_lists_every_cited_figure_with_its_part():
    report = build_report(sample())
    figures = list(report.figures())
    assert all(f.text and f.part and f.span for f in figures)
    by_display = {f.display: f for f in figures}
    assert by_display["5份"].part == "一、2020年推进法治政府建设的主要举措和成效"
    assert by_display["5份"].section == "（二）健全体制机制，依法履行职能"
    assert by_display["3次"].part.startswith("三、")


# -- 二、 what was missed ------------------------------------------------------------------------


def test_shortcomings_from_unfinished_late_returned_missed_and_cancelled_tasks():
    data = sample()
    data.tasks += [
        TaskInfo(
            6,
            "清理规范性文件",
            section_id=20,
            status="in_progress",
            lead_unit="办公室",
            due_date=date(2020, 12, 31),
            progress=60,
        ),
        TaskInfo(
            7,
            "组织执法培训",
            section_id=20,
            status="done",
            result_statement="组织执法培训。",
            due_date=date(2020, 6, 30),
            submitted_on=date(2020, 7, 10),
            target_count=4,
            target_measure="次",
            achieved_count=3,
            returns=[ReturnInfo(date(2020, 7, 5), "缺少签到表")],
        ),
        TaskInfo(8, "撤销的任务", section_id=20, status="cancelled", cancel_note="上级取消"),
    ]
    part = build_report(data).part("shortcomings")
    text = part.plain_text()
    assert text.startswith("2020年，我局法治政府建设工作取得了一定成效")
    # no cause stated yet: what fell behind is counted by area, never listed task by task
    assert (
        "一是部分工作推进不够及时，依法履行职能方面有1项任务尚未完成，其中1项已超过完成时限；"
        "1项任务逾期办结；1项任务办理质量不高、被退回补充。" in text
    )
    assert "牵头）" not in text and "进度" not in text
    assert "“组织执法培训”计划完成4次，实际完成3次。" in text
    assert "“撤销的任务”经研究撤销，原因是：上级取消。" in text
    assert [p.ordinal for p in part.paragraphs[1:]] == ["一是", "二是", "三是"]
    behind = next(s for p in part.paragraphs for s in p.sentences if 6 in s.task_ids)
    assert behind.task_ids == [6, 7] and [f.value for f in behind.figures] == [1, 1, 1, 1]
    report = build_report(data)
    assert any(w.code == "causes_missing" for w in report.warnings)


def test_shortcomings_group_the_stated_causes_by_cause_naming_the_area():
    data = sample()
    data.tasks += [
        TaskInfo(
            6, "清理规范性文件", section_id=20, status="in_progress", due_date=date(2020, 12, 1)
        ),
        TaskInfo(7, "组织执法培训", section_id=20, status="done", result_statement="已完成。"),
        TaskInfo(
            9, "法治宣传进社区", section_id=10, status="in_progress", due_date=date(2020, 9, 1)
        ),
    ]
    data.causes = [
        CauseInfo(
            "人员力量不足", "科室人手紧张，同时承担换届工作", "抽调干部专人负责", "overdue", 6
        ),
        CauseInfo("人员力量不足", "宣传任务集中在下半年。", "提前制定宣传计划。", "overdue", 9),
        CauseInfo("专业人才缺乏", "缺少法律专业人员把关。", "聘请法律顾问协助。", "returned", 7),
        CauseInfo("专业人才缺乏", "目前我局专业法律工作人员偏少", "", "structural", None),
    ]
    report = build_report(data)
    part = report.part("shortcomings")
    paragraphs = [p.text for p in part.paragraphs[1:]]
    assert paragraphs[0].startswith(
        "一是干部队伍人员力量不足，依法履行职能、推进法治建设等方面有2项任务未能按期完成。"
        "科室人手紧张，同时承担换届工作。宣传任务集中在下半年。"
    ), paragraphs[0]
    assert paragraphs[0].endswith("下一步，抽调干部专人负责；提前制定宣传计划。")
    assert paragraphs[1] == (
        "二是专业法律人才缺乏，依法履行职能方面有1项任务办理结果被退回。缺少法律专业人员把关。"
        "目前我局专业法律工作人员偏少。下一步，聘请法律顾问协助。"
    )
    assert len(paragraphs) == 2  # every task that fell behind has its cause
    assert not any(w.code == "causes_missing" for w in report.warnings)
    assert [p for p in style_problems(report) if p.startswith("二、")] == []


def test_with_nothing_missed_part_two_draws_on_the_structural_notes():
    data = sample()
    data.causes = [
        CauseInfo(
            "人员力量不足", "目前民政干部队伍不同程度地存在人员不足等问题。", occasion="structural"
        ),
    ]
    report = build_report(data)
    text = report.part("shortcomings").plain_text()
    assert "一是目前民政干部队伍不同程度地存在人员不足等问题。" in text
    assert not any(s.origin == "placeholder" for s in report.part("shortcomings").sentences())
    assert not any(w.code == "write_causes" for w in report.warnings)


def test_nothing_missed_asks_for_the_causes():
    report = build_report(sample())
    part = report.part("shortcomings")
    # under a heading that announces shortcomings, never "everything was done"
    assert "办结" not in part.plain_text() and "一定差距" in part.plain_text()
    assert any(s.origin == "placeholder" for s in part.sentences())
    assert any(w.code == "write_causes" for w in report.warnings)


def test_open_decision_steps_and_unrectified_problems_are_shortcomings():
    data = sample()
    data.records += [
        RecordInfo(
            70,
            "decision",
            1,
            attrs={"decision_title": "调整布局规划", "open_steps": ["risk_assessment"]},
        ),
        RecordInfo(
            71,
            "inspection",
            1,
            attrs={
                "target_organisation": "某协会",
                "done_on": date(2020, 9, 1),
                "problem_count": 2,
                "rectification_due": date(2020, 10, 1),
                "rectified_on": None,
            },
        ),
    ]
    text = build_report(data).part("shortcomings").plain_text()
    assert "重大行政决策《调整布局规划》尚未履行风险评估程序。" in text
    assert "对某协会检查发现的2个问题尚未整改到位，已超过整改期限（2020年10月1日）。" in text


def test_unrectified_inspections_past_thirty_are_counted_with_their_records_and_evidence():
    data = sample()
    data.records += [
        RecordInfo(
            100 + n,
            "inspection",
            1,
            evidence_ids=[500 + n],
            attrs={"target_organisation": f"第{n}协会", "problem_count": 1, "rectified_on": None},
        )
        for n in range(1, 33)
    ]
    part = build_report(data).part("shortcomings")
    (rectify,) = [
        p for p in part.paragraphs if p.sentences[0].text == "检查发现问题的整改不够及时："
    ]
    assert rectify.sentences[30].text == "对第30协会检查发现的1个问题尚未整改到位。"
    counted = rectify.sentences[-1]
    assert counted.text == "另有2次检查发现的问题尚未整改到位，逐项情况见行政执法检查台账。"
    assert (counted.task_ids, counted.record_ids, counted.evidence_ids) == (
        [1],
        [131, 132],
        [531, 532],
    )
    (figure,) = counted.figures
    assert (figure.value, figure.record_ids, figure.evidence_ids) == (2, [131, 132], [531, 532])


# -- 三、 the principal leader ------------------------------------------------------------------


def test_principal_part_counts_the_sessions_the_principal_chaired():
    part = build_report(sample()).part("principal")
    text = part.plain_text()
    # one flowing paragraph: a meeting chaired by the principal under another task joins it
    assert text == "年内主持3次党组中心组学习会，认真学习法律法规；召开1次党组（扩大）会。"
    cited = {f.display: f for f in part.sentences() for f in f.figures}
    assert cited["3次"].record_ids == [50, 51, 52]
    assert cited["1次"].record_ids == [60]


# -- 四、 next year ---------------------------------------------------------------------------


def test_arrangements_from_next_years_plan():
    following = NextPlanInfo(
        2,
        2021,
        "2021年法治建设工作要点",
        "draft",
        sections=[SectionInfo(90, "加强规范性文件的制定", "（一）")],
        tasks=[
            TaskInfo(
                91, "健全配套文件", section_id=90, text="完善民政政策法规体系。", status="draft"
            ),
            TaskInfo(92, "按季度报送", section_id=90, text="", status="draft"),
        ],
    )
    report = build_report(sample(next_plan=following))
    part = report.part("arrangements")
    assert part.heading == "四、2021年推进法治政府建设的主要安排"
    assert part.plain_text() == "（一）加强规范性文件的制定。完善民政政策法规体系。按季度报送。"
    assert part.sections[0].paragraphs[0].lead == "（一）加强规范性文件的制定。"
    assert not any(w.code == "no_next_plan" for w in report.warnings)


def test_without_next_years_plan_the_part_waits_for_text():
    report = build_report(sample())
    part = report.part("arrangements")
    assert "【待补充" in part.plain_text()
    assert any(w.code == "no_next_plan" and w.params == {"year": 2021} for w in report.warnings)


# -- edits ------------------------------------------------------------------------------------


def test_part_five_only_with_the_coordinators_text():
    assert len(build_report(sample()).shown_parts) == 4
    edit = PartEdit(1, "2020年我局无其他需要报告的情况。", fingerprint="x")
    report = build_report(sample(edits={"other": edit}))
    assert headings(report)[-1] == "五、其他需要报告的情况"
    assert report.part("other").plain_text() == "2020年我局无其他需要报告的情况。"


def test_an_edit_replaces_the_text_and_keeps_the_figures_tied():
    generated = build_report(sample()).part("measures")
    text = generated.plain_text().replace("5份文件", "5份规范性文件")
    edit = PartEdit(
        3,
        text,
        fingerprint=generated.fingerprint,
        base_text=generated.plain_text(),
        author="王晓燕",
        created_at=datetime(2021, 1, 14),
    )
    report = build_report(sample(edits={"measures": edit}))
    part = report.part("measures")
    assert part.plain_text() == text
    assert part.edit.author == "王晓燕" and not part.edit.data_changed
    assert [s.heading for s in part.sections] == [s.heading for s in generated.sections]
    five = next(f for f in report.figures() if f.display == "5份")
    assert five.record_ids == [1, 2, 3, 4, 5] and "5份规范性文件" in five.text
    assert part.fingerprint == generated.fingerprint  # of the data, not of the edit


def test_the_edit_notes_when_the_data_changed_since():
    generated = build_report(sample()).part("measures")
    edit = PartEdit(3, generated.plain_text(), fingerprint=generated.fingerprint)
    data = sample(edits={"measures": edit})
    data.records.append(review(6, 3))  # a sixth review entered after the edit
    report = build_report(data)
    part = report.part("measures")
    assert part.edit.data_changed
    assert any(w.code == "data_changed" and w.part_key == "measures" for w in report.warnings)
    # the edited text still says 5: that number no longer matches the records
    assert "6份" in part.generated_text and "5份" in part.plain_text()
    assert [f.display for f in part.edit.dropped] == ["6份"]


def test_an_overdue_count_growing_by_the_day_is_no_data_change():
    data = sample()
    data.tasks.append(
        TaskInfo(6, "清理文件", section_id=20, status="in_progress", due_date=date(2020, 12, 31))
    )
    first = build_report(data).part("shortcomings").fingerprint
    data.today = date(2021, 2, 1)
    assert build_report(data).part("shortcomings").fingerprint == first


def test_parsing_an_edited_part():
    paragraphs, sections = parse_part_text(
        "引言一句。\n（一）加强领导\n一是第一件事。\n1. 小标题\n小节正文。\n"
        "（二）做好执法工作。进一步完善制度。"
    )
    assert [p.text for p in paragraphs] == ["引言一句。"]
    assert [s.heading for s in sections] == ["（一）加强领导", "（二）做好执法工作。"]
    assert sections[0].paragraphs[0].ordinal == "一是"
    assert sections[0].subsections[0].heading == "1.小标题"
    assert sections[0].subsections[0].paragraphs[0].text == "小节正文。"
    run_in = sections[1].paragraphs[0]
    assert (run_in.lead, run_in.text) == ("（二）做好执法工作。", "进一步完善制度。")


def test_title_breaks_after_the_bureau_when_long():
    report = build_report(sample())
    assert report.title_lines == ["测试市民政局", "2020年度法治政府建设情况报告"]
    short = build_report(sample(bureau="某局"))
    assert short.title_lines == [short.title]


def test_no_builder_module_is_long():
    package = Path(builder.__file__).parent
    lengths = {
        m.name: len(m.read_text(encoding="utf-8").splitlines()) for m in package.rglob("*.py")
    }
    assert max(lengths.values()) <= 400, lengths


def test_advisors_name_the_firm_when_records_do_not():
    data = sample()
    for record in data.records:
        record.attrs.pop("advisor", None)
    data.advisors = [AdvisorInfo("山西某律师事务所", "赵律师")]
    paragraph = build_report(data).part("measures").sections[0].paragraphs[1]
    assert paragraph.sentences[-1].text.startswith("聘请山西某律师事务所赵律师担任法律顾问")


def test_a_recurring_task_done_period_by_period():
    data = sample()
    data.tasks.append(TaskInfo(9, "按季度报送审查台账", section_id=20, result_statement=""))
    for n, label in enumerate(["第一季度", "第二季度"], 1):
        data.tasks.append(
            TaskInfo(
                90 + n,
                f"按季度报送审查台账（{label}）",
                section_id=20,
                parent_id=9,
                period_label=label,
            )
        )
    data.records.append(review(95, 91))  # entered on an occurrence, counted for the task
    report = build_report(data)
    paragraph = report.part("measures").sections[1].paragraphs[-1]
    assert paragraph.sentences[0].text == "按季度报送审查台账，全年2期均按要求完成。"
    assert paragraph.sentences[-1].record_ids == [95]
    assert not any(w.code == "no_result_statement" for w in report.warnings)


# -- statutory indicators --------------------------------------------------------------------------


def lawsuit(ident, task_id):
    return RecordInfo(ident, "litigation", task_id, evidence_ids=[200 + ident], attrs={})


def test_a_tasks_indicators_are_cited_with_numerator_and_denominator_traced_to_records():
    data = sample()
    data.tasks.append(
        TaskInfo(6, "做好行政应诉工作", section_id=20, result_statement="依法做好行政应诉工作。")
    )
    data.records += [lawsuit(70, 6), lawsuit(71, 6)]
    data.indicators = [
        builder.IndicatorInfo(
            "head_appearance_rate", 6, Decimal("50.0"), numerator_ids=[71], denominator_ids=[70, 71]
        ),
        builder.IndicatorInfo("litigation_loss_rate", 6, Decimal("0.0"), denominator_ids=[70]),
    ]
    paragraph = build_report(data).part("measures").sections[1].paragraphs[-1]
    text = paragraph.text
    assert "负责人出庭应诉率为50%（开庭审理的行政诉讼案件2件，其中负责人出庭应诉1件）。" in text
    assert "行政诉讼败诉率为0%（审结行政诉讼案件1件，无一败诉）。" in text
    figures = {f.label: f for s in paragraph.sentences for f in s.figures}
    rate = figures["负责人出庭应诉率"]
    assert (rate.display, rate.record_ids, rate.task_ids) == ("50%", [70, 71], [6])
    assert rate.evidence_ids == [270, 271]
    assert figures["负责人出庭应诉率的分子：负责人出庭应诉"].record_ids == [71]
    assert figures["负责人出庭应诉率的分母：开庭审理的行政诉讼案件"].value == 2
    assert figures["行政诉讼败诉率"].record_ids == [70]
    # every number written is one a record backs
    assert not [s.unsourced for s in paragraph.sentences if s.unsourced]


def test_an_indicator_of_another_task_or_with_nothing_counted_is_not_cited():
    data = sample()
    data.indicators = [builder.IndicatorInfo("litigation_loss_rate", 99, Decimal("0.0"))]
    text = build_report(data).part("measures").sections[1].paragraphs[-1].text
    assert "败诉率" not in text


def test_a_section_with_more_done_tasks_than_a_report_lists_counts_the_rest_and_keeps_figures():
    """Thirty measures a section at most, one by one; the others are counted in one closing
    paragraph that names them in its sources, except those whose records give figures."""
    data = sample()
    many = [
        TaskInfo(100 + i, f"开展第{i}项普法活动", section_id=10, result_statement="已完成。")
        for i in range(1, 36)
    ]
    # the 36th: its ledger gives the report a figure, so it is written however far down it is
    many.append(
        TaskInfo(200, "规范性文件审查", section_id=10, result_statement="开展规范性文件审查。")
    )
    data.tasks = [*data.tasks, *many]
    data.records = [*data.records, review(90, 200), review(91, 200)]
    report = build_report(data)
    paragraphs = report.part("measures").sections[0].paragraphs
    # 印发工作要点, 健全法律顾问制度, 28 of the new ones, the one with figures, then the count
    assert len(paragraphs) == 32
    assert [p.ordinal for p in paragraphs[:31]][-2:] == ["三十是", "三十一是"]
    assert paragraphs[30].text.startswith("三十一是开展规范性文件审查")
    counted = paragraphs[31]
    assert counted.ordinal == ""
    assert counted.text == "此外，另有7项任务已按要求办结，逐项办理情况见年度任务清单。"
    (sentence,) = counted.sentences
    assert sentence.task_ids == [129, 130, 131, 132, 133, 134, 135]
    assert any(f.record_ids == [90, 91] for f in report.figures())
    # the other section is not touched by the first one's length
    assert len(report.part("measures").sections[1].paragraphs) == 2


def test_a_shortcoming_lists_thirty_items_and_counts_the_others_as_a_traced_figure():
    data = sample()
    data.tasks = [
        *data.tasks,
        *(
            TaskInfo(300 + i, f"撤销任务{i}", section_id=20, status="cancelled")
            for i in range(1, 34)
        ),
    ]
    part = build_report(data).part("shortcomings")
    (cancelled,) = [p for p in part.paragraphs if p.sentences[0].text == "个别任务未能实施："]
    assert len(cancelled.sentences) == 1 + 30 + 1
    assert cancelled.sentences[30].text == "“撤销任务30”经研究撤销。"
    counted = cancelled.sentences[-1]
    assert counted.text == "另有3项任务经研究撤销，逐项原因见年度任务清单。"
    assert counted.task_ids == [331, 332, 333]
    (figure,) = counted.figures
    assert (figure.value, figure.unit, figure.task_ids) == (3, "项", [331, 332, 333])
    assert counted.text[slice(*figure.span)] == "3项"
