"""Write a plan's compliance workbook (.xlsx): tasks, timeline, ledger, evidence, report sources.

Streaming: xlsxwriter's `constant_memory` mode writes each row out as soon as the next one
begins, and the rows come from chunked queries (tracker.exports.queries), so memory stays flat
however many rows the plan has.

Cells hold values, never formulas. Every text goes through `write_string` (and the workbook
turns formula, number and URL guessing off), so text beginning with `= + - @`, a tab or a
carriage return is stored as typed; such cells also carry Excel's quote prefix, so editing the
cell later does not turn it into a formula either. Control characters are written as the OOXML
escapes `_xHHHH_` that Excel reads back as the original characters; only NUL (which no cell can
hold) is dropped, and broken surrogates become U+FFFD. Text longer than a cell allows is cut
with a visible marker and listed on the Warnings sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

import xlsxwriter
from flask_babel import gettext as _
from xlsxwriter.utility import xl_rowcol_to_cell

from tracker.core import clock
from tracker.evidence.models import Evidence
from tracker.exports import queries
from tracker.exports.sources import report_figures
from tracker.plans.models import Plan
from tracker.records.labels import (
    CATEGORY_LABELS,
    CERTIFICATE_STATUS_LABELS,
    CONCLUSION_LABELS,
    INSPECTION_KIND_LABELS,
    STEP_LABELS,
    STUDY_KIND_LABELS,
)
from tracker.records.models import DECISION_STEPS, RECORD_KINDS
from tracker.tasks.labels import ACTION_LABELS, KIND_LABELS, PLAN_STATUS_LABELS, STATUS_LABELS
from tracker.tasks.lights import LIGHT_LABELS, LightPolicy

#: The most characters a cell holds (Excel counts UTF-16 code units).
MAX_CELL_CHARS = 32_767
#: Warnings beyond this many are counted, not listed.
MAX_LISTED_WARNINGS = 10_000
#: Text that spreadsheet programs would read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BROKEN = re.compile("[\ud800-\udfff\ufffe\uffff]")

TEXT, LONG, DATE, DATETIME, INT, NUMBER, PERCENT, FLAG, AUTO = (
    "text",
    "long",
    "date",
    "datetime",
    "int",
    "number",
    "percent",
    "flag",
    "auto",
)
WIDTHS = {
    TEXT: 18,
    LONG: 50,
    DATE: 12,
    DATETIME: 17,
    INT: 9,
    NUMBER: 12,
    PERCENT: 9,
    FLAG: 8,
    AUTO: 14,
}


# -- cell values -------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """The text as a cell can hold it: NUL dropped, broken surrogates and the non-characters
    U+FFFE/U+FFFF replaced with U+FFFD; everything visible is kept."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return _BROKEN.sub("\ufffd", value)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut_to(text: str, units: int) -> str:
    """The longest start of `text` of at most `units` UTF-16 code units (no pair split)."""
    return text.encode("utf-16-le")[: units * 2].decode("utf-16-le", "ignore")


def truncation_marker(length: int) -> str:
    return _(" …[cut here: %(length)d characters in all; see the Warnings sheet]", length=length)


def local_naive(moment: datetime) -> datetime:
    """A stored UTC moment as the bureau's wall-clock time (cells have no time zone)."""
    return clock.to_local(moment).replace(tzinfo=None)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def label(labels: dict, key: str | None) -> str:
    if key is None:
        return ""
    return str(labels[key]) if key in labels else key


# -- writing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float | None = None


@dataclass
class CutCell:
    """A text cut to fit its cell, for the Warnings sheet."""

    sheet: str
    cell: str
    row_ref: str
    column: str
    length: int


@dataclass
class WorkbookSummary:
    #: Data rows written per sheet (by sheet name), in sheet order.
    rows: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    tasks: int = 0


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class Sheet:
    """One worksheet written row by row: header frozen, widths set, filter over the rows."""

    def __init__(self, writer: WorkbookWriter, name: str, columns: Sequence[Column]):
        self.writer = writer
        self.name = name
        self.columns = list(columns)
        self.worksheet = writer.book.add_worksheet(name)
        self.row = 0
        for index, column in enumerate(self.columns):
            self.worksheet.set_column(index, index, column.width or WIDTHS[column.kind])
        for index, column in enumerate(self.columns):
            self.worksheet.write_string(0, index, clean_text(column.header), writer.header_format)
        self.worksheet.freeze_panes(1, 0)

    @property
    def data_rows(self) -> int:
        return self.row

    def append(self, values: Sequence[Any], ref: str = "") -> None:
        """Write the next row; `ref` names it in warnings (e.g. "task 12")."""
        self.row += 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            self._write(self.row, index, column, value, ref)

    def _write(self, row: int, col: int, column: Column, value: Any, ref: str) -> None:
        if value is None or value == "":
            return
        formats = self.writer.formats
        kind = column.kind
        if kind == AUTO:
            is_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            kind = NUMBER if is_number else TEXT
        if kind == DATE and isinstance(value, date):
            if isinstance(value, datetime):
                value = local_naive(value).date()
            self.worksheet.write_datetime(row, col, value, formats["date"])
        elif kind == DATETIME and isinstance(value, datetime):
            self.worksheet.write_datetime(row, col, local_naive(value), formats["datetime"])
        elif kind in (INT, NUMBER) and isinstance(value, int | float | Decimal):
            fmt = formats["int"] if kind == INT else formats["number"]
            self.worksheet.write_number(row, col, float(value), fmt)
        elif kind == PERCENT and isinstance(value, int | float | Decimal):
            self.worksheet.write_number(row, col, float(value) / 100, formats["percent"])
        elif kind == FLAG:
            self.worksheet.write_string(row, col, yes_no(bool(value)), formats["text"])
        else:
            self._write_text(row, col, column, str(value), ref)

    def _write_text(self, row: int, col: int, column: Column, text: str, ref: str) -> None:
        text = clean_text(text)
        length = utf16_length(text)
        if length > MAX_CELL_CHARS:
            marker = truncation_marker(length)
            text = cut_to(text, MAX_CELL_CHARS - utf16_length(marker)) + marker
            self.writer.warn(
                CutCell(self.name, xl_rowcol_to_cell(row, col), ref, column.header, length)
            )
        risky = text.startswith(FORMULA_STARTS)
        fmt = self.writer.formats["quoted" if risky else "text"]
        self.worksheet.write_string(row, col, text, fmt)

    def close(self) -> None:
        self.worksheet.autofilter(0, 0, self.row, len(self.columns) - 1)


class WorkbookWriter:
    """An xlsxwriter workbook in constant-memory mode, with the formats and warnings shared by
    its sheets."""

    def __init__(self, target: str | BinaryIO, *, title: str = "", author: str = ""):
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        created = local_naive(clock.now())
        self.book.set_properties(
            {"title": clean_text(title), "author": clean_text(author), "created": created}
        )
        base = {"valign": "top"}
        self.header_format = self.book.add_format(
            {**base, "bold": True, "bg_color": "#E7EEF7", "bottom": 1, "text_wrap": True}
        )
        self.formats = {
            "text": self.book.add_format(base),
            "quoted": self.book.add_format({**base, "quote_prefix": True}),
            "date": self.book.add_format({**base, "num_format": "yyyy-mm-dd"}),
            "datetime": self.book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"}),
            "int": self.book.add_format({**base, "num_format": "0"}),
            "number": self.book.add_format({**base, "num_format": "General"}),
            "percent": self.book.add_format({**base, "num_format": "0%"}),
        }
        self.warnings: list[CutCell] = []
        self.warning_count = 0
        self._names: set[str] = set()

    def sheet_name(self, wanted: str) -> str:
        """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
        name = _SHEET_NAME_BAD.sub("_", clean_text(wanted)).strip("'") or "Sheet"
        name = name[:31]
        candidate, n = name, 2
        while candidate.lower() in self._names:
            suffix = f" ({n})"
            candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
        self._names.add(candidate.lower())
        return candidate

    def sheet(self, name: str, columns: Sequence[Column]) -> Sheet:
        return Sheet(self, self.sheet_name(name), columns)

    def warn(self, warning: CutCell) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(warning)

    def close(self) -> None:
        self.book.close()


# -- the sheets --------------------------------------------------------------------------------


def _task_columns() -> list[Column]:
    return [
        Column(_("Task ID"), INT),
        Column(_("Plan section"), TEXT, 30),
        Column(_("Number"), TEXT, 8),
        Column(_("Title"), LONG, 45),
        Column(_("Period"), TEXT, 12),
        Column(_("Kind"), TEXT),
        Column(_("Lead unit"), TEXT, 14),
        Column(_("Co-units"), TEXT, 20),
        Column(_("Owner"), TEXT, 12),
        Column(_("Supervisor"), TEXT, 12),
        Column(_("Principal duty"), FLAG),
        Column(_("Deadline as written"), TEXT, 14),
        Column(_("Due date"), DATE),
        Column(_("Status"), TEXT, 12),
        Column(_("Light"), TEXT, 12),
        Column(_("Completed at"), DATETIME),
        Column(_("Days overdue"), INT),
        Column(_("Days late when finished"), INT),
        Column(_("Progress"), PERCENT),
        Column(_("Target"), INT),
        Column(_("Achieved"), INT),
        Column(_("Measure"), TEXT, 8),
        Column(_("Result statement"), LONG, 60),
        Column(_("Evidence"), INT),
        Column(_("Verified evidence"), INT),
    ]


def write_tasks(writer: WorkbookWriter, plan: Plan, policy: LightPolicy, chunk_size: int) -> Sheet:
    sections = queries.plan_sections(plan)
    sheet = writer.sheet(_("Tasks"), _task_columns())
    for row in queries.task_rows(plan, policy, chunk_size=chunk_size):
        section = sections.get(row.section_id) if row.section_id else None
        sheet.append(
            [
                row.id,
                section.heading if section else "",
                row.number,
                row.title,
                row.period_label,
                label(KIND_LABELS, row.kind),
                row.lead_unit,
                row.co_units,
                row.owner,
                row.supervisor,
                row.is_principal_duty,
                row.deadline_text,
                row.due_date,
                label(STATUS_LABELS, row.status),
                label(LIGHT_LABELS, row.light),
                row.completed_at,
                row.days_overdue,
                row.days_late,
                row.progress,
                row.target_count,
                row.achieved_count,
                row.target_measure,
                row.result_statement,
                row.evidence_count,
                row.verified_count,
            ],
            ref=_("task %(id)d", id=row.id),
        )
    sheet.close()
    return sheet


def write_updates(writer: WorkbookWriter, plan: Plan, chunk_size: int) -> Sheet:
    sheet = writer.sheet(
        _("Updates"),
        [
            Column(_("Update ID"), INT),
            Column(_("Time"), DATETIME),
            Column(_("Task ID"), INT),
            Column(_("Number"), TEXT, 8),
            Column(_("Task"), LONG, 40),
            Column(_("Action"), TEXT, 14),
            Column(_("By"), TEXT, 12),
            Column(_("Note"), LONG, 60),
            Column(_("Progress"), PERCENT),
            Column(_("Status before"), TEXT, 12),
            Column(_("Status after"), TEXT, 12),
        ],
    )
    for row in queries.update_rows(plan, chunk_size=chunk_size):
        sheet.append(
            [
                row.id,
                row.created_at,
                row.task_id,
                row.task_number,
                row.task_title,
                label(ACTION_LABELS, row.kind),
                row.author_name,
                row.note,
                row.progress,
                label(STATUS_LABELS, row.status_from),
                label(STATUS_LABELS, row.status_to),
            ],
            ref=_("update %(id)d", id=row.id),
        )
    sheet.close()
    return sheet


Getter = Callable[[Any], Any]


def _step_columns() -> list[tuple[Column, Getter]]:
    columns: list[tuple[Column, Getter]] = []
    for name in DECISION_STEPS:

        def done_on(r, name=name):
            step = r.step(name)
            return step.done_on if step else None

        def note(r, name=name):
            step = r.step(name)
            if step is None:
                return ""
            if step.not_applicable_reason.strip() and step.done_on is None:
                return _("Not applicable: %(reason)s", reason=step.not_applicable_reason)
            return step.note

        step_label = str(STEP_LABELS[name])
        columns.append((Column(_("%(step)s: done on", step=step_label), DATE, 14), done_on))
        columns.append((Column(_("%(step)s: note", step=step_label), LONG, 30), note))
    return columns


def record_columns(kind: str, today: date) -> list[tuple[Column, Getter]]:
    """The kind's own columns, typed (dates as dates, counts as numbers)."""
    specific: dict[str, list[tuple[Column, Getter]]] = {
        "document_review": [
            (Column(_("Document title"), LONG, 40), lambda r: r.document_title),
            (Column(_("Drafting unit"), TEXT, 14), lambda r: r.drafting_unit),
            (Column(_("On behalf of"), TEXT, 16), lambda r: r.on_behalf_of),
            (Column(_("Received on"), DATE), lambda r: r.received_on),
            (Column(_("Reviewed on"), DATE), lambda r: r.reviewed_on),
            (Column(_("Reviewer"), TEXT, 12), lambda r: r.reviewer),
            (Column(_("Conclusion"), TEXT, 14), lambda r: label(CONCLUSION_LABELS, r.conclusion)),
            (Column(_("Opinion"), LONG), lambda r: r.opinion),
            (Column(_("Published on"), DATE), lambda r: r.published_on),
            (Column(_("Published at (URL)"), TEXT, 30), lambda r: r.published_url),
            (Column(_("Filed"), FLAG), lambda r: r.is_filed),
            (Column(_("Filed on"), DATE), lambda r: r.filed_on),
        ],
        "certification": [
            (Column(_("Holder"), TEXT, 12), lambda r: r.holder_name),
            (Column(_("Certificate number"), TEXT, 16), lambda r: r.certificate_number),
            (Column(_("Enforcement field"), TEXT, 16), lambda r: r.enforcement_field),
            (Column(_("Exam passed on"), DATE), lambda r: r.exam_passed_on),
            (Column(_("Issued on"), DATE), lambda r: r.issued_on),
            (Column(_("Expires on"), DATE), lambda r: r.expires_on),
            (Column(_("Revoked on"), DATE), lambda r: r.revoked_on),
            (Column(_("Reason for revocation"), TEXT, 20), lambda r: r.revoke_reason),
            (
                Column(_("Status"), TEXT, 10),
                lambda r: label(CERTIFICATE_STATUS_LABELS, r.status_on(today)),
            ),
        ],
        "consultation": [
            (Column(_("Date"), DATE), lambda r: r.consulted_on),
            (Column(_("Legal advisor"), TEXT, 20), lambda r: r.advisor.label if r.advisor else ""),
            (Column(_("Matter"), LONG, 40), lambda r: r.matter),
            (Column(_("Category"), TEXT, 14), lambda r: label(CATEGORY_LABELS, r.category)),
            (Column(_("Advice"), LONG), lambda r: r.advice),
            (Column(_("Adopted"), FLAG), lambda r: r.is_adopted),
        ],
        "inspection": [
            (Column(_("Inspected organisation"), TEXT, 24), lambda r: r.target_organisation),
            (
                Column(_("Kind of inspection"), TEXT, 16),
                lambda r: label(INSPECTION_KIND_LABELS, r.inspection_kind),
            ),
            (Column(_("Planned on"), DATE), lambda r: r.planned_on),
            (Column(_("Done on"), DATE), lambda r: r.done_on),
            (Column(_("Inspectors"), TEXT, 20), lambda r: r.inspectors),
            (Column(_("Findings"), LONG), lambda r: r.findings),
            (Column(_("Problems found"), INT), lambda r: r.problem_count),
            (Column(_("Rectification due"), DATE), lambda r: r.rectification_due),
            (Column(_("Rectified on"), DATE), lambda r: r.rectified_on),
        ],
        "decision": [
            (Column(_("Decision"), LONG, 40), lambda r: r.decision_title),
            (Column(_("Decided on"), DATE), lambda r: r.decided_on),
            (Column(_("Open steps"), INT), lambda r: len(r.open_steps)),
            *_step_columns(),
        ],
        "study_session": [
            (Column(_("Held on"), DATE), lambda r: r.held_on),
            (
                Column(_("Kind"), TEXT, 16),
                lambda r: label(STUDY_KIND_LABELS, r.session_kind),
            ),
            (Column(_("Topic"), LONG, 40), lambda r: r.topic),
            (
                Column(_("Chaired by"), TEXT, 12),
                lambda r: r.chaired_by.display_name if r.chaired_by else r.chaired_by_name,
            ),
            (Column(_("Attendees"), LONG, 30), lambda r: r.attendees),
            (Column(_("Number of attendees"), INT), lambda r: r.attendee_count),
        ],
        "metric": [
            (Column(_("Metric"), TEXT, 30), lambda r: r.name),
            (Column(_("Value"), NUMBER), lambda r: r.value),
            (Column(_("Measure"), TEXT, 8), lambda r: r.measure),
            (Column(_("As of"), DATE), lambda r: r.as_of),
            (Column(_("Baseline value"), NUMBER), lambda r: r.baseline_value),
            (Column(_("Baseline year"), INT), lambda r: r.baseline_year),
        ],
    }
    return specific[kind]


def record_sheet_names() -> dict[str, str]:
    """Short sheet names per record kind (a sheet name holds at most 31 characters)."""
    return {
        "document_review": _("Document reviews"),
        "certification": _("Certificates"),
        "consultation": _("Consultations"),
        "inspection": _("Inspections"),
        "decision": _("Decisions"),
        "study_session": _("Study sessions"),
        "metric": _("Metrics"),
    }


def write_records(
    writer: WorkbookWriter, plan: Plan, kind: str, today: date, chunk_size: int
) -> Sheet:
    own = record_columns(kind, today)
    columns = [
        Column(_("Record ID"), INT),
        Column(_("Task ID"), INT),
        Column(_("Task"), LONG, 36),
        Column(_("Unit"), TEXT, 14),
        Column(_("Date"), DATE),
        Column(_("Summary"), LONG, 40),
        *[column for column, _getter in own],
        Column(_("Evidence"), INT),
        Column(_("Void"), FLAG),
        Column(_("Reason it is void"), TEXT, 20),
        Column(_("Entered by"), TEXT, 12),
        Column(_("Entered at"), DATETIME),
    ]
    sheet = writer.sheet(record_sheet_names()[kind], columns)
    for record, evidence_count in queries.records_of_kind(plan, kind, chunk_size=chunk_size):
        task = record.task
        sheet.append(
            [
                record.id,
                task.id,
                f"{task.number} {task.title}".strip(),
                record.unit.name if record.unit else "",
                record.occurred_on,
                record.summary,
                *[getter(record) for _column, getter in own],
                evidence_count,
                record.is_void,
                record.void_reason,
                record.created_by.display_name if record.created_by else "",
                record.created_at,
            ],
            ref=_("record %(id)d", id=record.id),
        )
    sheet.close()
    return sheet


def evidence_state(evidence: Evidence) -> str:
    if evidence.is_withdrawn:
        return _("Withdrawn")
    if evidence.is_superseded:
        return _("Replaced by evidence %(id)d", id=evidence.superseded_by_id)
    return _("Current")


def evidence_kind_label(kind: str) -> str:
    return {"file": _("File"), "link": _("Link"), "note": _("Note")}.get(kind, kind)


def review_label(status: str) -> str:
    return {
        "pending": _("Pending review"),
        "verified": _("Verified"),
        "rejected": _("Rejected"),
    }.get(status, status)


def _linked_to(evidence: Evidence) -> tuple[str, str, str]:
    """(description, task ids, record ids) of what the evidence proves."""
    described, task_ids, record_ids = [], [], []
    for link in evidence.links:
        if link.task_id is not None and link.task is not None:
            task_ids.append(link.task_id)
            name = " ".join(p for p in (link.task.number, link.task.title) if p)
            described.append(f"{_('task %(id)d', id=link.task_id)} {name}")
        elif link.record is not None:
            record_ids.append(link.record_id)
            described.append(f"{_('record %(id)d', id=link.record_id)} {link.record.summary}")
    return (
        "；".join(d.strip() for d in described),
        queries.ids_text(task_ids),
        queries.ids_text(record_ids),
    )


def write_evidence(writer: WorkbookWriter, plan: Plan, chunk_size: int) -> Sheet:
    sheet = writer.sheet(
        _("Evidence"),
        [
            Column(_("Evidence ID"), INT),
            Column(_("Kind"), TEXT, 8),
            Column(_("Title"), TEXT, 30),
            Column(_("File name"), TEXT, 30),
            Column(_("SHA-256"), TEXT, 66),
            Column(_("Size (bytes)"), INT, 12),
            Column(_("Content type"), TEXT, 16),
            Column(_("Link"), TEXT, 30),
            Column(_("Note"), LONG, 40),
            Column(_("Uploaded by"), TEXT, 12),
            Column(_("Uploaded at"), DATETIME),
            Column(_("Review"), TEXT, 12),
            Column(_("Reviewed by"), TEXT, 12),
            Column(_("Reviewed at"), DATETIME),
            Column(_("Review note"), LONG, 30),
            Column(_("State"), TEXT, 14),
            Column(_("Proves"), LONG, 40),
            Column(_("Task IDs"), TEXT, 10),
            Column(_("Record IDs"), TEXT, 10),
        ],
    )
    for evidence in queries.evidence_of_plan(plan, chunk_size=chunk_size):
        proves, task_ids, record_ids = _linked_to(evidence)
        sheet.append(
            [
                evidence.id,
                evidence_kind_label(evidence.kind),
                evidence.title,
                evidence.original_name,
                evidence.sha256,
                evidence.size,
                evidence.content_type,
                evidence.url,
                evidence.note_text,
                evidence.uploaded_by.display_name if evidence.uploaded_by else "",
                evidence.uploaded_at,
                review_label(evidence.review_status),
                evidence.reviewed_by.display_name if evidence.reviewed_by else "",
                evidence.reviewed_at,
                evidence.review_note,
                evidence_state(evidence),
                proves,
                task_ids,
                record_ids,
            ],
            ref=_("evidence %(id)d", id=evidence.id),
        )
    sheet.close()
    return sheet


def write_report_sources(writer: WorkbookWriter, plan: Plan) -> Sheet:
    sheet = writer.sheet(
        _("Report sources"),
        [
            Column(_("Part"), TEXT, 24),
            Column(_("Report section"), TEXT, 24),
            Column(_("Figure"), TEXT, 24),
            Column(_("Value"), AUTO),
            Column(_("Measure"), TEXT, 8),
            Column(_("Baseline value"), AUTO),
            Column(_("Baseline year"), INT),
            Column(_("Sentence"), LONG, 60),
            Column(_("Task IDs"), TEXT, 14),
            Column(_("Record IDs"), TEXT, 14),
            Column(_("Evidence IDs"), TEXT, 14),
        ],
    )
    figures, problem = report_figures(plan)
    for number, figure in enumerate(figures, start=1):
        sheet.append(
            [
                figure.part,
                getattr(figure, "section", ""),
                figure.label,
                figure.value,
                getattr(figure, "unit", ""),
                getattr(figure, "baseline_value", None),
                getattr(figure, "baseline_year", None),
                figure.text,
                queries.ids_text(figure.task_ids),
                queries.ids_text(figure.record_ids),
                queries.ids_text(figure.evidence_ids),
            ],
            ref=_("figure %(n)d", n=number),
        )
    if problem:
        sheet.append(["", "", _("Report not available"), None, "", None, None, problem, "", "", ""])
    sheet.close()
    return sheet


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


def write_about(sheet: Sheet, plan: Plan, exported_by: str, summary: WorkbookSummary) -> None:
    facts: list[tuple[str, Any]] = [
        (_("Bureau"), plan.bureau.name),
        (_("Plan"), plan.title),
        (_("Year"), plan.year),
        (_("Document number"), plan.document_number),
        (_("Plan status"), label(PLAN_STATUS_LABELS, plan.status)),
        (_("Exported at"), clock.now()),
        (_("Exported by"), exported_by),
    ]
    for name, rows in summary.rows.items():
        facts.append((_("Rows on sheet “%(sheet)s”", sheet=name), rows))
    facts.append((_("Cells cut (see Warnings)"), summary.warnings))
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
        if isinstance(value, datetime):
            sheet.row += 1
            sheet.worksheet.write_string(sheet.row, 0, name, sheet.writer.formats["text"])
            sheet.worksheet.write_datetime(
                sheet.row, 1, local_naive(value), sheet.writer.formats["datetime"]
            )
        else:
            sheet.append([name, value])
    sheet.close()


def write_plan_workbook(
    plan: Plan,
    target: str | BinaryIO,
    *,
    exported_by: str,
    policy: LightPolicy | None = None,
    chunk_size: int = queries.CHUNK_SIZE,
) -> WorkbookSummary:
    """Write the plan's compliance workbook to `target` (a path or a binary file)."""
    policy = policy or LightPolicy.current()
    writer = WorkbookWriter(target, title=plan.title, author=exported_by)
    summary = WorkbookSummary()
    about = writer.sheet(_("About"), [Column(_("Item"), TEXT, 28), Column(_("Value"), AUTO, 80)])
    sheets = [
        write_tasks(writer, plan, policy, chunk_size),
        write_updates(writer, plan, chunk_size),
        *[write_records(writer, plan, kind, policy.today, chunk_size) for kind in RECORD_KINDS],
        write_evidence(writer, plan, chunk_size),
        write_report_sources(writer, plan),
    ]
    summary.tasks = sheets[0].data_rows
    summary.warnings = writer.warning_count
    sheets.append(write_warnings(writer))
    summary.rows = {sheet.name: sheet.data_rows for sheet in sheets}
    write_about(about, plan, exported_by, summary)
    writer.close()
    return summary
