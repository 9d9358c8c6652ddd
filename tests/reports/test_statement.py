"""The principal's 述法 report: built from the same data as the annual report, in its own
structure, every figure traced and said once; downloadable as DOCX, PDF and Markdown by those who
may read the annual report, and from the command line."""

from __future__ import annotations

from tests.reports.style import style_problems
from tests.reports.test_builder import sample
from tracker.reports.builder import NextPlanInfo, RecordInfo, TaskInfo, build_statement_report


def _decision(ident, task_id):
    return RecordInfo(
        ident,
        "decision",
        task_id,
        attrs={"decision_title": "关于推进养老服务发展的实施意见", "open_steps": []},
    )


def statement():
    data = sample()
    data.principal_names = {"李建国"}
    data.tasks.append(
        TaskInfo(
            6,
            "出台第一责任人职责工作清单",
            is_principal_duty=True,
            result_statement="出台《党政主要负责人履行推进法治建设第一责任人职责工作清单》",
        )
    )
    data.records.append(_decision(70, 1))
    data.next_plan = NextPlanInfo(
        9,
        2021,
        "2021年法治建设工作要点",
        "draft",
        tasks=[
            TaskInfo(90, "开展民法典学习宣传", section_id=None),
            TaskInfo(91, "落实规范性文件备案审查", section_id=None),
            TaskInfo(92, "主持召开专题会议研究法治建设", is_principal_duty=True),
        ],
    )
    return build_statement_report(data)


def test_structure_title_and_signature():
    report = statement()
    assert report.title == "测试市民政局主要负责人2020年度述法报告"
    assert report.title_lines == ["测试市民政局", "主要负责人2020年度述法报告"]
    assert [p.heading for p in report.shown_parts] == [
        "一、带头尊法学法守法用法情况",
        "二、履行推进法治建设第一责任人职责情况",
        "三、坚持依法决策情况",
        "四、存在的不足和下一步打算",
    ]
    assert report.opening.plain_text().startswith(
        "根据《党政主要负责人履行推进法治建设第一责任人职责规定》"
    )
    assert report.signatory == "李建国" and report.signed_on_text == "2021年1月15日"
    # part 四's shortcomings come from the recorded causes, as in the annual report (none here)
    assert "【待补充" not in "".join(p.plain_text() for p in report.all_parts()[:4])


def test_sessions_in_part_one_duties_in_part_two_each_count_said_once():
    report = statement()
    study, duties, decisions, next_steps = (p.plain_text() for p in report.shown_parts)
    assert "主持3次党组中心组学习会" in study and "召开1次党组（扩大）会" in study
    assert "3次" not in duties and duties.startswith("出台《党政主要负责人")
    text = "".join(p.plain_text() for p in report.all_parts())
    assert text.count("主持3次党组中心组学习会") == 1
    assert "全年作出重大行政决策1项（《关于推进养老服务发展的实施意见》）" in decisions
    assert "对5份规范性文件进行了合法性审查" in decisions
    assert "2021年，本人将带头抓好《2021年法治建设工作要点》确定的2项重点任务的落实" in next_steps
    assert "主持召开专题会议研究法治建设" in next_steps
    # every figure the report cites is traced to the records or tasks behind it
    figures = list(report.figures())
    assert figures and all(f.record_ids or f.task_ids for f in figures)
    assert not [w for w in report.warnings if w.code == "unsourced_figures"]
    assert style_problems(report) == []


def test_no_duties_and_no_principal_leave_placeholders_and_warnings():
    data = sample(tasks=[t for t in sample().tasks if not t.is_principal_duty], records=[])
    report = build_statement_report(data)
    study, duties, *_ = report.shown_parts
    assert study.plain_text().startswith("【待补充") and duties.plain_text().startswith("【待补充")
    codes = {w.code for w in report.warnings}
    assert {"statement_part_empty", "no_principal"} <= codes
    assert report.signatory == "测试市民政局"


def test_annual_report_edits_do_not_leak_into_the_statement():
    from tracker.reports.builder import PartEdit

    data = sample()
    data.edits = {"principal": PartEdit(1, "协调员改写的第三部分。")}
    text = "".join(p.plain_text() for p in build_statement_report(data).all_parts())
    assert "协调员改写" not in text
