"""Login, logout, one's own account, and user administration."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker.accounts import directory, service
from tracker.accounts.forms import (
    ROLE_LABELS,
    RULE_MATCH_LABELS,
    ChangePasswordForm,
    DirectoryRuleForm,
    EmailPreferencesForm,
    LanguageForm,
    LoginForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from tracker.accounts.models import DirectoryRule, User
from tracker.accounts.queries import directory_rules
from tracker.accounts.sessions import RESTORE_DRAFT_KEY, current_login_session, is_safe_next
from tracker.core import drafts
from tracker.core.forms import EmptyForm, choices, form_status, refusal_caught
from tracker.core.permissions import can, require, scope_unit
from tracker.core.transactions import keep_refusal_record
from tracker.extensions import db
from tracker.units.models import Unit
from tracker.units.queries import unit_choices

bp = Blueprint("accounts", __name__)

USERS_PER_PAGE = 50


# -- logging in and out ----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.draft.data = request.args.get("draft", "")[:64]
    if form.validate_on_submit():
        result = service.attempt_login(
            form.username.data, form.password.data, user_agent=request.user_agent.string
        )
        if result.error:
            keep_refusal_record()  # the attempt and its audit row outlive the 422 / 429
            form.form_errors.append(result.error)
            if result.retry_after is not None:
                page = render_template("accounts/login.html", form=form)
                return page, 429, {"Retry-After": str(result.retry_after)}
        else:
            # Rotate: nothing from the anonymous session survives into the logged-in one.
            locale = session.get("locale")
            session.clear()
            session["sid"] = result.token
            if locale and result.user.locale is None:
                session["locale"] = locale
            login_user(result.user)
            target = form.next.data if is_safe_next(form.next.data) else url_for("home.index")
            draft_key = form.draft.data or None
            if draft_key and drafts.find(draft_key, result.user.id) is not None:
                # what this person typed before the session ended is shown on its page again
                session[RESTORE_DRAFT_KEY] = draft_key
            return redirect(target)
    status = 200 if not form.errors and not form.form_errors else 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        locale = current_user.locale or session.get("locale")
        service.logout(current_user._get_current_object(), current_login_session())
        logout_user()
        session.clear()
        if locale:  # the login page stays in the language this person chose
            session["locale"] = locale
        flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    form.locale.choices = choices(current_app.config["LANGUAGES"].items())
    if form.validate_on_submit():
        if current_user.is_authenticated:
            service.set_locale(current_user, current_user, form.locale.data)
        session["locale"] = form.locale.data
    target = form.next.data if is_safe_next(form.next.data) else url_for("home.index")
    return redirect(target)


# -- one's own account -----------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        login_session = current_login_session()
        with refusal_caught(form) as refusal:
            service.change_own_password(
                current_user,
                form.current_password.data,
                form.password.data,
                session_id=login_session.id if login_session else None,
            )
        if not refusal:
            flash(_("Your password was changed. Your other sessions were ended."), "success")
            return redirect(url_for("accounts.account"))
    language_form = LanguageForm(
        locale=current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    language_form.locale.choices = choices(current_app.config["LANGUAGES"].items())
    return render_template(
        "accounts/account.html",
        form=form,
        language_form=language_form,
        email_form=EmailPreferencesForm(obj=current_user),
        role_labels=ROLE_LABELS,
    ), form_status(form)


# -- user administration ---------------------------------------------------------------------


def _unit_or_error(form, unit_id: int) -> Unit | None:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not scope_unit(current_user).contains(unit):
        form.unit_id.errors = [*form.unit_id.errors, _("Choose a unit from the list.")]
        return None
    return unit


def _fill_unit_choices(form) -> None:
    form.unit_id.choices = choices(unit_choices(scope_unit(current_user)))


@bp.route("/admin/users")
def users():
    require(current_user, "user.manage")
    scope = scope_unit(current_user)
    query = (
        sa.select(User)
        .join(Unit, User.unit_id == Unit.id)
        .where(Unit.path.startswith(scope.path))
        .order_by(Unit.path, User.role, User.username)
    )
    q = request.args.get("q", "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(User.username.ilike(like), User.display_name.ilike(like)))
    role = request.args.get("role", "")
    if role in ROLE_LABELS:
        query = query.where(User.role == role)
    page = db.paginate(query, per_page=USERS_PER_PAGE, error_out=False)
    return render_template(
        "accounts/users.html",
        page=page,
        q=q,
        role=role,
        role_labels=ROLE_LABELS,
        action_form=EmptyForm(),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
def user_create():
    require(current_user, "user.manage")
    form = UserCreateForm()
    _fill_unit_choices(form)
    if form.validate_on_submit() and (unit := _unit_or_error(form, form.unit_id.data)):
        with refusal_caught(form) as refusal:
            user = service.create_user(
                current_user,
                username=form.username.data,
                display_name=form.display_name.data,
                role=form.role.data,
                unit=unit,
                password=form.password.data,
                email=form.email.data,
                title=form.title.data,
                is_principal=form.is_principal.data,
            )
        if not refusal:
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None), form_status(form)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    require(current_user, "user.manage", user)
    form = UserEditForm(obj=user)
    _fill_unit_choices(form)
    reset_form = PasswordResetForm(prefix="reset")
    if form.validate_on_submit() and (unit := _unit_or_error(form, form.unit_id.data)):
        with refusal_caught(form) as refusal:
            service.update_user(
                current_user,
                user,
                display_name=form.display_name.data,
                role=form.role.data,
                unit=unit,
                email=form.email.data,
                title=form.title.data,
                is_principal=form.is_principal.data,
            )
        if not refusal:
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        reset_form=reset_form,
        action_form=EmptyForm(),
    ), form_status(form)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    require(current_user, "user.manage", user)
    reset_form = PasswordResetForm(prefix="reset")
    if reset_form.validate_on_submit():
        with refusal_caught(reset_form) as refusal:
            service.set_password(current_user, user, reset_form.password.data)
        if not refusal:
            flash(
                _(
                    "The password of %(name)s was reset and their sessions ended.",
                    name=user.username,
                ),
                "success",
            )
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    form = UserEditForm(obj=user)
    _fill_unit_choices(form)
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        reset_form=reset_form,
        action_form=EmptyForm(),
    ), 422


@bp.route("/admin/users/<int:user_id>/<any(disable, enable):action>", methods=["POST"])
def user_set_disabled(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    require(current_user, "user.manage", user)
    if EmptyForm().validate_on_submit():
        with refusal_caught() as refusal:
            service.set_disabled(current_user, user, action == "disable")
        if refusal:
            flash(refusal.message, "danger")
        else:
            flash(
                _("User %(name)s disabled.", name=user.username)
                if action == "disable"
                else _("User %(name)s enabled.", name=user.username),
                "success",
            )
    return redirect(url_for("accounts.users"))


# -- directory login: the rules that seat a person at their first login ------------------------


@bp.route("/admin/directory")
def directory_index():
    require(current_user, "directory.manage")
    config = current_app.config
    rules = directory_rules()
    return render_template(
        "accounts/directory.html",
        rules=rules,
        editable={rule.id for rule in rules if can(current_user, "directory.manage", rule)},
        configured=directory.is_configured(config),
        settings={
            "url": config["LDAP_URL"],
            "base_dn": config["LDAP_BASE_DN"],
            "user_filter": config["LDAP_USER_FILTER"],
            "unit_attribute": config["LDAP_UNIT_ATTRIBUTE"],
            "group_attribute": config["LDAP_GROUP_ATTRIBUTE"],
        },
        match_labels=RULE_MATCH_LABELS,
        role_labels=ROLE_LABELS,
        action_form=EmptyForm(),
    )


def _next_position() -> int:
    rules = directory_rules()
    return (max(rule.position for rule in rules) + 10) if rules else 10


def _rule_fields(form, unit: Unit) -> dict:
    return {
        "position": form.position.data,
        "match": form.match.data,
        "value": form.value.data,
        "unit": unit,
        "role": form.role.data,
    }


def _directory_rule_page(form, rule: DirectoryRule | None):
    return render_template("accounts/directory_rule_form.html", form=form, rule=rule), form_status(
        form
    )


@bp.route("/admin/directory/rules/new", methods=["GET", "POST"])
def directory_rule_create():
    require(current_user, "directory.manage")
    form = DirectoryRuleForm()
    _fill_unit_choices(form)
    if request.method == "GET":
        form.position.data = _next_position()
    if form.validate_on_submit() and (unit := _unit_or_error(form, form.unit_id.data)):
        with refusal_caught(form) as refusal:
            service.create_directory_rule(current_user, **_rule_fields(form, unit))
        if not refusal:
            flash(_("Mapping rule added."), "success")
            return redirect(url_for("accounts.directory_index"))
    return _directory_rule_page(form, None)


@bp.route("/admin/directory/rules/<int:rule_id>/edit", methods=["GET", "POST"])
def directory_rule_edit(rule_id: int):
    rule = db.get_or_404(DirectoryRule, rule_id)
    require(current_user, "directory.manage", rule)
    form = DirectoryRuleForm(obj=rule)
    _fill_unit_choices(form)
    if form.validate_on_submit() and (unit := _unit_or_error(form, form.unit_id.data)):
        with refusal_caught(form) as refusal:
            service.update_directory_rule(current_user, rule, **_rule_fields(form, unit))
        if not refusal:
            flash(_("Mapping rule saved."), "success")
            return redirect(url_for("accounts.directory_index"))
    return _directory_rule_page(form, rule)


@bp.route("/admin/directory/rules/<int:rule_id>/delete", methods=["POST"])
def directory_rule_delete(rule_id: int):
    rule = db.get_or_404(DirectoryRule, rule_id)
    require(current_user, "directory.manage", rule)
    if EmptyForm().validate_on_submit():
        service.delete_directory_rule(current_user, rule)
        flash(_("Mapping rule removed."), "success")
    return redirect(url_for("accounts.directory_index"))
