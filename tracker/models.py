"""Import every model so SQLAlchemy's registry and Alembic see the whole schema."""

from tracker.accounts.models import DirectoryRule, LoginAttempt, User, UserSession
from tracker.api.models import ApiToken
from tracker.audit.models import AuditEvent
from tracker.cascade.models import CascadeShare
from tracker.core.drafts import FormDraft
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.exports.models import CalendarFeed, ExportJob
from tracker.holidays.models import CalendarDay
from tracker.ops.models import JobHeartbeat
from tracker.plans.models import Plan, Section
from tracker.records.models import (
    Certification,
    Consultation,
    Decision,
    DecisionStep,
    DocumentReview,
    Inspection,
    LegalAdvisor,
    Metric,
    Record,
    StudySession,
)
from tracker.reminders.models import Notification, OutboxEmail, ReminderPolicy
from tracker.reports.models import ReportDraft, ReportRevision
from tracker.supervision.models import SupervisionNotice, Urge
from tracker.tasks.models import Task, TaskUpdate
from tracker.units.models import Unit
from tracker.upward.models import AssessmentScheme, AssessmentScore, ReportSubmission

__all__ = [
    "AssessmentScheme",
    "AssessmentScore",
    "ApiToken",
    "DirectoryRule",
    "AuditEvent",
    "CalendarFeed",
    "CascadeShare",
    "ExportJob",
    "Certification",
    "Consultation",
    "Decision",
    "DecisionStep",
    "DocumentReview",
    "Evidence",
    "EvidenceLink",
    "FormDraft",
    "Inspection",
    "JobHeartbeat",
    "LegalAdvisor",
    "LoginAttempt",
    "Metric",
    "Record",
    "StudySession",
    "SupervisionNotice",
    "CalendarDay",
    "Notification",
    "OutboxEmail",
    "ReminderPolicy",
    "ReportDraft",
    "ReportRevision",
    "Plan",
    "Section",
    "Task",
    "TaskUpdate",
    "Unit",
    "Urge",
    "ReportSubmission",
    "User",
    "UserSession",
]
