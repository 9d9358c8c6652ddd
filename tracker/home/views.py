"""The home page (我的工作) and /healthz."""

from __future__ import annotations

import logging
from typing import NamedTuple

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker.accounts.forms import ROLE_LABELS
from tracker.core.forms import EmptyForm
from tracker.core.i18n import plain_labels
from tracker.core.permissions import can, require
from tracker.core.templating import once_per_request
from tracker.evidence.forms import ReviewForm
from tracker.extensions import db
from tracker.home.queries import pending_evidence, queue_counts, submitted_tasks
from tracker.tasks import list_export, versions
from tracker.tasks.labels import KIND_LABELS, STATUS_LABELS
from tracker.tasks.lights import LIGHT_CSS, LIGHT_LABELS, LightPolicy, light_of
from tracker.tasks.queries import (
    TaskFilters,
    light_counts,
    total_from_counts,
    visible_plans,
    work_list,
)
from tracker.units.queries import subtree

bp = Blueprint("home", __name__)
log = logging.getLogger(__name__)

PER_PAGE = 30


@bp.route("/")
def index():
    """My work: the tasks this user answers for, overdue first, with counts per light."""
    filters = TaskFilters.from_args(request.args)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    policy = LightPolicy.current()
    counts = light_counts(current_user, filters, policy)
    rows, total = work_list(
        current_user,
        filters,
        policy,
        page=page,
        per_page=PER_PAGE,
        total=total_from_counts(filters, counts),
    )
    bureau = current_user.bureau
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "home/index.html",
        user=current_user,
        role_labels=ROLE_LABELS,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        counts=counts,
        filters=filters,
        plans=visible_plans(current_user),
        units=_unit_choices(bureau),
        status_labels=plain_labels(STATUS_LABELS),
        kind_labels=plain_labels(KIND_LABELS),
        light_labels=plain_labels(LIGHT_LABELS),
        light_css=LIGHT_CSS,
        today=policy.today,
        claimable={
            row.task.id
            for row in rows
            if row.task.status == "assigned" and can(current_user, "task.claim", row.task)
        },
        batch_form=EmptyForm(),
        # the export links carry the page's filters (not its page number)
        export_args={k: v for k, v in request.args.items() if k not in ("page", "fmt")},
    )


class UnitChoice(NamedTuple):
    id: int
    name: str


def _unit_choices(bureau) -> list[UnitChoice]:
    """The units under the user's bureau for the list's filter, kept between changes to the
    unit tree (which replace every figure's token): a city office's 400 units were read, as
    ORM objects, for each view of its home page."""

    def compute() -> list[UnitChoice]:
        units = subtree(bureau, active_only=True)
        return [UnitChoice(u.id, u.name) for u in units if u.id != bureau.id]

    return versions.kept("home_unit_choices", bureau.id, (), compute)


def _all_rows(filters: TaskFilters, policy: LightPolicy):
    """Every row of the user's filtered list, in the page's order, a page at a time."""
    page, per_page = 1, 500
    while (page - 1) * per_page < list_export.MAX_EXPORT_ROWS:
        rows, total = work_list(
            current_user, filters, policy, page=page, per_page=per_page, total=0
        )
        yield from rows
        if len(rows) < per_page:
            return
        page += 1


@bp.route("/tasks.<any(xlsx, csv):fmt>")
def export(fmt: str):
    """The home page's list as the user filtered it, every page of it, as .xlsx or .csv."""
    require(current_user, "task.export_list")
    filters = TaskFilters.from_args(request.args)
    response = list_export.download(
        _all_rows(filters, LightPolicy.current()), fmt, title=_("My work")
    )
    list_export.audit_export(current_user, fmt, {"list": "home", "query": request.args.to_dict()})
    return response


@bp.route("/review")
def review_queue():
    """待我审核: tasks applied for completion and evidence waiting for review, oldest first."""
    require(current_user, "review.queue")
    policy = LightPolicy.current()
    tasks = submitted_tasks(current_user)
    return render_template(
        "home/review.html",
        tasks=tasks,
        lights={task.id: light_of(task, policy) for task in tasks},
        evidence=pending_evidence(current_user),
        counts=queue_counts(current_user),
        review_form=ReviewForm(),
        status_labels=plain_labels(STATUS_LABELS),
        light_labels=plain_labels(LIGHT_LABELS),
        light_css=LIGHT_CSS,
        today=policy.today,
    )


@bp.app_context_processor
@once_per_request
def _review_queue_counts():
    """The badge of 待我审核 in the navigation, for the legal office."""
    if not getattr(current_user, "is_authenticated", False) or not can(
        current_user, "review.queue"
    ):
        return {}
    counts = queue_counts(current_user)
    return {"review_queue_count": counts["tasks"] + counts["evidence"]}


@bp.route("/healthz")
def healthz():
    """Answer whether the application and its database work (for load balancers and ops)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        log.error("health check: database unavailable: %s", error)
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
