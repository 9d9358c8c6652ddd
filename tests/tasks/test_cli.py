"""`tracker plans list`, `tracker tasks list` and `tracker workdays add` from the console."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tests.factories import make_plan, make_section, make_task, walk
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans

#: 2026-06-08 10:00 in Asia/Shanghai (a Monday)
NOW = datetime(2026, 6, 8, 2, 0, tzinfo=UTC)


@pytest.fixture
def listed(org):
    with clock.frozen_at(datetime(2026, 1, 5, 2, tzinfo=UTC)):
        old = make_plan(org, year=2025)
        make_task(org, old, title="去年的任务")
        plan = make_plan(org, year=2026, document_number="测民发〔2026〕2号")
        section = make_section(org, plan, "加强组织领导", "一")
        late = make_task(
            org,
            plan,
            title="逾期的低保核查",
            number="一是",
            section=section,
            due_date=date(2026, 6, 1),
            co_units=[org.elderly, org.office],
            supervisor=org.users.leader,
        )
        make_task(
            org,
            plan,
            title="养老机构检查",
            number="二是",
            section=section,
            lead_unit=org.elderly,
            due_date=date(2026, 12, 31),
        )
        make_task(
            org, plan, title="核对中心数据比对", lead_unit=org.relief_team, is_continuous=True
        )
        plans.publish_plan(org.users.coordinator, plan)
        walk(org, late, "in_progress")
    db.session.commit()
    return plan


def run_json(runner, *args):
    result = runner.invoke(args=[*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_plans_list_json(runner, listed):
    rows = run_json(runner, "plans", "list")
    assert [(r["year"], r["status"]) for r in rows] == [(2026, "active"), (2025, "draft")]
    for row in rows:
        assert {"id", "year", "title", "status"} <= set(row)
    assert rows[0]["title"] == "2026年法治建设工作要点" and rows[0]["id"] == listed.id
    text = runner.invoke(args=["plans", "list"])
    assert text.exit_code == 0 and "2026年法治建设工作要点" in text.output


def test_plans_list_with_no_plans(runner, org):
    assert run_json(runner, "plans", "list") == []


def test_tasks_list_json_has_every_field(runner, listed, org):
    with clock.frozen_at(NOW):
        rows = run_json(runner, "tasks", "list", "--plan", str(listed.id))
    assert [r["title"] for r in rows] == [
        "逾期的低保核查",
        "养老机构检查",
        "报送并公开2026年度法治政府建设情况报告",  # added when the plan was published
        "核对中心数据比对",
    ]
    late = rows[0]
    expected = {
        "number": "一是",
        "title": "逾期的低保核查",
        "section": "加强组织领导",
        "lead_unit": "社会救助科",
        "owner": "staff-relief",
        "due_date": "2026-06-01",
        "status": "in_progress",
        "light": "red",
        "progress": 0,
    }
    assert {k: late[k] for k in expected} == expected
    assert sorted(late["co_units"]) == ["养老服务科", "办公室"]
    assert isinstance(late["id"], int)
    continuous = rows[3]
    assert (continuous["due_date"], continuous["light"], continuous["co_units"]) == (
        None,
        "green",
        [],
    )


def test_tasks_list_filters(runner, listed):
    with clock.frozen_at(NOW):
        red = run_json(runner, "tasks", "list", "--light", "red")
        relief = run_json(runner, "tasks", "list", "--plan", str(listed.id), "--unit", "社会救助科")
        by_alias = run_json(runner, "tasks", "list", "--unit", "救助科", "--plan", str(listed.id))
        elderly = run_json(runner, "tasks", "list", "--unit", "养老服务科")
        everything = run_json(runner, "tasks", "list")
    assert [r["title"] for r in red] == ["逾期的低保核查"]
    # a unit's subtree: the sub-unit's task is 社会救助科's too
    assert {r["title"] for r in relief} == {"逾期的低保核查", "核对中心数据比对"}
    assert by_alias == relief
    # lead or co-unit
    assert {r["title"] for r in elderly} == {"逾期的低保核查", "养老机构检查"}
    # last year's draft task and this year's reporting task included
    assert len(everything) == 5


def test_tasks_list_text(runner, listed):
    with clock.frozen_at(NOW):
        result = runner.invoke(args=["tasks", "list", "--plan", str(listed.id)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 4 and "red" in lines[0] and "逾期的低保核查" in lines[0]


@pytest.mark.parametrize(
    "args,message",
    [
        (["tasks", "list", "--plan", "999"], "Error: no plan with id 999"),
        (["tasks", "list", "--unit", "不存在的科"], "Error: no unit named '不存在的科'"),
    ],
)
def test_tasks_list_errors_are_one_line_and_exit_1(runner, listed, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [message]
    assert "Traceback" not in result.output


def test_workdays_add_across_national_day(runner):
    result = runner.invoke(args=["workdays", "add", "2024-09-30", "3"])
    assert result.exit_code == 0
    assert result.output == "2024-10-10\n"
