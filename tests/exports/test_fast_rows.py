"""The workbook's rows as its fast path writes them (XML straight into xlsxwriter's row files) are
the rows xlsxwriter's own cell methods write, byte for byte; and a plan of a few thousand tasks
comes out whole — every task once, in plan order, with its values — without the export holding
the plan's tasks as ORM objects."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.exports.conftest import TODAY, load_workbook
from tests.factories import make_plan, make_section
from tracker.core import clock, spreadsheets
from tracker.core.spreadsheets import (
    AUTO,
    DATE,
    DATETIME,
    FLAG,
    INT,
    LONG,
    MAX_CELL_CHARS,
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    WorkbookWriter,
)
from tracker.exports.xlsx import write_plan_workbook
from tracker.extensions import db
from tracker.tasks.lights import LightPolicy
from tracker.tasks.models import Task

KINDS = [TEXT, LONG, DATE, DATETIME, INT, NUMBER, PERCENT, FLAG, AUTO]

#: Values of every sort a cell meets, for every kind of column.
VALUES = [
    None,
    "",
    "plain",
    "中文的任务名称",
    " leading space",
    "trailing space ",
    "trailing newline\n",
    "a\r\nb",
    "\tx",
    "=1+1",
    "-2",
    "@SUM(A1)",
    "a & b < c > d \"quoted\" 'single'",
    "<r>looks rich</r>",
    "_x0041_ looks like an escape",
    "控制" + "".join(chr(c) for c in range(1, 32)) + "字符",
    "nul\x00dropped",
    "broken \ud800 surrogate",
    "non-character \ufffe",
    "emoji 😀",
    "x" * (MAX_CELL_CHARS + 5),
    "长" * (MAX_CELL_CHARS // 2 + 10),
    "\x01" + "y" * MAX_CELL_CHARS,
    0,
    1,
    -7,
    12345678901234567,
    0.1,
    2.5e-12,
    Decimal("1234.5678"),
    True,
    False,
    date(2026, 7, 15),
    date(1899, 12, 31),
    datetime(2026, 7, 15, 16, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59),
]


#: Both runs of a comparison write at this moment (the workbook's creation time, "Exported at").
NOW = datetime(2026, 7, 15, 9, 30, tzinfo=UTC)


def _write(fast: bool) -> tuple[dict[str, bytes], list]:
    with clock.frozen_at(NOW):
        return _write_now(fast)


def _write_now(fast: bool) -> tuple[dict[str, bytes], list]:
    buffer = io.BytesIO()
    writer = WorkbookWriter(buffer, title="t", author="a", fast_rows=fast)
    columns = [Column(f"{kind} column", kind) for kind in KINDS]
    sheet = writer.sheet("Values", columns)
    for value in VALUES:
        sheet.append([value] * len(KINDS), ref=f"value {value!r:.20}")
    sheet.append([None] * len(KINDS))  # an empty row
    sheet.append(["after the empty row", *[None] * (len(KINDS) - 1)])
    second = writer.sheet("Second", [Column("Number", INT), Column("Text", TEXT)])
    for n in range(50):
        second.append([n, f"row {n}"])
    sheet.close()
    second.close()
    warnings = list(writer.warnings)
    writer.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}, warnings


def test_the_fast_rows_are_xlsxwriters_rows_byte_for_byte(app):
    fast, fast_warnings = _write(fast=True)
    slow, slow_warnings = _write(fast=False)
    assert fast.keys() == slow.keys()
    for name in slow:
        assert fast[name] == slow[name], name
    assert fast_warnings == slow_warnings
    # the two texts too long for a cell, cut in every column but the yes/no one; the one with a
    # control character is left to xlsxwriter after the cut, and listed once
    assert len(fast_warnings) == 2 * (len(KINDS) - 1)


# -- a plan of a few thousand tasks -------------------------------------------------------------

TASKS = 2500


def _bulk_tasks(org, plan, sections) -> list[int]:
    """TASKS tasks inserted at once (as a large plan's import leaves them), of every status."""
    now = datetime.now(UTC)
    statuses = ("assigned", "in_progress", "submitted", "done", "done", "cancelled")
    units = [org.relief, org.office]
    rows = []
    for n in range(1, TASKS + 1):
        status = statuses[n % len(statuses)]
        due = TODAY + timedelta(days=(n % 200) - 100)
        rows.append(
            {
                "plan_id": plan.id,
                "section_id": sections[n % len(sections)].id,
                "parent_id": None,
                "number": f"{n}.",
                "title": f"推进第{n}项依法行政工作",
                "text": f"第{n}项：落实法治建设责任，按期报送进展和佐证材料。",
                "kind": "general",
                "lead_unit_id": units[n % len(units)].id,
                "owner_id": None,
                "supervisor_id": None,
                "start_date": due - timedelta(days=60),
                "due_date": due,
                "is_continuous": False,
                "deadline_text": "",
                "recurrence": "none",
                "period_label": "",
                "target_count": 10 if n % 7 == 0 else None,
                "target_measure": "次" if n % 7 == 0 else "",
                "achieved_count": n % 12 if n % 7 == 0 else None,
                "is_principal_duty": False,
                "result_statement": f"完成第{n}项工作。" if status == "done" else "",
                "progress": 100 if status == "done" else n % 90,
                "status": status,
                "position": n,
                "submitted_on": due if status == "submitted" else None,
                "completed_at": now if status == "done" else None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "updated_by_id": None,
            }
        )
    db.session.execute(sa.insert(Task.__table__), rows)
    db.session.flush()
    return list(
        db.session.scalars(
            sa.select(Task.id).where(Task.plan_id == plan.id).order_by(Task.position, Task.id)
        )
    )


@pytest.fixture
def large_plan(org, db):
    plan = make_plan(org)
    sections = [make_section(org, plan, f"第{n}部分", f"{n}、") for n in (1, 2, 3)]
    ids = _bulk_tasks(org, plan, sections)
    plan_id, section_ids = plan.id, [section.id for section in sections]
    db.session.commit()
    db.session.expunge_all()  # what an export process starts with: nothing loaded
    return plan_id, section_ids, ids


def rows_by_header(sheet) -> list[dict]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _export(plan_id) -> bytes:
    from tracker.plans.models import Plan

    buffer = io.BytesIO()
    with clock.frozen_at(NOW):
        write_plan_workbook(
            db.session.get(Plan, plan_id), buffer, exported_by="tester", policy=LightPolicy(TODAY)
        )
    return buffer.getvalue()


def test_a_plan_of_thousands_of_tasks_comes_out_whole_and_in_order(app, large_plan):
    plan_id, sections, ids = large_plan
    loaded = []
    listener = lambda task, context: loaded.append(task.id)  # noqa: E731
    sa.event.listen(Task, "load", listener)
    try:
        data = _export(plan_id)
    finally:
        sa.event.remove(Task, "load", listener)
    # the export reads the tasks as rows (its memory stays flat), never as ORM objects
    assert len(loaded) < 20

    book = load_workbook(data)
    tasks = rows_by_header(book["Tasks"])
    assert len(tasks) == TASKS
    # plan order: section by section (as the outline writes them), then by position
    rank = {section_id: index for index, section_id in enumerate(sections)}
    section_of = {task_id: sections[n % len(sections)] for n, task_id in enumerate(ids, 1)}
    position = {task_id: n for n, task_id in enumerate(ids)}
    expected = sorted(ids, key=lambda task_id: (rank[section_of[task_id]], position[task_id]))
    assert [row["Task ID"] for row in tasks] == expected
    stored = {
        row.id: row
        for row in db.session.execute(
            sa.select(Task.id, Task.title, Task.number, Task.due_date, Task.progress).where(
                Task.plan_id == plan_id
            )
        )
    }
    for row in tasks:
        task = stored[row["Task ID"]]
        assert row["Title"] == task.title
        assert row["Number"] == task.number
        assert row["Due date"].date() == task.due_date
        assert row["Progress"] == pytest.approx(task.progress / 100)

    about = {row["Item"]: row["Value"] for row in rows_by_header(book["About"])}
    assert about["Rows on sheet “Tasks”"] == TASKS
    summary = rows_by_header(book["Summary by unit"])
    assert sum(row["Number of tasks"] for row in summary) == TASKS

    figures = {row["Figure"]: row for row in rows_by_header(book["Report sources"])}
    live = [n for n in range(1, TASKS + 1) if n % 6 != 5]  # the cancelled ones left out
    planned = figures["工作要点重点任务"]
    assert planned["Value"] == len(live)
    assert [int(i) for i in planned["Task IDs"].split(", ")] == [ids[n - 1] for n in live]


def test_the_large_workbook_is_the_same_through_xlsxwriters_cell_methods(
    app, large_plan, monkeypatch
):
    plan_id, _sections, _ids = large_plan
    fast = _export(plan_id)
    monkeypatch.setattr(spreadsheets, "_fast_rows_supported", lambda worksheet: False)
    slow = _export(plan_id)
    with zipfile.ZipFile(io.BytesIO(fast)) as a, zipfile.ZipFile(io.BytesIO(slow)) as b:
        names = a.namelist()
        assert names == b.namelist()
        for name in names:
            assert a.read(name) == b.read(name), name


@pytest.mark.parametrize("fast", [True, False])
def test_a_text_that_looks_like_rich_text_xml_stays_text(app, fast):
    """xlsxwriter writes a string wrapped in <r>…</r> as raw rich-text XML: a task title could
    put a cell of its own into the inspector's workbook. It must read back as the same text."""
    hostile = [
        "<r>looks rich</r>",
        "<r></r>",
        '<r><t>3</t></r></is></c><c r="Z9" t="inlineStr"><is><t>forged</t></is></c><is><r>',
        "<r>&amp; 已办结 </r>",
    ]
    buffer = io.BytesIO()
    writer = WorkbookWriter(buffer, title="t", author="a", fast_rows=fast)
    sheet = writer.sheet("Tasks", [Column("Title", TEXT), Column("Note", AUTO)])
    for text in hostile:
        sheet.append([text, text])
    sheet.close()
    writer.close()
    book = load_workbook(buffer.getvalue())
    rows = [[c.value for c in row] for row in book["Tasks"].iter_rows(min_row=2)]
    assert rows == [[text, text] for text in hostile]
    assert all(cell.value != "forged" for row in book["Tasks"].iter_rows() for cell in row)
