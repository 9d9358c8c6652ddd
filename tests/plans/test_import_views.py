"""Importing a plan in the browser: paste or upload, the editable preview (titles, units, dates,
kinds, merge, split, leave out), confirming in one transaction, bad input, and permissions."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import count
from tests.factories import audit_actions, form_data, last_audit_id
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.tasks.models import Task

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PREVIEW = "/plans/import/preview"

PLAN_TEXT = """测试市民政局2026年法治建设工作要点

为深入推进依法行政，结合我局实际，制定本要点。

一、总体要求
坚持以习近平法治思想为指导，全面推进法治民政建设。

二、重点任务
（一）加强组织领导。一是调整局法治建设领导小组（责任科室：办公室）；二是制定年度学法计划，每季度集体学法一次（责任科室：办公室）。
（二）规范社会救助。开展低保专项治理，6月底前完成排查。（牵头单位：救助科；配合单位：养老服务科、儿童福利科）
（三）推进养老服务。完善养老机构消防安全检查制度，年底前完成全覆盖检查。（牵头单位：养老服务科）
（四）加强法治宣传。结合宪法宣传周开展民政法规宣传。

测试市民政局
2026年2月20日
"""


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen_at(NOW):
        yield


def read(auth, text=PLAN_TEXT, **extra):
    data = {"text": text, "year": "2026", "title": "", **extra}
    return auth.post("/plans/import", data, token_from="/plans/import")


def preview_data(html: str) -> dict:
    return form_data(html, action=PREVIEW)


def row_fields(data: dict, title: str) -> str:
    """The row-N- prefix of the row whose title starts with `title`."""
    for key, value in data.items():
        if key.endswith("-title") and value.startswith(title):
            return key[: -len("title")]
    raise AssertionError(f"no row titled {title!r}")


def confirm(auth, data: dict):
    return auth.client.post(PREVIEW, data={**data, "do": "confirm"})


def tasks_of(plan: Plan) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.plan_id == plan.id).order_by(Task.section_id, Task.position)
        )
    )


# -- permissions -----------------------------------------------------------------------------------


def test_the_coordinator_finds_the_import_on_the_plans_page(org, auth):
    auth.login(org.users.coordinator.username)
    page = auth.client.get("/plans/")
    assert "/plans/import" in page.text and "Import plan" in page.text
    form = auth.client.get("/plans/import")
    assert form.status_code == 200
    assert 'name="text"' in form.text and 'name="document"' in form.text
    assert 'name="year"' in form.text


@pytest.mark.parametrize("role", ["admin", "principal", "leader", "chief", "staff", "viewer"])
def test_other_roles_may_not_import(org, auth, role):
    auth.login(getattr(org.users, role).username)
    assert "/plans/import" not in auth.client.get("/plans/").text
    assert auth.client.get("/plans/import").status_code == 403
    token = auth.csrf()
    assert auth.client.post("/plans/import", data={"csrf_token": token}).status_code == 403
    assert auth.client.post(PREVIEW, data={"csrf_token": token}).status_code == 403
    assert count(Plan) == 0


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/plans/import")
    assert response.status_code in (302, 401)


# -- reading and previewing ------------------------------------------------------------------------


def test_pasted_text_shows_an_editable_preview(org, auth):
    auth.login(org.users.coordinator.username)
    page = read(auth)
    assert page.status_code == 200, page.text
    html = page.text
    assert "Check the imported plan" in html
    data = preview_data(html)
    assert data["title"] == "测试市民政局2026年法治建设工作要点"
    assert data["year"] == "2026"
    # the outline: 二、 with its four items; 一是/二是 under （一）
    titles = [v for k, v in data.items() if k.endswith("-title") and k.startswith("row-")]
    assert titles[:3] == ["重点任务", "加强组织领导", "调整局法治建设领导小组"]
    assert "规范社会救助" in titles and "推进养老服务" in titles
    # units matched to the bureau's (救助科 is an alias of 社会救助科), unknown ones flagged
    relief = row_fields(data, "规范社会救助")
    assert data[relief + "lead"] == "社会救助科"
    assert data[relief + "co"] == "养老服务科、儿童福利科"
    assert "Not a unit of this bureau: 儿童福利科" in html
    assert data[relief + "due"] == "2026-06-30"
    assert data[relief + "deadline_text"] == "6月底前"
    # a task with no deadline and no lead unit is marked
    publicity = row_fields(data, "加强法治宣传")
    assert data[publicity + "lead"] == ""
    assert "No deadline" in html and "No lead unit yet" in html
    # the preamble is offered, not imported
    assert "Left out as preamble: 总体要求" in html
    offered = [k for k, v in data.items() if k.endswith("-origin") and v != "parsed"]
    assert offered and all(data.get(k[: -len("origin")] + "include") is None for k in offered)
    assert count(Plan) == 0  # nothing is saved yet


def test_confirming_creates_the_draft_plan_in_one_go(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    since = last_audit_id()
    response = confirm(auth, data)
    assert response.status_code == 302, response.text
    plan = db.session.scalars(sa.select(Plan)).one()
    assert response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert plan.status == "draft" and plan.year == 2026
    assert plan.bureau_id == org.bureau.id
    assert plan.source_text.startswith("测试市民政局2026年法治建设工作要点")
    sections = {s.title: s for s in plan.sections}
    assert set(sections) == {"重点任务", "加强组织领导"}
    assert sections["加强组织领导"].parent_id == sections["重点任务"].id
    assert sections["重点任务"].label == "二、"
    tasks = {t.title: t for t in tasks_of(plan)}
    assert len(tasks) == 5
    relief = tasks["规范社会救助"]
    assert relief.lead_unit == org.relief
    assert relief.co_units == [org.elderly]
    assert "儿童福利科" in relief.text  # the unmatched unit stays in the text
    assert relief.due_date == date(2026, 6, 30) and relief.deadline_text == "6月底前"
    assert relief.number == "（二）" and relief.status == "draft"
    study = tasks["制定年度学法计划，每季度集体学法一次"]
    assert study.recurrence == "quarterly" and study.kind == "study"
    assert study.lead_unit == org.office
    assert tasks["加强法治宣传"].lead_unit is None
    actions = audit_actions(since)
    assert actions[0] == "plan.create" and actions[-1] == "plan.import"
    assert actions.count("task.create") == 5 and actions.count("section.create") == 2
    page = auth.client.get(f"/plans/{plan.id}")
    assert "规范社会救助" in page.text


def test_edits_in_the_preview_are_what_gets_created(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    relief = row_fields(data, "规范社会救助")
    data[relief + "title"] = "低保专项治理"
    data[relief + "co"] = "养老服务科"
    data[relief + "due"] = "2026-07-31"
    data[relief + "task_kind"] = "inspection"
    publicity = row_fields(data, "加强法治宣传")
    data[publicity + "lead"] = "办公室"
    data[publicity + "continuous"] = "1"
    elderly = row_fields(data, "推进养老服务")
    data.pop(elderly + "include")  # left out
    preamble = next(k for k, v in data.items() if k.endswith("-origin") and v == "preamble")
    data[preamble[: -len("origin")] + "include"] = "1"  # taken in after all
    data[preamble[: -len("origin")] + "title"] = "坚持习近平法治思想"
    refreshed = auth.client.post(PREVIEW, data={**data, "do": "refresh"})
    assert refreshed.status_code == 200
    assert "Not a unit of this bureau" not in refreshed.text
    assert count(Plan) == 0
    response = confirm(auth, preview_data(refreshed.text))
    assert response.status_code == 302, response.text
    plan = db.session.scalars(sa.select(Plan)).one()
    tasks = {t.title: t for t in tasks_of(plan)}
    assert "推进养老服务" not in tasks
    relief = tasks["低保专项治理"]
    assert relief.co_units == [org.elderly] and relief.due_date == date(2026, 7, 31)
    assert relief.kind == "inspection"
    publicity = tasks["加强法治宣传"]
    assert publicity.lead_unit == org.office and publicity.is_continuous
    assert publicity.due_date is None
    assert tasks["坚持习近平法治思想"].section_id is None


def test_merge_and_split_in_the_preview(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    second = row_fields(data, "制定年度学法计划")
    data[second + "action"] = "merge"
    relief = row_fields(data, "规范社会救助")
    data[relief + "text"] = "开展低保专项治理。\n\n开展特困人员认定排查，6月底前完成。"
    data[relief + "action"] = "split"
    page = auth.client.post(PREVIEW, data={**data, "do": "refresh"})
    assert page.status_code == 200
    merged = preview_data(page.text)
    titles = [v for k, v in merged.items() if k.endswith("-title")]
    assert "制定年度学法计划，每季度集体学法一次" not in titles
    first = row_fields(merged, "调整局法治建设领导小组")
    assert "制定年度学法计划" in merged[first + "text"]
    assert "开展低保专项治理" in titles
    split = row_fields(merged, "开展特困人员认定排查")
    assert merged[split + "due"] == "2026-06-30"
    # the split rows keep the units of the row they came from
    assert merged[split + "lead"] == "社会救助科"
    response = confirm(auth, merged)
    assert response.status_code == 302
    plan = db.session.scalars(sa.select(Plan)).one()
    assert len(tasks_of(plan)) == 5


def test_a_section_can_become_a_task_and_a_task_a_section(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    publicity = row_fields(data, "加强法治宣传")
    data[publicity + "kind"] = "section"
    data[publicity + "depth"] = "0"
    response = confirm(auth, data)
    assert response.status_code == 302
    plan = db.session.scalars(sa.select(Plan)).one()
    assert "加强法治宣传" in {s.title for s in plan.sections}
    assert "加强法治宣传" not in {t.title for t in tasks_of(plan)}


# -- bad input -------------------------------------------------------------------------------------


def test_the_year_comes_from_the_document_unless_given(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth, text=PLAN_TEXT.replace("2026", "2025"), year="").text)
    assert data["year"] == "2025"
    relief = row_fields(data, "规范社会救助")
    assert data[relief + "due"] == "2025-06-30"
    data = preview_data(read(auth, text=PLAN_TEXT.replace("2026", "2025"), year="2027").text)
    assert data["year"] == "2027"


def test_nothing_to_read_redisplays_the_form(org, auth):
    auth.login(org.users.coordinator.username)
    page = read(auth, text="   ", title="我的计划")
    assert page.status_code == 422
    assert "Paste the text of the plan or choose a file." in page.text
    assert 'value="我的计划"' in page.text
    assert count(Plan) == 0


def test_an_unreadable_upload_is_refused_with_the_input_kept(org, auth):
    auth.login(org.users.coordinator.username)
    token = auth.csrf("/plans/import")
    for name, content in [
        ("plan.docx", b"PK\x03\x04 not really a zip"),
        ("plan.txt", b"%PDF-1.7 binary"),
        ("plan.pdf", b"%PDF-1.7"),
    ]:
        page = auth.client.post(
            "/plans/import",
            data={
                "csrf_token": token,
                "year": "2025",
                "title": "保留的标题",
                "document": (io.BytesIO(content), name),
            },
            content_type="multipart/form-data",
        )
        assert page.status_code == 422, name
        assert "Traceback" not in page.text
        assert ".docx" in page.text
        assert 'value="保留的标题"' in page.text and 'value="2025"' in page.text
    assert count(Plan) == 0


def test_a_docx_upload_with_a_table(org, auth):
    import docx

    document = docx.Document()
    document.add_paragraph("测试市民政局2026年法治建设任务分工")
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate(
        [
            ["序号", "工作任务", "牵头科室", "完成时限"],
            ["1", "开展低保专项治理。", "救助科", "2026年6月底前"],
            ["2", "完善养老机构安全检查制度。", "养老服务科", "长期坚持"],
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    auth.login(org.users.coordinator.username)
    page = auth.client.post(
        "/plans/import",
        data={
            "csrf_token": auth.csrf("/plans/import"),
            "year": "2026",
            "document": (io.BytesIO(buffer.getvalue()), "任务分工.docx"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 200, page.text
    data = preview_data(page.text)
    assert data["title"] == "测试市民政局2026年法治建设任务分工"
    first = row_fields(data, "开展低保专项治理")
    assert data[first + "lead"] == "社会救助科" and data[first + "due"] == "2026-06-30"
    second = row_fields(data, "完善养老机构安全检查制度")
    assert data[second + "continuous"] == "1"
    assert confirm(auth, data).status_code == 302
    plan = db.session.scalars(sa.select(Plan)).one()
    assert "开展低保专项治理" in plan.source_text and "\t" in plan.source_text


def test_a_row_without_title_stops_the_import(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    relief = row_fields(data, "规范社会救助")
    data[relief + "title"] = ""
    data[relief + "due"] = "2026-02-30"
    page = confirm(auth, data)
    assert page.status_code == 422
    assert "Enter a title." in page.text and "Enter a date as YYYY-MM-DD." in page.text
    kept = preview_data(page.text)
    assert kept[relief + "due"] == "2026-02-30"  # input kept
    assert count(Plan) == 0 and count(Section) == 0 and count(Task) == 0


def test_a_title_already_used_is_refused_and_nothing_is_created(org, auth):
    from tests.factories import make_plan

    make_plan(org, title="测试市民政局2026年法治建设工作要点")
    db.session.commit()
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    page = confirm(auth, data)
    assert page.status_code == 422
    assert "already has a plan titled" in page.text
    assert count(Plan) == 1 and count(Task) == 0


def test_a_plan_title_is_required(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth, text="一、加强领导\n1．制定计划。").text)
    data["title"] = ""
    page = confirm(auth, data)
    assert page.status_code == 422
    assert count(Plan) == 0


def test_a_document_without_tasks_cannot_be_confirmed(org, auth):
    auth.login(org.users.coordinator.username)
    page = read(auth, text="随便写的一句话，没有任何任务")
    data = preview_data(page.text)
    for key in [k for k in data if k.endswith("-include")]:
        data.pop(key)
    data["title"] = "空计划"
    response = confirm(auth, data)
    assert response.status_code == 422
    assert "nothing to import" in response.text
    assert count(Plan) == 0


def test_the_imported_document_is_kept_with_the_plan(org, auth):
    auth.login(org.users.coordinator.username)
    confirm(auth, preview_data(read(auth).text))
    plan = db.session.scalars(sa.select(Plan)).one()
    page = auth.client.get(f"/plans/{plan.id}/source")
    assert page.status_code == 200 and "（三）推进养老服务" in page.text
    auth.logout()
    auth.login(org.users.chief.username)  # anyone who reads the plan reads its source
    assert auth.client.get(f"/plans/{plan.id}/source").status_code == 200
    auth.logout()
    auth.login(org.users.outsider.username)
    assert auth.client.get(f"/plans/{plan.id}/source").status_code == 403


def test_a_plan_made_by_hand_has_no_source_page(org, auth):
    from tests.factories import make_plan

    plan = make_plan(org)
    db.session.commit()
    auth.login(org.users.coordinator.username)
    assert auth.client.get(f"/plans/{plan.id}/source").status_code == 404


SUB_ITEMS = """测试市民政局2026年工作计划
1. 行政执法监督
(1) 推进执法监督体系建设：
①每月抽查执法公示情况；
②年底前完成执法人员轮训。
（办公室牵头，养老服务科配合）
"""


def test_sub_items_stay_in_their_task_or_become_tasks_of_their_own(org, auth):
    auth.login(org.users.coordinator.username)
    page = read(auth, text=SUB_ITEMS)
    assert "Import the sub-items as tasks of their own" in page.text
    data = preview_data(page.text)
    task = row_fields(data, "推进执法监督体系建设")
    assert data[task + "lead"] == "办公室" and data[task + "due"] == "2026-12-31"
    assert confirm(auth, data).status_code == 302
    plan = db.session.scalars(sa.select(Plan)).one()
    (only,) = tasks_of(plan)
    assert "①每月抽查执法公示情况" in only.text and only.co_units == [org.elderly]
    # again, the sub-items as tasks of their own (they keep the units stated for the group)
    data[task + "split_children"] = "1"
    data["title"] = "另一份计划"
    assert confirm(auth, data).status_code == 302
    second = db.session.scalars(sa.select(Plan).where(Plan.title == "另一份计划")).one()
    tasks = {t.title: t for t in tasks_of(second)}
    assert set(tasks) == {"每月抽查执法公示情况", "年底前完成执法人员轮训"}
    assert tasks["每月抽查执法公示情况"].recurrence == "monthly"
    assert tasks["年底前完成执法人员轮训"].due_date == date(2026, 12, 31)
    assert all(t.lead_unit == org.office for t in tasks.values())


def test_tampered_preview_fields_do_not_break_the_page(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    relief = row_fields(data, "规范社会救助")
    data[relief + "children"] = '[1, "x", {"title": 5, "lead_units": "办公室"}, {"title": "子项"}]'
    data[relief + "split_children"] = "1"
    data[relief + "depth"] = "many"
    data[relief + "recurrence"] = "hourly"
    data[relief + "task_kind"] = "nonsense"
    data["row_count"] = "100000"
    response = auth.client.post(PREVIEW, data={**data, "do": "refresh"})
    assert response.status_code == 200
    response = confirm(auth, preview_data(response.text))
    # the only well-formed sub-item has a title; the one without fails the import cleanly
    assert response.status_code in (302, 422)
    assert "Traceback" not in response.text


def test_deadline_wording_typed_in_the_preview_is_read_again(org, auth):
    auth.login(org.users.coordinator.username)
    data = preview_data(read(auth).text)
    publicity = row_fields(data, "加强法治宣传")
    assert data[publicity + "due"] == ""
    data[publicity + "deadline_text"] = "6月底前"
    relief = row_fields(data, "规范社会救助")
    data[relief + "due"] = "2026-07-31"  # a date set by hand under unchanged wording stays
    page = auth.client.post(PREVIEW, data={**data, "do": "refresh"})
    assert page.status_code == 200
    again = preview_data(page.text)
    assert again[row_fields(again, "加强法治宣传") + "due"] == "2026-06-30"
    assert again[row_fields(again, "规范社会救助") + "due"] == "2026-07-31"


def test_a_paste_over_the_size_limit_gets_one_clear_message(org, auth, monkeypatch):
    monkeypatch.setattr("tracker.plans.import_views.MAX_IMPORT_BYTES", 1000)
    auth.login(org.users.coordinator.username)
    response = read(auth, text=PLAN_TEXT * 3)
    assert response.status_code == 422
    assert "cannot be previewed" in response.text or "无法预览" in response.text
    assert count(Plan) == 0
