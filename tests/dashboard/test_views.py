"""The dashboard pages: who sees what, drill-down links, the charts' data, the .xlsx ranking."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import openpyxl
import pytest

from tests.dashboard.conftest import build_fixture
from tracker.dashboard.queries import UnitRow
from tracker.dashboard.views import state_label
from tracker.extensions import db
from tracker.units.models import Unit
from tracker.units.service import create_unit

PAGES = ["/dashboard", "/dashboard/ranking", "/dashboard/ranking.xlsx", "/dashboard/yoy"]


@pytest.mark.parametrize(
    ("username", "dashboard", "duties", "briefing"),
    [
        ("admin", 200, 200, 200),
        ("office", 200, 200, 200),
        ("director", 200, 200, 200),
        ("deputy", 200, 200, 200),
        ("viewer", 200, 200, 200),
        ("chief-relief", 200, 403, 403),
        ("staff-relief", 403, 403, 403),
    ],
)
def test_who_may_open_which_page(org, auth, username, dashboard, duties, briefing):
    auth.login(username)
    for url in PAGES:
        assert auth.client.get(url).status_code == dashboard, url
    assert auth.client.get("/duties").status_code == duties
    assert auth.client.get("/briefing").status_code == briefing


def test_navigation_links_follow_the_permissions(org, auth):
    auth.login("director")
    home = auth.client.get("/").text
    assert 'href="/dashboard"' in home and 'href="/duties"' in home
    auth.logout()
    auth.login("chief-relief")
    home = auth.client.get("/").text
    assert 'href="/dashboard"' in home and 'href="/duties"' not in home
    auth.logout()
    auth.login("staff-relief")
    home = auth.client.get("/").text
    assert 'href="/dashboard"' not in home


def unit_rows(html: str) -> dict[int, str]:
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r'<tr data-unit="(\d+)"[^>]*>(.*?)</tr>', html, re.S)
    }


def cell(row_html: str, column: str) -> str:
    match = re.search(rf'data-col="{column}">(.*?)</td>', row_html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_dashboard_shows_the_hand_counted_figures(org, auth):
    build_fixture(org)
    auth.login("office")
    page = auth.client.get("/dashboard")
    rows = unit_rows(page.text)
    relief = rows[org.relief.id]
    assert cell(relief, "total") == "6"
    assert cell(relief, "overdue") == "3"
    assert cell(relief, "completion") == "33%"
    assert cell(relief, "on_time") == "50%"
    assert cell(relief, "days_overdue") == "9.0"  # working days
    assert cell(relief, "co") == "1 (1 overdue)"
    assert cell(rows[org.leaders.id], "total") == "0"  # a unit with no tasks has its row
    assert cell(rows[org.office.id], "total") == "1"  # the reporting task
    assert cell(rows[org.office.id], "overdue") == "0"
    assert 'data-total="total">14<' in page.text  # 13 + the reporting task
    assert 'data-figure="overdue">4<' in page.text


def chart_data(html: str, chart_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_charts_carry_their_data_as_json_and_no_inline_script(org, auth):
    build_fixture(org)
    auth.login("director")
    page = auth.client.get("/dashboard").text
    completion = chart_data(page, "chart-completion")
    assert "社会救助科" in completion["labels"]
    assert [d["key"] for d in completion["datasets"]] == [
        "done",
        "green",
        "yellow",
        "orange",
        "red",
    ]
    assert chart_data(page, "chart-age")["datasets"][0]["data"] == [3, 1, 0, 0]
    assert len(chart_data(page, "chart-progress")["labels"]) == 12
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "chart.umd.min.js" in page and "js/dashboard.js" in page
    assert ' style="' not in page


def test_drill_down_links_open_the_matching_tasks(org, auth):
    build_fixture(org)
    auth.login("office")
    page = auth.client.get("/dashboard").text
    relief = unit_rows(page)[org.relief.id]
    overdue_link = unescape(re.search(r'data-col="overdue"><a[^>]*href="([^"]+)"', relief).group(1))
    listed = auth.client.get(overdue_link).text
    for title in ("任务R3", "任务R4", "任务R5"):
        assert title in listed
    assert "任务T1" not in listed  # led by the sub-unit, which has its own row
    assert "Opened from the dashboard" in listed
    # every bar of the completion chart leads to as many tasks as it shows
    completion = chart_data(page, "chart-completion")
    for dataset in completion["datasets"]:
        for count, link in zip(dataset["data"], dataset["links"], strict=True):
            listed = auth.client.get(link).text
            assert re.search(r">(\d+) tasks?</p>", listed).group(1) == str(count), link
    # the age bands
    age = chart_data(page, "chart-age")["datasets"][0]
    listed = auth.client.get(age["links"][1]).text  # 8–30 days
    assert "任务R4" in listed and "任务R3" not in listed
    co_link = unescape(re.search(r'data-col="co"><a href="([^"]+)"', relief).group(1))
    assert "任务T1" in auth.client.get(co_link).text


def test_chief_sees_only_the_own_units(org, auth):
    build_fixture(org)
    auth.login("chief-relief")
    page = auth.client.get("/dashboard")
    assert set(unit_rows(page.text)) == {org.relief.id, org.relief_team.id}
    assert 'data-total="total">7<' in page.text
    assert auth.client.get(f"/dashboard?unit={org.elderly.id}").status_code == 403
    assert auth.client.get(f"/dashboard?unit={org.relief_team.id}").status_code == 200
    assert auth.client.get("/dashboard?unit=99999").status_code == 404


def test_other_bureau_sees_nothing_of_ours(org, auth):
    build_fixture(org)
    auth.login("outsider")
    page = auth.client.get("/dashboard").text
    assert "社会救助科" not in page
    assert 'data-total="total">2<' in page  # its own task and its own reporting task


def test_filters_and_sorting(org, auth):
    fixture = build_fixture(org)
    auth.login("office")
    page = auth.client.get(f"/dashboard?kind=inspection&plan={fixture.plan.id}").text
    assert 'data-total="total">2<' in page
    section = fixture.sections["one_sub"].id
    page = auth.client.get(f"/dashboard?plan={fixture.plan.id}&section={section}").text
    assert 'data-total="total">2<' in page
    page = auth.client.get("/dashboard?sort=overdue&order=desc").text
    assert list(unit_rows(page))[0] == org.relief.id
    page = auth.client.get("/dashboard?year=2025").text
    # 去年任务 and the 2025 reporting task (due 2026-03-31, overdue)
    assert 'data-total="total">2<' in page
    assert 'data-figure="overdue">1<' in page
    assert auth.client.get("/dashboard?sort=bogus&year=abc&kind=x").status_code == 200


def test_ranking_xlsx_reads_back(org, auth):
    build_fixture(org)
    create_unit(org.users.admin, name='=HYPERLINK("http://x")', parent=org.bureau)
    db.session.commit()
    auth.login("office")
    response = auth.client.get("/dashboard/ranking.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "completion by unit" in rows[0][0]
    assert rows[3][:3] == ("Place", "Unit", "Tasks")
    body = {row[1]: row for row in rows[4:] if row[1]}
    relief = body["社会救助科"]
    assert relief[0] == "1" and relief[2] == 6 and relief[3] == 2 and relief[7] == 3
    assert relief[9] == pytest.approx(2 / 6) and relief[10] == pytest.approx(0.5)
    assert relief[11] == pytest.approx(27 / 3)  # working days
    # done + not yet claimed + in progress + submitted = tasks, on every row
    for row in rows[4:]:
        if row[1]:
            assert row[3] + row[4] + row[5] + row[6] == row[2], row
    # a name that looks like a formula stays text
    formula_like = next(c for c in sheet["B"] if c.value and str(c.value).startswith("="))
    assert formula_like.data_type == "s"
    assert body["办公室"][2] == 1  # the reporting task
    assert body["Total"][2] == 14 if "Total" in body else rows[-1][2] == 14


def test_every_unit_row_adds_up_and_the_workbook_says_what_the_page_says(org, auth):
    build_fixture(org)
    auth.login("office")
    page = auth.client.get("/dashboard").text
    rows = unit_rows(page)
    parts = ("done", "assigned", "in_progress", "submitted")
    for unit_id, row in rows.items():
        figures = [int(cell(row, c).split()[0]) for c in parts]
        assert sum(figures) == int(cell(row, "total")), unit_id
    badges = {
        unit_id: re.search(r"light-badge[^>]*>([^<]*)<", row).group(1).strip()
        for unit_id, row in rows.items()
    }
    assert badges[org.leaders.id] == "No tasks"
    sheet = openpyxl.load_workbook(
        io.BytesIO(auth.client.get("/dashboard/ranking.xlsx").data)
    ).active
    states = {row[1]: row[12] for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]}
    for unit_id, badge in badges.items():
        name = db.session.get(Unit, unit_id).name
        assert states[name] == badge, name
    # a unit whose every task is done reads "All done" on both, not "On track"
    done_row = UnitRow(unit=org.office, total=2, done=2, green=0)
    assert state_label(done_row) == "All done"


def test_ranking_page_prints(org, auth):
    build_fixture(org)
    auth.login("director")
    page = auth.client.get("/dashboard/ranking").text
    assert "data-print" in page
    assert "completion by unit" in page
    assert page.index("社会救助科") < page.index("养老服务科")  # by place


def test_duties_page(org, auth):
    fixture = build_fixture(org)
    auth.login("director")
    page = auth.client.get("/duties").text
    assert "主持党组中心组学法" in page
    assert f'data-duty="{fixture.tasks["D1"].id}" class="table-danger"' in page  # 0 of 5
    assert "Lagging" in page and "0 / 12" in page
    assert "data-print" in page


def test_yoy_page(org, auth):
    build_fixture(org)
    auth.login("viewer")
    page = auth.client.get("/dashboard/yoy").text
    assert "2026 / 2025" in page
    assert 'data-row="tasks"' in page
    data = chart_data(page, "chart-yoy")
    assert [d["label"] for d in data["datasets"]] == ["2026", "2025"]


def test_task_list_understands_the_drill_down_filters(org, auth):
    fixture = build_fixture(org)
    auth.login("office")

    def titles(url):
        return set(re.findall(r"任务[A-Z]\d?", auth.client.get(url).text))

    sub = fixture.sections["one_sub"].id
    assert titles(f"/?section={sub}&status=done") == {"任务R1", "任务R2"}
    top = fixture.sections["one"].id
    assert titles(f"/?section={top}&status=done") == {"任务R1", "任务R2"}  # with sub-sections
    assert titles("/?soon=1") == {"任务E1", "任务E2", "任务H"}  # H1 is listed as 任务H（…）
    assert titles(f"/?lead={org.relief_team.id}") == {"任务T1"}
    assert titles(f"/?co={org.elderly.id}") == {"任务R3"}
    assert titles("/?late=1-7") == {"任务R3", "任务R5", "任务T1"}
    assert titles("/?late=31-") == set()
    assert auth.client.get("/?late=abc&section=x&lead=-1").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard?year=99999",
        "/dashboard?year=0&plan=99999&section=99999",
        "/dashboard/yoy?year=99999&compare=123456",
        "/duties?year=99999",
        "/dashboard/ranking.xlsx?year=1",
    ],
)
def test_nonsense_in_the_query_string_is_ignored(org, auth, url):
    auth.login("office")
    assert auth.client.get(url).status_code == 200


def test_the_unit_filter_follows_a_renamed_unit(org, auth):
    """The filter's units are kept between changes to the unit tree (tracker.tasks.versions):
    a unit renamed after a view is named anew on the next."""

    def option(page: str) -> str:
        return page.split(f'value="{org.relief.id}">', 1)[1].split("<", 1)[0].strip("\u3000")

    auth.login("office")
    assert option(auth.client.get("/dashboard").text) == "社会救助科"
    org.relief.name = "社会救助与福利科"
    db.session.commit()
    assert option(auth.client.get("/dashboard").text) == "社会救助与福利科"
