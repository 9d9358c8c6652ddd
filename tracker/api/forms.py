"""The form to create a personal access token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.api.service import MAX_EXPIRY_DAYS

SCOPE_LABELS = {
    "read": _l("Read only"),
    "write": _l("Read and write"),
    "admin": _l("Administration"),
}


class TokenForm(FlaskForm):
    name = StringField(_l("Name (what it is for)"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(_l("Scope"), choices=[], validate_choice=True)
    expires_days = IntegerField(
        _l("Expires after (days)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_EXPIRY_DAYS)],
        default=90,
    )
