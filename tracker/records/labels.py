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
CERTIFICATE_STATUS_LABELS = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
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
