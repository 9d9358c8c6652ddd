"""Forms of the city level: review a report, record its publication, the 考核 scheme, a
manual score."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, RadioField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.core.forms import choices
from tracker.upward import queries, scoring


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("accept", _l("Accept")), ("return", _l("Return for revision"))]),
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Notes for the bureau"), validators=[Optional(), Length(max=2000)])

    def validate_note(self, field) -> None:
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Say what is to be revised."))


class PublicationForm(FlaskForm):
    where = StringField(_l("Published where"), validators=[DataRequired(), Length(max=200)])
    url = StringField(
        _l("Link"), validators=[DataRequired(), Length(max=500), URL(require_tld=True)]
    )
    on = DateField(_l("Published on"), validators=[DataRequired()])


class SchemeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    indicators = TextAreaField(
        _l("Indicators (JSON)"), validators=[DataRequired(), Length(max=20000)]
    )

    def validate_indicators(self, field) -> None:
        try:
            scoring.normalise(json.loads(field.data), queries.statutory_keys())
        except ValueError as error:  # json.JSONDecodeError and SchemeError are ValueErrors
            raise ValidationError(
                _l("The indicators are not valid: %(why)s", why=str(error))
            ) from None

    @property
    def parsed(self) -> list:
        return json.loads(self.indicators.data)


class ManualScoreForm(FlaskForm):
    bureau = StringField(_l("Bureau"), validators=[DataRequired()])
    indicator = StringField(_l("Indicator"), validators=[DataRequired(), Length(max=40)])
    points = DecimalField(_l("Points"), validators=[DataRequired(), NumberRange(min=0, max=1000)])
    note = TextAreaField(_l("Why"), validators=[DataRequired(), Length(max=2000)])
    evidence = StringField(_l("Evidence"), validators=[Optional(), Length(max=500)])
