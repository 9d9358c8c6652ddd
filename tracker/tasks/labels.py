"""Translated labels for task kinds, statuses, recurrences and workflow actions."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

KIND_LABELS = {
    "general": _l("General task"),
    "normative_review": _l("Legality review of normative documents"),
    "enforcement_cert": _l("Enforcement certification"),
    "legal_counsel": _l("Legal advisor"),
    "inspection": _l("Inspection"),
    "major_decision": _l("Major administrative decision"),
    "study": _l("Law study"),
    "publicity": _l("Law publicity"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "assigned": _l("Assigned"),
    "in_progress": _l("In progress"),
    "submitted": _l("Submitted for acceptance"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
RECURRENCE_LABELS = {
    "none": _l("Once"),
    "monthly": _l("Monthly"),
    "quarterly": _l("Quarterly"),
    "half-yearly": _l("Half-yearly"),
    "yearly": _l("Yearly"),
}
ACTION_LABELS = {
    "assign": _l("Assign"),
    "claim": _l("Acknowledge"),
    "progress": _l("Progress report"),
    "submit": _l("Apply for completion"),
    "accept": _l("Accept as done"),
    "return": _l("Return"),
    "cancel": lazy_pgettext("workflow action", "Cancel"),
    "owner": _l("Assign owner"),
}
CAUSE_OCCASION_LABELS = {
    "overdue": _l("Overdue"),
    "returned": _l("Returned"),
    "late_submission": _l("Applied for completion after the deadline"),
    "structural": _l("The year as a whole"),
}
PLAN_STATUS_LABELS = {
    "draft": _l("Draft"),
    "active": _l("Active"),
    "closed": lazy_pgettext("plan status", "Closed"),
}
