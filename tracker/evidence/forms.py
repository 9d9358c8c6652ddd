"""Forms for attaching, withdrawing, replacing and reviewing evidence."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.core.forms import choices


class TargetForm(FlaskForm):
    """Names the task or the record the evidence goes to, and the page to return to."""

    task = HiddenField()
    record = HiddenField()
    next = HiddenField()


class UploadForm(TargetForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])


class LinkForm(TargetForm):
    url = StringField(_l("Web address"), validators=[DataRequired(), Length(max=2000)])
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])


class NoteForm(TargetForm):
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=300)])
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=5000)])


class LinkExistingForm(TargetForm):
    evidence_id = SelectField(_l("Evidence already in the system"), coerce=int)


class WithdrawForm(FlaskForm):
    next = HiddenField()
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class SupersedeForm(FlaskForm):
    next = HiddenField()
    file = FileField(_l("New version"), validators=[FileRequired(_l("Choose a file to upload."))])


class ReviewForm(FlaskForm):
    next = HiddenField()
    verdict = SelectField(
        _l("Verdict"),
        choices=choices([("verified", _l("Verified")), ("rejected", _l("Rejected"))]),
    )
    note = TextAreaField(
        _l("Note (required when rejecting)"), validators=[Optional(), Length(max=5000)]
    )
