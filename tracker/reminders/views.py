"""The notifications inbox (通知), e-mail preferences, and the administrators' reminder policy
and outbox pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.accounts.forms import EmailPreferencesForm
from tracker.accounts.models import User
from tracker.accounts.sessions import is_safe_next
from tracker.core import clock
from tracker.core.db import begin_write
from tracker.core.forms import EmptyForm, as_id, form_status, refusal_caught
from tracker.core.permissions import require, scope_unit
from tracker.core.templating import once_per_request
from tracker.extensions import db
from tracker.reminders import outbox, robots, webhooks
from tracker.reminders.forms import PolicyForm, RobotForm
from tracker.reminders.inbox import mark_read, unread_count
from tracker.reminders.models import (
    CHANNELS,
    EMAIL_STATUSES,
    Notification,
    OutboxEmail,
    RobotWebhook,
)
from tracker.reminders.policy import (
    PolicyData,
    overdue_escalation,
    policy_for,
    save_policy,
    set_email_preferences,
)
from tracker.reminders.rules import Rules
from tracker.units.models import Unit

bp = Blueprint("reminders", __name__, url_prefix="/notifications")
admin_bp = Blueprint("reminders_admin", __name__, url_prefix="/admin")

PER_PAGE = 50


@bp.app_context_processor
@once_per_request
def _unread_notifications():
    """The bell's count in the navigation, for logged-in users."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    return {"unread_notifications": unread_count(current_user)}


@bp.app_template_global()
def escalation_step(task) -> int:
    """The escalation step an overdue task is on (0, 1 supervisor, 2 principal), for task
    lists; one policy lookup per bureau and request."""
    return overdue_escalation(task, clock.today())


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
    """The bureaus whose reminder policy the administrator sets: their own, or every bureau of
    the city for one seated at the city."""
    scope = scope_unit(current_user)
    query = sa.select(Unit).where(
        Unit.kind == "bureau", Unit.path.startswith(scope.path, autoescape=True)
    )
    return list(db.session.scalars(query.order_by(Unit.path)))


def _outbox_in_scope(query):
    """Only the messages of the administrator's own bureau (or city): to a recipient or a group
    robot of a unit under it. A robot message whose robot was deleted names no unit: it is shown
    to an administrator seated at the top of the tree only (OutboxEmail.access_units)."""
    scope = scope_unit(current_user)
    under = Unit.path.startswith(scope.path, autoescape=True)
    mine = sa.or_(
        OutboxEmail.recipient_id.in_(
            sa.select(User.id).join(Unit, Unit.id == User.unit_id).where(under)
        ),
        OutboxEmail.robot_id.in_(
            sa.select(RobotWebhook.id).join(Unit, Unit.id == RobotWebhook.unit_id).where(under)
        ),
    )
    if scope.parent_id is None:
        mine = sa.or_(
            mine, sa.and_(OutboxEmail.recipient_id.is_(None), OutboxEmail.robot_id.is_(None))
        )
    return query.where(mine)


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
    require(current_user, "settings.manage", bureau)
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
    channel = request.args.get("channel", "")
    query = _outbox_in_scope(sa.select(OutboxEmail))
    if status in EMAIL_STATUSES:
        query = query.where(OutboxEmail.status == status)
    if channel in CHANNELS:
        query = query.where(OutboxEmail.channel == channel)
    page = db.paginate(query.order_by(OutboxEmail.id.desc()), per_page=PER_PAGE, error_out=False)
    counted = _outbox_in_scope(sa.select(OutboxEmail.status, sa.func.count()))
    counted = counted.group_by(OutboxEmail.status)
    if channel in CHANNELS:
        counted = counted.where(OutboxEmail.channel == channel)
    counts = dict(db.session.execute(counted).all())
    return render_template(
        "reminders/outbox.html",
        page=page,
        status=status,
        channel=channel,
        counts=counts,
        statuses=EMAIL_STATUSES,
        action_form=EmptyForm(),
    )


@admin_bp.route("/outbox/<int:email_id>")
def outbox_show(email_id: int):
    email = db.get_or_404(OutboxEmail, email_id)
    require(current_user, "outbox.manage", email)
    return render_template("reminders/outbox_show.html", email=email, action_form=EmptyForm())


@admin_bp.route("/outbox/<int:email_id>/retry", methods=["POST"])
def outbox_retry(email_id: int):
    email = db.get_or_404(OutboxEmail, email_id)
    require(current_user, "outbox.manage", email)
    if EmptyForm().validate_on_submit():
        if email.status == "sent":
            flash(_("This message was already sent."), "warning")
        else:
            outbox.retry(current_user, email)
            flash(_("The message will be sent again within a minute."), "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("reminders_admin.outbox_index"))


# -- work-chat robots ----------------------------------------------------------------------------


@admin_bp.app_template_filter("masked_url")
def _masked_url(url: str) -> str:
    return robots.masked_url(url)


def _robot(robot_id: int) -> RobotWebhook:
    robot = db.get_or_404(RobotWebhook, robot_id)
    require(current_user, "robots.manage", robot)
    return robot


@admin_bp.route("/robots")
def robots_index():
    require(current_user, "robots.manage")
    return render_template(
        "reminders/robots.html",
        robots=webhooks.robots_for(current_user),
        kind_labels=webhooks.KIND_LABELS,
        action_form=EmptyForm(),
    )


def _robot_form_page(robot: RobotWebhook | None):
    form = RobotForm(obj=robot)
    units = webhooks.units_for(current_user)
    if robot is not None and robot.unit not in units:  # its unit was deactivated since
        units.append(robot.unit)
    form.unit_id.choices = [(u.id, "\u3000" * u.depth + u.name) for u in units]
    if robot is None and request.method == "GET":
        unit = next((u for u in units if u.id == request.args.get("unit", type=int)), None)
        form.unit_id.data = (unit or units[0]).id if units else None
    if form.validate_on_submit():
        unit = next(u for u in units if u.id == form.unit_id.data)
        require(current_user, "robots.manage", unit)
        secret = form.secret.data or None
        if form.clear_secret.data:
            secret = ""
        data = webhooks.RobotData(
            unit=unit,
            kind=form.kind.data,
            name=form.name.data,
            url=form.url.data,
            secret=secret if robot is not None else (secret or ""),
            is_enabled=form.is_enabled.data,
        )
        with refusal_caught(form) as refusal:
            saved = webhooks.save_robot(current_user, robot, data)
        if not refusal:
            flash(_("The robot %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("reminders_admin.robots_index"))
    return render_template("reminders/robot_form.html", form=form, robot=robot), form_status(form)


@admin_bp.route("/robots/new", methods=["GET", "POST"])
def robot_create():
    require(current_user, "robots.manage")
    return _robot_form_page(None)


@admin_bp.route("/robots/<int:robot_id>", methods=["GET", "POST"])
def robot_edit(robot_id: int):
    return _robot_form_page(_robot(robot_id))


@admin_bp.route("/robots/<int:robot_id>/enabled", methods=["POST"])
def robot_set_enabled(robot_id: int):
    robot = _robot(robot_id)
    if EmptyForm().validate_on_submit():
        enable = request.form.get("is_enabled") == "1"
        webhooks.set_enabled(current_user, robot, enable)
        flash(
            _("%(name)s will receive reminders.", name=robot.name)
            if enable
            else _("%(name)s will receive nothing until it is enabled again.", name=robot.name),
            "success",
        )
    return redirect(url_for("reminders_admin.robots_index"))


@admin_bp.route("/robots/<int:robot_id>/delete", methods=["POST"])
def robot_delete(robot_id: int):
    robot = _robot(robot_id)
    if EmptyForm().validate_on_submit():
        name = robot.name
        webhooks.delete_robot(current_user, robot)
        flash(_("The robot %(name)s was deleted.", name=name), "success")
    return redirect(url_for("reminders_admin.robots_index"))


@admin_bp.route("/robots/<int:robot_id>/test", methods=["POST"])
def robot_test(robot_id: int):
    robot = _robot(robot_id)
    if EmptyForm().validate_on_submit():
        if not robot.is_enabled:
            flash(_("Enable the robot before sending it a test message."), "warning")
        else:
            webhooks.queue_test(current_user, robot)
            flash(
                _(
                    "A test message to %(name)s will be sent within a minute; the outbox "
                    "shows whether the robot accepted it.",
                    name=robot.name,
                ),
                "success",
            )
    return redirect(url_for("reminders_admin.robots_index"))
