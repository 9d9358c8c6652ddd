"""The notifications inbox (通知), e-mail preferences, and the administrators' reminder policy
and outbox pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.accounts.forms import EmailPreferencesForm
from tracker.accounts.sessions import is_safe_next
from tracker.core import clock, workdays
from tracker.core.db import begin_write
from tracker.core.forms import EmptyForm, as_id, form_status, refusal_caught
from tracker.core.permissions import require
from tracker.extensions import db
from tracker.reminders import outbox
from tracker.reminders.forms import PolicyForm
from tracker.reminders.inbox import mark_read, unread_count
from tracker.reminders.models import EMAIL_STATUSES, Notification, OutboxEmail
from tracker.reminders.policy import PolicyData, policy_for, save_policy, set_email_preferences
from tracker.reminders.rules import Rules, escalation_level
from tracker.units.models import Unit

bp = Blueprint("reminders", __name__, url_prefix="/notifications")
admin_bp = Blueprint("reminders_admin", __name__, url_prefix="/admin")

PER_PAGE = 50


@bp.app_context_processor
def _unread_notifications():
    """The bell's count in the navigation, for logged-in users."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    return {"unread_notifications": unread_count(current_user)}


@bp.app_template_global()
def escalation_step(task) -> int:
    """The escalation step an overdue task is on (0, 1 supervisor, 2 principal), for task
    lists; one policy lookup per bureau and request."""
    if task.status not in ("assigned", "in_progress") or task.due_date is None:
        return 0
    today = clock.today()
    if task.due_date >= today:
        return 0
    cache = g.setdefault("reminder_rules", {})
    bureau = task.plan.bureau
    if bureau.id not in cache:
        cache[bureau.id] = Rules.of(policy_for(bureau))
    # counted as the sweep counts it: a plan published after the due date escalates from the
    # day of publishing, so the badge and the notices name the same step
    published = task.plan.published_at
    start = max(task.due_date, clock.to_local(published).date() if published else task.due_date)
    return escalation_level(workdays.workdays_between(start, today), cache[bureau.id])


@bp.route("/")
def inbox():
    # Every user reads only their own notifications: the query is the permission.
    show_all = request.args.get("show") == "all"
    query = sa.select(Notification).where(Notification.recipient_id == current_user.id)
    if not show_all:
        query = query.where(Notification.read_at.is_(None))
    page = db.paginate(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()),
        per_page=PER_PAGE,
        error_out=False,
    )
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
        begin_write(db.session)
        mark_read(current_user, [notification_id])
    return redirect(notification.link or url_for("reminders.inbox"))


@bp.route("/read", methods=["POST"])
def read_all():
    if EmptyForm().validate_on_submit():
        ids = [i for i in map(as_id, request.form.getlist("id")) if i is not None] or None
        mark_read(current_user, ids)
    target = url_for("reminders.inbox", show="all") if request.form.get("show") == "all" else None
    return redirect(target or url_for("reminders.inbox"))


@bp.route("/preferences", methods=["POST"])
def preferences():
    """E-mail on/off and digest time, from the account page."""
    form = EmailPreferencesForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            set_email_preferences(
                current_user,
                current_user,
                is_email_enabled=form.is_email_enabled.data,
                digest_time=form.digest_time.data,
            )
        if not refusal:
            flash(_("Your e-mail settings were saved."), "success")
            return redirect(url_for("accounts.account"))
    for errors in form.errors.values():
        for error in errors:
            flash(error, "danger")
    return redirect(url_for("accounts.account"))


# -- administration ---------------------------------------------------------------------------


def _bureaus() -> list[Unit]:
    return list(
        db.session.scalars(sa.select(Unit).where(Unit.kind == "bureau").order_by(Unit.path))
    )


@admin_bp.route("/reminders", methods=["GET", "POST"])
def policy():
    require(current_user, "settings.manage")
    bureaus = _bureaus()
    if not bureaus:
        abort(404)
    bureau_id = request.args.get("bureau", type=int) or bureaus[0].id
    bureau = next((b for b in bureaus if b.id == bureau_id), None)
    if bureau is None:
        abort(404)
    current = policy_for(bureau)
    defaults = Rules()
    form = PolicyForm(
        obj=current,
        data=None
        if current
        else {
            "due_soon_days": ",".join(str(d) for d in defaults.due_soon_steps),
            "overdue_repeat_days": defaults.overdue_repeat_days,
            "escalate_supervisor_days": defaults.escalate_supervisor_days,
            "escalate_principal_days": defaults.escalate_principal_days,
            "certificate_expiry_days": ",".join(str(d) for d in defaults.certificate_steps),
            "rectification_due_days": defaults.rectification_due_days,
            "is_email_enabled": True,
        },
    )
    if form.validate_on_submit():
        data = PolicyData(
            due_soon_days=form.due_soon_days.data,
            overdue_repeat_days=form.overdue_repeat_days.data,
            escalate_supervisor_days=form.escalate_supervisor_days.data,
            escalate_principal_days=form.escalate_principal_days.data,
            certificate_expiry_days=form.certificate_expiry_days.data,
            rectification_due_days=form.rectification_due_days.data,
            is_email_enabled=form.is_email_enabled.data,
        )
        with refusal_caught(form) as refusal:
            save_policy(current_user, bureau, data)
        if not refusal:
            flash(_("The reminder policy was saved."), "success")
            return redirect(url_for("reminders_admin.policy", bureau=bureau.id))
    return render_template(
        "reminders/policy.html", form=form, bureau=bureau, bureaus=bureaus, policy=current
    ), form_status(form)


@admin_bp.route("/outbox")
def outbox_index():
    require(current_user, "outbox.manage")
    status = request.args.get("status", "")
    query = sa.select(OutboxEmail)
    if status in EMAIL_STATUSES:
        query = query.where(OutboxEmail.status == status)
    page = db.paginate(query.order_by(OutboxEmail.id.desc()), per_page=PER_PAGE, error_out=False)
    counts = dict(
        db.session.execute(
            sa.select(OutboxEmail.status, sa.func.count()).group_by(OutboxEmail.status)
        ).all()
    )
    return render_template(
        "reminders/outbox.html",
        page=page,
        status=status,
        counts=counts,
        statuses=EMAIL_STATUSES,
        action_form=EmptyForm(),
    )


@admin_bp.route("/outbox/<int:email_id>")
def outbox_show(email_id: int):
    require(current_user, "outbox.manage")
    email = db.get_or_404(OutboxEmail, email_id)
    return render_template("reminders/outbox_show.html", email=email, action_form=EmptyForm())


@admin_bp.route("/outbox/<int:email_id>/retry", methods=["POST"])
def outbox_retry(email_id: int):
    require(current_user, "outbox.manage")
    email = db.get_or_404(OutboxEmail, email_id)
    if EmptyForm().validate_on_submit():
        if email.status == "sent":
            flash(_("This e-mail was already sent."), "warning")
        else:
            outbox.retry(current_user, email)
            flash(_("The e-mail will be sent again within a minute."), "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("reminders_admin.outbox_index"))
