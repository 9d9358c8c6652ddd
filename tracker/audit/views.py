"""The audit trail page, with filters by actor, object, action and date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user

from tracker.audit import labels
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.permissions import require
from tracker.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

EVENTS_PER_PAGE = 100


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.local_timezone())


@bp.route("/")
def index():
    require(current_user, "audit.read")
    args = request.args
    filters = {
        "actor": args.get("actor", "").strip(),
        "object_type": args.get("object_type", "").strip(),
        "object_id": args.get("object_id", "").strip(),
        "action": args.get("action", "").strip(),
        "outcome": args.get("outcome", "").strip(),
        "date_from": _parse_date(args.get("date_from")),
        "date_to": _parse_date(args.get("date_to")),
    }
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters["actor"]:
        query = query.where(AuditEvent.actor_name.ilike(f"%{filters['actor']}%"))
    if filters["object_type"]:
        query = query.where(AuditEvent.object_type == filters["object_type"])
    if filters["object_id"]:
        query = query.where(AuditEvent.object_id == filters["object_id"])
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"]))
    if filters["outcome"]:
        query = query.where(AuditEvent.outcome == filters["outcome"])
    if filters["date_from"]:
        query = query.where(AuditEvent.occurred_at >= _local_midnight(filters["date_from"]))
    if filters["date_to"]:
        query = query.where(
            AuditEvent.occurred_at < _local_midnight(filters["date_to"] + timedelta(days=1))
        )
    page = db.paginate(query, per_page=EVENTS_PER_PAGE, error_out=False)
    object_types = db.session.scalars(
        sa.select(AuditEvent.object_type).where(AuditEvent.object_type.is_not(None)).distinct()
    ).all()
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        object_types=sorted(object_types),
        names=labels.Names(page.items),
        labels=labels,
        object_links=OBJECT_LINKS,
    )


#: Where an audited object is shown, by table: (endpoint, the endpoint's id argument).
OBJECT_LINKS = {
    "tasks": ("tasks.show", "task_id"),
    "plans": ("plans.show", "plan_id"),
    "records": ("records.show", "record_id"),
}
