"""The workbook's inspection-ledger sheets and their indicator rows: each figure traced to the
record ids it counted; unique Chinese headers on every new sheet."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from flask_babel import force_locale

from tests.exports.conftest import TODAY, load_workbook, rows_by_header, text
from tests.factories import make_record
from tracker.exports.xlsx import write_plan_workbook
from tracker.extensions import db
from tracker.tasks.lights import LightPolicy

NEW_SHEETS = {
    "enforcement_case": ("Enforcement cases", "行政执法"),
    "case_file_review": ("Enforcement file reviews", "执法案卷评查"),
    "pufa_duty": ("Legal publicity list", "普法责任清单"),
    "pufa_activity": ("Legal publicity activities", "普法活动"),
    "law_report": ("Rule-of-law reports", "述法"),
    "contract_review": ("Contract reviews", "合同合法性审查"),
    "report_delivery": ("Report submission", "年度报告报送与公开"),
}


def export(plan) -> bytes:
    buffer = io.BytesIO()
    write_plan_workbook(plan, buffer, exported_by="tester", policy=LightPolicy(TODAY))
    return buffer.getvalue()


def add_ledgers(org, work):
    task, chief = work.study_task, org.users.chief
    reviewed = make_record(
        chief,
        task,
        "enforcement_case",
        case_number="忻民罚〔2026〕1号",
        decided_on=date(2026, 3, 30),
        is_major=True,
        legal_review_on=date(2026, 3, 25),
        is_officers_certified=True,
    )
    unreviewed = make_record(
        chief,
        task,
        "enforcement_case",
        case_number="忻民罚〔2026〕2号",
        decided_on=date(2026, 5, 10),
        is_major=True,
    )
    later = make_record(  # decided after the export's as-of date: counts as open
        chief, task, "enforcement_case", decided_on=date(2026, 8, 1), is_major=True
    )
    duty = make_record(chief, task, "pufa_duty", listed_on=date(2026, 3, 1))
    idle = make_record(chief, task, "pufa_duty", item="宣传《殡葬管理条例》")
    make_record(
        chief, task, "pufa_activity", held_on=date(2026, 6, 26), duty_id=duty.id, audience_count=420
    )
    failed = make_record(chief, task, "case_file_review", score=Decimal("55"))
    db.session.commit()
    return reviewed, unreviewed, later, duty, idle, failed


def test_ledger_sheets_and_indicator_rows(org, work):
    reviewed, unreviewed, later, duty, idle, failed = add_ledgers(org, work)
    book = load_workbook(export(work.plan))
    rows = {
        (text(r["Indicator"]), text(r["Scope"])): r
        for r in rows_by_header(book["Statutory indicators"])
    }
    review = rows[("Major enforcement decisions reviewed (重大执法决定法制审核率)", "Whole bureau")]
    assert review["Value (%)"].value == 50
    assert text(review["Numerator record IDs"]) == str(reviewed.id)
    assert text(review["Denominator record IDs"]) == f"{reviewed.id}, {unreviewed.id}"
    assert text(review["Target met"]) == "no"
    certified = rows[("Enforcement by certified officers (执法人员持证率)", "Whole bureau")]
    assert (certified["Numerator"].value, certified["Denominator"].value) == (1, 3)
    fulfilled = rows[("Responsibility list items carried out (普法责任清单落实率)", "Whole bureau")]
    assert text(fulfilled["Numerator record IDs"]) == str(duty.id)
    assert text(fulfilled["Denominator record IDs"]) == f"{duty.id}, {idle.id}"
    passing = rows[("Enforcement files passing review (案卷评查合格率)", "Whole bureau")]
    assert passing["Value (%)"].value is None or passing["Denominator"].value == 0
    cases = rows_by_header(book["Enforcement cases"])
    assert [text(r["Case number"]) for r in cases][:2] == ["忻民罚〔2026〕1号", "忻民罚〔2026〕2号"]
    assert cases[0]["Legal review on"].value.date() == date(2026, 3, 25)
    assert text(cases[0]["Task"]).endswith(work.study_task.title)
    duties = {text(r["Item of the list"]): r for r in rows_by_header(book["Legal publicity list"])}
    assert duties["宣传《社会救助暂行办法》"]["Activities held"].value == 1
    assert duties["宣传《殡葬管理条例》"]["Activities held"].value == 0
    activities = rows_by_header(book["Legal publicity activities"])
    assert activities[0]["Audience (people reached)"].value == 420
    assert text(activities[0]["Item of the responsibility list"]) == "宣传《社会救助暂行办法》"
    files = rows_by_header(book["Enforcement file reviews"])
    assert text(files[0]["Grade"]) == "Grade: failed" and files[0]["Score"].value == 55


def test_new_sheets_have_unique_chinese_headers(org, work):
    add_ledgers(org, work)
    with force_locale("zh_Hans_CN"):
        book = load_workbook(export(work.plan))
    for _english, chinese in NEW_SHEETS.values():
        headers = [c.value for c in book[chinese][1]]
        assert len(headers) == len(set(headers)), (chinese, headers)
        assert not any(h.isascii() for h in headers), (chinese, headers)
    indicator_names = {text(r["指标名称"]) for r in rows_by_header(book["考核指标"])}
    assert {"重大执法决定法制审核率", "执法人员持证率", "普法责任清单落实率"} <= indicator_names


def test_every_sheet_has_unique_chinese_headers(org, work):
    add_ledgers(org, work)
    with force_locale("zh_Hans_CN"):
        book = load_workbook(export(work.plan))
    for sheet in book.worksheets:
        headers = [c.value for c in sheet[1] if c.value is not None]
        assert len(headers) == len(set(headers)), (sheet.title, headers)


def test_the_advisor_contract_sheet_lists_term_fee_and_consultations(org, work):
    from tests.factories import make_advisor

    advisor = make_advisor(org.users.coordinator, org.bureau, fee=Decimal("60000"))
    make_record(org.users.chief, work.study_task, "consultation", advisor_id=advisor.id)
    make_advisor(  # a contract of an earlier year is not listed
        org.users.coordinator,
        org.bureau,
        contract_start=date(2024, 1, 1),
        contract_end=date(2024, 12, 31),
    )
    db.session.commit()
    rows = rows_by_header(load_workbook(export(work.plan))["Legal advisor contracts"])
    assert [text(r["Law firm"]) for r in rows] == ["某律师事务所"]
    assert rows[0]["Annual fee (yuan)"].value == 60000
    assert rows[0]["Contract until"].value.date() == date(2026, 12, 31)
    assert rows[0]["Consultations in the plan year"].value == 1


def test_certificate_status_is_judged_at_the_plans_as_of_date(org, work):
    from tests.factories import make_task
    from tracker.plans import service as plans

    old = plans.create_plan(
        org.users.coordinator, bureau=org.bureau, year=2020, title="2020年法治建设工作要点"
    )
    task = make_task(org, old, title="组织执法人员申领执法证")
    plans.publish_plan(org.users.coordinator, old)
    make_record(
        org.users.chief,
        task,
        "certification",
        issued_on=date(2018, 6, 20),
        expires_on=date(2024, 6, 20),
    )
    db.session.commit()
    rows = rows_by_header(load_workbook(export(old))["Certificates"])
    # valid on 31 December 2020, the closed year's last day, though expired by the export
    assert [text(r["Status"]) for r in rows] == ["Valid"]
