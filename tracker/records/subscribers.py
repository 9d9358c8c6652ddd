"""The ledger's part in other features' steps: its panel on the task page."""

from __future__ import annotations

from tracker.core.signals import task_page
from tracker.records.labels import DEFAULT_KIND_FOR_TASK, KIND_LABELS
from tracker.records.queries import records_of_task


@task_page.connect
def _ledger_panel(task) -> dict:
    """The task's records, and the record kinds to add (the one usual for the task first)."""
    usual = DEFAULT_KIND_FOR_TASK.get(task.kind)
    return {
        "records": records_of_task(task),
        "record_kinds": ([usual] if usual else []) + [k for k in KIND_LABELS if k != usual],
        "record_kind_labels": KIND_LABELS,
    }
