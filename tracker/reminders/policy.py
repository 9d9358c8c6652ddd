"""The reminder policy of a bureau and a user's e-mail preferences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext

from tracker.accounts.models import User
from tracker.audit.service import log_event
from tracker.core import clock, workdays
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.reminders.models import DIGEST_TIMES, ReminderPolicy
from tracker.reminders.rules import Rules, escalation_level
from tracker.tasks.lights import counted_as_its_bureau
from tracker.units.models import Unit


def policy_for(bureau: Unit | None) -> ReminderPolicy | None:
    if bureau is None:
        return None
    return db.session.scalar(sa.select(ReminderPolicy).where(ReminderPolicy.bureau_id == bureau.id))


#: g key: bureau id -> its Rules, for the rest of the request (a task page asks for them for
#: its escalation badge and for its 督办 level; a list once per overdue row).
_RULES_KEPT = "reminder_rules"


def rules_of(bureau: Unit) -> Rules:
    """The bureau's reminder rules, read once per request (save_policy forgets them)."""
    if not has_request_context():
        return Rules.of(policy_for(bureau))
    kept = g.setdefault(_RULES_KEPT, {})
    if bureau.id not in kept:
        kept[bureau.id] = Rules.of(policy_for(bureau))
    return kept[bureau.id]


def keep_rules_of(bureau_ids: Iterable[int]) -> None:
    """rules_of for several bureaus, read in one statement when several are not yet kept (a
    list of many bureaus' tasks)."""
    if not has_request_context():
        return
    kept = g.setdefault(_RULES_KEPT, {})
    missing = set(bureau_ids) - kept.keys()
    if len(missing) < 2:
        return
    policies = {
        p.bureau_id: p
        for p in db.session.scalars(
            sa.select(ReminderPolicy).where(ReminderPolicy.bureau_id.in_(missing))
        )
    }
    for bureau_id in missing:
        kept[bureau_id] = Rules.of(policies.get(bureau_id))


def overdue_escalation(task, today: date, rules: Rules | None = None) -> int:
    """The step the reminder sweep has escalated an overdue task to (0, 1 supervisor, 2
    principal), counted in working days of the task's bureau's calendar from the due date or,
    for a plan published late, from its publishing day: the task lists' badge, the task page
    and 督办 all ask here, so they name the step the notices name."""
    if task.status not in ("assigned", "in_progress") or task.due_date is None:
        return 0
    if task.due_date >= today:
        return 0
    rules = rules or rules_of(task.plan.bureau)
    published = task.plan.published_at
    start = max(task.due_date, clock.to_local(published).date() if published else task.due_date)
    with counted_as_its_bureau(task):
        return escalation_level(workdays.workdays_between(start, today), rules)


@dataclass
class PolicyData:
    due_soon_days: str
    overdue_repeat_days: int
    escalate_supervisor_days: int
    escalate_principal_days: int
    certificate_expiry_days: str
    rectification_due_days: int
    is_email_enabled: bool


def save_policy(actor, bureau: Unit, data: PolicyData) -> ReminderPolicy:
    """Create or change a bureau's reminder policy."""
    for name in ("due_soon_days", "certificate_expiry_days"):
        text = getattr(data, name)
        try:
            steps = ReminderPolicy.parse_days(text)
        except ValueError:
            steps = []
        if not steps:
            raise DomainError(
                gettext("Enter whole numbers of days separated by commas, e.g. 5,1."), name
            )
        setattr(data, name, ",".join(str(s) for s in steps))
    if data.overdue_repeat_days < 1:
        raise DomainError(gettext("Repeat at least every working day."), "overdue_repeat_days")
    if data.escalate_principal_days <= data.escalate_supervisor_days:
        raise DomainError(
            gettext("The principal leader hears after the supervisor: enter a larger number."),
            "escalate_principal_days",
        )
    policy = policy_for(bureau)
    before = policy.to_audit() if policy else None
    if policy is None:
        policy = ReminderPolicy(bureau_id=bureau.id)
        db.session.add(policy)
    for name, value in vars(data).items():
        setattr(policy, name, value)
    policy.updated_by_id = getattr(actor, "id", None)
    policy.updated_at = clock.now()
    db.session.flush()
    if has_request_context():
        g.pop(_RULES_KEPT, None)
    log_event(actor, "reminders.policy", policy, before=before, after=policy.to_audit())
    return policy


def email_is_on_for(user: User) -> bool:
    """Whether the user's bureau sends e-mail at all (no policy saved yet: the default, on)."""
    policy = policy_for(user.bureau)
    return policy is None or policy.is_email_enabled


def set_email_preferences(actor, user: User, *, is_email_enabled: bool, digest_time: str) -> None:
    """A user's choice of e-mail digests (on/off, morning or afternoon)."""
    if digest_time not in DIGEST_TIMES:
        raise DomainError(gettext("Choose morning or afternoon."), "digest_time")
    before = {"is_email_enabled": user.is_email_enabled, "digest_time": user.digest_time}
    user.is_email_enabled = is_email_enabled
    user.digest_time = digest_time
    db.session.flush()
    log_event(
        actor,
        "user.email_preferences",
        user,
        before=before,
        after={"is_email_enabled": is_email_enabled, "digest_time": digest_time},
    )
