"""The city level's part in other features: the reminder sweep stops chasing a bureau's
reporting task ("报送并公开…年度法治政府建设情况报告", due on the statutory deadline) once its
report has reached the city office, and chases it again when the office returns it."""

from __future__ import annotations

from tracker.core.signals import reminders_settled, report_wider_sentences
from tracker.upward import queries


@reminders_settled.connect
def _submitted_reports(_sender):
    return queries.reporting_tasks_settled()


@report_wider_sentences.connect
def _bureaus_figures(plan, today):
    """A city's annual report says what its bureaus did: their plans' tasks of the year, and
    how many sent last year's report on time and published it (a handful of queries)."""
    if plan.bureau.kind != "city":
        return []
    return queries.city_report_sentences(plan.bureau, plan.year, today)
