"""Token pages: a user's own tokens (from My account), and an admin's for any user (e.g. the
service account of the OA system). A new token is shown once, on the page that created it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.accounts.models import User
from tracker.api import service
from tracker.api.forms import SCOPE_LABELS, TokenForm
from tracker.api.models import ApiToken
from tracker.core import clock
from tracker.core.forms import EmptyForm, as_id, choices, form_status, refusal_caught
from tracker.core.permissions import require
from tracker.extensions import db

tokens_bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _owner() -> User:
    """Whose tokens the page shows: one's own, or (admins) the user named by ?user=."""
    user_id = as_id(request.args.get("user", ""))
    if user_id is None or user_id == current_user.id:
        return current_user
    user = db.get_or_404(User, user_id)
    require(current_user, "user.manage", user)
    return user


def _page(owner: User, form: TokenForm, *, secret: str | None = None, status: int = 200):
    return render_template(
        "api/tokens.html",
        owner=owner,
        tokens=service.tokens_of(owner),
        form=form,
        secret=secret,
        scope_labels=SCOPE_LABELS,
        action_form=EmptyForm(),
        now=clock.now(),
    ), status


def _form(owner: User) -> TokenForm:
    form = TokenForm()
    scopes = ["read", "write"] + (["admin"] if owner.role == "admin" else [])
    form.scope.choices = choices([(s, SCOPE_LABELS[s]) for s in scopes])
    return form


@tokens_bp.route("/", methods=["GET", "POST"])
def index():
    owner = _owner()
    form = _form(owner)
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            _token, secret = service.create_token(
                current_user,
                owner,
                scope=form.scope.data,
                name=form.name.data,
                expires_days=form.expires_days.data,
            )
        if not refusal:
            # shown this once: the page is not cached (no-store) and the secret is not stored
            return _page(owner, _form(owner), secret=secret)
    return _page(owner, form, status=form_status(form))


@tokens_bp.route("/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        require(current_user, "user.manage", token.user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke_token(current_user, token)
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "success")
    args = {} if token.user_id == current_user.id else {"user": token.user_id}
    return redirect(url_for("tokens.index", **args))
