"""Home page and /healthz."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from tracker.accounts.forms import ROLE_LABELS
from tracker.extensions import db

bp = Blueprint("home", __name__)
log = logging.getLogger(__name__)


@bp.route("/")
def index():
    return render_template("home/index.html", role_labels=ROLE_LABELS, user=current_user)


@bp.route("/healthz")
def healthz():
    """Answer whether the application and its database work (for load balancers and ops)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        log.error("health check: database unavailable: %s", error)
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
