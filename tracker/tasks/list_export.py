"""A task list as the user sees it, downloaded as .xlsx or .csv: the columns of the page, in its
order, with its filters (the caller passes the rows), formula-safe, real dates."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from urllib.parse import quote

from flask import Response
from flask_babel import gettext as _

from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.db import begin_write
from tracker.core.spreadsheets import (
    DATE,
    FORMULA_STARTS,
    LONG,
    PERCENT,
    TEXT,
    Column,
    WorkbookWriter,
    clean_text,
)
from tracker.extensions import db
from tracker.tasks.labels import STATUS_LABELS
from tracker.tasks.lights import LIGHT_LABELS
from tracker.tasks.queries import TaskRow

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most rows one download holds.
MAX_EXPORT_ROWS = 20_000
FORMATS = ("xlsx", "csv")


def columns() -> list[Column]:
    """The columns of the task lists (home page, plan page), headed as on the page."""
    return [
        Column(_("Light"), TEXT, 10),
        Column(_("Task"), LONG),
        Column(_("Lead unit"), TEXT),
        Column(_("Owner"), TEXT, 12),
        Column(_("Due"), DATE),
        Column(_("Status"), TEXT, 12),
        Column(_("Progress"), PERCENT),
    ]


def _due(task) -> date | str:
    if task.is_continuous:
        return _("Continuous")
    return task.due_date or _("no due date")


def row_values(row: TaskRow) -> list:
    """One row's cells: what the page shows in each column (a date stays a date)."""
    task = row.task
    title = f"{task.number} {task.title}" if task.number else task.title
    return [
        str(LIGHT_LABELS[row.light]),
        title,
        task.lead_unit.name if task.lead_unit else "",
        task.owner.display_name if task.owner else "",
        _due(task),
        str(STATUS_LABELS[task.status]),
        task.progress,
    ]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value}%"
    text = clean_text(str(value))
    # a cell starting with = + - @ (or tab, CR) would be run as a formula by spreadsheet programs
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _disposition(stem: str, fmt: str) -> str:
    filename = f"{stem}.{fmt}"
    return f"attachment; filename=\"tasks.{fmt}\"; filename*=UTF-8''{quote(filename, safe='')}"


def audit_export(actor, fmt: str, where: dict) -> None:
    """Record the download (who took which list) in a short write transaction of its own,
    which the request's boundary commits."""
    begin_write(db.session)
    log_event(actor, "tasks.export", None, after={"format": fmt, **where})


def download(rows: Iterable[TaskRow], fmt: str, *, title: str) -> Response:
    """The rows as an attachment in `fmt` (xlsx or csv), named after `title` and today."""
    stem = f"{title}-{clock.today().isoformat()}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.header for c in columns()])
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row_values(row)])
        return Response(
            buffer.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": _disposition(stem, "csv")},
        )
    # at most MAX_EXPORT_ROWS rows of seven short cells: a megabyte or two, built in memory
    buffer = io.BytesIO()
    book = WorkbookWriter(buffer, title=title)
    sheet = book.sheet(_("Tasks"), columns())
    for row in rows:
        sheet.append(row_values(row), ref=f"task {row.task.id}")
    sheet.close()
    book.close()
    return Response(
        buffer.getvalue(),
        mimetype=XLSX_MIMETYPE,
        headers={
            "Content-Disposition": _disposition(stem, "xlsx"),
            "Cache-Control": "no-store",
        },
    )
