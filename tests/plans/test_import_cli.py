"""`tracker plans import FILE --bureau NAME --year YEAR [--title T] [--dry-run] [--format json]`:
the contract's JSON, a draft plan and its id, and one readable line (exit 1) for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import count
from tests.factories import audit_actions, last_audit_id
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.tasks.models import Task

SEED = Path(__file__).parent / "importer" / "corpus" / "10_xinzhou_civil_affairs_2020_seed.txt"
TASK_KEYS = {
    "number", "title", "text", "lead_units", "co_units", "unmatched_units", "external_units",
    "due_date", "deadline_text", "continuous", "recurrence", "children", "unparsed",
}  # fmt: skip


def run(runner, *args):
    return runner.invoke(args=["plans", "import", *map(str, args)])


def test_dry_run_prints_the_contract_and_writes_nothing(org, runner):
    before = last_audit_id()
    result = run(runner, SEED, "--bureau", "测试市民政局", "--year", 2021, "--dry-run",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"title", "year", "document_number", "sections", "tasks", "warnings"}
    assert data["year"] == 2021 and data["title"] is None and data["document_number"] is None
    assert all(isinstance(w, str) for w in data["warnings"])

    def check(section):
        assert set(section) == {"number", "title", "sections", "tasks"}
        for task in section["tasks"]:
            assert set(task) == TASK_KEYS
            assert task["due_date"] is None or len(task["due_date"]) == 10
        for child in section["sections"]:
            check(child)

    for section in data["sections"]:
        check(section)
    first, fourth = data["sections"][0], data["sections"][3]
    assert first["number"] == "一" and len(first["sections"]) == 6
    assert [len(s["tasks"]) for s in first["sections"]] == [3, 3, 3, 4, 4, 5]
    assert len(fourth["tasks"]) == 4 and fourth["sections"] == []
    assert count(Plan) == 0 and last_audit_id() == before


def test_dry_run_as_text_shows_the_outline(org, runner):
    result = run(runner, SEED, "--bureau", "测试市民政局", "--year", 2021, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "一 2020年推进法治政府建设的主要举措和成效" in result.stdout
    assert "（四） 做好行政执法责任制相关工作" in result.stdout
    assert "warning:" in result.stdout
    assert count(Plan) == 0


def test_import_creates_a_draft_plan_and_prints_its_id(org, runner, tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(
        "测试市民政局2021年法治建设工作要点\n"
        "测民发〔2021〕3号\n"
        "一、加强组织领导\n"
        "1．调整法治建设领导小组。（牵头单位：办公室；完成时限：2021年3月底前）\n"
        "2．开展低保专项治理。（牵头单位：救助科；配合单位：养老服务科、民政局财务室）\n"
        "二、推进依法行政\n"
        "3．落实规范性文件合法性审查制度。（责任单位：法制科，长期坚持）\n",
        encoding="gb18030",
    )
    since = last_audit_id()
    result = run(runner, source, "--bureau", "测试市民政局", "--year", 2021)
    assert result.exit_code == 0, result.output
    plan = db.session.scalars(sa.select(Plan)).one()
    assert result.stdout.strip() == str(plan.id)
    assert "created draft plan" in result.stderr
    assert plan.title == "测试市民政局2021年法治建设工作要点"
    assert plan.document_number == "测民发〔2021〕3号"
    assert plan.status == "draft" and plan.source_text.startswith("测试市民政局")
    assert [s.label for s in plan.sections if s.parent_id is None] == ["一、", "二、"]
    tasks = {t.number: t for t in db.session.scalars(sa.select(Task))}
    assert tasks["1."].lead_unit == org.office and str(tasks["1."].due_date) == "2021-03-31"
    assert tasks["2."].lead_unit == org.relief and tasks["2."].co_units == [org.elderly]
    assert "民政局财务室" in tasks["2."].text
    assert tasks["3."].lead_unit == org.office and tasks["3."].is_continuous
    actions = audit_actions(since)
    assert actions[0] == "plan.create" and actions[-1] == "plan.import"
    event = audit_actions(since, action="plan.import")
    assert event == ["plan.import"]


def test_title_option_and_json_output(org, runner):
    result = run(runner, SEED, "--bureau", "测试市民政局", "--year", 2021, "--title",
                 "2021年法治建设工作要点", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    plan = db.session.get(Plan, data["id"])
    assert plan.title == "2021年法治建设工作要点" and data["tasks"] == 29
    assert count(Section) == 10 and count(Task) == 29


def test_without_a_title_the_file_name_is_used(org, runner):
    result = run(runner, SEED, "--bureau", "测试市民政局", "--year", 2021)
    assert result.exit_code == 0, result.output
    plan = db.session.scalars(sa.select(Plan)).one()
    assert plan.title == "10_xinzhou_civil_affairs_2020_seed"
    assert "no title found" in result.stderr


def test_unreadable_input_exits_1_with_one_line(org, runner, tmp_path):
    cases = {
        "plan.pdf": b"%PDF-1.7 ...",
        "plan.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "plan.docx": b"PK\x03\x04broken",
        "empty.txt": b"",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = run(runner, path, "--bureau", "测试市民政局", "--year", 2021)
        assert result.exit_code == 1, (name, result.output)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: cannot import"), lines
        assert "Traceback" not in result.output
    missing = run(runner, tmp_path / "nope.txt", "--bureau", "测试市民政局", "--year", 2021)
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    assert count(Plan) == 0


def test_bad_bureau_year_or_title_exit_1_and_create_nothing(org, runner):
    assert run(runner, SEED, "--bureau", "办公室", "--year", 2021).exit_code == 1
    assert run(runner, SEED, "--bureau", "没有的局", "--year", 2021).exit_code == 1
    assert run(runner, SEED, "--bureau", "测试市民政局", "--year", 1999).exit_code == 1
    assert run(runner, SEED, "--bureau", "测试市民政局").exit_code == 2  # --year is required
    first = run(runner, SEED, "--bureau", "测试市民政局", "--year", 2021, "--title", "同名")
    assert first.exit_code == 0
    again = run(runner, SEED, "--bureau", "测试市民政局", "--year", 2021, "--title", "同名")
    assert again.exit_code == 1 and "already has a plan titled" in again.stderr
    assert count(Plan) == 1


def test_a_text_without_tasks_is_not_imported(org, runner, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("这是一段说明文字，没有任何任务。", encoding="utf-8")
    result = run(runner, path, "--bureau", "测试市民政局", "--year", 2021, "--title", "说明")
    # one paragraph without an outline is read as one task; an empty outline is refused
    assert result.exit_code == 0
    empty = tmp_path / "empty-outline.txt"
    empty.write_text("一、总体要求\n坚持依法行政。\n", encoding="utf-8")
    refused = run(runner, empty, "--bureau", "测试市民政局", "--year", 2021, "--title", "空")
    assert refused.exit_code == 1 and "nothing to import" in refused.stderr
