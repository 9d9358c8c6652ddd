"""Notices (催办): in-app notifications, the level-triggered reminder sweep and its digests."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy.orm import joinedload, selectinload

from tracker.accounts.models import User
from tracker.audit.service import SystemActor, log_event
from tracker.core import clock, workdays
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import Certification, Inspection
from tracker.reminders import digest
from tracker.reminders.models import DIGEST_TIMES, Notification, ReminderPolicy
from tracker.reminders.outbox import insert_ignoring_conflict, queue_email
from tracker.reminders.rules import Rules, escalation_level, overdue_period, threshold_step
from tracker.tasks.lights import LightPolicy, light_of
from tracker.tasks.models import Task
from tracker.units.models import Unit

log = logging.getLogger(__name__)

#: Notices the sweep writes (the others — assigned, returned, evidence_rejected, … — are
#: written by the action that caused them).
SWEEP_KINDS = (
    "due_soon",
    "overdue",
    "escalation",
    "cert_expiry",
    "rectification_due",
    "rectification_overdue",
)
#: A digest carries unread notices up to this old; older ones stay in the app only.
DIGEST_WINDOW = timedelta(days=7)
SWEEPER = SystemActor(username="scheduler:reminders")


def notify(
    recipient,
    kind: str,
    title: str,
    *,
    body: str = "",
    link: str = "",
    task=None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Add a notification for `recipient` (in the current transaction).

    With `dedupe_key`, a notification already written under that key is not written again.
    """
    if dedupe_key is not None:
        exists = db.session.scalar(
            sa.select(Notification.id).where(Notification.dedupe_key == dedupe_key)
        )
        if exists:
            return None
    notification = Notification(
        recipient_id=recipient.id,
        kind=kind,
        title=title[:300],
        body=body,
        link=link,
        task_id=getattr(task, "id", None),
        dedupe_key=dedupe_key,
        created_at=clock.now(),
    )
    db.session.add(notification)
    log.info("notify %s: %s (%s)", recipient.username, kind, title)
    return notification


def mark_read(user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ids is None); return how many."""
    query = sa.update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(notification_ids))
    marked = db.session.execute(query.values(read_at=clock.now())).rowcount or 0
    if marked:
        log_event(
            user,
            "notification.read",
            ("user", user.id),
            after={"count": marked, "ids": notification_ids},
        )
    return marked


def unread_count(user) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.recipient_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


# -- the policy -------------------------------------------------------------------------------


def policy_for(bureau: Unit | None) -> ReminderPolicy | None:
    if bureau is None:
        return None
    return db.session.scalar(sa.select(ReminderPolicy).where(ReminderPolicy.bureau_id == bureau.id))


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
    log_event(actor, "reminders.policy", policy, before=before, after=policy.to_audit())
    return policy


def email_is_on_for(user: User) -> bool:
    """Whether the user's bureau sends e-mail at all (no policy saved yet: the default, on)."""
    policy = policy_for(user.unit.bureau or user.unit)
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


# -- the sweep --------------------------------------------------------------------------------


@dataclass
class Notice:
    recipient: User
    kind: str
    step: int
    key: str
    title: str
    body: str
    link: str
    light: str
    task_id: int | None = None
    record_id: int | None = None


@dataclass
class SweepReport:
    notifications: int = 0
    emails: int = 0
    by_kind: Counter = field(default_factory=Counter)
    is_working_day: bool = True

    def as_dict(self) -> dict:
        return {
            "notifications": self.notifications,
            "emails": self.emails,
            "by_kind": dict(sorted(self.by_kind.items())),
        }


def _locale_of(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


class _People:
    """Who hears about what, looked up once per sweep."""

    def __init__(self):
        self._chiefs: dict[int, list[User]] = {}
        self._principals: dict[int, list[User]] = {}
        self._coordinators: dict[int, list[User]] = {}

    def chiefs(self, unit: Unit | None) -> list[User]:
        from tracker.tasks.service import chiefs_of

        if unit is None:
            return []
        if unit.id not in self._chiefs:
            self._chiefs[unit.id] = chiefs_of(unit)
        return self._chiefs[unit.id]

    def _of_bureau(self, cache: dict, bureau: Unit, *where) -> list[User]:
        if bureau.id not in cache:
            cache[bureau.id] = list(
                db.session.scalars(
                    sa.select(User)
                    .join(Unit, User.unit_id == Unit.id)
                    .where(User.is_disabled.is_(False), Unit.path.startswith(bureau.path), *where)
                    .order_by(User.id)
                )
            )
        return cache[bureau.id]

    def principals(self, bureau: Unit) -> list[User]:
        return self._of_bureau(
            self._principals, bureau, User.role == "leader", User.is_principal.is_(True)
        )

    def coordinators(self, bureau: Unit) -> list[User]:
        return self._of_bureau(self._coordinators, bureau, User.role == "coordinator")

    def responsible(self, task: Task) -> list[User]:
        """The task's owner and its lead unit's chief (owner first, no one twice)."""
        people: dict[int, User] = {}
        if task.owner is not None and not task.owner.is_disabled:
            people[task.owner.id] = task.owner
        for chief in self.chiefs(task.lead_unit):
            people.setdefault(chief.id, chief)
        return list(people.values())


def _addressed(
    recipients,
    kind: str,
    step: int,
    key: str,
    texts,
    *,
    link: str,
    light: str,
    task_id: int | None,
    record_id: int | None = None,
) -> list[Notice]:
    """One notice per recipient: `key` has a `{uid}` slot for the recipient, and `texts()`
    gives (title, body), called in each recipient's language."""
    notices = []
    for person in recipients:
        with force_locale(_locale_of(person)):
            title, body = texts()
        notices.append(
            Notice(
                person,
                kind,
                step,
                key.format(uid=person.id),
                title,
                body,
                link,
                light,
                task_id=task_id,
                record_id=record_id,
            )
        )
    return notices


def _task_candidates(today: date, people: _People, rules_of) -> list[Notice]:
    tasks = db.session.scalars(
        sa.select(Task)
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.status == "active",
            Task.status.in_(("assigned", "in_progress")),
            Task.due_date.is_not(None),
            # a recurring task is reminded through its occurrences, each with its own date
            sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)),
        )
        .options(
            joinedload(Task.owner),
            joinedload(Task.supervisor),
            joinedload(Task.lead_unit),
            joinedload(Task.plan).joinedload(Plan.bureau),
        )
        .order_by(Task.due_date, Task.id)
    ).unique()
    light_policy = LightPolicy.current(today)
    notices: list[Notice] = []
    for task in tasks:
        rules = rules_of(task.plan.bureau)
        light = light_of(task, light_policy)
        due = task.due_date
        link = f"/tasks/{task.id}"
        if due >= today:
            left = workdays.workdays_between(today, due)
            step = threshold_step(left, rules.due_soon_steps)
            if step is None:
                continue

            def due_soon_texts(task=task, left=left, due=due):
                if left == 0:
                    title = gettext("Due today: %(title)s", title=task.title)
                else:
                    title = ngettext(
                        "Due in %(num)d working day: %(title)s",
                        "Due in %(num)d working days: %(title)s",
                        left,
                        title=task.title,
                    )
                return title, gettext("Due date: %(date)s", date=due.isoformat())

            notices += _addressed(
                people.responsible(task),
                "due_soon",
                step,
                f"due_soon:t{task.id}:u{{uid}}:{due}:s{step}",
                due_soon_texts,
                link=link,
                light=light,
                task_id=task.id,
            )
            continue
        overdue = workdays.workdays_between(due, today)
        period = overdue_period(overdue, rules.overdue_repeat_days)
        if period is None:  # due on Friday, today is the weekend or a holiday after it
            continue

        def overdue_texts(task=task, overdue=overdue, due=due):
            title = ngettext(
                "Overdue by %(num)d working day: %(title)s",
                "Overdue by %(num)d working days: %(title)s",
                overdue,
                title=task.title,
            )
            return title, gettext("Due date: %(date)s", date=due.isoformat())

        notices += _addressed(
            people.responsible(task),
            "overdue",
            period,
            f"overdue:t{task.id}:u{{uid}}:{due}:p{period}",
            overdue_texts,
            link=link,
            light=light,
            task_id=task.id,
        )
        level = escalation_level(overdue, rules)
        if level == 0:
            continue
        bureau = task.plan.bureau
        if level == 1:
            recipients = (
                [task.supervisor]
                if task.supervisor is not None and not task.supervisor.is_disabled
                else people.coordinators(bureau)  # no supervisor named: the office steps in
            )
        else:
            recipients = people.principals(bureau)

        def escalation_texts(task=task, overdue=overdue, due=due, level=level):
            step_name = (
                gettext("step 1, supervisor") if level == 1 else gettext("step 2, principal")
            )
            title = ngettext(
                "Escalated (%(step)s): %(title)s is %(num)d working day overdue",
                "Escalated (%(step)s): %(title)s is %(num)d working days overdue",
                overdue,
                step=step_name,
                title=task.title,
            )
            body = gettext(
                "Due date: %(date)s. Lead unit: %(unit)s. Owner: %(owner)s.",
                date=due.isoformat(),
                unit=task.lead_unit.name if task.lead_unit else "—",
                owner=task.owner.display_name if task.owner else "—",
            )
            return title, body

        notices += _addressed(
            recipients,
            "escalation",
            level,
            f"escalation:t{task.id}:u{{uid}}:{due}:l{level}",
            escalation_texts,
            link=link,
            light=light,
            task_id=task.id,
        )
    return notices


def _record_candidates(today: date, people: _People, rules_of) -> list[Notice]:
    notices: list[Notice] = []

    def with_task(relationship):
        # whom to tell and which bureau's policy applies, without a query per record
        return joinedload(relationship).options(
            joinedload(Task.owner),
            joinedload(Task.lead_unit),
            joinedload(Task.plan).joinedload(Plan.bureau),
        )

    certificates = db.session.scalars(
        sa.select(Certification)
        .where(
            Certification.is_void.is_(False),
            Certification.revoked_on.is_(None),
            Certification.expires_on.is_not(None),
            Certification.expires_on >= today,
        )
        .options(with_task(Certification.task))
        .order_by(Certification.expires_on, Certification.id)
    ).unique()
    for certificate in certificates:
        rules = rules_of(certificate.task.plan.bureau)
        left = (certificate.expires_on - today).days
        step = threshold_step(left, rules.certificate_steps)
        if step is None:
            continue
        recipients = list(people.responsible(certificate.task))
        holder = certificate.holder_user
        if holder is not None and not holder.is_disabled and holder not in recipients:
            recipients.append(holder)

        def certificate_texts(certificate=certificate, left=left):
            title = ngettext(
                "Enforcement certificate of %(holder)s expires in %(num)d day",
                "Enforcement certificate of %(holder)s expires in %(num)d days",
                left,
                holder=certificate.holder_name,
            )
            body = gettext(
                "Certificate %(number)s expires on %(date)s.",
                number=certificate.certificate_number,
                date=certificate.expires_on.isoformat(),
            )
            return title, body

        notices += _addressed(
            recipients,
            "cert_expiry",
            step,
            f"cert_expiry:r{certificate.id}:u{{uid}}:{certificate.expires_on}:s{step}",
            certificate_texts,
            link=f"/records/{certificate.id}",
            light="orange" if step == min(rules.certificate_steps) else "yellow",
            task_id=certificate.task_id,
            record_id=certificate.id,
        )
    inspections = db.session.scalars(
        sa.select(Inspection)
        .where(
            Inspection.is_void.is_(False),
            Inspection.rectification_due.is_not(None),
            Inspection.rectified_on.is_(None),
        )
        .options(with_task(Inspection.task))
        .order_by(Inspection.rectification_due, Inspection.id)
    ).unique()
    for inspection in inspections:
        rules = rules_of(inspection.task.plan.bureau)
        due = inspection.rectification_due
        if due >= today:
            days = workdays.workdays_between(today, due)
            if days > rules.rectification_due_days:
                continue
            kind, step, light = "rectification_due", 0, "orange"
            key = f"rectification_due:r{inspection.id}:u{{uid}}:{due}"
        else:
            days = workdays.workdays_between(due, today)
            period = overdue_period(days, rules.overdue_repeat_days)
            if period is None:
                continue
            kind, step, light = "rectification_overdue", period, "red"
            key = f"rectification_overdue:r{inspection.id}:u{{uid}}:{due}:p{period}"

        def rectification_texts(inspection=inspection, kind=kind, days=days, due=due):
            if kind == "rectification_due":
                title = ngettext(
                    "Rectification due in %(num)d working day: %(target)s",
                    "Rectification due in %(num)d working days: %(target)s",
                    days,
                    target=inspection.target_organisation,
                )
            else:
                title = ngettext(
                    "Rectification overdue by %(num)d working day: %(target)s",
                    "Rectification overdue by %(num)d working days: %(target)s",
                    days,
                    target=inspection.target_organisation,
                )
            return title, gettext("Rectification due: %(date)s", date=due.isoformat())

        notices += _addressed(
            people.responsible(inspection.task),
            kind,
            step,
            key,
            rectification_texts,
            link=f"/records/{inspection.id}",
            light=light,
            task_id=inspection.task_id,
            record_id=inspection.id,
        )
    return notices


def due_notices(now: datetime) -> list[Notice]:
    """Every notice the policy calls for at `now` (written or not); none on a non-working day."""
    today = clock.to_local(now).date()
    if not workdays.is_workday(today):
        return []
    people = _People()
    rules_cache: dict[int, Rules] = {}

    def rules_of(bureau: Unit) -> Rules:
        if bureau.id not in rules_cache:
            rules_cache[bureau.id] = Rules.of(policy_for(bureau))
        return rules_cache[bureau.id]

    return _task_candidates(today, people, rules_of) + _record_candidates(today, people, rules_of)


def _write_notice(notice: Notice, now: datetime) -> int | None:
    return insert_ignoring_conflict(
        db.session,
        Notification,
        {
            "recipient_id": notice.recipient.id,
            "kind": notice.kind,
            "dedupe_key": notice.key,
            "task_id": notice.task_id,
            "record_id": notice.record_id,
            "step": notice.step,
            "light": notice.light,
            "title": notice.title[:300],
            "body": notice.body,
            "link": notice.link,
            "created_at": now,
        },
        "dedupe_key",
    )


def _digest_slot(now: datetime) -> str:
    return "morning" if clock.to_local(now).hour < 12 else "afternoon"


def _email_bureaus_off() -> set[int]:
    return set(
        db.session.scalars(
            sa.select(ReminderPolicy.bureau_id).where(ReminderPolicy.is_email_enabled.is_(False))
        )
    )


def queue_digests(now: datetime) -> int:
    """Queue one digest e-mail per user with unread notices not yet e-mailed, for the users
    whose digest time is now; each notice is claimed by exactly one digest."""
    slot = _digest_slot(now)
    cutoff = now - DIGEST_WINDOW
    waiting = (
        sa.select(Notification.recipient_id)
        .where(
            Notification.email_id.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= cutoff,
        )
        .distinct()
    )
    users = db.session.scalars(
        sa.select(User)
        .where(
            User.id.in_(waiting),
            User.is_disabled.is_(False),
            User.is_email_enabled.is_(True),
            User.email.is_not(None),
            User.email != "",
            User.digest_time == slot,
        )
        .order_by(User.id)
    ).all()
    bureaus_off = _email_bureaus_off()
    queued = 0
    for user in users:
        bureau_id = user.unit.bureau_id or user.unit_id
        if bureau_id in bureaus_off:
            continue
        email = queue_email(db.session, recipient=user, subject="…", text="…", now=now)
        claimed = list(
            db.session.scalars(
                sa.update(Notification)
                .where(
                    Notification.recipient_id == user.id,
                    Notification.email_id.is_(None),
                    Notification.read_at.is_(None),
                    Notification.created_at >= cutoff,
                )
                .values(email_id=email.id)
                .returning(Notification.id)
            )
        )
        if not claimed:  # a parallel sweep claimed them first
            db.session.delete(email)
            db.session.flush()
            continue
        notices = db.session.scalars(
            sa.select(Notification)
            .where(Notification.id.in_(claimed))
            .options(selectinload(Notification.task))
            .order_by(Notification.id)
        ).all()
        with force_locale(_locale_of(user)):
            content = digest.render(user, notices, now)
        email.subject = content.subject[:300]
        email.text_body = content.text
        email.html_body = content.html
        queued += 1
    db.session.flush()
    return queued


def run_reminders(now: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
    """The sweep: write every notice due at `now` once, then queue the digests (flushes; the
    caller commits). A second or parallel run writes nothing new; a missed run is made up."""
    now = now or clock.now()
    report = SweepReport()
    today = clock.to_local(now).date()
    if not workdays.is_workday(today):
        report.is_working_day = False
        return report
    notices = due_notices(now)
    if dry_run:
        keys = [n.key for n in notices]
        taken = set()
        for start in range(0, len(keys), 500):
            taken.update(
                db.session.scalars(
                    sa.select(Notification.dedupe_key).where(
                        Notification.dedupe_key.in_(keys[start : start + 500])
                    )
                )
            )
        fresh = [n for n in notices if n.key not in taken]
        report.notifications = len(fresh)
        report.by_kind.update(n.kind for n in fresh)
        recipients = {
            n.recipient.id
            for n in fresh
            if n.recipient.email
            and n.recipient.is_email_enabled
            and n.recipient.digest_time == _digest_slot(now)
        }
        report.emails = len(recipients)
        return report
    for notice in notices:
        if _write_notice(notice, now) is not None:
            report.notifications += 1
            report.by_kind[notice.kind] += 1
    report.emails = queue_digests(now)
    if report.notifications or report.emails:
        log_event(SWEEPER, "reminders.sweep", None, after=report.as_dict())
        log.info("reminders: %s", report.as_dict())
    return report


def reminders_for_task(task: Task) -> list[Notification]:
    """The reminders written about a task (newest first), for its page."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.task_id == task.id, Notification.kind.in_(SWEEP_KINDS))
            .options(joinedload(Notification.recipient))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
    )
