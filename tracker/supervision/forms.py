"""The 催办 form: an optional note to the lead unit."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class UrgeForm(FlaskForm):
    note = TextAreaField(
        _l("Note to the unit (optional)"), validators=[Optional(), Length(max=500)]
    )
