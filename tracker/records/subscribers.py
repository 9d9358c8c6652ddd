"""The ledger's part in other features' steps: what 申请办结 demands of a major decision, and
its panel on the task page."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.core.signals import task_page, task_submitting
from tracker.records.labels import DEFAULT_KIND_FOR_TASK, KIND_LABELS, STEP_LABELS
from tracker.records.queries import records_of_task
from tracker.records.service import open_decision_steps


@task_page.connect
def _ledger_panel(task) -> dict:
    """The task's records, and the record kinds to add (the one usual for the task first)."""
    usual = DEFAULT_KIND_FOR_TASK.get(task.kind)
    return {
        "records": records_of_task(task),
        "record_kinds": ([usual] if usual else []) + [k for k in KIND_LABELS if k != usual],
        "record_kind_labels": KIND_LABELS,
    }


@task_submitting.connect
def _decision_steps_settled(task) -> str | None:
    """A major decision's task is submitted once every statutory step is done or excused."""
    for decision, steps in open_decision_steps(task):
        return _(
            "The decision “%(title)s” still has open statutory steps: %(steps)s. Record "
            "each as done or not applicable first.",
            title=decision.decision_title,
            steps="、".join(str(STEP_LABELS[s]) for s in steps),
        )
    return None
