"""Forms of the reminders feature: the bureau's policy and its work-chat robots (a user's e-mail
preferences are columns of the user: accounts.forms.EmailPreferencesForm)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from tracker.core.forms import choices


class PolicyForm(FlaskForm):
    due_soon_days = StringField(
        _l("Due-soon notices, working days before the due date"),
        validators=[InputRequired(), Length(max=50)],
    )
    overdue_repeat_days = IntegerField(
        _l("Repeat overdue notices every … working days"),
        validators=[InputRequired(), NumberRange(min=1, max=60)],
    )
    escalate_supervisor_days = IntegerField(
        _l("Escalate to the supervisor after … working days overdue"),
        validators=[InputRequired(), NumberRange(min=1, max=250)],
    )
    escalate_principal_days = IntegerField(
        _l("Escalate to the principal leader after … working days overdue"),
        validators=[InputRequired(), NumberRange(min=1, max=250)],
    )
    certificate_expiry_days = StringField(
        _l("Certificate expiry notices, days before expiry"),
        validators=[InputRequired(), Length(max=50)],
    )
    rectification_due_days = IntegerField(
        _l("Rectification notices, working days before it is due"),
        validators=[InputRequired(), NumberRange(min=0, max=60)],
    )
    is_email_enabled = BooleanField(_l("Send e-mail digests"))


class RobotForm(FlaskForm):
    """A work-chat group robot of a bureau or a unit (choices set by the view)."""

    unit_id = SelectField(_l("Bureau or unit"), coerce=int, validators=[InputRequired()])
    kind = SelectField(
        _l("Work chat"),
        choices=choices(
            [
                ("dingtalk", _l("DingTalk (钉钉) custom robot")),
                ("wecom", _l("WeCom (企业微信) group robot")),
                ("feishu", _l("Feishu (飞书) custom bot")),
            ]
        ),
        validators=[InputRequired()],
    )
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)])
    url = StringField(_l("Webhook address"), validators=[InputRequired(), Length(max=500)])
    secret = PasswordField(_l("Signing secret"), validators=[Length(max=200)])
    clear_secret = BooleanField(_l("Remove the signing secret"))
    is_enabled = BooleanField(_l("Send reminders to this robot"), default=True)
