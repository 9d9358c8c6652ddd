"""Forms for unit administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.core.forms import choices

UNIT_KIND_LABELS = {
    "city": _l("City or county (above the bureaus)"),
    "bureau": _l("Bureau"),
    "section": _l("Section"),
    "subordinate": _l("Subordinate unit"),
}


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    aliases = StringField(
        _l("Abbreviations and aliases (comma-separated)"), validators=[Optional(), Length(max=300)]
    )
    kind = SelectField(_l("Kind"), choices=choices(UNIT_KIND_LABELS.items()))
    parent_id = SelectField(_l("Parent unit"), coerce=int)
    sort_order = IntegerField(
        _l("Order"), default=100, validators=[Optional(), NumberRange(min=0, max=100000)]
    )
