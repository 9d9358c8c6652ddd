"""Exporting the task list one is looking at: the same rows (filters, order, only what the user
may read), the columns of the page with their headings, real dates, and no formula ever."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import openpyxl
import pytest

from tests.factories import audit_actions, last_audit_id, make_plan, make_task, walk
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def work(org):
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org)
        late = make_task(
            org, plan, title="开展低保专项治理", number="1", due_date=date(2026, 4, 30)
        )
        hostile = make_task(org, plan, title=HOSTILE, number="2", due_date=date(2026, 9, 30))
        minus = make_task(org, plan, title="-1 项清理", number="3", due_date=date(2026, 6, 30))
        ongoing = make_task(org, plan, title="@长期坚持的工作", number="4", is_continuous=True)
        elderly = make_task(
            org, plan, title="养老机构消防检查", lead_unit=org.elderly, due_date=date(2026, 5, 30)
        )
        plans.publish_plan(org.users.coordinator, plan)
        walk(org, minus, "in_progress")
    db.session.commit()
    with clock.frozen_at(NOW):
        yield SimpleNamespace(
            plan=plan, late=late, hostile=hostile, minus=minus, ongoing=ongoing, elderly=elderly
        )


def page_headers(html: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="[^"]*{table_class}[^"]*">(.*?)</thead>', html, re.S)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", table.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells if re.sub(r"<[^>]+>", "", c).strip()]


def page_titles(html: str) -> list[str]:
    return [
        html_module.unescape(re.sub(r"\s+", " ", t).strip())
        for t in re.findall(r'<a href="/tasks/\d+">([^<]*)</a>', html)
    ]


def read_csv(response) -> list[list[str]]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_home_list_exports_as_shown(auth, org, work):
    auth.login("chief-relief")
    html = auth.client.get("/").text
    response = auth.client.get("/tasks.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == page_headers(html, "task-table")
    # the same tasks in the same order as the page; formula starts quoted
    titles = [row[1] for row in rows[1:]]
    assert [t.lstrip("'") for t in titles] == page_titles(html)
    assert f"'2 {HOSTILE}" in titles or f"2 {HOSTILE}" in titles
    assert "养老机构消防检查" not in " ".join(titles)  # another section's task
    by_title = {row[1].lstrip("'"): row for row in rows[1:]}
    assert by_title["1 开展低保专项治理"][4] == "2026-04-30"
    assert by_title["4 @长期坚持的工作"][4] == "Continuous"
    assert by_title["3 -1 项清理"][5] == "In progress"


def test_csv_cells_never_start_a_formula(auth, org, work):
    auth.login("office")
    rows = read_csv(auth.client.get("/tasks.csv"))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    titles = [row[1] for row in rows[1:]]
    assert "'4 @长期坚持的工作" not in titles  # number first: nothing to quote
    assert "4 @长期坚持的工作" in titles


def test_the_filters_of_the_page_apply(auth, org, work):
    auth.login("office")
    rows = read_csv(auth.client.get("/tasks.csv?status=in_progress"))
    assert [row[1] for row in rows[1:]] == ["3 -1 项清理"]
    rows = read_csv(auth.client.get("/tasks.csv?q=低保"))
    assert [row[1] for row in rows[1:]] == ["1 开展低保专项治理"]
    rows = read_csv(auth.client.get(f"/tasks.csv?unit={org.elderly.id}"))
    assert [row[1] for row in rows[1:]] == ["养老机构消防检查"]


def test_xlsx_has_real_dates_and_text_stored_as_typed(auth, org, work):
    auth.login("office")
    since = last_audit_id()
    response = auth.client.get("/tasks.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = read_xlsx(response)
    assert rows[0] == ["Light", "Task", "Lead unit", "Owner", "Due", "Status", "Progress"]
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["1 开展低保专项治理"][4] == datetime(2026, 4, 30)
    assert by_title["1 开展低保专项治理"][0] == "Overdue"
    assert by_title[f"2 {HOSTILE}"][2] == "社会救助科"
    assert by_title["3 -1 项清理"][6] == 0
    assert audit_actions(since) == ["tasks.export"]


def test_a_title_starting_with_a_formula_is_quoted_in_xlsx(auth, org, work):
    work.hostile.number = ""
    db.session.commit()
    auth.login("office")
    data = auth.client.get("/tasks.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and cells[0].data_type == "s" and cells[0].quotePrefix


def test_the_plan_list_exports_only_the_tasks_one_may_read(auth, org, work):
    auth.login("chief-relief")
    html = auth.client.get(f"/plans/{work.plan.id}").text
    assert "养老机构消防检查" in html  # the plan page lists every task
    rows = read_csv(auth.client.get(f"/plans/{work.plan.id}/tasks.csv"))
    titles = [row[1].lstrip("'") for row in rows[1:]]
    assert titles == ["1 开展低保专项治理", f"2 {HOSTILE}", "3 -1 项清理", "4 @长期坚持的工作"]
    auth.logout()
    auth.login("office")
    rows = read_csv(auth.client.get(f"/plans/{work.plan.id}/tasks.csv?unit={org.elderly.id}"))
    assert [row[1] for row in rows[1:]] == ["养老机构消防检查"]
    assert rows[0] == ["Light", "Task", "Lead unit", "Owner", "Due", "Status", "Progress"]


def test_exports_need_a_login(client, org, work):
    assert client.get("/tasks.csv").status_code in (302, 401)
    assert client.get(f"/plans/{work.plan.id}/tasks.xlsx").status_code in (302, 401)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_list_pages_link_to_their_exports(auth, org, work, fmt):
    auth.login("chief-relief")
    assert f'href="/tasks.{fmt}?status=in_progress"' in auth.client.get("/?status=in_progress").text
    plan_page = auth.client.get(f"/plans/{work.plan.id}?unit={org.relief.id}").text
    assert f'href="/plans/{work.plan.id}/tasks.{fmt}?unit={org.relief.id}"' in plan_page


def test_a_chinese_user_gets_chinese_headers_and_labels(auth, org, work):
    org.users.coordinator.locale = "zh_Hans_CN"
    db.session.commit()
    auth.login("office")
    html = auth.client.get("/").text
    headers = page_headers(html, "task-table")
    assert headers == ["状态灯", "任务", "牵头单位", "责任人", "完成时限", "状态", "进度"]
    rows = read_xlsx(auth.client.get("/tasks.xlsx"))
    assert rows[0] == headers
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["4 @长期坚持的工作"][4] == "长期坚持"
    assert by_title["3 -1 项清理"][5] == "办理中"
    assert read_csv(auth.client.get("/tasks.csv"))[0] == headers


def test_the_export_links_keep_the_filters_but_not_the_page(auth, org, work):
    auth.login("office")
    page = auth.client.get("/?q=低保&page=1&fmt=x").text
    assert 'href="/tasks.csv?q=%E4%BD%8E%E4%BF%9D"' in page
