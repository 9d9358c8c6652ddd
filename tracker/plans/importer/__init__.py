"""Read a plan document (工作要点, 实施方案, 任务分工表) into sections and tasks.

Pure: text or file bytes in, data out — no database, no Flask. The bureau's units are passed in
as plain (name, aliases) pairs. `ParsedPlan.to_dict()` gives the import contract.
"""

from tracker.plans.importer.deadlines import Deadline, parse_deadline
from tracker.plans.importer.model import ParsedPlan, ParsedSection, ParsedTask, Skipped, Warning_
from tracker.plans.importer.parser import document_text, parse_blocks, parse_bytes, parse_text
from tracker.plans.importer.readers import Table, UnreadableDocument, decode_text, read_blocks
from tracker.plans.importer.units import UnitMatcher, extract_annotation, split_units

__all__ = [
    "Deadline",
    "ParsedPlan",
    "ParsedSection",
    "ParsedTask",
    "Skipped",
    "Table",
    "UnitMatcher",
    "UnreadableDocument",
    "Warning_",
    "decode_text",
    "document_text",
    "extract_annotation",
    "parse_blocks",
    "parse_bytes",
    "parse_deadline",
    "parse_text",
    "read_blocks",
    "split_units",
]
