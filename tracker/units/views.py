"""Unit administration pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.core.forms import EmptyForm, form_status, refusal_caught
from tracker.core.forms import choices as select_choices
from tracker.core.permissions import require, scope_unit
from tracker.core.signals import unit_saved
from tracker.extensions import db
from tracker.units import service
from tracker.units.forms import UNIT_KIND_LABELS, UnitForm
from tracker.units.models import Unit
from tracker.units.queries import subtree, unit_choices

bp = Blueprint("units", __name__, url_prefix="/admin/units")

TOP_LEVEL = 0


def _parent_choices(form: UnitForm, editing: Unit | None = None) -> None:
    scope = scope_unit(current_user)
    options = [
        (unit_id, label)
        for unit_id, label in unit_choices(scope)
        if editing is None or not editing.contains(db.session.get(Unit, unit_id))
    ]
    if scope.parent_id is None:
        options.insert(0, (TOP_LEVEL, _("(top level)")))
    form.parent_id.choices = select_choices(options)


def _parent_from(form: UnitForm) -> Unit | None:
    if form.parent_id.data == TOP_LEVEL:
        return None
    parent = db.session.get(Unit, form.parent_id.data)
    require(current_user, "unit.manage", parent)
    return parent


def warn_about_collisions(unit: Unit) -> None:
    """Saved, but said at once: what other features see in the unit (plans: aliases the plan
    importer could confuse; the admin may keep them, a refusal would block every other change)."""
    for _receiver, messages in unit_saved.send(unit):
        for message in messages or []:
            flash(message, "warning")


@bp.route("/")
def index():
    require(current_user, "unit.manage")
    units = subtree(scope_unit(current_user))
    return render_template(
        "units/index.html",
        units=units,
        kind_labels=UNIT_KIND_LABELS,
        action_form=EmptyForm(),
        base_depth=units[0].depth if units else 0,
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    require(current_user, "unit.manage")
    form = UnitForm()
    _parent_choices(form)
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            unit = service.create_unit(
                current_user,
                name=form.name.data,
                kind=form.kind.data,
                parent=_parent_from(form),
                aliases=form.aliases.data or "",
                sort_order=form.sort_order.data,
            )
        if not refusal:
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            warn_about_collisions(unit)
            return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=None), form_status(form)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
def edit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    require(current_user, "unit.manage", unit)
    form = UnitForm(obj=unit)
    _parent_choices(form, editing=unit)
    if not form.is_submitted():
        form.parent_id.data = unit.parent_id or TOP_LEVEL
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.update_unit(
                current_user,
                unit,
                name=form.name.data,
                kind=form.kind.data,
                parent=_parent_from(form),
                aliases=form.aliases.data or "",
                sort_order=form.sort_order.data or 0,
            )
        if not refusal:
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            warn_about_collisions(unit)
            return redirect(url_for("units.index"))
    return render_template("units/form.html", form=form, unit=unit), form_status(form)


@bp.route("/<int:unit_id>/<any(activate, deactivate):action>", methods=["POST"])
def set_active(unit_id: int, action: str):
    unit = db.get_or_404(Unit, unit_id)
    require(current_user, "unit.manage", unit)
    if EmptyForm().validate_on_submit():
        with refusal_caught() as refusal:
            service.set_active(current_user, unit, action == "activate")
        if refusal:
            flash(refusal.message, "danger")
        else:
            flash(
                _("Unit %(name)s reactivated.", name=unit.name)
                if action == "activate"
                else _("Unit %(name)s deactivated.", name=unit.name),
                "success",
            )
    return redirect(url_for("units.index"))
