"""The plans blueprint, shared by the plan pages (views) and the document import (import_views)."""

from __future__ import annotations

from flask import Blueprint

from tracker.extensions import db
from tracker.plans.models import Plan

bp = Blueprint("plans", __name__, url_prefix="/plans")


def get_plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)
