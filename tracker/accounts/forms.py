"""Forms for logging in, one's own account, and user administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from tracker.accounts.passwords import MAX_LENGTH
from tracker.core.forms import choices

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "coordinator": _l("Coordinator (legal office)"),
    "leader": _l("Leader"),
    "chief": _l("Section chief"),
    "staff": _l("Staff"),
    "viewer": _l("Viewer (read-only)"),
}

DIGEST_TIME_LABELS = {
    "morning": _l("Morning (about 08:30)"),
    "afternoon": _l("Afternoon (about 14:00)"),
}


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()
    #: A form typed before the session ended, to show again after this login (see core.drafts).
    draft = HiddenField()


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), validators=[DataRequired()])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    # Length and content rules live in the password policy (accounts.passwords), one message set.
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class _UserFields(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()])
    is_principal = BooleanField(_l("Principal leader (first responsible person)"))


class UserCreateForm(_UserFields):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=64)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])


class UserEditForm(_UserFields):
    pass


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])


class EmailPreferencesForm(FlaskForm):
    """One's own e-mail digest of reminders (saved by the reminders feature)."""

    is_email_enabled = BooleanField(_l("E-mail me a digest of my reminders"))
    digest_time = SelectField(
        _l("Digest time"), choices=choices(DIGEST_TIME_LABELS.items()), default="morning"
    )


RULE_MATCH_LABELS = {
    "department": _l("Department (unit attribute)"),
    "group": _l("Group membership"),
}


class DirectoryRuleForm(FlaskForm):
    """One mapping rule: a department or group of the directory → a unit and role in Duban."""

    position = IntegerField(
        _l("Order"), default=10, validators=[InputRequired(), NumberRange(min=0, max=9999)]
    )
    match = SelectField(_l("Match"), choices=choices(RULE_MATCH_LABELS.items()))
    value = StringField(_l("Department or group"), validators=[DataRequired(), Length(max=255)])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()])
    role = SelectField(
        _l("Role"),
        # administrators are always local accounts
        choices=choices((key, label) for key, label in ROLE_LABELS.items() if key != "admin"),
        default="staff",
    )
