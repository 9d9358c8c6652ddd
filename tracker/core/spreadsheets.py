"""A streaming .xlsx writer: typed columns, safe text cells, and a list of the cells it had to cut.

Streaming: xlsxwriter's `constant_memory` mode writes each row out as soon as the next one
begins, so memory stays flat however many rows a sheet has when the rows come from chunked
queries.

Cells hold values, never formulas. Every text goes through `write_string` (and the workbook
turns formula, number and URL guessing off), so text beginning with `= + - @`, a tab or a
carriage return is stored as typed; such cells also carry Excel's quote prefix, so editing the
cell later does not turn it into a formula either. Control characters are written as the OOXML
escapes `_xHHHH_` that Excel reads back as the original characters; only NUL (which no cell can
hold) is dropped, and broken surrogates become U+FFFD. Text longer than a cell allows is cut
with a visible marker and kept in the writer's warnings.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from flask_babel import gettext as _

from tracker.core import clock

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


#: While a workbook is written, the labels translated so far (its language does not change):
#: a 100k-task sheet would otherwise translate the same few labels hundreds of thousands of times.
_translated: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "spreadsheet_labels", default=None
)


#: Who hears of a workbook's progress while it is written: called with (sheet name, sheets
#: finished, rows written so far) when a sheet starts and every PROGRESS_ROWS rows.
progress_listener: contextvars.ContextVar[Callable[[str, int, int], None] | None] = (
    contextvars.ContextVar("spreadsheet_progress", default=None)
)
PROGRESS_ROWS = 2000


def _cached(key: tuple, translate) -> str:
    cache = _translated.get()
    if cache is None:
        return translate()
    if key not in cache:
        cache[key] = translate()
    return cache[key]


def yes_no(value: bool) -> str:
    return _cached(("yes_no", bool(value)), lambda: _("yes") if value else _("no"))


def label(labels: dict, key: str | None) -> str:
    if key is None:
        return ""
    if key not in labels:
        return key
    return _cached((id(labels), key), lambda: str(labels[key]))


def labeller(labels: dict) -> Callable[[str | None], str]:
    """label() for one set of labels, each looked up once: for loops over many rows."""
    known: dict[str | None, str] = {}

    def label_of(key: str | None) -> str:
        try:
            return known[key]
        except KeyError:
            known[key] = found = label(labels, key)
            return found

    return label_of


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


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class _Fallback(Exception):  # noqa: N818 - a signal, not an error
    """A row the fast path leaves to xlsxwriter's own cell methods (see Sheet.append)."""


#: Text the fast path must leave to xlsxwriter: control characters (written as _xHHHH_), text
#: that already looks like such an escape, and the non-characters xlsxwriter escapes.
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_XML_SPECIAL = re.compile("[&<>]")
_EDGE_SPACE = re.compile(r"^\s|\s$")
#: Text the fast path writes only after a closer look: anything clean_text changes, anything
#: xlsxwriter escapes, leading or trailing space (kept with xml:space) and XML's special marks.
_PLAIN_TEXT_NOT = re.compile(
    "[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff&<>]|_x[0-9a-fA-F]{4}_|^\\s|\\s$"
)


class Sheet:
    """One worksheet written row by row: header frozen, widths set, filter over the rows.

    Rows go out through a fast path that writes each row's XML straight into the worksheet's
    row file, byte for byte what xlsxwriter's constant-memory mode writes for the same cells
    (tests/exports/test_fast_rows.py holds it to that): xlsxwriter's per-cell bookkeeping would
    otherwise cost more than everything else in a 100,000-task workbook. Rows the fast path does
    not handle (a rare kind of text or number, a row past the sheet's last) and any xlsxwriter
    that does not look as expected go through xlsxwriter's cell methods.
    """

    def __init__(self, writer: WorkbookWriter, name: str, columns: Sequence[Column]):
        self.writer = writer
        self.name = name
        self.columns = list(columns)
        self.worksheet = writer.book.add_worksheet(name)
        self.row = 0
        #: Why the sheet is incomplete, when part of its content could not be produced.
        self.failure: str | None = None
        for index, column in enumerate(self.columns):
            self.worksheet.set_column(index, index, column.width or WIDTHS[column.kind])
        for index, column in enumerate(self.columns):
            self.worksheet.write_string(0, index, clean_text(column.header), writer.header_format)
        self.worksheet.freeze_panes(1, 0)
        self._fast = writer.fast_rows and _fast_rows_supported(self.worksheet)
        self._encoders = [self._encoder(index, column) for index, column in enumerate(columns)]

    @property
    def data_rows(self) -> int:
        return self.row

    def append(self, values: Sequence[Any], ref: str = "") -> None:
        """Write the next row; `ref` names it in warnings (e.g. "task 12")."""
        self.row += 1
        if not (self._fast and self._append_fast(self.row, values, ref)):
            for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
                self._write(self.row, index, column, value, ref)
        writer = self.writer
        writer.rows_written += 1
        if writer.progress and writer.rows_written % PROGRESS_ROWS == 0:
            writer.progress(self.name, writer.sheets_started - 1, writer.rows_written)

    # -- the fast path ---------------------------------------------------------------------

    def _append_fast(self, row: int, values: Sequence[Any], ref: str) -> bool:
        """Write the row's XML as xlsxwriter would; False when the row must go through
        xlsxwriter instead (nothing of it written then)."""
        worksheet = self.worksheet
        if row >= worksheet.xls_rowmax or row in worksheet.row_info or row in worksheet.comments:
            return False
        if row > worksheet.previous_row:
            # what xlsxwriter still holds of an earlier row goes out first (its cells' formats
            # get their index before this row's, as they would)
            worksheet._write_single_row(row)
        number = str(row + 1)
        cells = []
        first = last = None
        writer = self.writer
        warned = writer.warning_count
        try:
            for index, (encode, value) in enumerate(zip(self._encoders, values, strict=True)):
                if value is None or value == "":
                    continue
                cells.append(encode(number, value, ref))
                if first is None:
                    first = index
                last = index
        except _Fallback:
            # xlsxwriter writes the whole row: the cuts it makes are listed again then
            del writer.warnings[min(warned, MAX_LISTED_WARNINGS) :]
            writer.warning_count = warned
            return False
        if not cells:
            return True
        # the dimensions xlsxwriter keeps for the sheet's <dimension> and its row loop
        if worksheet.dim_rowmin is None or row < worksheet.dim_rowmin:
            worksheet.dim_rowmin = row
        if worksheet.dim_rowmax is None or row > worksheet.dim_rowmax:
            worksheet.dim_rowmax = row
        if worksheet.dim_colmin is None or first < worksheet.dim_colmin:
            worksheet.dim_colmin = first
        if worksheet.dim_colmax is None or last > worksheet.dim_colmax:
            worksheet.dim_colmax = last
        worksheet.fh.write(f'<row r="{number}">{"".join(cells)}</row>')
        return True

    def _encoder(self, col: int, column: Column) -> Callable[[str, Any, str], str]:
        """The function turning one value of the column into its cell's XML, as Sheet._write
        would have xlsxwriter write it."""
        from xlsxwriter.utility import xl_col_to_name

        letter = xl_col_to_name(col)
        formats = self.writer.formats
        convert = self.worksheet._convert_date_time
        kind = column.kind
        # a format's index is fixed the first time a cell uses it (as xlsxwriter does)
        fixed: dict[str, int] = {}

        def index_of(fmt: str) -> int:
            if fmt not in fixed:
                fixed[fmt] = formats[fmt]._get_xf_index()
            return fixed[fmt]

        def number_cell(row: str, number: float, fmt: str) -> str:
            if number != number or number in (_INF, -_INF):
                raise _Fallback  # xlsxwriter's own error
            return f'<c r="{letter}{row}" s="{index_of(fmt)}"><v>{number:.16G}</v></c>'

        serials: dict[date, float] = {}  # many cells share a day (a due date, a meeting)

        def serial(day: date) -> float:
            number = serials.get(day)
            if number is None:
                number = convert(day)
                if len(serials) < 10_000:
                    serials[day] = number
            return number

        def string_cell(row: str, text: str, fmt: str) -> str:
            # a text wrapped in <r>…</r> goes through write_text, as two escaped runs
            if _NEEDS_ESCAPE.search(text) or (text.startswith("<r>") and text.endswith("</r>")):
                raise _Fallback
            space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
            if _XML_SPECIAL.search(text):
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return (
                f'<c r="{letter}{row}" s="{index_of(fmt)}" t="inlineStr">'
                f"<is><t{space}>{text}</t></is></c>"
            )

        def text(row: str, value: Any, ref: str) -> str:
            text = value if type(value) is str else str(value)
            if (
                len(text) <= MAX_CELL_CHARS // 2
                and not _PLAIN_TEXT_NOT.search(text)
                and not text.startswith(FORMULA_STARTS)
            ):
                # most text: nothing to clean, cut, quote or escape
                return (
                    f'<c r="{letter}{row}" s="{index_of("text")}" t="inlineStr">'
                    f"<is><t>{text}</t></is></c>"
                )
            text = clean_text(text)
            if len(text) > MAX_CELL_CHARS // 2 and utf16_length(text) > MAX_CELL_CHARS:
                text = self._cut(int(row) - 1, col, column, text, ref)
            return string_cell(row, text, "quoted" if text.startswith(FORMULA_STARTS) else "text")

        def auto(row: str, value: Any, ref: str) -> str:
            if isinstance(value, _NUMBERS) and not isinstance(value, bool):
                return number_cell(row, float(value), "number")
            return text(row, value, ref)

        def day(row: str, value: Any, ref: str) -> str:
            if isinstance(value, date):
                if isinstance(value, datetime):
                    value = local_naive(value).date()
                return number_cell(row, serial(value), "date")
            return text(row, value, ref)

        def moment(row: str, value: Any, ref: str) -> str:
            if isinstance(value, datetime):
                return number_cell(row, convert(local_naive(value)), "datetime")
            return text(row, value, ref)

        def integer(row: str, value: Any, ref: str) -> str:
            if isinstance(value, _NUMBERS):
                return number_cell(row, float(value), "int" if kind == INT else "number")
            return text(row, value, ref)

        def percent(row: str, value: Any, ref: str) -> str:
            if isinstance(value, _NUMBERS):
                return number_cell(row, float(value) / 100, "percent")
            return text(row, value, ref)

        def flag(row: str, value: Any, ref: str) -> str:
            return string_cell(row, yes_no(bool(value)), "text")

        return {
            AUTO: auto,
            DATE: day,
            DATETIME: moment,
            INT: integer,
            NUMBER: integer,
            PERCENT: percent,
            FLAG: flag,
        }.get(kind, text)

    # -- through xlsxwriter's cell methods ---------------------------------------------------

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
        if utf16_length(text) > MAX_CELL_CHARS:
            text = self._cut(row, col, column, text, ref)
        risky = text.startswith(FORMULA_STARTS)
        fmt = self.writer.formats["quoted" if risky else "text"]
        write_text(self.worksheet, row, col, text, fmt)

    def _cut(self, row: int, col: int, column: Column, text: str, ref: str) -> str:
        """The text cut to fit a cell, with its marker; the cut is kept for the Warnings."""
        length = utf16_length(text)
        marker = truncation_marker(length)
        self.writer.warn(CutCell(self.name, _cell_name(row, col), ref, column.header, length))
        return cut_to(text, MAX_CELL_CHARS - utf16_length(marker)) + marker

    def close(self) -> None:
        self.worksheet.autofilter(0, 0, self.row, len(self.columns) - 1)


def write_text(worksheet, row: int, col: int, text: str, fmt=None) -> None:
    """Write `text` as text, whatever it looks like. xlsxwriter's constant-memory writer takes a
    string that starts with <r> and ends with </r> for rich-text XML and writes it unescaped (a
    task title could put cells of its own into the inspector's workbook): such a text goes in as
    a rich string of three plain runs (the fewest xlsxwriter takes), escaped, which reads exactly
    as the text."""
    if text.startswith("<r>") and text.endswith("</r>"):
        runs = [text[:1], text[1:-1], text[-1:]] + ([fmt] if fmt is not None else [])
        worksheet.write_rich_string(row, col, *runs)
    else:
        worksheet.write_string(row, col, text, fmt)


_INF = float("inf")
_NUMBERS = (int, float, Decimal)


def _fast_rows_supported(worksheet) -> bool:
    """Whether the worksheet is an xlsxwriter worksheet in constant-memory mode with the state
    the fast path keeps up to date (else every row goes through xlsxwriter's cell methods)."""
    needed = (
        "fh",
        "previous_row",
        "table",
        "dim_rowmin",
        "dim_rowmax",
        "dim_colmin",
        "dim_colmax",
        "xls_rowmax",
        "_write_single_row",
        "_convert_date_time",
        "row_info",
        "comments",
        "col_info",
    )
    heights = (
        getattr(worksheet, "default_row_height", 0),
        getattr(worksheet, "original_row_height", 1),
    )
    return (
        getattr(worksheet, "constant_memory", False)
        and all(hasattr(worksheet, name) for name in needed)
        and getattr(worksheet, "excel_version", 2007) != 2010
        and heights[0] == heights[1]
    )


class WorkbookWriter:
    """An xlsxwriter workbook in constant-memory mode, with the formats and warnings shared by
    its sheets."""

    def __init__(
        self,
        target: str | BinaryIO,
        *,
        title: str = "",
        author: str = "",
        fast_rows: bool = True,
    ):
        import xlsxwriter  # when a workbook is written, not in every web worker

        self._labels = _translated.set({})
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
        self.progress = progress_listener.get()
        #: Rows written as XML straight into xlsxwriter's row files (see Sheet); False makes
        #: every cell go through xlsxwriter's cell methods (the tests compare the two).
        self.fast_rows = fast_rows
        self.sheets_started = 0
        self.rows_written = 0

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
        sheet = Sheet(self, self.sheet_name(name), columns)
        self.sheets_started += 1
        if self.progress:
            self.progress(sheet.name, self.sheets_started - 1, self.rows_written)
        return sheet

    def warn(self, warning: CutCell) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append(warning)

    def close(self) -> None:
        try:
            self.book.close()
        finally:
            _translated.reset(self._labels)


def _cell_name(row: int, col: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, col)
