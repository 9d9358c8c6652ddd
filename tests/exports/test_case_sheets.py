"""The workbook's 行政复议 / 行政应诉 sheets and the Indicators sheet: every figure with its
numerator, denominator and the record ids it counted, per plan and per unit; Chinese headers."""

from __future__ import annotations

import io

from flask_babel import force_locale

from tests.exports.conftest import TODAY, load_workbook, rows_by_header, text
from tests.records.test_cases import litigation, reconsideration
from tracker.exports.xlsx import write_plan_workbook
from tracker.extensions import db
from tracker.records import service as records
from tracker.tasks.lights import LightPolicy


def export(plan) -> bytes:
    buffer = io.BytesIO()
    write_plan_workbook(plan, buffer, exported_by="tester", policy=LightPolicy(TODAY))
    return buffer.getvalue()


def add_cases(org, work):
    task = work.study_task
    corrected = records.create_record(
        org.users.chief, task, "reconsideration", reconsideration(corrected_on=None)
    )
    upheld = records.create_record(
        org.users.chief,
        task,
        "reconsideration",
        reconsideration(applicant="郭某某", outcome="upheld", correction="", corrected_on=None),
    )
    lost = records.create_record(
        org.users.chief,
        task,
        "litigation",
        litigation(
            served_on=TODAY.replace(month=3),
            hearing_on=TODAY.replace(month=4),
            head_appeared=False,
            head_name="",
            judged_on=TODAY.replace(month=5),
            suggestion_replied_on=None,
            suggestion_follow_up="",
        ),
    )
    db.session.commit()
    return corrected, upheld, lost


def test_indicator_rows_carry_numerators_denominators_and_record_ids(org, work):
    corrected, upheld, lost = add_cases(org, work)
    book = load_workbook(export(work.plan))
    rows = {
        (text(r["Indicator"]), text(r["Scope"])): r
        for r in rows_by_header(book["Statutory indicators"])
    }
    rate = rows[("Reconsideration correction rate (行政复议纠错率)", "Whole bureau")]
    assert rate["Value (%)"].value == 50
    assert (rate["Numerator"].value, rate["Denominator"].value) == (1, 2)
    assert text(rate["Numerator record IDs"]) == str(corrected.id)
    assert text(rate["Denominator record IDs"]) == f"{corrected.id}, {upheld.id}"
    # the same figure for the unit that keeps the ledger
    unit = work.study_task.lead_unit.name
    assert (
        rows[("Reconsideration correction rate (行政复议纠错率)", unit)]["Denominator"].value == 2
    )
    loss = rows[("Litigation loss rate (行政诉讼败诉率)", "Whole bureau")]
    assert loss["Value (%)"].value == 100 and text(loss["Numerator record IDs"]) == str(lost.id)
    head = rows[("Head appeared in court (负责人出庭应诉率)", "Whole bureau")]
    assert head["Value (%)"].value == 0 and text(head["Target met"]) == "no"
    # cases decided after the export's "as of" date would not count; the date is on the row
    assert rate["As of"].value.date() == TODAY
    cases = rows_by_header(book["Reconsideration cases"])
    assert {text(r["Applicant"]) for r in cases} == {"李某某", "郭某某"}
    suits = rows_by_header(book["Lawsuits"])
    assert [text(r["Judgment"]) for r in suits] == ["Act confirmed unlawful (确认违法)"]
    assert suits[0]["Lost (败诉)"].value is not None


def test_new_sheets_have_unique_chinese_headers(org, work):
    add_cases(org, work)
    with force_locale("zh_Hans_CN"):
        book = load_workbook(export(work.plan))
    for name, expected in (
        ("行政复议", "被申请的行政行为"),
        ("行政应诉", "负责人是否出庭"),
        ("考核指标", "分母记录编号"),
    ):
        headers = [c.value for c in book[name][1]]
        assert expected in headers, headers
        assert len(headers) == len(set(headers)), name
        assert not any(h.isascii() for h in headers if h not in ("SHA-256",)), headers
