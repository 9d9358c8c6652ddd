"""Where the annual report's figures come from, for the workbook's Report sources sheet.

The report builder (tracker.reports) is a pure function of the plan; each figure it yields names
the tasks, records and evidence it was drawn from.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports.queries import report_for_plan

log = logging.getLogger(__name__)


def report_figures(plan: Plan) -> tuple[Iterable[Any], str | None]:
    """The figures of the plan's annual report (each with .part .label .value .text
    .record_ids .task_ids .evidence_ids, and where the builder gives them .section .unit
    .baseline_value .baseline_year), or none and the reason they are missing."""
    # in a savepoint: should the builder's reads fail, the export's transaction stays usable
    savepoint = db.session.begin_nested()
    try:
        figures = list(report_for_plan(plan).figures())
    except Exception:  # noqa: BLE001 - the rest of the export must still reach the inspector
        savepoint.rollback()
        log.exception("the annual report of plan %s could not be built for the export", plan.id)
        return [], _("The annual report could not be built; the error is in the server log.")
    savepoint.commit()
    return figures, None
