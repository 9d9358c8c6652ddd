"""Readable names for the audit trail page: actions, object types and fields in the user's
language; ids of people, units and objects resolved to names and titles.

Names are looked up by table name (the audit row stores the base table of its object), so the
audit feature reads other features' tables without importing their packages: every feature
writes to the audit trail, and it must not depend on them in turn.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from tracker.core.i18n import join_names
from tracker.extensions import db

ACTION_LABELS = {
    "access.denied": _l("Access refused"),
    "advisor.create": _l("Legal advisor added"),
    "advisor.update": _l("Legal advisor changed"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Login failed"),
    "auth.login_refused_disabled": _l("Login refused: account disabled"),
    "auth.login_refused_locked": _l("Login refused: account locked"),
    "auth.lockout": _l("Account locked after failed logins"),
    "auth.logout": _l("Logged out"),
    "auth.directory_unavailable": _l("Login failed: directory unreachable"),
    "auth.login_refused_unmapped": _l("Directory login refused: no mapping rule"),
    "directory_rule.create": _l("Directory mapping rule added"),
    "directory_rule.update": _l("Directory mapping rule changed"),
    "directory_rule.delete": _l("Directory mapping rule removed"),
    "calendar.import_notice": _l("Holiday notice imported"),
    "calendar.remove": _l("Calendar day removed"),
    "calendar.revoke": _l("Calendar feed revoked"),
    "calendar.set": _l("Calendar day set"),
    "cascade.consent": _l("City office consented to a later deadline"),
    "cascade.decline": _l("Bureau asked not to carry a city item (申请不承担)"),
    "cascade.decompose": _l("City item decomposed into a bureau task"),
    "cascade.follow": _l("City item updated from its bureaus' tasks"),
    "cascade.resolve": _l("City office answered a request not to carry an item"),
    "cause.delete": _l("Cause of delay removed"),
    "cause.state": _l("Cause of delay stated"),
    "decision.step": _l("Decision step recorded"),
    "delay_causes.set": _l("Causes of delay list changed"),
    "evidence.add": _l("Evidence added"),
    "evidence.damaged": _l("Damaged evidence file found"),
    "evidence.link": _l("Evidence attached"),
    "evidence.review": _l("Evidence reviewed"),
    "evidence.supersede": _l("Evidence replaced by a new version"),
    "evidence.withdraw": _l("Evidence withdrawn"),
    "export.xlsx": _l("Plan workbook exported"),
    "export.zip": _l("Evidence archive exported"),
    "notification.read": _l("Notification read"),
    "outbox.retry": _l("Outbox message put back for sending"),
    "plan.close": _l("Plan closed"),
    "plan.copy": _l("Plan copied"),
    "plan.create": _l("Plan created"),
    "plan.import": _l("Plan imported"),
    "plan.publish": _l("Plan published"),
    "plan.update": _l("Plan changed"),
    "record.conflict": _l("Ledger record: conflicting edit refused"),
    "record.create": _l("Ledger record added"),
    "record.update": _l("Ledger record changed"),
    "record.void": _l("Ledger record voided"),
    "reminders.policy": _l("Reminder policy changed"),
    "reminders.sweep": _l("Reminders sent"),
    "report.conflict": _l("Annual report: conflicting edit refused"),
    "robot.create": _l("Work-chat robot added"),
    "robot.delete": _l("Work-chat robot deleted"),
    "robot.disable": _l("Work-chat robot disabled"),
    "robot.edit": _l("Work-chat robot changed"),
    "robot.enable": _l("Work-chat robot enabled"),
    "robot.test": _l("Test message to a work-chat robot queued"),
    "report.create": _l("Annual report drafted"),
    "report.edit": _l("Annual report edited"),
    "report.reset": _l("Annual report part reset"),
    "report.restore": _l("Annual report revision restored"),
    "report.signature": _l("Annual report signature set"),
    "report.settings": _l("Report settings changed"),
    "report.task": _l("Annual report task set"),
    "section.create": _l("Section added"),
    "section.delete": _l("Section deleted"),
    "section.move": _l("Section moved"),
    "section.update": _l("Section changed"),
    "task.accept": _l("Task accepted as done (办结)"),
    "task.assign": _l("Task assigned (交办)"),
    "task.assign_owner": _l("Person responsible named"),
    "task.cancel": _l("Task cancelled"),
    "task.claim": _l("Task claimed (签收)"),
    "task.conflict": _l("Task: conflicting edit refused"),
    "task.create": _l("Task created"),
    "task.delete": _l("Task deleted"),
    "task.move": _l("Task moved"),
    "task.progress": _l("Progress reported"),
    "task.recount": _l("Task figures recounted"),
    "task.refused": _l("Task step refused"),
    "task.return": _l("Task returned (退回)"),
    "task.roll_up": _l("Recurring task updated from its occurrences"),
    "task.submit": _l("Applied for completion (申请办结)"),
    "task.update": _l("Task changed"),
    "tasks.export": _l("Task list exported"),
    "unit.activate": _l("Unit activated"),
    "unit.create": _l("Unit created"),
    "unit.deactivate": _l("Unit deactivated"),
    "unit.update": _l("Unit changed"),
    "user.create": _l("User created"),
    "user.disable": _l("User disabled"),
    "user.email_preferences": _l("E-mail preferences changed"),
    "user.enable": _l("User enabled"),
    "user.password_change": _l("Password changed"),
    "user.update": _l("User changed"),
    # the city level (tracker.upward)
    "report.submit_upward": _l("Annual report submitted to the city office"),
    "report.return_upward": _l("Annual report returned for revision"),
    "report.accept_upward": _l("Annual report accepted by the city office"),
    "report.publish_upward": _l("Annual report publication recorded"),
    "assessment.scheme_save": _l("Assessment scheme saved"),
    "assessment.score_auto": _l("Assessment scored automatically"),
    "assessment.score_manual": _l("Assessment item scored by hand"),
}

OBJECT_LABELS = {
    "audit_events": _l("Audit event"),
    "evidence": _l("Evidence"),
    "evidence_links": _l("Evidence attachment"),
    "legal_advisors": _l("Legal advisor"),
    "notifications": _l("Notification"),
    "outbox_emails": _l("Outbox message"),
    "plans": _l("Plan"),
    "records": _l("Ledger record"),
    "reminder_policies": _l("Reminder policy"),
    "robot_webhooks": _l("Work-chat robot"),
    "report_drafts": _l("Annual report"),
    "report_settings": _l("Report settings"),
    "sections": _l("Section"),
    "tasks": _l("Task"),
    "cascade_shares": _l("Bureau share of a city item"),
    "units": _l("Unit"),
    "users": _l("User"),
    "calendar_days": _l("Calendar day"),
    "calendar_feeds": _l("Calendar feed"),
    "cause_statements": _l("Cause of delay"),
    "decision_steps": _l("Decision step"),
    "directory_rules": _l("Directory mapping rule"),
    "report_submissions": _l("Report submission"),
    "assessment_schemes": _l("Assessment scheme"),
    "assessment_scores": _l("Assessment score"),
}

FIELD_LABELS = {
    "achieved_count": _l("Achieved"),
    "advice": _l("Advice"),
    "aliases": _l("Aliases"),
    "attendee_count": _l("Attendees"),
    "attendees": _l("Attendees"),
    "auth_source": _l("Logs in with"),
    "baseline_value": _l("Baseline value"),
    "baseline_year": _l("Baseline year"),
    "bureau_id": _l("Bureau"),
    "case_number": _l("Case number"),
    "category": _l("Category"),
    "cause": _l("Cause"),
    "chaired_by_id": _l("Chaired by"),
    "chaired_by_name": _l("Chaired by"),
    "co_unit_ids": _l("Co-units"),
    "conclusion": _l("Conclusion"),
    "consulted_on": _l("Consulted on"),
    "content_type": _l("File type"),
    "deadline_text": _l("Deadline as written"),
    "departments": _l("Departments in the directory"),
    "directory_rule_id": _l("Directory mapping rule"),
    "dn": _l("Directory entry (DN)"),
    "decided_on": _l("Decided on"),
    "display_name": _l("Name"),
    "document_number": _l("Document number"),
    "document_title": _l("Document"),
    "drafting_unit": _l("Drafting unit"),
    "due_date": _l("Due date"),
    "email": _l("E-mail"),
    "evidence_id": _l("Evidence"),
    "evidence_ids": _l("Evidence"),
    "explanation": _l("Explanation"),
    "format": _l("Format"),
    "groups": _l("Groups in the directory"),
    "held_on": _l("Held on"),
    "holder_name": _l("Holder"),
    "holder_user_id": _l("Holder"),
    "is_active": _l("Active"),
    "is_enabled": _l("Enabled"),
    "is_signed": _l("Signed"),
    "is_adopted": _l("Adopted"),
    "is_continuous": _l("Continuous"),
    "is_disabled": _l("Disabled"),
    "is_due_date_past_confirmed": _l("Past due date confirmed"),
    "is_filed": _l("Filed for the record"),
    "is_principal": _l("Principal leader"),
    "is_principal_duty": _l("Principal duty"),
    "is_void": _l("Void"),
    "kind": _l("Kind"),
    "lead_unit_id": _l("Lead unit"),
    "list": _l("List"),
    "match": _l("Match"),
    "locale": _l("Language"),
    "matter": _l("Matter"),
    "name": _l("Name"),
    "note": _l("Note"),
    "note_text": _l("Note"),
    "number": _l("Number"),
    "occasion": _l("Occasion"),
    "original_name": _l("File name"),
    "owner_id": _l("Person responsible"),
    "parent_id": _l("Parent unit"),
    "permission": _l("Permission"),
    "plan": _l("Plan"),
    "plan_id": _l("Plan"),
    "position": _l("Position"),
    "preflight": _l("Pre-flight check"),
    "progress": _l("Progress"),
    "published_on": _l("Published on"),
    "published_url": _l("Published at"),
    "reason": _l("Reason"),
    "record_id": _l("Ledger record"),
    "recurrence": _l("Recurrence"),
    "remedy": _l("Remedy"),
    "report_task_id": _l("Report task"),
    "result_statement": _l("Result (成效)"),
    "review_note": _l("Review note"),
    "review_status": _l("Review"),
    "reviewed_on": _l("Reviewed on"),
    "role": _l("Role"),
    "section_id": _l("Section"),
    "session_id": _l("Session"),
    "session_kind": _l("Session kind"),
    "sha256": _l("SHA-256"),
    "signatory": _l("Signatory"),
    "short_name": _l("Short name"),
    "self_reference": _l("Self-reference"),
    "framing": _l("Guiding clause"),
    "addressee": _l("Addressee"),
    "signed_on": _l("Signed on"),
    "size": _l("Size"),
    "source": _l("Checked by"),
    "start_date": _l("Start date"),
    "status": _l("Status"),
    "step": _l("Step"),
    "summary": _l("Summary"),
    "superseded_by_id": _l("Replaced by"),
    "supervisor_id": _l("Supervising leader"),
    "target_count": _l("Target"),
    "target_measure": _l("Measure"),
    "task_id": _l("Task"),
    "tasks": _l("Tasks"),
    "text": _l("Text"),
    "title": _l("Title"),
    "topic": _l("Topic"),
    "unit_id": _l("Unit"),
    "url": _l("Address"),
    "username": _l("User name"),
    "value": _l("Value"),
    "withdraw_reason": _l("Reason for withdrawing"),
    "year": _l("Year"),
}

VALUE_LABELS = {
    "assigned": _l("Assigned"),
    "in_progress": _l("In progress"),
    "submitted": _l("Submitted"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
    "draft": _l("Draft"),
    "active": _l("Active"),
    "closed": _l("Closed"),
    "pending": _l("Pending review"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
    "cascade_decomposed": _l("A bureau decomposed the item"),
    "cascade_bureaus_done": _l(
        "Every lead bureau's tasks are done: the city office is asked to accept the item"
    ),
    "cascade_reopened": _l("A bureau task was reopened: the item is in progress again"),
    "cascade_progress": _l("Progress of the bureaus' tasks"),
    "local": _l("Local password"),
    "ldap": _l("Directory (LDAP)"),
}

#: Fields whose value is the id of a row of this table, and the column that names that row.
REFERENCE_FIELDS = {
    "owner_id": "users",
    "supervisor_id": "users",
    "holder_user_id": "users",
    "chaired_by_id": "users",
    "lead_unit_id": "units",
    "unit_id": "units",
    "parent_id": "units",
    "bureau_id": "units",
    "co_unit_ids": "units",
    "plan_id": "plans",
    "section_id": "sections",
    "task_id": "tasks",
    "report_task_id": "tasks",
    "evidence_id": "evidence",
    "evidence_ids": "evidence",
    "superseded_by_id": "evidence",
}

#: The column that names a row of each table (what the page shows instead of its id).
NAME_COLUMNS = {
    "users": "display_name",
    "units": "name",
    "plans": "title",
    "sections": "title",
    "tasks": "title",
    "evidence": "title",
    "legal_advisors": "name",
}


def raw_json(event) -> str:
    """The event as stored (without its hashes), for readers who want the codes and ids."""
    payload = {
        "id": event.id,
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "outcome": event.outcome,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_label(object_type: str | None) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type or ""))


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


class Names:
    """Names of the people, units and objects a page of audit events refers to, looked up with
    one query per table."""

    def __init__(self, events: Iterable) -> None:
        wanted: dict[str, set[int]] = defaultdict(set)
        for event in events:
            if event.actor_id is not None:
                wanted["users"].add(event.actor_id)
            if event.object_type in NAME_COLUMNS and (event.object_id or "").isdigit():
                wanted[event.object_type].add(int(event.object_id))
            for data in (event.before, event.after):
                if not isinstance(data, dict):
                    continue
                for key, table in REFERENCE_FIELDS.items():
                    for ident in _ids(data.get(key)):
                        wanted[table].add(ident)
        self._names: dict[str, dict[int, str]] = {}
        for table, ids in wanted.items():
            name_column = NAME_COLUMNS.get(table)
            if not ids or name_column is None:
                continue
            rows = sa.table(table, sa.column("id"), sa.column(name_column))
            found = db.session.execute(
                sa.select(rows.c.id, rows.c[name_column]).where(rows.c.id.in_(sorted(ids)))
            )
            self._names[table] = {ident: name or f"#{ident}" for ident, name in found}

    def of(self, table: str, ident) -> str | None:
        """The name of row `ident` of `table`, or None when it is unknown (deleted, or no id)."""
        try:
            return self._names.get(table, {}).get(int(ident))
        except (TypeError, ValueError):
            return None

    def value(self, key: str, value) -> str:
        """A field's value as a reader wants it: names for ids, labels for codes."""
        table = REFERENCE_FIELDS.get(key)
        if table is not None and value is not None:
            names = [self.of(table, ident) or f"#{ident}" for ident in _ids(value)]
            return join_names(names) if names else "—"
        if isinstance(value, bool):
            return str(_l("yes") if value else _l("no"))
        if value is None or value == "":
            return "—"
        if isinstance(value, str) and value in VALUE_LABELS:
            return str(VALUE_LABELS[value])
        if isinstance(value, str) and key == "permission":
            return value
        if isinstance(value, list):
            return join_names(value)
        return str(value)


def _ids(value) -> list[int]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str) and value.isdigit():
        return [int(value)]
    if isinstance(value, list | tuple):
        return [v for item in value for v in _ids(item)]
    return []
