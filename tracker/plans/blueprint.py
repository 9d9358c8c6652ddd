"""The plans blueprint, shared by the plan pages (views) and the document import (import_views)."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from tracker.core.permissions import scope_unit
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.units.models import Unit

bp = Blueprint("plans", __name__, url_prefix="/plans")


def get_plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


def bureau_of_user() -> Unit:
    """The bureau the current user makes plans for."""
    return current_user.unit.bureau or scope_unit(current_user)
