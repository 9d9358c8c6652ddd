"""Read a plan document (工作要点, 实施方案, 任务分工表) into sections and tasks.

Pure: text or file bytes in, data out — no database, no Flask. The bureau's units are passed in
as plain (name, aliases) pairs. `ParsedPlan.to_dict()` gives the import contract.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.plans.importer.deadlines import Deadline, parse_deadline
    from tracker.plans.importer.model import (
        ParsedPlan,
        ParsedSection,
        ParsedTask,
        Skipped,
        Warning_,
    )
    from tracker.plans.importer.parser import (
        document_text,
        parse_blocks,
        parse_bytes,
        parse_text,
    )
    from tracker.plans.importer.readers import Table, UnreadableDocument, decode_text, read_blocks
    from tracker.plans.importer.units import UnitMatcher, extract_annotation, split_units

#: Where each name of the package lives: a submodule is imported when one of its names is first
#: asked for (PEP 562), so a module that needs one part (the subscribers need the unit names'
#: collisions) does not load the parser in every web worker.
_HOMES = {
    "Deadline": "deadlines",
    "parse_deadline": "deadlines",
    "ParsedPlan": "model",
    "ParsedSection": "model",
    "ParsedTask": "model",
    "Skipped": "model",
    "Warning_": "model",
    "document_text": "parser",
    "parse_blocks": "parser",
    "parse_bytes": "parser",
    "parse_text": "parser",
    "Table": "readers",
    "UnreadableDocument": "readers",
    "decode_text": "readers",
    "read_blocks": "readers",
    "UnitMatcher": "units",
    "extract_annotation": "units",
    "split_units": "units",
}

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


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
