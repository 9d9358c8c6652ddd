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
    CONTRACT_CONCLUSION_LABELS,
    DELIVERY_KIND_LABELS,
    ENFORCEMENT_ACTION_LABELS,
    EVALUATION_LABELS,
    INSPECTION_KIND_LABELS,
    INSTANCE_LABELS,
    JUDGMENT_LABELS,
    LAW_REPORT_FORUM_LABELS,
    OUTCOME_LABELS,
    PUFA_FORM_LABELS,
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


class EnforcementCaseForm(RecordForm):
    case_number = _text(_l("Case number"), 100)
    party = _text(_l("Party (当事人)"), 200, required=True)
    matter = _text(_l("Matter (案由)"), required=True)
    action_kind = SelectField(
        _l("Kind of enforcement"), choices=choices(ENFORCEMENT_ACTION_LABELS.items())
    )
    officers = _text(_l("Officers and certificate numbers"))
    is_officers_certified = BooleanField(_l("Every officer held a valid certificate (持证执法)"))
    opened_on = _date(_l("Opened on"), required=True)
    decided_on = _date(_l("Decided on"))
    decision = _text(_l("Enforcement decision"))
    is_pre_publicized = BooleanField(_l("Published beforehand: body, powers, basis (事前公示)"))
    is_id_shown = BooleanField(_l("Certificates shown during enforcement (事中公示)"))
    published_on = _date(_l("Decision published on (事后公示)"))
    is_fully_recorded = BooleanField(_l("Whole procedure recorded (全过程记录)"))
    is_major = BooleanField(_l("Major enforcement decision (重大执法决定)"))
    legal_review_on = _date(_l("Legal review on (法制审核)"))
    legal_reviewer = _text(_l("Legal reviewer"), 100)
    legal_review_opinion = _area(_l("Legal review opinion"))


class CaseFileReviewForm(RecordForm):
    reviewed_case = _text(_l("File reviewed (case number and matter)"), required=True)
    reviewed_on = _date(_l("Reviewed on"), required=True)
    reviewers = _text(_l("Reviewers"))
    score = DecimalField(
        _l("Score (out of 100)"),
        places=1,
        validators=[DataRequired(), NumberRange(min=0, max=100)],
    )
    pass_mark = DecimalField(
        _l("Pass mark"), places=1, default=60, validators=[DataRequired(), NumberRange(0, 100)]
    )
    problems = _area(_l("Problems found in the file"))
    rectified_on = _date(_l("Rectified on"))


class PufaDutyForm(RecordForm):
    item = _text(_l("Item of the list"), required=True)
    laws = _text(_l("Laws and regulations publicised"))
    audience = _text(_l("Audience"), 200)
    measures = _area(_l("Measures"))
    responsible_unit_id = SelectField(_l("Responsible unit"), coerce=int)
    listed_on = _date(_l("Listed on"), required=True)


class PufaActivityForm(RecordForm):
    held_on = _date(_l("Held on"), required=True)
    title = _text(_l("Activity"), required=True)
    activity_form = SelectField(_l("Form"), choices=choices(PUFA_FORM_LABELS.items()))
    location = _text(_l("Venue"), 200)
    audience_count = IntegerField(
        _l("Audience (people reached)"), validators=[Optional(), NumberRange(min=0, max=10**7)]
    )
    duty_id = SelectField(_l("Item of the responsibility list"), coerce=int)


class LawReportForm(RecordForm):
    held_on = _date(_l("Held on"), required=True)
    forum = SelectField(_l("Forum"), choices=choices(LAW_REPORT_FORUM_LABELS.items()))
    speaker_id = SelectField(_l("Who reported"), coerce=int)
    speaker_name = _text(_l("Who reported (if not a user)"), 100)
    speaker_title = _text(_l("Position"), 100)
    topic = _text(_l("Subject of the report"), required=True)
    evaluated_by = _text(_l("Evaluated by"), 200)
    evaluation = SelectField(_l("Evaluation"), choices=choices(EVALUATION_LABELS.items()))
    comments = _area(_l("Comments of the evaluators"))


class ContractReviewForm(RecordForm):
    contract_title = _text(_l("Contract"), required=True)
    counterparty = _text(_l("Other party"), 200)
    amount = DecimalField(
        _l("Amount (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    drafting_unit = _text(_l("Drafting unit"), 100)
    received_on = _date(_l("Received for review on"))
    reviewed_on = _date(_l("Reviewed on"))
    reviewer = _text(_l("Reviewer"), 100)
    conclusion = SelectField(_l("Conclusion"), choices=choices(CONTRACT_CONCLUSION_LABELS.items()))
    opinion = _area(_l("Review opinion"))
    signed_on = _date(_l("Signed on"))


class ReportDeliveryForm(RecordForm):
    delivery_kind = SelectField(
        _l("Submitted or published"), choices=choices(DELIVERY_KIND_LABELS.items())
    )
    report_year = IntegerField(
        _l("Report on the year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)]
    )
    recipient = _text(_l("Submitted to / published in"), 200, required=True)
    delivered_on = _date(_l("Submitted or published on"), required=True)
    receipt = _text(_l("Receipt (number or who signed for it)"))
    receipt_on = _date(_l("Receipt dated"))
    published_url = _text(_l("Published at (web address)"), 500)


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
    "enforcement_case": EnforcementCaseForm,
    "case_file_review": CaseFileReviewForm,
    "pufa_duty": PufaDutyForm,
    "pufa_activity": PufaActivityForm,
    "law_report": LawReportForm,
    "contract_review": ContractReviewForm,
    "report_delivery": ReportDeliveryForm,
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
