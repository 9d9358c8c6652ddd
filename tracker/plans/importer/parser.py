"""Read a plan document into sections and tasks: the importer's one entry point."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date

from tracker.plans.importer.frame import frame
from tracker.plans.importer.interpret import Interpreter
from tracker.plans.importer.layout import layout
from tracker.plans.importer.model import ParsedPlan, Warning_
from tracker.plans.importer.readers import (
    Block,
    Table,
    UnreadableDocument,
    read_blocks,
    text_blocks,
)
from tracker.plans.importer.tree import build_tree
from tracker.plans.importer.units import FIRST_LISTED_LEADS, UnitMatcher

UnitList = Iterable[tuple[str, Iterable[str] | str]]

log = logging.getLogger(__name__)

#: The one message for input the importer fails on as a whole (each item is guarded on its own,
#: so this means the outline itself could not be read).
FAILED = (
    "the document's outline could not be read; save it as plain text or .docx and try again, "
    "or enter the tasks by hand"
)


def _detect_year(*texts: str | None) -> int | None:
    for text in texts:
        if text:
            match = re.search(r"((?:19|20)\d{2})\s*(?:年|〕|\]|］|】)", text)
            if match:
                return int(match.group(1))
    return None


def parse_blocks(
    blocks: list[Block],
    *,
    year: int | None = None,
    units: UnitList | None = None,
    owner: Iterable[str] | str | None = None,
    from_text: bool = True,
) -> ParsedPlan:
    """Parse a document given as blocks (paragraph strings and Tables). Never raises anything but
    UnreadableDocument: an item that cannot be read is kept as text and flagged."""
    try:
        return _parse_blocks(blocks, year=year, units=units, owner=owner, from_text=from_text)
    except UnreadableDocument:
        raise
    except Exception as error:
        log.exception("the importer failed on a whole document")
        raise UnreadableDocument(FAILED) from error


def _parse_blocks(
    blocks: list[Block],
    *,
    year: int | None,
    units: UnitList | None,
    owner: Iterable[str] | str | None,
    from_text: bool,
) -> ParsedPlan:
    laid_out = layout(blocks, from_text=from_text)
    framed = frame(laid_out)
    if year is None:
        first_lines = " ".join(b for b in blocks[:40] if isinstance(b, str))
        year = _detect_year(framed.title, framed.document_number, first_lines) or date.today().year
    everything = "\n".join(b for b in blocks if isinstance(b, str))
    first_leads = FIRST_LISTED_LEADS.search(everything) is not None
    interpreter = Interpreter(year, UnitMatcher(units, owner), first_leads=first_leads)
    root = build_tree(framed.items, framed.captions)
    sections, tasks, order = interpreter.run(root)
    plan = ParsedPlan(
        title=framed.title,
        year=year,
        document_number=framed.document_number,
        sections=sections,
        tasks=tasks,
        warnings=list(interpreter.warnings),
        skipped=[*framed.skipped, *interpreter.skipped],
        entries=order,
    )
    _summarise(plan, has_units=bool(units))
    return plan


def _summarise(plan: ParsedPlan, *, has_units: bool) -> None:
    everything = list(plan.all_tasks())
    if not everything:
        plan.warnings.append(
            Warning_("no_tasks", "No tasks were found: is this the text of a work plan?")
        )
        return
    without_lead = sum(1 for t in everything if not t.lead_units)
    if without_lead:
        plan.warnings.append(
            Warning_(
                "no_lead_unit",
                "%(count)d of %(total)d tasks name no lead unit.",
                {"count": without_lead, "total": len(everything)},
            )
        )
    without_deadline = sum(
        1 for t in everything if t.due_date is None and not t.continuous and not t.recurrence
    )
    if without_deadline:
        plan.warnings.append(
            Warning_(
                "no_deadline",
                "%(count)d of %(total)d tasks have no deadline.",
                {"count": without_deadline, "total": len(everything)},
            )
        )
    if has_units:
        unmatched = list(dict.fromkeys(n for t in everything for n in t.unmatched_units))
        if unmatched:
            plan.warnings.append(
                Warning_(
                    "unmatched_units",
                    "Units not found among the bureau's units: %(names)s",
                    {"names": "、".join(unmatched)},
                )
            )


def parse_text(
    text: str,
    *,
    year: int | None = None,
    units: UnitList | None = None,
    owner: Iterable[str] | str | None = None,
) -> ParsedPlan:
    """Parse plain or pasted text (a web page, a PDF copy, a plain-text file). `units` are the
    bureau's units as (name, aliases); `owner` the bureau's own name(s), e.g. 忻州市民政局."""
    return parse_blocks(text_blocks(text), year=year, units=units, owner=owner, from_text=True)


def parse_bytes(
    data: bytes,
    filename: str = "",
    *,
    year: int | None = None,
    units: UnitList | None = None,
    owner: Iterable[str] | str | None = None,
) -> ParsedPlan:
    """Parse a file's content: .docx, or text in UTF-8/GB18030; UnreadableDocument otherwise."""
    try:
        blocks = read_blocks(data, filename)
    except UnreadableDocument:
        raise
    except Exception as error:
        log.exception("the importer could not read a file")
        raise UnreadableDocument("the file could not be read as a document") from error
    is_docx = data[:2] == b"PK" or filename.lower().endswith(".docx")
    # a Word file's paragraphs are whole; only text may carry hard wraps from a PDF copy
    return parse_blocks(blocks, year=year, units=units, owner=owner, from_text=not is_docx)


def document_text(data: bytes, filename: str = "") -> str:
    """The document as plain text (tables as tab-separated lines), to keep with the plan."""
    lines = []
    for block in read_blocks(data, filename):
        if isinstance(block, Table):
            lines.extend("\t".join(cell.replace("\n", " ") for cell in row) for row in block.rows)
        else:
            lines.append(block)
    return "\n".join(lines)
