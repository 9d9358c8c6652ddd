"""Forms for the holiday calendar."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.core.forms import choices
from tracker.holidays.service import NOTE_MAX_LENGTH

DAY_KIND_LABELS = {
    "off": _l("Day off (holiday)"),
    "work": _l("Working day (e.g. make-up working day)"),
}


class CalendarDayForm(FlaskForm):
    # InputRequired, not DataRequired: DataRequired would replace "Not a valid date value."
    # with "This field is required." when the date cannot be parsed.
    day = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind of day"), choices=choices(DAY_KIND_LABELS.items()), default="off")
    note = StringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX_LENGTH)], default="")

    @property
    def is_workday(self) -> bool:
        return self.kind.data == "work"


class NoticeForm(FlaskForm):
    """The State Council's holiday notice, pasted as text (preview first, then confirm)."""

    text = TextAreaField(
        _l("Text of the notice"), validators=[InputRequired(), Length(max=20_000)], default=""
    )
    confirmed = HiddenField(default="")
