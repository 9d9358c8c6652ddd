"""Forms for editing tasks, reporting progress and the workflow actions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.core.forms import choices
from tracker.tasks.labels import KIND_LABELS, RECURRENCE_LABELS

NONE = 0


class TaskForm(FlaskForm):
    version = HiddenField()
    section_id = SelectField(_l("Plan section"), coerce=int)
    number = StringField(_l("Number"), validators=[Optional(), Length(max=20)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    text = TextAreaField(_l("Full text"), validators=[Optional(), Length(max=20000)])
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()))
    lead_unit_id = SelectField(_l("Lead unit"), coerce=int)
    co_unit_ids = SelectMultipleField(_l("Co-units"), coerce=int)
    owner_id = SelectField(_l("Owner"), coerce=int)
    supervisor_id = SelectField(_l("Supervising leader"), coerce=int)
    start_date = DateField(_l("Start date"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    confirm_past_due = BooleanField(
        _l("The due date has already passed and I mean it (the task is marked so)")
    )
    is_continuous = BooleanField(_l("Continuous (长期坚持): no due date"))
    deadline_text = StringField(
        _l("Deadline as worded in the plan"), validators=[Optional(), Length(max=100)]
    )
    recurrence = SelectField(_l("Recurrence"), choices=choices(RECURRENCE_LABELS.items()))
    target_count = IntegerField(
        _l("Target count"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    target_measure = StringField(
        _l("Measure word (e.g. 次, 份, 人)"), validators=[Optional(), Length(max=20)]
    )
    achieved_count = IntegerField(
        _l("Achieved so far"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    is_principal_duty = BooleanField(_l("Duty of the principal leader (第一责任人职责)"))
    result_statement = TextAreaField(
        _l("Result statement (成效) for the annual report"),
        validators=[Optional(), Length(max=5000)],
    )


class CauseFields:
    """The cause of a delay: chosen from the bureau's list, a sentence, the remedy."""

    cause = SelectField(_l("Cause"), validators=[Optional()], validate_choice=False)
    cause_explanation = TextAreaField(
        _l("What held the work up"), validators=[Optional(), Length(max=2000)]
    )
    cause_remedy = TextAreaField(
        _l("What will be done about it"), validators=[Optional(), Length(max=2000)]
    )


class ProgressForm(FlaskForm):
    version = HiddenField()
    progress = IntegerField(
        _l("Progress (%)"),
        validators=[InputRequired(message=_l("Enter a percentage.")), NumberRange(min=0, max=100)],
    )
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=5000)])


class TransitionForm(CauseFields, FlaskForm):
    """One form for every workflow action; which fields matter depends on the action (the cause
    fields: applying for completion after the deadline)."""

    version = HiddenField()
    note = TextAreaField(_l("Note or reason"), validators=[Optional(), Length(max=5000)])
    result_statement = TextAreaField(
        _l("Result statement (成效)"), validators=[Optional(), Length(max=5000)]
    )


class CauseForm(CauseFields, FlaskForm):
    """Stating why an overdue or returned task fell behind."""

    version = HiddenField()


class OwnerForm(FlaskForm):
    version = HiddenField()
    owner_id = SelectField(_l("Owner"), coerce=int)
