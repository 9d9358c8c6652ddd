"""Forms for plans and sections."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class PlanForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    last_year = IntegerField(
        _l("Last year of a multi-year plan"),
        validators=[Optional(), NumberRange(min=2000, max=2100)],
    )
    document_number = StringField(
        _l("Document number (文号)"), validators=[Optional(), Length(max=100)]
    )


class SectionForm(FlaskForm):
    number = StringField(_l("Number"), validators=[Optional(), Length(max=20)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    parent_id = SelectField(_l("Under"), coerce=int)


class CopyPlanForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])


class PublishForm(FlaskForm):
    """The pre-flight check's confirmations: one checkbox per task it lists."""

    confirm = SelectMultipleField(
        _l("Publish these tasks as they are"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
