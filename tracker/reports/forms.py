"""Forms of the report page: a part's text, the signature, and the revision buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.core.forms import as_id


class PartForm(FlaskForm):
    text = TextAreaField(_l("Text of the part"), validators=[Length(max=50_000)])
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=300)])
    #: The revision the page showed (0: the generated text), so a later edit is not overwritten.
    revision = HiddenField()


class RevisionForm(FlaskForm):
    """POST-only buttons (return to the generated text, restore) with the revision shown."""

    revision = HiddenField()


class SignatureForm(FlaskForm):
    signatory = StringField(
        _l("Signed by (发文机关署名)"), validators=[Optional(), Length(max=200)]
    )
    signed_on = DateField(_l("Date (成文日期)"), validators=[Optional()])


class StructuralNoteForm(FlaskForm):
    """The coordinator's note on a shortcoming of the year as a whole (part 二 draws on it)."""

    cause = SelectField(_l("Cause"), validators=[Optional()], validate_choice=False)
    explanation = TextAreaField(
        _l("The shortcoming, as the report should say it"),
        validators=[Optional(), Length(max=2000)],
    )
    remedy = TextAreaField(
        _l("What will be done about it (optional)"), validators=[Optional(), Length(max=2000)]
    )


class CauseListForm(FlaskForm):
    """The bureau's own list of causes of delay, one a line."""

    labels = TextAreaField(
        _l("Causes units choose from (one a line)"), validators=[Length(max=2000)]
    )


def revision_id(form) -> int | None:
    return as_id(form.revision.data)


class ReportSettingsForm(FlaskForm):
    """How the bureau's reports speak, whatever the plan (tracker.reports.models.ReportSettings)."""

    short_name = StringField(
        _l("Short name in the text (简称)"), validators=[Optional(), Length(max=60)]
    )
    self_reference = StringField(
        _l("How the report refers to the bureau"), validators=[Optional(), Length(max=4)]
    )
    framing = TextAreaField(
        _l("Guiding clause of the opening"), validators=[Optional(), Length(max=500)]
    )
    addressee = StringField(_l("Addressed to (主送机关)"), validators=[Optional(), Length(max=100)])
    signatory = StringField(
        _l("Signed by, by default (发文机关署名)"), validators=[Optional(), Length(max=200)]
    )
