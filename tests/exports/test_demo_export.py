"""The compliance export of the demo 2020 plan (the seed report's year), through the web as the
demo coordinator takes it: every sheet filled, every report figure traceable to rows of the
workbook, every archived file matching its hash."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import Auth
from tests.exports.conftest import MANIFEST_KEYS, load_workbook, rows_by_header, text
from tests.factories import standalone_app
from tracker.core import clock
from tracker.demo.data import DEMO_PASSWORD
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports.service import REPORT_TASK_TITLE

LOADED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
RECORD_SHEETS = [
    "Document reviews",
    "Certificates",
    "Consultations",
    "Inspections",
    "Decisions",
    "Study sessions",
    "Metrics",
    "Reconsideration cases",
    "Lawsuits",
    "Legal publicity list",
    "Legal publicity activities",
    "Report submission",
]
#: Ledgers the demo fills for the current year only (the seed implies none of them for 2020).
CURRENT_YEAR_SHEETS = [
    "Enforcement cases",
    "Enforcement file reviews",
    "Rule-of-law reports",
    "Contract reviews",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with standalone_app(tmp_path_factory.mktemp("demo-export")) as app:
        with clock.frozen_at(LOADED_AT):
            result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        plan = db.session.scalar(sa.select(Plan).where(Plan.title == "2020年法治建设工作要点"))
        client = app.test_client()
        with clock.frozen_at(LOADED_AT):
            login = Auth(client).login("office", DEMO_PASSWORD)
            assert login.status_code == 302, login.text
            workbook = client.get(f"/plans/{plan.id}/export.xlsx", buffered=True)
            archive = client.get(f"/plans/{plan.id}/evidence.zip", buffered=True)
            page = client.get(f"/plans/{plan.id}").text
        assert workbook.status_code == 200 and archive.status_code == 200
        yield {
            "plan_id": plan.id,
            "book": load_workbook(workbook.data),
            "zip": zipfile.ZipFile(io.BytesIO(archive.data)),
            "page": page,
        }


def reporting_row(book) -> dict:
    """The Tasks row of the plan's reporting task (报送并公开2020年度法治政府建设情况报告)."""
    (row,) = [
        r
        for r in rows_by_header(book["Tasks"])
        if text(r["Title"]) == REPORT_TASK_TITLE.format(year=2020)
    ]
    return row


def test_the_plan_page_has_both_export_buttons(demo):
    assert f"/plans/{demo['plan_id']}/export.xlsx" in demo["page"]
    assert f"/plans/{demo['plan_id']}/evidence.zip" in demo["page"]


def test_every_sheet_of_the_demo_workbook_has_rows(demo):
    book = demo["book"]
    for name in ["Tasks", "Updates", *RECORD_SHEETS, "Evidence", "Report sources"]:
        assert rows_by_header(book[name]), name
    for name in CURRENT_YEAR_SHEETS:
        assert book[name].max_row == 1, name  # the header alone
    tasks = rows_by_header(book["Tasks"])
    # the plan's 29 tasks, then the reporting task that publishing the plan added to it
    assert len(tasks) == 30
    assert all(text(r["Status"]) == "Done" for r in tasks)
    assert all(r["Evidence"].value >= 1 for r in tasks)
    report = reporting_row(book)
    assert report["Task ID"].value == tasks[-1]["Task ID"].value  # after the plan's own
    assert text(report["Lead unit"]) == "办公室" and report["Plan section"].value is None
    assert report["Due date"].value.date() == date(2021, 3, 31)
    assert report["Completed at"].value.date() == date(2021, 1, 18)  # accepted
    assert report["Working days late when finished"].value == 0  # submitted 15 January
    assert not rows_by_header(book["Warnings"])


def test_every_report_figure_points_at_rows_of_the_workbook(demo):
    book = demo["book"]
    record_ids = {
        row["Record ID"].value
        for name in RECORD_SHEETS + CURRENT_YEAR_SHEETS
        for row in rows_by_header(book[name])
    }
    task_ids = {row["Task ID"].value for row in rows_by_header(book["Tasks"])}
    evidence_ids = {row["Evidence ID"].value for row in rows_by_header(book["Evidence"])}
    figures = rows_by_header(book["Report sources"])
    assert len(figures) >= 20

    def ids(cell) -> set[int]:
        value = text(cell) or ""
        return {int(part) for part in value.split(",") if part.strip()}

    for figure in figures:
        assert ids(figure["Record IDs"]) <= record_ids, text(figure["Figure"])
        assert ids(figure["Task IDs"]) <= task_ids, text(figure["Figure"])
        assert ids(figure["Evidence IDs"]) <= evidence_ids, text(figure["Figure"])
    # the report's figures are drawn from the year's work, never from the task of reporting it
    report = reporting_row(book)
    report_evidence = {
        row["Evidence ID"].value
        for row in rows_by_header(book["Evidence"])
        if ids(row["Task IDs"]) == {report["Task ID"].value}
    }
    assert report_evidence  # the office's note of the report sent and published
    for figure in figures:
        assert report["Task ID"].value not in ids(figure["Task IDs"]), text(figure["Figure"])
        assert not ids(figure["Evidence IDs"]) & report_evidence, text(figure["Figure"])
    sentences = " ".join(text(f["Sentence"]) or "" for f in figures)
    assert "对5份规范性文件" in sentences or "5份" in sentences


def test_every_file_of_the_demo_archive_matches_its_manifest(demo):
    archive = demo["zip"]
    assert archive.testzip() is None
    manifest_name = next(n for n in archive.namelist() if n.endswith("/manifest.csv"))
    root = manifest_name.rsplit("/", 1)[0]
    header, *lines = csv.reader(io.StringIO(archive.read(manifest_name).decode("utf-8-sig")))
    rows = [dict(zip(MANIFEST_KEYS, line, strict=True)) for line in lines]
    assert len(rows) >= 100
    for row in rows:
        content = archive.read(f"{root}/{row['path']}")
        assert hashlib.sha256(content).hexdigest() == row["sha256"], row["path"]
        assert row["check"] == "Matches the recorded checksum"
    folders = {row["path"].split("/", 1)[0] for row in rows}
    assert "（一）加强组织领导，推进法治建设" in folders and len(folders) >= 6
    # the principal's duties and the reporting task in folders named for what they are
    assert "Principal duties of the bureau's head" in folders
    assert "Submission and publication of the annual report" in folders
    assert "Outside any section" not in folders
    # file names say what each file is: the day and record tell the year's minutes apart
    names = [row["path"].rsplit("/", 1)[-1] for row in rows]
    numbered = [n for n in names if " (2)" in n or " (3)" in n]
    assert len(numbered) <= 2, numbered


def test_the_2020_workbook_has_the_publicity_list_and_the_reports_delivery(demo):
    book = demo["book"]
    duties = rows_by_header(book["Legal publicity list"])
    assert len(duties) == 5 and all(r["Activities held"].value >= 1 for r in duties)
    activities = rows_by_header(book["Legal publicity activities"])
    assert "国家宪法日暨全国法制宣传日宣传咨询" in {text(r["Activity"]) for r in activities}
    # the seed gives no audience figures for 2020, so the demo states none
    assert all(r["Audience (people reached)"].value is None for r in activities)
    deliveries = rows_by_header(book["Report submission"])
    assert {text(r["Submitted to / published in"]) for r in deliveries} == {
        "市委全面依法治市委员会办公室",
        "忻州市司法局",
        "忻州市民政局门户网站",
    }
    assert all(r["Submitted or published on"].value.date() == date(2021, 1, 15) for r in deliveries)
    assert all(text(r["Task"]).endswith(REPORT_TASK_TITLE.format(year=2020)) for r in deliveries)
    # the seed states no 2020 enforcement cases, file reviews or contract reviews
    for name in ("Enforcement cases", "Enforcement file reviews", "Contract reviews"):
        assert not rows_by_header(book[name]), name
