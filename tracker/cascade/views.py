"""The cascade's pages: a bureau's 上级交办 inbox and the decomposition of an item; the city
office's answers (申请不承担, a later deadline) from the item's page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.cascade import queries, service
from tracker.cascade.forms import ConsentForm, DeclineForm, DecomposeForm, LinkForm, ResolveForm
from tracker.cascade.models import CascadeShare
from tracker.core.forms import form_status, refusal_caught
from tracker.core.permissions import can, require
from tracker.core.templating import once_per_request
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks import service as tasks
from tracker.tasks.models import Task
from tracker.units.models import Unit

bp = Blueprint("cascade", __name__, url_prefix="/cascade")


@dataclass
class BureauItem:
    """A city item as one bureau's business (the permission table's object)."""

    item: Task
    bureau: Unit

    @property
    def unit(self) -> Unit:
        return self.bureau


def _own_item(item_id: int, action: str) -> BureauItem:
    """The city item, as the current user's bureau's: 404 unless it names the bureau."""
    item = db.get_or_404(Task, item_id)
    bureau = current_user.bureau
    if not queries.is_city_item(item) or not any(
        e.item.id == item.id for e in queries.inbox(bureau)
    ):
        abort(404)
    target = BureauItem(item, bureau)
    require(current_user, action, target)
    return target


@bp.route("/inbox")
def inbox():
    bureau = current_user.bureau
    require(current_user, "cascade.inbox", bureau)
    return render_template(
        "cascade/inbox.html",
        bureau=bureau,
        entries=queries.inbox(bureau),
        decline_form=DeclineForm(),
        may_decompose=can(current_user, "cascade.decompose", bureau),
    )


def _unit_choices(bureau: Unit) -> list[tuple[int, str]]:
    units = db.session.scalars(
        db.select(Unit)
        .where(Unit.path.startswith(bureau.path), Unit.is_active.is_(True), Unit.id != bureau.id)
        .order_by(Unit.path, Unit.sort_order, Unit.id)
    )
    return [(u.id, u.name) for u in units]


def _decompose_forms(target: BureauItem) -> tuple[DecomposeForm, LinkForm]:
    bureau, item = target.bureau, target.item
    form = DecomposeForm()
    plans = queries.open_plans_of(bureau)
    form.plan_id.choices = [(p.id, p.title) for p in plans]
    form.lead_unit_id.choices = _unit_choices(bureau)
    if not form.is_submitted():
        form.title.data = item.title
        form.text.data = item.text
        form.due_date.data = item.due_date
        # the item names the bureau as a whole; the task starts with the legal office's unit
        if any(unit_id == current_user.unit_id for unit_id, _name in form.lead_unit_id.choices):
            form.lead_unit_id.data = current_user.unit_id
    link_form = LinkForm()
    candidates = db.session.scalars(
        db.select(Task)
        .where(
            Task.plan_id.in_([p.id for p in plans]),
            Task.parent_id.is_(None),
            Task.city_item_id.is_(None),
            Task.status != "cancelled",
        )
        .order_by(Task.plan_id, Task.position, Task.id)
    )
    link_form.task_id.choices = [(t.id, f"{t.number} {t.title}".strip()) for t in candidates]
    return form, link_form


def _decompose_page(target, form, link_form, status=200):
    return (
        render_template(
            "cascade/decompose.html",
            item=target.item,
            bureau=target.bureau,
            entry=next(e for e in queries.inbox(target.bureau) if e.item.id == target.item.id),
            form=form,
            link_form=link_form,
        ),
        status,
    )


@bp.route("/items/<int:item_id>/decompose", methods=["GET", "POST"])
def decompose(item_id: int):
    target = _own_item(item_id, "cascade.decompose")
    form, link_form = _decompose_forms(target)
    if form.validate_on_submit():
        plan = db.session.get(Plan, form.plan_id.data)
        lead = db.session.get(Unit, form.lead_unit_id.data)
        data = tasks.TaskData(
            title=form.title.data,
            text=form.text.data or "",
            lead_unit=lead,
            due_date=form.due_date.data,
        )
        with refusal_caught(form) as refusal:
            task = service.decompose(current_user, target.item, plan, data)
        if not refusal:
            flash(_("Task created in %(plan)s.", plan=plan.title), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
    return _decompose_page(target, form, link_form, form_status(form))


@bp.route("/items/<int:item_id>/link", methods=["POST"])
def link(item_id: int):
    target = _own_item(item_id, "cascade.decompose")
    form, link_form = _decompose_forms(target)
    if link_form.validate_on_submit():
        task = db.session.get(Task, link_form.task_id.data)
        with refusal_caught(link_form) as refusal:
            service.link_task(current_user, task, target.item)
        if not refusal:
            flash(_("Linked: %(title)s", title=task.title), "success")
            return redirect(url_for("cascade.inbox"))
    return _decompose_page(target, form, link_form, form_status(link_form))


@bp.route("/items/<int:item_id>/decline", methods=["POST"])
def decline(item_id: int):
    target = _own_item(item_id, "cascade.decline")
    form = DeclineForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.decline(current_user, target.item, target.bureau, form.reason.data)
        if not refusal:
            flash(_("Sent to the city office."), "success")
            return redirect(url_for("cascade.inbox"))
    _flash_errors(form)
    return redirect(url_for("cascade.inbox"))


def _flash_errors(form) -> None:
    for messages in [*form.errors.values(), form.form_errors]:
        for message in messages:
            flash(message, "danger")


def _office_share(share_id: int, action: str) -> CascadeShare:
    share = db.get_or_404(CascadeShare, share_id)
    require(current_user, action, share)
    if not current_user.bureau.contains(share.item.plan.bureau):
        abort(404)
    return share


@bp.route("/shares/<int:share_id>/resolve", methods=["POST"])
def resolve(share_id: int):
    share = _office_share(share_id, "cascade.resolve")
    form = ResolveForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.resolve(
                current_user, share, accept=form.decision.data == "accept", note=form.note.data
            )
        if not refusal:
            flash(_("Answer recorded."), "success")
            return redirect(url_for("tasks.show", task_id=share.item_id, _anchor="cascade"))
    _flash_errors(form)
    return redirect(url_for("tasks.show", task_id=share.item_id, _anchor="cascade"))


@bp.route("/items/<int:item_id>/bureaus/<int:bureau_id>/consent", methods=["POST"])
def consent(item_id: int, bureau_id: int):
    item = db.get_or_404(Task, item_id)
    bureau = db.get_or_404(Unit, bureau_id)
    require(current_user, "cascade.consent", BureauItem(item, bureau))
    if not queries.is_city_item(item) or not current_user.bureau.contains(item.plan.bureau):
        abort(404)
    form = ConsentForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            share = service.share_for(item, bureau)
            service.consent(current_user, share, due=form.due.data, note=form.note.data or "")
        if not refusal:
            flash(_("Later deadline agreed."), "success")
            return redirect(url_for("tasks.show", task_id=item.id, _anchor="cascade"))
    _flash_errors(form)
    return redirect(url_for("tasks.show", task_id=item.id, _anchor="cascade"))


@bp.route("/requests")
def requests():
    """The city office's list of 申请不承担 waiting for its answer."""
    city = current_user.bureau
    require(current_user, "cascade.resolve", city)
    return render_template(
        "cascade/requests.html", city=city, shares=queries.waiting_requests(city)
    )


@bp.app_context_processor
@once_per_request
def _cascade_nav():
    """上级交办 in the navigation of a bureau under a city (its legal office and leaders), with
    the legal office's badge of the items waiting to be decomposed."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    bureau = current_user.bureau
    if bureau.kind == "city" and can(current_user, "cascade.resolve", bureau):
        return {"cascade_requests_count": len(queries.waiting_requests(bureau))}
    if not can(current_user, "cascade.inbox", bureau):
        return {}
    if not queries.has_city_above(bureau):
        return {}
    if not can(current_user, "cascade.decompose", bureau):
        return {"cascade_nav": True}
    return {"cascade_nav": True, "cascade_pending_count": queries.pending_count(bureau)}
