"""Data for the dashboard's charts, shaped for Chart.js, each with the table behind it.

Every chart is a dict: `labels`, `datasets` (key, label, colour, data and — for drill-down —
the task-list link of each bar), and `table` (headers and rows, for people who prefer numbers
and for print). `link(**args)` turns task-list filters into a URL; the view supplies it.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.core import clock
from tracker.dashboard.queries import (
    DashboardView,
    UnitTable,
    kept_key,
    kept_scopes,
    led_in,
)
from tracker.extensions import db
from tracker.tasks import versions
from tracker.tasks.lights import LIGHT_LABELS
from tracker.tasks.models import Task

Link = Callable[..., str]

#: Segments of a unit's bar, bottom up: done, then the open tasks by light.
SEGMENTS = ("done", "green", "yellow", "orange", "red")
SEGMENT_LABELS = {
    "done": _l("Done"),
    "green": LIGHT_LABELS["green"],
    "yellow": LIGHT_LABELS["yellow"],
    "orange": LIGHT_LABELS["orange"],
    "red": LIGHT_LABELS["red"],
}
#: Bootstrap's colours, so the charts match the light badges.
COLOURS = {
    "done": "#0d6efd",
    "green": "#198754",
    "yellow": "#ffc107",
    "orange": "#b35200",
    "red": "#dc3545",
    "planned": "#6c757d",
    "even": "#adb5bd",
    "actual": "#9e1b1b",
}
#: Overdue tasks by how late they are: (key as the task list reads it, first day, last day).
AGE_BANDS = (("1-7", 1, 7), ("8-30", 8, 30), ("31-90", 31, 90), ("91-", 91, None))


def _segment_args(segment: str) -> dict:
    return {"status": "done"} if segment == "done" else {"light": segment}


def _segment_count(row, segment: str) -> int:
    return {
        "done": row.done,
        "green": row.green,
        "yellow": row.yellow,
        "orange": row.orange,
        "red": row.overdue,
    }[segment]


def completion_by_unit(table: UnitTable, link: Link) -> dict:
    """Each unit's tasks as one bar, stacked: done, on track, due soon, due very soon, overdue."""
    rows = [r for r in table.rows if r.total]
    datasets = [
        {
            "key": segment,
            "label": str(SEGMENT_LABELS[segment]),
            "color": COLOURS[segment],
            "data": [_segment_count(r, segment) for r in rows],
            "links": [link(lead=r.unit.id, **_segment_args(segment)) for r in rows],
        }
        for segment in SEGMENTS
    ]
    return {
        "kind": "bar",
        "stacked": True,
        "horizontal": True,
        "labels": [r.unit.name for r in rows],
        "datasets": datasets,
        "table": {
            "headers": [_("Unit"), *[str(SEGMENT_LABELS[s]) for s in SEGMENTS], _("Total")],
            "rows": [
                [r.unit.name, *[_segment_count(r, s) for s in SEGMENTS], r.total] for r in rows
            ],
        },
    }


def month_ends(year: int) -> list[date]:
    return [date(year, month, calendar.monthrange(year, month)[1]) for month in range(1, 13)]


def _local_day_end(end: date, view: DashboardView) -> datetime:
    """The instant (UTC) the local day `end` (or today, if earlier) is over."""
    cutoff = min(end, view.today) + timedelta(days=1)
    local = datetime.combine(cutoff, time.min, tzinfo=clock.local_timezone())
    return local.astimezone(UTC)


def progress_over_year(view: DashboardView, unit_ids: list[int], link: Link) -> dict:
    """The share of the tasks done by the end of each month against two ideal lines: the share
    due by then (the plan's own deadlines) and an even pace over the year."""
    year_end = date(view.year, 12, 31)
    ends = month_ends(view.year)
    # one row of counts, whatever the number of tasks: all, due by each month's end, and done
    # by each month's end (by today for the current month) in local time
    done = Task.status == "done"
    columns = [sa.func.count(Task.id)]
    # a task without a due date, or due after the year, counts as due at the year's end
    columns += [
        sa.func.count(Task.id)
        if end >= year_end
        else sa.func.sum(sa.case((Task.due_date <= end, 1), else_=0))
        for end in ends
    ]
    columns += [
        sa.func.sum(
            sa.case((sa.and_(done, Task.completed_at < _local_day_end(end, view)), 1), else_=0)
        )
        for end in ends
    ]
    query = sa.select(*columns).where(*led_in(view, unit_ids))

    def compute() -> list[int]:
        return [int(n or 0) for n in db.session.execute(query).one()]

    # a pass over every task in view: kept between changes (tracker.tasks.versions)
    key = (*kept_key(view), tuple(unit_ids))
    counts = versions.kept("progress_over_year", key, kept_scopes(view), compute)
    total, due_by, done_by = counts[0], counts[1:13], counts[13:]
    days_in_year = (year_end - date(view.year, 1, 1)).days + 1
    labels, planned, even, actual, rows = [], [], [], [], []
    for index, end in enumerate(ends):
        labels.append(format_date(end, "MMM"))
        due_count = due_by[index]
        planned.append(round(100 * due_count / total, 1) if total else 0)
        even.append(round(100 * ((end - date(view.year, 1, 1)).days + 1) / days_in_year, 1))
        if end.replace(day=1) > view.today:
            actual.append(None)  # the future is not drawn
            rows.append([labels[-1], due_count, planned[-1], "", ""])
            continue
        done_count = done_by[index]
        actual.append(round(100 * done_count / total, 1) if total else 0)
        rows.append([labels[-1], due_count, planned[-1], done_count, actual[-1]])
    return {
        "kind": "line",
        "percent": True,
        "labels": labels,
        "datasets": [
            {"key": "actual", "label": _("Done"), "color": COLOURS["actual"], "data": actual},
            {
                "key": "planned",
                "label": _("Due by then (plan)"),
                "color": COLOURS["planned"],
                "data": planned,
                "dashed": True,
            },
            {
                "key": "even",
                "label": _("Even pace"),
                "color": COLOURS["even"],
                "data": even,
                "dashed": True,
            },
        ],
        "links": link(status="done"),
        "table": {
            "headers": [_("Month"), _("Due by then"), _("Due (%)"), _("Done"), _("Done (%)")],
            "rows": rows,
        },
        "total": total,
    }


def overdue_by_age(table: UnitTable, link: Link) -> dict:
    """How late the overdue tasks are: 1–7, 8–30, 31–90 and more than 90 days (the working days
    late the unit table counted)."""
    counts = dict.fromkeys((key for key, _first, _last in AGE_BANDS), 0)
    for late, n in table.overdue_ages.items():
        key = next((k for k, _f, last in AGE_BANDS if last and late <= last), AGE_BANDS[-1][0])
        counts[key] += n
    labels = [_band_label(first, last) for _key, first, last in AGE_BANDS]
    return {
        "kind": "bar",
        "labels": labels,
        "datasets": [
            {
                "key": "overdue",
                "label": str(LIGHT_LABELS["red"]),
                "color": COLOURS["red"],
                "data": [counts[key] for key, _first, _last in AGE_BANDS],
                "links": [link(late=key) for key, _first, _last in AGE_BANDS],
            }
        ],
        "table": {
            "headers": [_("Working days late"), _("Overdue tasks")],
            "rows": [
                [label, counts[band[0]]] for label, band in zip(labels, AGE_BANDS, strict=True)
            ],
        },
        "total": sum(counts.values()),
    }


def _band_label(first: int, last: int | None) -> str:
    if last is None:
        return _("more than %(n)d days", n=first - 1)
    return _("%(first)d–%(last)d days", first=first, last=last)
