"""Translated labels of record kinds and their choices."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "document_review": _l("Legality reviews of normative documents"),
    "certification": _l("Enforcement certificates"),
    "consultation": _l("Legal advisor consultations"),
    "inspection": _l("Inspections"),
    "decision": _l("Major administrative decisions"),
    "study_session": _l("Study sessions and meetings"),
    "metric": _l("Metrics"),
    "reconsideration": _l("Administrative reconsideration cases"),
    "litigation": _l("Administrative lawsuits"),
    "enforcement_case": _l("Enforcement cases"),
    "case_file_review": _l("Enforcement file reviews"),
    "pufa_duty": _l("Legal publicity responsibility list"),
    "pufa_activity": _l("Legal publicity activities"),
    "law_report": _l("Leaders' reports on the rule of law (述法)"),
    "contract_review": _l("Legality reviews of contracts"),
    "report_delivery": _l("Annual report submission and publication"),
}
CONCLUSION_LABELS = {
    "lawful": _l("Lawful"),
    "lawful_after_revision": _l("Lawful after revision"),
    "unlawful": _l("Unlawful"),
}
CATEGORY_LABELS = {
    "litigation": _l("Administrative litigation"),
    "reconsideration": _l("Administrative reconsideration"),
    "petition": _l("Petition (信访)"),
    "document_drafting": _l("Document drafting"),
    "major_decision": _l("Major decision"),
    "contract": _l("Contract"),
    "other": _l("Other"),
}
INSPECTION_KIND_LABELS = {
    "random": _l("Random (双随机、一公开)"),
    "special": _l("Special"),
    "joint": _l("Joint"),
}
STEP_LABELS = {
    "public_participation": _l("Public participation"),
    "expert_review": _l("Expert review"),
    "risk_assessment": _l("Risk assessment"),
    "legality_review": _l("Legality review"),
    "collective_discussion": _l("Collective discussion"),
}
STUDY_KIND_LABELS = {
    "center_group": _l("Party group center-group study"),
    "party_group_meeting": _l("Party group meeting"),
    "collective_study": _l("Collective study"),
    "seminar": _l("Seminar"),
    "theme_day": _l("Theme day and warning education"),
    "lecture": _l("Lecture"),
    "training": _l("Training"),
}
OUTCOME_LABELS = {
    "": _l("Pending"),
    "upheld": _l("Upheld (维持)"),
    "revoked": _l("Revoked (撤销)"),
    "altered": _l("Altered (变更)"),
    "confirmed_unlawful": _l("Confirmed unlawful (确认违法)"),
    "rejected": _l("Application rejected (驳回)"),
    "terminated": _l("Terminated (终止)"),
}
JUDGMENT_LABELS = {
    "": _l("Pending"),
    "claim_rejected": _l("Claim rejected (驳回诉讼请求)"),
    "suit_dismissed": _l("Suit dismissed (驳回起诉)"),
    "withdrawn": _l("Withdrawn by the plaintiff (撤诉)"),
    "mediated": _l("Settled by mediation (调解)"),
    "revoked": _l("Act revoked (判决撤销)"),
    "altered": _l("Act altered (判决变更)"),
    "confirmed_unlawful": _l("Act confirmed unlawful (确认违法)"),
    "ordered_to_act": _l("Ordered to perform a duty (责令履行)"),
    "compensation": _l("Ordered to compensate (行政赔偿)"),
}
INSTANCE_LABELS = {
    "first": _l("First instance"),
    "second": _l("Second instance"),
    "retrial": _l("Retrial"),
}
CERTIFICATE_STATUS_LABELS = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}
ENFORCEMENT_ACTION_LABELS = {
    "penalty": _l("Administrative penalty (行政处罚)"),
    "licensing": _l("Administrative licensing (行政许可)"),
    "coercion": _l("Administrative coercion (行政强制)"),
    "inspection": _l("Administrative inspection (行政检查)"),
    "other": _l("Other"),
}
FILE_GRADE_LABELS = {
    "excellent": _l("Grade: excellent"),
    "passed": _l("Grade: passed"),
    "failed": _l("Grade: failed"),
}
PUFA_FORM_LABELS = {
    "lecture": _l("Lecture"),
    "street_consultation": _l("Street consultation stall"),
    "media": _l("Newspaper, radio or television"),
    "online": _l("Website, WeChat or other online channel"),
    "exhibition": _l("Exhibition boards and leaflets"),
    "training": _l("Training"),
    "outreach": _l("Law into communities, villages and organisations (法律进…)"),
    "other": _l("Other"),
}
LAW_REPORT_FORUM_LABELS = {
    "party_group_meeting": _l("Party group meeting"),
    "annual_review": _l("Annual assessment meeting"),
    "superior_review": _l("Review meeting of the higher authority"),
    "staff_meeting": _l("Meeting of all staff"),
    "written": _l("Written report"),
}
EVALUATION_LABELS = {
    "": _l("Not evaluated yet"),
    "excellent": _l("Excellent (好)"),
    "good": _l("Good (较好)"),
    "fair": _l("Fair (一般)"),
    "poor": _l("Poor (差)"),
}
CONTRACT_CONCLUSION_LABELS = {
    "": _l("Not reviewed"),
    "lawful": _l("Lawful"),
    "lawful_after_revision": _l("Lawful after revision"),
    "unlawful": _l("Unlawful"),
}
DELIVERY_KIND_LABELS = {
    "submitted": _l("Submitted (报送)"),
    "published": _l("Published (公开)"),
}
#: Which record kind a task of each task kind usually keeps.
DEFAULT_KIND_FOR_TASK = {
    "normative_review": "document_review",
    "enforcement_cert": "certification",
    "legal_counsel": "consultation",
    "inspection": "inspection",
    "major_decision": "decision",
    "study": "study_session",
}
