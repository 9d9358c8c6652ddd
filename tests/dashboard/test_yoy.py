"""Year over year: the ledger's own counts, metrics against last year and the baseline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_task, walk
from tracker.dashboard.yoy import default_years, year_over_year
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service as records
from tracker.records.queries import counts_by_kind


def review(day):
    return {
        "document_title": f"规范性文件{day.isoformat()}",
        "drafting_unit": "",
        "on_behalf_of": "",
        "received_on": None,
        "reviewed_on": day,
        "reviewer": "",
        "conclusion": "lawful",
        "opinion": "",
        "published_on": None,
        "published_url": "",
        "is_filed": False,
        "filed_on": None,
    }


def metric(name, value, *, baseline=None, baseline_year=None, as_of):
    return {
        "name": name,
        "measure": "元",
        "value": Decimal(value),
        "as_of": as_of,
        "baseline_value": Decimal(baseline) if baseline is not None else None,
        "baseline_year": baseline_year,
    }


def open_task(org, year):
    plan = make_plan(org, year=year)
    task = make_task(org, plan, title=f"{year}年台账", due_date=date(year, 12, 31))
    plans.publish_plan(org.users.coordinator, plan)
    walk(org, task, "in_progress")
    return task


@pytest.fixture
def two_years(org):
    """2025: three reviews (one voided), 低保标准 4500; 2026: two reviews, 低保标准 4778 with
    its 2015 baseline, 床位 with a 2025 baseline and no 2025 record of its own."""
    worker = org.users.chief
    # publishing each plan also adds 办公室's reporting task of its year to it (tracker/reports)
    this = open_task(org, 2026)
    last = open_task(org, 2025)
    for month in (3, 6, 9):
        records.create_record(worker, last, "document_review", review(date(2025, month, 1)))
    voided = records.create_record(worker, last, "document_review", review(date(2025, 10, 1)))
    records.void_record(worker, voided, "重复")
    records.create_record(
        worker, last, "metric", metric("低保标准", "4500", as_of=date(2025, 6, 30))
    )
    records.create_record(
        worker, last, "metric", metric("低保标准", "4600", as_of=date(2025, 12, 31))
    )
    records.create_record(
        worker, last, "metric", metric("只在去年", "10", as_of=date(2025, 12, 31))
    )
    for month in (2, 5):
        records.create_record(worker, this, "document_review", review(date(2026, month, 1)))
    records.create_record(
        worker,
        this,
        "metric",
        metric("低保标准", "4778", baseline="2286", baseline_year=2015, as_of=date(2026, 5, 31)),
    )
    records.create_record(
        worker,
        this,
        "metric",
        metric("养老床位", "20295", baseline="19000", baseline_year=2025, as_of=date(2026, 5, 31)),
    )
    db.session.commit()


def test_record_counts_are_the_ledger_counts(org, two_years):
    figures = year_over_year(org.users.coordinator, 2026, 2025)
    reviews = next(r for r in figures.kinds if r.key == "document_review")
    assert (reviews.this_year, reviews.last_year, reviews.change) == (2, 3, -1)
    assert reviews.change_percent == pytest.approx(-100 / 3)
    for year in (2025, 2026):
        ledger = counts_by_kind(org.users.coordinator, year=year)
        mine = {r.key: (r.this_year if year == 2026 else r.last_year) for r in figures.kinds}
        assert mine == {k: n for k, n in ledger.items() if k != "metric"}


def test_metrics_against_last_year_and_the_baseline(org, two_years):
    figures = year_over_year(org.users.coordinator, 2026, 2025)
    rows = {m.name: m for m in figures.metrics}
    floor = rows["低保标准"]
    assert (floor.this_year, floor.last_year) == (Decimal("4778"), Decimal("4600"))  # latest
    assert not floor.last_year_from_baseline
    assert floor.change == Decimal("178")
    assert (floor.baseline_value, floor.baseline_year) == (Decimal("2286"), 2015)
    assert floor.baseline_change_percent == pytest.approx((4778 - 2286) / 2286 * 100)
    beds = rows["养老床位"]
    assert beds.last_year == Decimal("19000") and beds.last_year_from_baseline
    only_last = rows["只在去年"]
    assert only_last.this_year is None and only_last.last_year == Decimal("10")
    assert only_last.change is None


def test_task_figures_per_year(org, two_years):
    figures = year_over_year(org.users.coordinator, 2026, 2025)
    assert [(r.key, r.this_year, r.last_year) for r in figures.tasks] == [
        ("tasks", 2, 2),  # each year's 台账 task and that year's reporting task
        ("done", 0, 0),
        ("on_time", 0, 0),
    ]


def test_kept_task_figures_follow_a_finished_task(org, two_years):
    """The figures are kept between changes (tracker.tasks.versions): finishing a task, once
    committed, gives new ones."""
    from tracker.tasks import workflow
    from tracker.tasks.models import Task

    before = year_over_year(org.users.coordinator, 2026, 2025)
    assert [(r.key, r.this_year) for r in before.tasks][:2] == [("tasks", 2), ("done", 0)]
    task = db.session.scalar(sa.select(Task).where(Task.title == "2026年台账"))
    workflow.transition(org.users.chief, task, "submit", result_statement="完成审查5份文件。")
    workflow.transition(org.users.coordinator, task, "accept")
    db.session.commit()
    after = year_over_year(org.users.coordinator, 2026, 2025)
    assert [(r.key, r.this_year) for r in after.tasks][:2] == [("tasks", 2), ("done", 1)]


def test_default_years_compare_with_the_latest_earlier_plan(org):
    today = date(2026, 6, 8)
    assert default_years(org.users.coordinator, today, None, None) == (2026, 2025)
    make_plan(org, year=2020)
    make_plan(org, year=2026)
    db.session.commit()
    # no 2025 plan: 2026 is compared with 2020
    assert default_years(org.users.coordinator, today, None, None) == (2026, 2020)
    assert default_years(org.users.coordinator, today, 2026, 2026) == (2026, 2020)
    assert default_years(org.users.coordinator, today, 2020, None) == (2020, 2019)
    assert default_years(org.users.coordinator, today, 2026, 2019) == (2026, 2019)
