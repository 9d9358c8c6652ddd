"""The per-unit aggregates against the hand-counted plan of conftest.py."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import TODAY
from tracker.dashboard import charts
from tracker.dashboard.queries import (
    LEAD_COLUMNS,
    DashboardFilters,
    rank_rows,
    ranked,
    resolve,
    sorted_rows,
    unit_table,
)
from tracker.tasks.lights import LightPolicy


def table_for(user, **filters):
    unit = filters.pop("unit", None)
    view = resolve(
        user,
        DashboardFilters(**filters, unit_id=unit.id if unit else None),
        TODAY,
        unit=unit,
    )
    return unit_table(view, LightPolicy.current(TODAY))


def by_name(table):
    return {row.unit.name: row for row in table.rows}


def figures(row) -> dict:
    names = (*LEAD_COLUMNS, "co_total", "co_done", "co_overdue")
    return {name: getattr(row, name) for name in names}


def test_relief_counts_its_own_tasks_and_shows_co_unit_work_apart(org, fixture_plan):
    rows = by_name(table_for(org.users.coordinator))
    relief = rows["社会救助科"]
    assert figures(relief) == {
        "total": 6,  # R1–R6; R7 is cancelled
        "assigned": 1,
        "in_progress": 2,
        "submitted": 1,
        "done": 2,
        "overdue": 3,  # R3 (7 days), R4 (30), R5 (3, submitted late)
        "orange": 0,
        "yellow": 0,
        "green": 1,
        "done_on_time": 1,  # R1; R2 was submitted after its due date
        "days_overdue_sum": 27,
        "days_overdue_max": 21,
        "due_by_today": 4,  # R2, R3, R4, R5
        "due_by_today_done": 1,
        "co_total": 1,  # T1, led by 低保核对中心
        "co_done": 0,
        "co_overdue": 1,
    }
    assert relief.completion_rate == pytest.approx(2 / 6)
    assert relief.on_time_rate == pytest.approx(0.5)
    assert relief.average_days_overdue == pytest.approx(27 / 3)  # working days
    assert relief.light == "red"


def test_elderly_counts_occurrences_not_the_recurring_container(org, fixture_plan):
    elderly = by_name(table_for(org.users.coordinator))["养老服务科"]
    assert figures(elderly) == {
        "total": 5,  # E1, E2, E3, H1, H2
        "assigned": 3,
        "in_progress": 1,
        "submitted": 1,
        "done": 0,
        "overdue": 0,
        "orange": 2,  # E1, H1
        "yellow": 1,  # E2
        "green": 2,  # E3 (submitted on time), H2
        "done_on_time": 0,
        "days_overdue_sum": 0,
        "days_overdue_max": 0,
        "due_by_today": 0,
        "due_by_today_done": 0,
        "co_total": 1,  # R3; R7 is cancelled
        "co_done": 0,
        "co_overdue": 1,
    }
    assert elderly.due_soon == 3
    assert elderly.completion_rate == 0
    assert elderly.on_time_rate is None
    assert elderly.average_days_overdue is None
    assert elderly.light == "orange"


def test_sub_unit_has_its_own_row_and_is_not_rolled_up(org, fixture_plan):
    rows = by_name(table_for(org.users.coordinator))
    team = rows["低保核对中心"]
    assert (team.total, team.in_progress, team.overdue, team.days_overdue_sum) == (1, 1, 1, 2)
    assert rows["社会救助科"].total == 6  # T1 is not added to its parent
    assert team.depth == rows["社会救助科"].depth + 1


def test_units_without_tasks_appear_with_zeros(org, fixture_plan, other_unit):
    rows = by_name(table_for(org.users.coordinator))
    for name in ("局领导", "儿童福利科"):
        row = rows[name]
        assert (row.total, row.done, row.overdue, row.due_soon) == (0, 0, 0, 0), name
        assert row.completion_rate is None and row.on_time_rate is None
        assert row.light == "none"
        assert row.rank is None
        assert row.co_total == 0


def test_the_office_counts_the_reporting_task(org, fixture_plan):
    office = by_name(table_for(org.users.coordinator))["办公室"]
    # its one task is the reporting task P (报送并公开2026年度法治政府建设情况报告), due 2027-03-31
    assert figures(office) == {
        "total": 1,
        "assigned": 1,
        "in_progress": 0,
        "submitted": 0,
        "done": 0,
        "overdue": 0,
        "orange": 0,
        "yellow": 0,
        "green": 1,
        "done_on_time": 0,
        "days_overdue_sum": 0,
        "days_overdue_max": 0,
        "due_by_today": 0,
        "due_by_today_done": 0,
        "co_total": 1,  # it helps with R6
        "co_done": 0,
        "co_overdue": 0,
    }
    assert office.due_soon == 0
    assert office.completion_rate == 0
    assert office.on_time_rate is None
    assert office.light == "green"


def test_a_duty_without_lead_unit_counts_for_the_bureau(org, fixture_plan):
    table = table_for(org.users.coordinator)
    rows = by_name(table)
    assert rows["测试市民政局"].total == 1
    assert rows["测试市民政局"].green == 1
    assert table.rows[0].unit == org.bureau


def test_totals_count_each_task_once(org, fixture_plan):
    totals = table_for(org.users.coordinator).totals
    # 6 + 1 + 5 + 1 + 1 (办公室's reporting task): co-unit work is not added again
    assert totals.total == 14
    assert (totals.assigned, totals.in_progress, totals.submitted) == (5, 5, 2)
    assert (totals.green, totals.yellow, totals.orange) == (5, 1, 2)
    assert (totals.done, totals.overdue, totals.due_soon) == (2, 4, 3)
    assert totals.done_on_time == 1
    assert totals.average_days_overdue == pytest.approx(29 / 4)  # working days
    assert totals.light == "red"


def test_ranking_by_completion_then_on_time_then_overdue(org, fixture_plan):
    table = table_for(org.users.coordinator)
    places = {row.unit.name: row.rank for row in table.rows}
    assert places["社会救助科"] == 1
    # no task done, nothing overdue: equal figures share a place (办公室: the reporting task)
    assert places["测试市民政局"] == places["养老服务科"] == places["办公室"] == 2
    assert places["低保核对中心"] == 5
    assert places["局领导"] is None
    order = [row.unit.name for row in ranked(table.rows)]
    assert order[0] == "社会救助科" and order[-2:] == ["低保核对中心", "局领导"]


def test_rank_rows_gives_equal_figures_one_place():
    from tracker.dashboard.queries import UnitRow

    rows = [UnitRow(unit=None, total=2, done=1, done_on_time=1) for _ in range(2)]
    rows.append(UnitRow(unit=None, total=2, done=0))
    rank_rows(rows)
    assert [r.rank for r in rows] == [1, 1, 3]


def test_sorting_by_a_column(org, fixture_plan):
    table = table_for(org.users.coordinator)
    overdue_first = sorted_rows(table.rows, "overdue", descending=True)
    assert overdue_first[0].unit.name == "社会救助科"
    by_completion = sorted_rows(table.rows, "completion", descending=False)
    assert by_completion[0].completion_rate is None  # units without tasks first going up
    assert sorted_rows(table.rows, "nonsense", True) == table.rows


def test_chief_sees_only_the_own_unit_subtree(org, fixture_plan):
    table = table_for(org.users.chief)
    assert [row.unit.name for row in table.rows] == ["社会救助科", "低保核对中心"]
    assert table.totals.total == 7
    assert by_name(table)["社会救助科"].co_total == 1
    assert table.rows[0].depth == 0


def test_filters_kind_section_unit_and_year(org, fixture_plan):
    inspections = table_for(org.users.coordinator, kind="inspection")
    assert inspections.totals.total == 2  # R3 and R6
    section = fixture_plan.sections["one"]
    in_section = table_for(
        org.users.coordinator, plan_id=fixture_plan.plan.id, section_id=section.id
    )
    # section 一 and its sub-section: R1, R2 (sub), R3, R6, E1, E2, E3, H1, H2
    assert in_section.totals.total == 9
    sub = table_for(
        org.users.coordinator,
        plan_id=fixture_plan.plan.id,
        section_id=fixture_plan.sections["one_sub"].id,
    )
    assert sub.totals.total == 2
    relief_only = table_for(org.users.coordinator, unit=org.relief)
    assert [r.unit.name for r in relief_only.rows] == ["社会救助科", "低保核对中心"]
    last_year = table_for(org.users.coordinator, year=2025)
    # 去年任务 (done) and the 2025 reporting task, due 2026-03-31, still open: 46 working days late
    totals = last_year.totals
    assert (totals.total, totals.done, totals.overdue, totals.days_overdue_sum) == (2, 1, 1, 46)
    assert by_name(last_year)["办公室"].overdue == 1


def test_default_year_is_this_year_and_single_plan_is_chosen(org, fixture_plan):
    view = resolve(org.users.coordinator, DashboardFilters(), TODAY)
    assert view.year == 2026
    assert view.plan == fixture_plan.plan  # the draft plan of 2026 has nothing to count
    assert view.plans == [fixture_plan.plan]


def test_section_filter_is_dropped_without_a_single_plan(org, fixture_plan):
    view = resolve(
        org.users.coordinator,
        DashboardFilters(year=2025, section_id=fixture_plan.sections["one"].id),
        TODAY,
    )
    assert view.filters.section_id is None or view.plan is not None


def test_completion_chart_segments_add_up_to_the_unit_totals(org, fixture_plan):
    table = table_for(org.users.coordinator)
    chart = charts.completion_by_unit(table, lambda **args: "?" + str(sorted(args.items())))
    assert "局领导" not in chart["labels"]  # no bar for units without tasks
    office = chart["labels"].index("办公室")  # the reporting task, on track
    assert {d["key"]: d["data"][office] for d in chart["datasets"]} == {
        "done": 0,
        "green": 1,
        "yellow": 0,
        "orange": 0,
        "red": 0,
    }
    index = chart["labels"].index("社会救助科")
    segments = {d["key"]: d["data"][index] for d in chart["datasets"]}
    assert segments == {"done": 2, "green": 1, "yellow": 0, "orange": 0, "red": 3}
    red = next(d for d in chart["datasets"] if d["key"] == "red")
    assert "('light', 'red')" in red["links"][index]
    assert f"('lead', {org.relief.id})" in red["links"][index]


def test_overdue_by_age_bands(org, fixture_plan):
    table = table_for(org.users.coordinator)
    chart = charts.overdue_by_age(table, lambda **a: str(a))
    assert chart["datasets"][0]["data"] == [3, 1, 0, 0]  # 3, 4 and 7 days; 30 days
    # the bands hold the same overdue tasks as the table's rows
    assert chart["total"] == table.totals.overdue
    assert chart["total"] == 4


def test_progress_over_the_year(org, fixture_plan):
    table = table_for(org.users.coordinator)
    chart = charts.progress_over_year(table.view, list(table.units), lambda **a: "")
    actual, planned, even = (d["data"] for d in chart["datasets"])
    assert chart["total"] == 14  # with 办公室's reporting task
    assert actual[4] == 0  # nothing was done by the end of May
    assert actual[5] == round(100 * 2 / 14, 1)  # R1 and R2 accepted on 8 June
    assert actual[6:] == [None] * 6  # the future is not drawn
    # due by the end of May: R4 (05-09); by the end of June: + R1 R2 R3 R5 T1 E1 E3 H1
    assert planned[4] == round(100 * 1 / 14, 1)
    assert planned[5] == round(100 * 9 / 14, 1)
    assert planned[10] == round(100 * 10 / 14, 1)  # by the end of November: + E2 (07-20)
    # by the end of December: + R6 H2 D1 (12-31) and the reporting task, whose due date
    # 2027-03-31 lies past the year: it is drawn at the year's end (as a task without one)
    assert planned[11] == 100
    assert even[11] == 100
