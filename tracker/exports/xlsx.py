"""Write a plan's compliance workbook (.xlsx): the About sheet, the data sheets of
tracker.exports.sheets in order, and the Warnings sheet listing every cell that had to be cut.

The workbook streams (see tracker.core.spreadsheets): memory stays flat however many rows the
plan has. Cells hold values, never formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, BinaryIO

from flask_babel import gettext as _

from tracker.core import clock
from tracker.core.memory import bulk_allocations
from tracker.core.spreadsheets import (
    AUTO,
    INT,
    LONG,
    MAX_CELL_CHARS,
    TEXT,
    Column,
    Sheet,
    WorkbookWriter,
    label,
    local_naive,
    write_text,
)
from tracker.exports import queries
from tracker.exports.advisor_sheet import write_advisors
from tracker.exports.ledger_sheets import write_indicators, write_records
from tracker.exports.sheets import (
    UnitTally,
    write_causes,
    write_evidence,
    write_report_sources,
    write_tasks,
    write_unit_summary,
    write_updates,
)
from tracker.exports.sources import report_figures
from tracker.plans.models import Plan
from tracker.records.indicators import as_of_for_year
from tracker.records.models import RECORD_KINDS
from tracker.tasks.labels import PLAN_STATUS_LABELS
from tracker.tasks.lights import LightPolicy


@dataclass
class WorkbookSummary:
    #: Data rows written per sheet (by sheet name), in sheet order.
    rows: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    tasks: int = 0
    #: Sheets that could not be completed, with the reason (the export is then a failure).
    failures: dict[str, str] = field(default_factory=dict)


def write_warnings(writer: WorkbookWriter) -> Sheet:
    sheet = writer.sheet(
        _("Warnings"),
        [
            Column(_("Sheet"), TEXT, 16),
            Column(_("Cell"), TEXT, 8),
            Column(_("Row"), TEXT, 14),
            Column(_("Column"), TEXT, 18),
            Column(_("Problem"), LONG, 60),
            Column(_("Characters"), INT, 11),
        ],
    )
    problem = _(
        "Text longer than a cell holds (%(max)d characters): cut, with a marker at the end; "
        "the full text is in Duban.",
        max=MAX_CELL_CHARS,
    )
    for warning in writer.warnings:
        sheet.append(
            [warning.sheet, warning.cell, warning.row_ref, warning.column, problem, warning.length]
        )
    if writer.warning_count > len(writer.warnings):
        more = writer.warning_count - len(writer.warnings)
        sheet.append(["", "", "", "", _("%(n)d more cells were cut.", n=more), None])
    sheet.close()
    return sheet


def workbook_as_of(plan: Plan, today: date) -> date:
    """The date a workbook judges every derived status at by default: the plan year's last day
    once that year is over (a closed year reads as it stood at its end), else today."""
    return as_of_for_year(plan.year, today)


def write_about(
    sheet: Sheet, plan: Plan, exported_by: str, summary: WorkbookSummary, as_of: date
) -> None:
    facts: list[tuple[str, Any]] = [
        (_("Bureau"), plan.bureau.name),
        (_("Plan"), plan.title),
        (_("Year"), plan.year),
        (_("Document number"), plan.document_number),
        (_("Plan status"), label(PLAN_STATUS_LABELS, plan.status)),
        (_("Exported at"), clock.now()),
        (_("Exported by"), exported_by),
        (_("Statuses as of"), as_of),
    ]
    for name, rows in summary.rows.items():
        facts.append((_("Rows on sheet “%(sheet)s”", sheet=name), rows))
    facts.append((_("Cells cut (see Warnings)"), summary.warnings))
    for name, reason in summary.failures.items():
        facts.append((_("INCOMPLETE sheet “%(sheet)s”", sheet=name), reason))
    facts.append(
        (
            _("Note"),
            _(
                "Every cell holds a value as entered in Duban; no cell is a formula. Dates are "
                "dates in the bureau's time zone. Text longer than a cell holds is cut with a "
                "visible marker and listed on the Warnings sheet."
            ),
        )
    )
    for name, value in facts:
        if isinstance(value, date):
            sheet.row += 1
            write_text(sheet.worksheet, sheet.row, 0, name, sheet.writer.formats["text"])
            if isinstance(value, datetime):
                value, cell_format = local_naive(value), sheet.writer.formats["datetime"]
            else:
                cell_format = sheet.writer.formats["date"]
            sheet.worksheet.write_datetime(sheet.row, 1, value, cell_format)
        else:
            sheet.append([name, value])
    sheet.close()


@bulk_allocations()
def write_plan_workbook(
    plan: Plan,
    target: str | BinaryIO,
    *,
    exported_by: str,
    policy: LightPolicy | None = None,
    chunk_size: int = queries.CHUNK_SIZE,
    as_of: date | None = None,
) -> WorkbookSummary:
    """Write the plan's compliance workbook to `target` (a path or a binary file), every derived
    status (lights, days overdue, 逾期办结, certificate status, indicators) judged at `as_of`
    (default: workbook_as_of)."""
    policy = policy or LightPolicy.current()
    as_of = as_of or workbook_as_of(plan, policy.today)
    policy = replace(policy, today=as_of)
    # the annual report is built before any sheet, and only its figures kept: built last, it
    # came on top of what the sheets before it had left in the heap (100k tasks: the peak)
    figures = report_figures(plan)
    writer = WorkbookWriter(target, title=plan.title, author=exported_by)
    summary = WorkbookSummary()
    about = writer.sheet(_("About"), [Column(_("Item"), TEXT, 28), Column(_("Value"), AUTO, 80)])
    tallies: dict[str, UnitTally] = {}
    sheets = [
        write_tasks(writer, plan, policy, chunk_size, tallies),
        write_unit_summary(writer, tallies),
        write_updates(writer, plan, chunk_size),
        write_causes(writer, plan),
        *[write_records(writer, plan, kind, as_of, chunk_size) for kind in RECORD_KINDS],
        write_indicators(writer, plan, as_of, chunk_size),
        write_advisors(writer, plan),
        write_evidence(writer, plan, chunk_size),
        write_report_sources(writer, figures),
    ]
    summary.tasks = sheets[0].data_rows
    summary.warnings = writer.warning_count
    sheets.append(write_warnings(writer))
    summary.rows = {sheet.name: sheet.data_rows for sheet in sheets}
    summary.failures = {sheet.name: sheet.failure for sheet in sheets if sheet.failure}
    write_about(about, plan, exported_by, summary, as_of)
    writer.close()
    return summary
