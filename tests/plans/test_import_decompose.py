"""Importing a higher level's plan (任务分解): only the items that name the bureau are ticked,
each with its role; the coordinator assigns them to internal units; the plan keeps its source."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories import audit_actions, form_data, last_audit_id
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan, UpperSource
from tracker.tasks.models import Task

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PREVIEW = "/plans/import/preview"

UPPER_PLAN = """测试市人民政府办公室关于印发测试市2026年法治政府建设工作要点的通知
测政办发〔2026〕3号
各县（市、区）人民政府，市直各单位：
《测试市2026年法治政府建设工作要点》已经市政府同意，现印发给你们，请认真贯彻落实。
测试市人民政府办公室
2026年2月10日
测试市2026年法治政府建设工作要点
一、深入学习贯彻习近平法治思想
1.开展法治思想专题学习。年内组织集中学习不少于4次。（牵头单位：市司法局；配合单位：市直各部门）
2.推进社会救助领域依法行政。6月底前完成低保政策清理。（牵头单位：市民政局；配合单位：市财政局）
二、严格规范公正文明执法
（三）规范行政执法
1.开展行政执法案卷评查。11月底前完成。（牵头单位：市司法局）
2.规范养老机构监管执法。9月底前完成专项检查。（牵头单位：市市场监管局；配合单位：市民政局、县民政局）
3.开展县级执法人员培训。（责任单位：县直各部门）
"""


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen_at(NOW):
        yield


def read(auth, **extra):
    data = {"text": UPPER_PLAN, "year": "2026", "title": "", "decompose": "y",
            "own_name": "测试市民政局", **extra}  # fmt: skip
    return auth.post("/plans/import", data, token_from="/plans/import")


def row_prefix(data: dict, title: str) -> str:
    for key, value in data.items():
        if key.endswith("-title") and value.startswith(title):
            return key[: -len("title")]
    raise AssertionError(f"no row titled {title!r}")


def test_the_form_offers_the_breakdown_with_our_name_prefilled(org, auth):
    auth.login(org.users.coordinator.username)
    page = auth.client.get("/plans/import")
    assert "This plan was issued by a higher level (task breakdown)" in page.text
    assert form_data(page.text)["own_name"] == "测试市民政局"


def test_the_preview_ticks_our_items_with_their_role_and_leaves_the_others(org, auth):
    auth.login(org.users.coordinator.username)
    page = read(auth)
    assert page.status_code == 200, page.text
    data = form_data(page.text, action=PREVIEW)
    ticked = {
        data[row_prefix(data, title) + "title"]: (row_prefix(data, title) + "include") in data
        for title in ("开展法治思想专题学习", "推进社会救助领域依法行政", "开展行政执法案卷评查",
                      "规范养老机构监管执法", "开展县级执法人员培训")
    }  # fmt: skip
    assert [included for included in ticked.values()] == [True, True, False, True, False]
    roles = {
        title: data[row_prefix(data, title) + "upper_role"]
        for title in ("开展法治思想专题学习", "推进社会救助领域依法行政", "规范养老机构监管执法",
                      "开展县级执法人员培训")
    }  # fmt: skip
    assert roles == {
        "开展法治思想专题学习": "maybe",  # 市直各部门 includes us
        "推进社会救助领域依法行政": "lead",
        "规范养老机构监管执法": "assist",
        "开展县级执法人员培训": "",  # 县直各部门 is the county's
    }
    assert "We lead" in page.text and "We assist" in page.text and "May concern us" in page.text
    assert "we lead 1, we assist in 1, and 1 may concern us" in page.text
    # the bodies are the source, not our units: the coordinator assigns one
    assert data[row_prefix(data, "推进社会救助领域依法行政") + "lead"] == ""
    assert "牵头：市民政局；配合：市财政局" in page.text
    assert data[row_prefix(data, "规范养老机构监管执法") + "upper_number"] == "（三）2"
    assert data["source_issuer"] == "测试市人民政府办公室"
    assert data["source_document_number"] == "测政办发〔2026〕3号"
    assert data["source_title"] == "测试市2026年法治政府建设工作要点"
    assert data["document_number"] == ""


def test_confirming_creates_only_the_kept_items_with_their_source(org, auth):
    auth.login(org.users.coordinator.username)
    data = form_data(read(auth).text, action=PREVIEW)
    data[row_prefix(data, "推进社会救助领域依法行政") + "lead"] = "社会救助科"
    data[row_prefix(data, "规范养老机构监管执法") + "lead"] = "养老服务科"
    since = last_audit_id()
    response = auth.client.post(PREVIEW, data={**data, "do": "confirm"})
    assert response.status_code == 302, response.text
    plan = db.session.scalars(sa.select(Plan)).one()
    assert plan.title == "测试市2026年法治政府建设工作要点 (task breakdown)"
    assert plan.source_issuer == "测试市人民政府办公室"
    assert plan.source_title == "测试市2026年法治政府建设工作要点"
    assert plan.source_document_number == "测政办发〔2026〕3号"
    query = sa.select(Task).where(Task.plan_id == plan.id)
    tasks = {t.title: t for t in db.session.scalars(query)}
    assert set(tasks) == {"开展法治思想专题学习", "推进社会救助领域依法行政",
                          "规范养老机构监管执法"}  # fmt: skip
    assert tasks["推进社会救助领域依法行政"].lead_unit == org.relief
    assert tasks["规范养老机构监管执法"].lead_unit == org.elderly
    assert tasks["开展法治思想专题学习"].lead_unit is None  # to choose before publishing
    rows = db.session.scalars(sa.select(UpperSource))
    sources = {s.task_id: (s.upper_number, s.upper_role) for s in rows}
    assert sources == {
        tasks["开展法治思想专题学习"].id: ("一、1", "maybe"),
        tasks["推进社会救助领域依法行政"].id: ("一、2", "lead"),
        tasks["规范养老机构监管执法"].id: ("（三）2", "assist"),
    }
    # the empty section of the upper plan is not created
    assert {s.title for s in plan.sections} == {
        "深入学习贯彻习近平法治思想",
        "严格规范公正文明执法",
        "规范行政执法",
    }
    actions = audit_actions(since)
    assert actions[-1] == "plan.import" and actions.count("task.create") == 3
    query = sa.select(AuditEvent).where(AuditEvent.action == "plan.import")
    entry = db.session.scalars(query.order_by(AuditEvent.id.desc())).first()
    assert entry.after["decomposed_for"] == "测试市民政局"
    assert entry.after["source_document_number"] == "测政办发〔2026〕3号"
    assert entry.after["roles"] == {"lead": 1, "assist": 1, "maybe": 1}
    page = auth.client.get(f"/tasks/{tasks['规范养老机构监管执法'].id}")
    assert (
        "Source: 测试市人民政府办公室《测试市2026年法治政府建设工作要点》（测政办发〔2026〕3号）"
        " item （三）2, we assist" in page.text
    )
    auth.post("/language", {"locale": "zh_Hans_CN", "next": "/"})
    page = auth.client.get(f"/tasks/{tasks['推进社会救助领域依法行政'].id}")
    assert (
        "来源：测试市人民政府办公室《测试市2026年法治政府建设工作要点》（测政办发〔2026〕3号）"
        "第一、2项，我局牵头" in page.text
    )


def test_an_item_left_unticked_can_be_taken_in(org, auth):
    auth.login(org.users.coordinator.username)
    data = form_data(read(auth).text, action=PREVIEW)
    data[row_prefix(data, "开展行政执法案卷评查") + "include"] = "1"
    response = auth.client.post(PREVIEW, data={**data, "do": "confirm"})
    assert response.status_code == 302, response.text
    task = db.session.scalars(sa.select(Task).where(Task.title == "开展行政执法案卷评查")).one()
    source = db.session.scalars(sa.select(UpperSource).where(UpperSource.task_id == task.id)).one()
    assert (source.upper_number, source.upper_role) == ("（三）1", "")
    page = auth.client.get(f"/tasks/{task.id}")
    assert "item （三）1" in page.text and "we lead" not in page.text


def test_a_plan_imported_as_our_own_keeps_no_source(org, auth):
    auth.login(org.users.coordinator.username)
    data = form_data(read(auth, decompose="").text, action=PREVIEW)
    assert "data-upper-role" not in auth.client.post(PREVIEW, data=data).text
    response = auth.client.post(PREVIEW, data={**data, "do": "confirm"})
    assert response.status_code == 302, response.text
    assert db.session.scalars(sa.select(UpperSource)).first() is None
    plan = db.session.scalars(sa.select(Plan)).one()
    assert plan.source_issuer == "" and plan.document_number == "测政办发〔2026〕3号"


def test_bodies_outside_the_bureau_are_labelled_and_never_offered_as_units(org, auth):
    auth.login(org.users.coordinator.username)
    text = (
        "测试市民政局2026年工作要点\n"
        "1.规范行政复议应诉工作，6月底前完成。（牵头单位：市法制办；配合单位：办公室）\n"
    )
    page = auth.post("/plans/import", {"text": text, "year": "2026", "title": ""},
                     token_from="/plans/import")  # fmt: skip
    assert page.status_code == 200, page.text
    assert "External unit" in page.text and "data-external" in page.text
    assert 'value="市法制办"' not in page.text.split('id="import-units"')[1].split("</datalist>")[0]
    assert "Units not found in" not in page.text  # an external body is not a mistake to fix


# -- the command line ----------------------------------------------------------------------------


def run_cli(runner, tmp_path, *args):
    path = tmp_path / "upper.txt"
    path.write_text(UPPER_PLAN, encoding="utf-8")
    return runner.invoke(
        args=["plans", "import", str(path), "--bureau", "测试市民政局", "--year", "2026", *args]
    )


def test_the_cli_dry_run_lists_only_our_items_with_their_role(org, runner, tmp_path):
    result = run_cli(
        runner, tmp_path, "--decompose-for", "测试市民政局", "--dry-run", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    items = [t for s in out["sections"] for t in _tasks(s)]
    assert [(t["upper_number"], t["upper_role"]) for t in items] == [
        ("一、1", "maybe"), ("一、2", "lead"), ("（三）2", "assist")
    ]  # fmt: skip
    assert out["source"]["document_number"] == "测政办发〔2026〕3号"
    assert out["source"]["issuer"] == "测试市人民政府办公室"
    assert db.session.scalars(sa.select(Plan)).first() is None


def test_the_cli_creates_the_breakdown_with_its_source(org, runner, tmp_path):
    result = run_cli(runner, tmp_path, "--decompose-for", "测试市民政局")
    assert result.exit_code == 0, result.output
    plan = db.session.scalars(sa.select(Plan)).one()
    assert plan.source_document_number == "测政办发〔2026〕3号"
    assert plan.title == "测试市2026年法治政府建设工作要点（任务分解）"
    roles = sorted(s.upper_role for s in db.session.scalars(sa.select(UpperSource)))
    assert roles == ["assist", "lead", "maybe"]


def _tasks(section):
    yield from section["tasks"]
    for child in section["sections"]:
        yield from _tasks(child)


def test_deleting_a_draft_task_deletes_its_source(org, auth):
    auth.login(org.users.coordinator.username)
    data = form_data(read(auth).text, action=PREVIEW)
    auth.client.post(PREVIEW, data={**data, "do": "confirm"})
    query = sa.select(Task.id).where(Task.title == "开展法治思想专题学习")
    task_id = db.session.scalars(query).one()
    response = auth.post(f"/tasks/{task_id}/delete", {}, token_from=f"/tasks/{task_id}")
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert db.session.get(Task, task_id) is None
    remaining = db.session.scalars(sa.select(UpperSource.task_id)).all()
    assert task_id not in remaining and len(remaining) == 2
