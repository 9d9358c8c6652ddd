"""The administrators' health page: the same checks as `tracker doctor`."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from tracker.core.permissions import require
from tracker.ops import doctor

bp = Blueprint("ops", __name__, url_prefix="/admin/health")


@bp.route("/")
def health():
    require(current_user, "settings.manage")
    checks = doctor.run_checks()
    status = doctor.overall(checks)
    return render_template("ops/health.html", checks=checks, status=status), 200
