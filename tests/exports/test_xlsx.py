"""The compliance workbook: sheets and headers, dates as dates, counts as the evidence feature
counts them, and hostile text stored exactly as typed — never as a formula."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from tests.exports.conftest import TODAY, load_workbook, rows_by_header, sheet_xml, text
from tests.factories import make_task, reporting_task
from tracker.core import spreadsheets
from tracker.core.spreadsheets import MAX_CELL_CHARS
from tracker.evidence.queries import count_for_task
from tracker.exports.xlsx import write_plan_workbook
from tracker.extensions import db
from tracker.plans.models import UpperSource
from tracker.tasks import workflow
from tracker.tasks.lights import LightPolicy

HOSTILE = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    '=HYPERLINK("http://evil.example","点我")',
    "a\r\nb",
    "_x0041_ looks like an escape",
    "控制" + "".join(chr(c) for c in range(1, 32)) + "字符",
]


def export(plan, **kw) -> bytes:
    buffer = io.BytesIO()
    write_plan_workbook(plan, buffer, exported_by="tester", policy=LightPolicy(TODAY), **kw)
    return buffer.getvalue()


def sheet_named(book, name):
    assert name in book.sheetnames, book.sheetnames
    return book[name]


def test_every_sheet_is_there_with_its_header_frozen_and_filtered(app, work):
    book = load_workbook(export(work.plan))
    assert book.sheetnames == [
        "About",
        "Tasks",
        "Summary by unit",
        "Updates",
        "Causes of delay",
        "Document reviews",
        "Certificates",
        "Consultations",
        "Inspections",
        "Decisions",
        "Study sessions",
        "Metrics",
        "Reconsideration cases",
        "Lawsuits",
        "Enforcement cases",
        "Enforcement file reviews",
        "Legal publicity list",
        "Legal publicity activities",
        "Rule-of-law reports",
        "Contract reviews",
        "Report submission",
        "Statutory indicators",
        "Legal advisor contracts",
        "Evidence",
        "Report sources",
        "Warnings",
    ]
    expected_headers = {
        "Tasks": [
            "Task ID",
            "Plan section",
            "Number",
            "Title",
            "Requirement",
            "Period",
            "Kind",
            "Lead unit",
            "Co-units",
            "Owner",
            "Supervisor",
            "Principal duty",
            "Deadline as written",
            "Due date",
            "Status",
            "Light",
            "Completed at",
            "Working days overdue",
            "Working days late when finished",
            "Progress",
            "Target",
            "Achieved",
            "Measure",
            "Result statement",
            "Evidence",
            "Verified evidence",
            "Evidence files",
            "Upper plan item",
            "Role in the upper plan",
        ],
        "Evidence": [
            "Evidence ID",
            "Task number",
            "Task title",
            "Kind",
            "Title",
            "File name",
            "SHA-256 checksum",
            "Size (bytes)",
            "Content type",
            "Link",
            "Note",
            "Uploaded by",
            "Uploaded at",
            "Review",
            "Reviewed by",
            "Reviewed at",
            "Review note",
            "State",
            "Proves",
            "Task IDs",
            "Record IDs",
        ],
        "Report sources": [
            "Part",
            "Report section",
            "Figure",
            "Value",
            "Measure",
            "Baseline value",
            "Baseline year",
            "Sentence",
            "Task IDs",
            "Record IDs",
            "Evidence IDs",
        ],
    }
    for name, headers in expected_headers.items():
        assert [c.value for c in sheet_named(book, name)[1]] == headers
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet["A1"].font.b, sheet.title
        assert sheet.column_dimensions["A"].width > 0
    for name in ("Updates", "Document reviews", "Decisions"):
        assert "Record ID" in [c.value for c in book[name][1]] or name == "Updates"


def test_tasks_sheet_tells_each_task_as_the_plan_has_it(app, org, work):
    book = load_workbook(export(work.plan))
    rows = {r["Task ID"].value: r for r in rows_by_header(book["Tasks"])}
    report = reporting_task(work.plan)  # publishing the plan added it to the plan
    assert set(rows) == {work.review_task.id, work.study_task.id, work.duty.id, report.id}
    review = rows[work.review_task.id]
    assert text(review["Plan section"]) == "（一）健全体制机制，依法履行职能"
    assert text(review["Number"]) == "一是"
    assert text(review["Kind"]) == "Legality review of normative documents"
    assert text(review["Lead unit"]) == "社会救助科"
    assert text(review["Co-units"]) == "养老服务科"
    assert text(review["Owner"]) == org.users.staff.display_name
    assert text(review["Supervisor"]) == org.users.leader.display_name
    assert text(review["Status"]) == "In progress"
    assert text(review["Light"]) == "Overdue"  # due 30 June, "today" is 15 July
    assert review["Working days overdue"].value == 11  # working days, 1–15 July
    assert review["Progress"].value == work.review_task.progress / 100
    assert review["Progress"].number_format == "0%"
    assert (review["Target"].value, review["Achieved"].value) == (5, 1)
    assert text(review["Measure"]) == "份"
    assert text(review["Deadline as written"]) == "6月底前"
    # the file on the task, the record's proof and the seal; the rejected one proves nothing
    assert review["Evidence"].value == count_for_task(work.review_task) == 3
    assert review["Verified evidence"].value == 1
    duty = rows[work.duty.id]
    assert text(duty["Principal duty"]) == "yes" and duty["Plan section"].value is None
    # the legal office's task of submitting and publishing the year's report, as assigned
    reporting = rows[report.id]
    assert text(reporting["Title"]) == "报送并公开2026年度法治政府建设情况报告"
    assert reporting["Plan section"].value is None and reporting["Number"].value is None
    assert text(reporting["Kind"]) == "General task"
    assert text(reporting["Lead unit"]) == "办公室"
    assert text(reporting["Owner"]) == org.users.coordinator.display_name
    assert text(reporting["Principal duty"]) == "no"
    assert text(reporting["Deadline as written"]) == "2027年3月31日前"
    assert reporting["Due date"].value.date() == date(2027, 3, 31)  # last working day of March
    assert text(reporting["Status"]) == "Assigned"
    assert reporting["Working days overdue"].value == 0
    assert (reporting["Evidence"].value, reporting["Verified evidence"].value) == (0, 0)
    # plan order: the top section's task, the nested section's, then the tasks outside any
    # section: the duty, then the reporting task (added last, on publishing)
    assert [r["Task ID"].value for r in rows_by_header(book["Tasks"])] == [
        work.study_task.id,
        work.review_task.id,
        work.duty.id,
        report.id,
    ]


def test_a_decomposed_plan_tells_each_task_s_upper_item_and_our_role(app, org, work):
    db.session.add(
        UpperSource(task_id=work.review_task.id, upper_number="（三）2", upper_role="assist")
    )
    db.session.flush()
    book = load_workbook(export(work.plan))
    rows = {r["Task ID"].value: r for r in rows_by_header(book["Tasks"])}
    assert text(rows[work.review_task.id]["Upper plan item"]) == "（三）2"
    assert text(rows[work.review_task.id]["Role in the upper plan"]) == "we assist"
    assert rows[work.study_task.id]["Upper plan item"].value in (None, "")


def test_evidence_counts_follow_the_evidence_feature_for_every_task(app, org, work):
    book = load_workbook(export(work.plan))
    for row in rows_by_header(book["Tasks"]):
        task = db.session.get(type(work.review_task), row["Task ID"].value)
        assert row["Evidence"].value == count_for_task(task), task.title


def test_dates_are_dates_with_a_date_format(app, org, work):
    work.review_task.completed_at = datetime.fromisoformat("2026-07-01T02:30:00+00:00")
    db.session.commit()
    book = load_workbook(export(work.plan))
    review = next(
        r for r in rows_by_header(book["Tasks"]) if r["Task ID"].value == work.review_task.id
    )
    due = review["Due date"]
    assert due.is_date and due.value.date() == date(2026, 6, 30)
    assert due.number_format == "yyyy-mm-dd"
    completed = review["Completed at"]
    assert completed.is_date and completed.number_format == "yyyy-mm-dd hh:mm"
    assert completed.value == datetime(2026, 7, 1, 10, 30)  # Shanghai wall-clock time
    record = rows_by_header(book["Document reviews"])[0]
    assert record["Reviewed on"].is_date and record["Reviewed on"].value.date() == date(2026, 3, 10)
    assert record["Filed on"].value.date() == date(2026, 3, 25)
    update = rows_by_header(book["Updates"])[0]
    assert update["Time"].is_date


def test_record_and_evidence_sheets_list_everything_including_history(app, org, work):
    work.review_task.text = "严格落实规范性文件合法性审查制度，做到应审尽审。"
    db.session.commit()
    book = load_workbook(export(work.plan))
    reviews = rows_by_header(book["Document reviews"])
    assert [r["Record ID"].value for r in reviews] == [work.record.id]
    assert text(reviews[0]["Conclusion"]) == "Lawful"
    assert reviews[0]["Evidence"].value == 1
    evidence_rows = {r["Evidence ID"].value: r for r in rows_by_header(book["Evidence"])}
    assert set(evidence_rows) == {
        e.id for e in (work.report_a, work.report_b, work.seal, work.record_proof, work.withdrawn)
    }
    seal = evidence_rows[work.seal.id]
    assert text(seal["SHA-256 checksum"]) == work.seal.sha256
    assert seal["Size (bytes)"].value == work.seal.size
    assert text(seal["Task IDs"]) == f"{work.review_task.id}, {work.study_task.id}"
    assert text(evidence_rows[work.withdrawn.id]["State"]) == "Withdrawn"
    assert text(evidence_rows[work.report_b.id]["Review"]) == "Rejected"
    assert text(evidence_rows[work.record_proof.id]["Record IDs"]) == str(work.record.id)
    # no joins: each row names the task it proves (through its record when linked that way)
    proof = evidence_rows[work.record_proof.id]
    assert (text(proof["Task number"]), text(proof["Task title"])) == (
        "一是",
        "落实规范性文件合法性审查制度",
    )
    assert text(proof["File name"]) == "合法性审查意见书.pdf"
    assert text(proof["SHA-256 checksum"]) == work.record_proof.sha256
    assert text(proof["Review"]) == "Pending review"
    assert text(seal["Task number"]) == "一是；二是"
    assert text(seal["Task title"]) == "落实规范性文件合法性审查制度；开展法治宣传"
    # the task sheet lists the files that prove each task (current, not rejected), by name
    tasks = {r["Task ID"].value: r for r in rows_by_header(book["Tasks"])}
    assert text(tasks[work.review_task.id]["Evidence files"]) == (
        "审查报告.pdf；公章.png；合法性审查意见书.pdf"
    )
    assert text(tasks[work.study_task.id]["Evidence files"]) == "公章.png"
    assert (
        text(tasks[work.review_task.id]["Requirement"])
        == "严格落实规范性文件合法性审查制度，做到应审尽审。"
    )
    updates = rows_by_header(book["Updates"])
    assert {u["Task ID"].value for u in updates} >= {work.review_task.id, work.study_task.id}
    times = [u["Time"].value for u in updates]
    assert times == sorted(times)


@pytest.fixture
def hostile(app, org, work):
    """One task per hostile title, with the same text as its progress note; and a result
    statement longer than a cell holds."""
    made = {}
    for value in HOSTILE:
        task = make_task(org, work.plan, title="placeholder")
        task.title = value  # exactly as typed: the form would strip outer whitespace
        made[task.id] = value
    db.session.flush()
    note = workflow.add_progress(org.users.staff, work.review_task, note="x", progress=40)
    note.note = "=cmd|'/C calc'!A0"
    work.review_task.result_statement = "长" * 40_000
    db.session.commit()
    return made


def test_hostile_text_is_stored_as_typed_and_never_as_a_formula(app, hostile, work):
    data = export(work.plan)
    book = load_workbook(data)
    titles = {
        r["Task ID"].value: r["Title"] for r in rows_by_header(book["Tasks"]) if r["Task ID"].value
    }
    for task_id, value in hostile.items():
        cell = titles[task_id]
        assert cell.data_type == "s", value
        assert text(cell) == value
        # a spreadsheet program keeps it text even when the cell is edited
        assert cell.quotePrefix == value.startswith(("=", "+", "-", "@", "\t", "\r"))
    notes = [text(r["Note"]) for r in rows_by_header(book["Updates"])]
    assert "=cmd|'/C calc'!A0" in notes
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    for name, xml in sheet_xml(data).items():
        assert "<f>" not in xml and "<f " not in xml, name


def test_a_text_too_long_for_a_cell_is_cut_visibly_and_listed(app, hostile, work):
    book = load_workbook(export(work.plan))
    row = next(
        r for r in rows_by_header(book["Tasks"]) if r["Task ID"].value == work.review_task.id
    )
    value = text(row["Result statement"])
    assert len(value) <= MAX_CELL_CHARS
    assert value.startswith("长" * 1000)
    assert value.endswith("[cut here: 40000 characters in all; see the Warnings sheet]")
    warnings = rows_by_header(book["Warnings"])
    assert len(warnings) == 1
    assert text(warnings[0]["Sheet"]) == "Tasks"
    assert text(warnings[0]["Cell"]) == row["Result statement"].coordinate
    assert text(warnings[0]["Row"]) == f"task {work.review_task.id}"
    assert text(warnings[0]["Column"]) == "Result statement"
    assert warnings[0]["Characters"].value == 40_000
    about = {text(r["Item"]): r["Value"] for r in rows_by_header(book["About"])}
    assert about["Cells cut (see Warnings)"].value == 1


def test_control_characters_and_non_characters_do_not_break_the_file(app, org, work):
    task = make_task(org, work.plan, title="placeholder")
    task.title = "end\ufffe\uffff"  # not allowed in XML
    task.text = "".join(chr(c) for c in range(1, 32))
    db.session.commit()
    book = load_workbook(export(work.plan))
    row = next(r for r in rows_by_header(book["Tasks"]) if r["Task ID"].value == task.id)
    assert text(row["Title"]) == "end\ufffd\ufffd"


def test_what_no_cell_can_hold_is_dropped_or_replaced_and_the_rest_kept(app):
    assert spreadsheets.clean_text("a\x00b\ud800c\ufffe") == "ab\ufffdc\ufffd"
    buffer = io.BytesIO()
    writer = spreadsheets.WorkbookWriter(buffer)
    sheet = writer.sheet("S", [spreadsheets.Column("Text")])
    sheet.append(["nul\x00 and \udfff lone surrogate"])
    sheet.close()
    writer.close()
    book = load_workbook(buffer.getvalue())
    assert text(book["S"]["A2"]) == "nul and \ufffd lone surrogate"


def test_cutting_never_splits_a_character_outside_the_basic_plane():
    emoji = "😀" * 20_000  # two UTF-16 units each
    cut = spreadsheets.cut_to(emoji, 101)
    assert cut == "😀" * 50
    assert spreadsheets.utf16_length(emoji) == 40_000


def test_sheet_names_are_valid_and_unique(app):
    writer = spreadsheets.WorkbookWriter(io.BytesIO())
    names = [writer.sheet_name(n) for n in ("a/b:c", "A/B:C", "x" * 40, "x" * 40, "'q'")]
    writer.close()
    assert names == ["a_b_c", "A_B_C (2)", "x" * 31, "x" * 27 + " (2)", "q"]


def test_the_workbook_is_written_in_constant_memory_mode(app, work):
    writer = spreadsheets.WorkbookWriter(io.BytesIO())
    assert writer.book.constant_memory
    assert not writer.book.strings_to_formulas
    assert not writer.book.strings_to_numbers
    assert not writer.book.strings_to_urls
    writer.close()


def test_small_chunks_give_the_same_rows(app, work):
    big = load_workbook(export(work.plan))
    small = load_workbook(export(work.plan, chunk_size=1))
    for name in big.sheetnames:
        if name == "About":
            continue
        a = [[text(c) for c in r] for r in big[name].iter_rows()]
        b = [[text(c) for c in r] for r in small[name].iter_rows()]
        assert a == b, name


def test_headers_follow_the_language(app, work):
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        book = load_workbook(export(work.plan))
    headers = [c.value for c in book.worksheets[1][1]]
    assert "状态" in headers and "Status" not in headers


def test_report_sources_list_the_figures_with_their_records(app, work):
    book = load_workbook(export(work.plan))
    figures = rows_by_header(book["Report sources"])
    reviews = [f for f in figures if str(work.record.id) in (text(f["Record IDs"]) or "")]
    assert reviews, [text(f["Figure"]) for f in figures]
    assert all(text(f["Sentence"]) for f in reviews)


def test_a_failing_report_builder_leaves_the_rest_of_the_workbook_whole(app, work, monkeypatch):
    from tracker.exports import sources

    def broken(plan):
        raise RuntimeError("builder bug")

    monkeypatch.setattr(sources, "report_for_plan", broken)
    book = load_workbook(export(work.plan))
    rows = rows_by_header(book["Report sources"])
    assert [text(r["Figure"]) for r in rows] == ["Report not available"]
    assert "could not be built" in text(rows[0]["Sentence"])
    # the plan's three tasks and its reporting task
    assert len(rows_by_header(book["Tasks"])) == 4


def test_causes_of_delay_are_listed_with_their_task(app, org, work):
    from tracker.tasks.causes import CauseInput, state_cause, state_structural_note

    state_cause(
        org.users.chief,
        work.review_task,
        CauseInput("专业人才缺乏", "缺少法律专业人员审查文件。", "聘请法律顾问协助审查。"),
    )
    state_structural_note(
        org.users.coordinator, work.plan, CauseInput("人员力量不足", "编制偏少。", "争取增编。")
    )
    rows = rows_by_header(load_workbook(export(work.plan))["Causes of delay"])
    assert [(r["Task ID"].value, r["Occasion"].value, r["Cause"].value) for r in rows] == [
        (work.review_task.id, "Overdue", "专业人才缺乏"),
        (None, "The year as a whole", "人员力量不足"),
    ]
    assert text(rows[0]["Remedy"]) == "聘请法律顾问协助审查。"


def test_labels_are_translated_once_per_workbook_in_its_own_language(app, work):
    """Labels are cached while a workbook is written (a 100k-task sheet repeats a few labels):
    the next workbook, in another language, gets its own."""
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        chinese = load_workbook(export(work.plan))
    with force_locale("en"):
        english = load_workbook(export(work.plan))
    zh_status = {text(r["状态"]) for r in rows_by_header(chinese.worksheets[1])}
    en_status = {text(r["Status"]) for r in rows_by_header(english.worksheets[1])}
    assert zh_status and all(not s.isascii() for s in zh_status)
    assert en_status and all(s.isascii() for s in en_status)


def test_the_units_sheet_sums_up_the_tasks_sheet_per_lead_unit(app, org, work):
    book = load_workbook(export(work.plan))
    tasks = rows_by_header(book["Tasks"])
    units = {text(r["Lead unit"]): r for r in rows_by_header(book["Summary by unit"])}
    for name, row in units.items():
        mine = [t for t in tasks if (text(t["Lead unit"]) or "No lead unit") == name]
        assert row["Number of tasks"].value == len(mine), name
        assert row["Overdue and not done"].value == sum(
            1 for t in mine if t["Working days overdue"].value
        )
        assert row["Evidence awaiting review"].value == sum(
            t["Evidence"].value - t["Verified evidence"].value for t in mine
        )
    assert sum(r["Number of tasks"].value for r in units.values()) == len(tasks) == 4
    relief = units["社会救助科"]
    # the review task, due 30 June, is overdue on 15 July; two of its three files await review
    assert relief["Overdue and not done"].value == 1
    assert relief["Evidence awaiting review"].value >= 2
    assert relief["Done"].value == relief["Done on time"].value + relief["Done late"].value == 0
    assert "No lead unit" in units  # the principal duty


def test_one_as_of_date_governs_every_derived_status(app, org, work):
    book = load_workbook(export(work.plan, as_of=date(2026, 6, 1)))
    review = {r["Task ID"].value: r for r in rows_by_header(book["Tasks"])}[work.review_task.id]
    # due 30 June: not yet overdue on 1 June, though it is by the export's "today" (15 July)
    assert text(review["Light"]) != "Overdue"
    assert review["Working days overdue"].value == 0
    assert rows_by_header(book["Summary by unit"])[0]["Overdue and not done"].value == 0
    about = {text(r["Item"]): r["Value"].value for r in rows_by_header(book["About"])}
    assert about["Statuses as of"].date() == date(2026, 6, 1)
    # by default, today for this year's plan
    about = {
        text(r["Item"]): r["Value"].value
        for r in rows_by_header(load_workbook(export(work.plan))["About"])
    }
    assert about["Statuses as of"].date() == TODAY


def test_every_header_is_chinese_and_unique_on_its_sheet(app, work):
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        book = load_workbook(export(work.plan))
    for sheet in book.worksheets:
        headers = [c.value for c in sheet[1]]
        assert len(set(headers)) == len(headers), (sheet.title, headers)
        assert not [h for h in headers if h.isascii()], sheet.title
        assert not sheet.title.isascii()
