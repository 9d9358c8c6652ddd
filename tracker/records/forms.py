"""One form per record kind; field names are the model's column names."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.core.forms import choices
from tracker.records.labels import (
    CATEGORY_LABELS,
    CONCLUSION_LABELS,
    INSPECTION_KIND_LABELS,
    INSTANCE_LABELS,
    JUDGMENT_LABELS,
    OUTCOME_LABELS,
    STUDY_KIND_LABELS,
)


def _text(label, max_length=300, required=False):
    validators = [DataRequired()] if required else [Optional()]
    return StringField(label, validators=[*validators, Length(max=max_length)])


def _date(label, required=False):
    return DateField(label, validators=[DataRequired() if required else Optional()])


def _area(label, required=False):
    return TextAreaField(
        label, validators=[DataRequired() if required else Optional(), Length(max=20000)]
    )


class RecordForm(FlaskForm):
    version = HiddenField()

    #: Fields that are not model columns.
    NON_DATA = ("csrf_token", "version")

    def data_for_model(self) -> dict:
        data = {}
        for field in self:
            if field.name in self.NON_DATA:
                continue
            value = field.data
            if isinstance(value, str):
                value = value.strip()
            data[field.name] = value
        return data


class DocumentReviewForm(RecordForm):
    document_title = _text(_l("Document title"), required=True)
    drafting_unit = _text(_l("Drafting unit"), 100)
    on_behalf_of = _text(_l("Drafted on behalf of (e.g. 代市委、市政府起草)"), 100)
    received_on = _date(_l("Received on"))
    reviewed_on = _date(_l("Reviewed on"), required=True)
    reviewer = _text(_l("Reviewer"), 100)
    conclusion = SelectField(_l("Conclusion"), choices=choices(CONCLUSION_LABELS.items()))
    opinion = _area(_l("Review opinion"))
    published_on = _date(_l("Published on"))
    published_url = _text(_l("Published at (web address)"), 500)
    is_filed = BooleanField(_l("Filed for the record (备案)"))
    filed_on = _date(_l("Filed on"))


class CertificationForm(RecordForm):
    holder_name = _text(_l("Holder"), 100, required=True)
    certificate_number = _text(_l("Certificate number"), 50, required=True)
    enforcement_field = _text(_l("Enforcement field"), 100)
    exam_passed_on = _date(_l("Exam passed on"))
    issued_on = _date(_l("Issued on"), required=True)
    expires_on = _date(_l("Expires on"))
    revoked_on = _date(_l("Revoked on"))
    revoke_reason = _text(_l("Reason for revocation"))


class ConsultationForm(RecordForm):
    advisor_id = SelectField(_l("Legal advisor"), coerce=int)
    consulted_on = _date(_l("Date"), required=True)
    matter = _text(_l("Matter"), required=True)
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS.items()))
    advice = _area(_l("Advice given"))
    is_adopted = BooleanField(_l("Advice adopted"), default=True)


class InspectionForm(RecordForm):
    target_organisation = _text(_l("Inspected organisation"), 200, required=True)
    inspection_kind = SelectField(
        _l("Kind of inspection"), choices=choices(INSPECTION_KIND_LABELS.items())
    )
    planned_on = _date(_l("Planned on"))
    done_on = _date(_l("Done on"))
    inspectors = _text(_l("Inspectors"))
    findings = _area(_l("Findings"))
    problem_count = IntegerField(
        _l("Problems found"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    rectification_due = _date(_l("Rectification due"))
    rectified_on = _date(_l("Rectified on"))


class DecisionForm(RecordForm):
    decision_title = _text(_l("Decision"), required=True)
    decided_on = _date(_l("Decided on (collective discussion)"))


class StudySessionForm(RecordForm):
    session_kind = SelectField(_l("Kind"), choices=choices(STUDY_KIND_LABELS.items()))
    held_on = _date(_l("Held on"), required=True)
    topic = _text(_l("Topic"), required=True)
    chaired_by_id = SelectField(_l("Chaired by"), coerce=int)
    chaired_by_name = _text(_l("Chaired by (if not a user)"), 100)
    attendees = _area(_l("Attendees"))
    attendee_count = IntegerField(
        _l("Number of attendees"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )


class MetricForm(RecordForm):
    name = _text(_l("Metric"), 200, required=True)
    measure = _text(_l("Unit of measure (e.g. 元, 人, 张, %)"), 20)
    value = DecimalField(_l("Value"), places=None, validators=[DataRequired()])
    as_of = _date(_l("As of"), required=True)
    baseline_value = DecimalField(_l("Baseline value"), places=None, validators=[Optional()])
    baseline_year = IntegerField(
        _l("Baseline year"), validators=[Optional(), NumberRange(min=1949, max=2100)]
    )


class ReconsiderationForm(RecordForm):
    case_number = _text(_l("Case number"), 100)
    applicant = _text(_l("Applicant"), 200, required=True)
    reconsideration_body = _text(_l("Reconsideration body (复议机关)"), 200)
    contested_act = _text(_l("Contested act of the bureau"), required=True)
    received_on = _date(_l("Received on"), required=True)
    answered_on = _date(_l("Answer filed on"))
    decided_on = _date(_l("Decided on"))
    outcome = SelectField(_l("Decision"), choices=choices(OUTCOME_LABELS.items()))
    correction = _area(_l("Correction made by the bureau (after 纠错)"))
    corrected_on = _date(_l("Corrected on"))


class LitigationForm(RecordForm):
    case_number = _text(_l("Case number"), 100)
    plaintiff = _text(_l("Plaintiff"), 200, required=True)
    court = _text(_l("Court"), 200, required=True)
    cause = _text(_l("Cause of action (案由)"), required=True)
    instance = SelectField(_l("Instance"), choices=choices(INSTANCE_LABELS.items()))
    served_on = _date(_l("Statement of claim received on"), required=True)
    hearing_on = _date(_l("Hearing on"))
    further_hearings = _text(_l("Further hearing dates"))
    head_appeared = BooleanField(_l("The bureau's head appeared in court (负责人出庭)"))
    head_name = _text(_l("Head who appeared"), 100)
    judged_on = _date(_l("Judged on"))
    judgment = SelectField(_l("Judgment"), choices=choices(JUDGMENT_LABELS.items()))
    judicial_suggestion = _area(_l("Judicial suggestion (司法建议)"))
    suggestion_follow_up = _area(_l("Follow-up of the judicial suggestion"))
    suggestion_replied_on = _date(_l("Suggestion answered on"))


FORMS = {
    "document_review": DocumentReviewForm,
    "certification": CertificationForm,
    "consultation": ConsultationForm,
    "inspection": InspectionForm,
    "decision": DecisionForm,
    "study_session": StudySessionForm,
    "metric": MetricForm,
    "reconsideration": ReconsiderationForm,
    "litigation": LitigationForm,
}


class StepForm(FlaskForm):
    done_on = DateField(_l("Done on"), validators=[Optional()])
    evidence_ids = SelectMultipleField(
        _l("Evidence for this step"), coerce=int, validators=[Optional()]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    not_applicable_reason = StringField(
        _l("Not applicable because"), validators=[Optional(), Length(max=300)]
    )


class VoidForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class AdvisorForm(FlaskForm):
    firm = _text(_l("Law firm"), 200, required=True)
    person = _text(_l("Lawyer"), 100)
    contract_start = _date(_l("Contract from"), required=True)
    contract_end = _date(_l("Contract until"), required=True)
    fee = DecimalField(
        _l("Annual fee (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
