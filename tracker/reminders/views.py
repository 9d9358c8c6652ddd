"""The notifications inbox (通知)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.core.forms import EmptyForm
from tracker.extensions import db
from tracker.reminders.models import Notification
from tracker.reminders.service import mark_read, unread_count

bp = Blueprint("reminders", __name__, url_prefix="/notifications")

PER_PAGE = 50


@bp.app_context_processor
def _unread_notifications():
    """The bell's count in the navigation, for logged-in users."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    return {"unread_notifications": unread_count(current_user)}


@bp.route("/")
def inbox():
    # Every user reads only their own notifications: the query is the permission.
    show_all = request.args.get("show") == "all"
    query = sa.select(Notification).where(Notification.recipient_id == current_user.id)
    if not show_all:
        query = query.where(Notification.read_at.is_(None))
    page = db.paginate(query.order_by(Notification.id.desc()), per_page=PER_PAGE, error_out=False)
    return render_template(
        "reminders/inbox.html", page=page, show_all=show_all, action_form=EmptyForm()
    )


@bp.route("/<int:notification_id>")
def open_notification(notification_id: int):
    notification = db.get_or_404(Notification, notification_id)
    if notification.recipient_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        # a GET that writes: marking read is what opening a notice means
        from tracker.core.db import begin_write

        begin_write(db.session)
        mark_read(current_user, [notification_id])
        db.session.commit()
    return redirect(notification.link or url_for("reminders.inbox"))


@bp.route("/read", methods=["POST"])
def read_all():
    if EmptyForm().validate_on_submit():
        ids = [int(i) for i in request.form.getlist("id") if i.isdigit()] or None
        mark_read(current_user, ids)
        db.session.commit()
    return redirect(url_for("reminders.inbox"))
