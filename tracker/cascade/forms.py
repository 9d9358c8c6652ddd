"""Forms of the cascade: decompose a city item, link an existing task, 申请不承担, the office's
answer and its consent to a later deadline."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.core.forms import choices


class DecomposeForm(FlaskForm):
    plan_id = SelectField(_l("Plan"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    text = TextAreaField(_l("Text"), validators=[Optional(), Length(max=5000)])
    lead_unit_id = SelectField(_l("Lead unit"), coerce=int, validators=[DataRequired()])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])


class LinkForm(FlaskForm):
    task_id = SelectField(_l("Existing task"), coerce=int, validators=[DataRequired()])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it is not your bureau's"), validators=[DataRequired(), Length(max=2000)]
    )


class ResolveForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("accept", _l("Agree (take the bureau off)")), ("reject", _l("Reject"))]),
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def validate_note(self, field) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Say why the request is rejected."))


class ConsentForm(FlaskForm):
    due = DateField(_l("Latest due date agreed"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
