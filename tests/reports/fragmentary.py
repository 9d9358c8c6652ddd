"""A second fixture: a plan whose units typed their results the way people fill in a form —
short, fragmentary, with or without final punctuation, sometimes restating the task — with the
ledger records that back their numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.reports.builder import (
    AdvisorInfo,
    RecordInfo,
    ReportInput,
    SectionInfo,
    TaskInfo,
)

TODAY = date(2021, 1, 20)


def _review(ident: int, task_id: int) -> RecordInfo:
    return RecordInfo(
        ident,
        "document_review",
        task_id,
        evidence_ids=[500 + ident],
        attrs={
            "document_title": f"规范性文件{ident}",
            "on_behalf_of": "",
            "conclusion": "lawful",
            "is_published": True,
            "is_filed": True,
        },
    )


def _session(ident: int, task_id: int, kind: str, chaired_by_id: int | None = 7) -> RecordInfo:
    return RecordInfo(
        ident,
        "study_session",
        task_id,
        attrs={"session_kind": kind, "chaired_by_id": chaired_by_id, "chaired_by_name": ""},
    )


def fragmentary(**changes) -> ReportInput:
    """A 2020 plan of three sections whose result statements are as units type them."""
    tasks = [
        # 已完成。 — nothing but "done": the title stands for the measure, the ledger adds
        TaskInfo(1, "健全法律顾问制度", section_id=10, result_statement="已完成。"),
        TaskInfo(2, "调整法治建设领导小组", section_id=10, result_statement="已完成"),
        # the count typed by the unit, with a measure word the ledger calls 份
        TaskInfo(
            3,
            "落实规范性文件合法性审查制度",
            section_id=20,
            result_statement="按要求完成了5件规范性文件审查",
        ),
        # restating the task, no final punctuation
        TaskInfo(4, "开展法治专题培训", section_id=20, result_statement="开展培训2次"),
        # half-width punctuation, a number of its own, a doubled mark
        TaskInfo(
            5,
            "开展“双随机、一公开”抽查",
            section_id=30,
            result_statement="1、对养老机构开展“双随机、一公开”抽查3次,,发现问题4个",
        ),
        # starts with a digit
        TaskInfo(
            6,
            "做好重大行政决策工作",
            section_id=30,
            result_statement="1项重大行政决策按程序出台。",
        ),
        TaskInfo(
            7,
            "落实党组中心组学法制度",
            is_principal_duty=True,
            result_statement="已完成",
        ),
    ]
    records = [
        *(_review(i, 3) for i in range(1, 6)),
        RecordInfo(
            20,
            "consultation",
            1,
            attrs={"category": "litigation", "is_adopted": True, "advisor": "山西某律师事务所"},
        ),
        RecordInfo(
            21,
            "consultation",
            1,
            attrs={"category": "contract", "is_adopted": True, "advisor": "山西某律师事务所"},
        ),
        *(_session(30 + i, 4, "training", None) for i in range(2)),
        *(
            RecordInfo(
                40 + i,
                "inspection",
                5,
                attrs={
                    "inspection_kind": "random",
                    "target_organisation": f"养老机构{i}",
                    "done_on": date(2020, 6, 1),
                    "problem_count": problems,
                    "rectification_due": date(2020, 7, 1),
                    "rectified_on": rectified,
                },
            )
            for i, (problems, rectified) in enumerate(
                [(1, date(2020, 6, 20)), (2, date(2020, 8, 15)), (1, date(2020, 6, 25))]
            )
        ),
        RecordInfo(
            50,
            "decision",
            6,
            attrs={"decision_title": "关于推进养老服务发展的实施意见", "open_steps": []},
        ),
        *(_session(60 + i, 7, "center_group") for i in range(4)),
        *(_session(70 + i, 7, "party_group_meeting") for i in range(6)),
        RecordInfo(
            80,
            "metric",
            3,
            attrs={
                "name": "规范性文件备案率",
                "measure": "%",
                "value": Decimal("100"),
                "as_of": date(2020, 12, 31),
                "baseline_value": None,
                "baseline_year": None,
            },
        ),
    ]
    data = ReportInput(
        plan_id=2,
        year=2020,
        bureau="测试县民政局",
        plan_title="2020年法治建设工作要点",
        today=TODAY,
        sections=[
            SectionInfo(10, "加强组织领导", "（一）"),
            SectionInfo(20, "依法履行职能", "（二）"),
            SectionInfo(30, "规范行政执法", "（三）"),
        ],
        tasks=tasks,
        records=records,
        advisors=[AdvisorInfo("山西某律师事务所", "钱律师")],
        principal_ids={7},
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data
