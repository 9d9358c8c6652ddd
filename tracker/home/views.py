"""The home page (我的工作) and /healthz."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

from tracker.accounts.forms import ROLE_LABELS
from tracker.extensions import db
from tracker.tasks.labels import KIND_LABELS, STATUS_LABELS
from tracker.tasks.lights import LIGHT_CSS, LIGHT_LABELS, LightPolicy
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
        units=[u for u in subtree(bureau, active_only=True) if u.id != bureau.id],
        status_labels=STATUS_LABELS,
        kind_labels=KIND_LABELS,
        light_labels=LIGHT_LABELS,
        light_css=LIGHT_CSS,
        today=policy.today,
    )


@bp.route("/healthz")
def healthz():
    """Answer whether the application and its database work (for load balancers and ops)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        log.error("health check: database unavailable: %s", error)
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
