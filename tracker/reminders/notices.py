"""The notices the reminder policy calls for at a moment: whom to tell about which deadline."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import joinedload, selectinload

from tracker.accounts.models import User
from tracker.accounts.queries import chiefs_of, coordinators_of, users_in
from tracker.core import clock, workdays
from tracker.core.i18n import gettext, ngettext
from tracker.core.signals import reminders_settled
from tracker.core.urls import link_to
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import Certification, Inspection
from tracker.reminders.policy import policy_for
from tracker.reminders.rules import Rules, escalation_level, overdue_period, threshold_step
from tracker.tasks.lights import LightPolicy, light_of
from tracker.tasks.models import Task
from tracker.units.models import Unit

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


@dataclass
class Notice:
    recipient: User
    kind: str
    step: int
    key: str
    #: The page the notice points to (or a function that gives it, built for a written notice)
    link: str | Callable[[], str]
    light: str
    task_id: int | None = None
    record_id: int | None = None
    #: (title, body) in the recipient's language, rendered only for a notice about to be
    #: written (a rerun that writes nothing renders none).
    texts: Callable[[], tuple[str, str]] | None = None
    #: The notices a digest notice stands for (a leader's escalation digest: one per task), so
    #: that a work-chat robot hears of each task.
    parts: list[Notice] = field(default_factory=list)

    def rendered(self) -> tuple[str, str, str]:
        """(title, body, link) as written to the recipient: call it in the recipient's language
        (`in_their_languages`)."""
        link = self.link() if callable(self.link) else self.link
        if self.texts is None:
            return "", "", link
        return (*self.texts(), link)


def in_their_languages(notices: list[Notice]) -> Iterator[Notice]:
    """The notices, each given while its recipient's language is the current one: one switch of
    language per language, not per notice (42,000 switches took 1.5 s of a sweep at 100k)."""
    languages: dict[str, list[Notice]] = {}
    for notice in notices:
        languages.setdefault(locale_of(notice.recipient), []).append(notice)
    for language, theirs in languages.items():
        with force_locale(language):
            yield from theirs


def locale_of(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


class _People:
    """Who hears about what, looked up once per sweep."""

    def __init__(self):
        self._chiefs: dict[int, list[User]] = {}
        self._principals: dict[int, list[User]] = {}
        self._coordinators: dict[int, list[User]] = {}

    def chiefs(self, unit: Unit | None) -> list[User]:
        if unit is None:
            return []
        if unit.id not in self._chiefs:
            self._chiefs[unit.id] = chiefs_of(unit)
        return self._chiefs[unit.id]

    def principals(self, bureau: Unit) -> list[User]:
        if bureau.id not in self._principals:
            self._principals[bureau.id] = users_in(bureau, role="leader", principal=True)
        return self._principals[bureau.id]

    def coordinators(self, bureau: Unit) -> list[User]:
        if bureau.id not in self._coordinators:
            self._coordinators[bureau.id] = coordinators_of(bureau)
        return self._coordinators[bureau.id]

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
    gives (title, body), called in each recipient's language when the notice is written."""
    return [
        Notice(
            person,
            kind,
            step,
            key.format(uid=person.id),
            link,
            light,
            task_id=task_id,
            record_id=record_id,
            texts=texts,
        )
        for person in recipients
    ]


@dataclass(slots=True)
class _OpenTask:
    """What a reminder needs of an open task: its columns, and its people, unit and plan taken
    from maps loaded once (tens of thousands of tasks share a few dozen of each)."""

    id: int
    title: str
    status: str
    due_date: date
    start_date: date | None
    submitted_on: date | None
    owner: User | None
    supervisor: User | None
    lead_unit: Unit | None
    plan: Plan


def _open_tasks(due_by: date) -> list[_OpenTask]:
    """The open tasks due by `due_by` (later ones cannot be due soon yet)."""
    rows = db.session.execute(
        sa.select(
            Task.id,
            Task.title,
            Task.status,
            Task.due_date,
            Task.start_date,
            Task.submitted_on,
            Task.owner_id,
            Task.supervisor_id,
            Task.lead_unit_id,
            Task.plan_id,
        )
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.status == "active",
            Task.status.in_(("assigned", "in_progress")),
            Task.due_date.is_not(None),
            Task.due_date <= due_by,
            # a recurring task is reminded through its occurrences, each with its own date
            sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)),
            *(Task.id.not_in(ids) for _r, ids in reminders_settled.send(None) if ids is not None),
        )
        .order_by(Task.due_date, Task.id)
    ).all()
    rows = [tuple(row) for row in rows]
    user_ids = {r[6] for r in rows} | {r[7] for r in rows}
    users = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids - {None})))
    }
    units = {
        u.id: u
        for u in db.session.scalars(
            sa.select(Unit).where(Unit.id.in_({r[8] for r in rows} - {None}))
        )
    }
    plans = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Plan)
            .where(Plan.id.in_({r[9] for r in rows}))
            .options(selectinload(Plan.bureau))
        )
    }
    return [
        _OpenTask(
            task_id,
            title,
            status,
            due,
            start,
            submitted,
            users.get(owner),
            users.get(supervisor),
            units.get(unit),
            plans[plan],
        )
        for task_id, title, status, due, start, submitted, owner, supervisor, unit, plan in rows
    ]


#: A leader with more escalated tasks than this gets one digest a day instead of a notice each.
ESCALATION_DIGEST_AFTER = 5
#: The most overdue items a digest names.
DIGEST_WORST = 10


def _escalation_digest(items: list[tuple[Notice, int, _OpenTask]], today: date) -> Notice:
    """One notice for a leader to whom many tasks are escalated: the counts per step and the
    most overdue items, linking to the list of overdue tasks (once a day while it lasts)."""
    recipient = items[0][0].recipient
    worst = sorted(items, key=lambda item: (-item[1], item[2].id))[:DIGEST_WORST]
    by_level = {1: 0, 2: 0}
    for notice, _overdue, _task in items:
        by_level[notice.step] = by_level.get(notice.step, 0) + 1

    def texts():
        title = ngettext(
            "%(num)d overdue task is escalated to you",
            "%(num)d overdue tasks are escalated to you",
            len(items),
        )
        lines = [
            gettext(
                "Step 2 (principal): %(principal)d; step 1 (supervisor): %(supervisor)d.",
                principal=by_level.get(2, 0),
                supervisor=by_level.get(1, 0),
            ),
            gettext("The most overdue:"),
        ]
        for _notice, overdue, task in worst:
            lines.append(
                ngettext(
                    "%(title)s (%(unit)s): %(num)d working day overdue",
                    "%(title)s (%(unit)s): %(num)d working days overdue",
                    overdue,
                    title=task.title,
                    unit=task.lead_unit.name if task.lead_unit else "—",
                )
            )
        return title, "\n".join(lines)

    return Notice(
        recipient,
        "escalation",
        max(notice.step for notice, _overdue, _task in items),
        f"escalation_digest:u{recipient.id}:{today.isoformat()}",
        functools.partial(link_to, "home.index", light="red"),
        "red",
        texts=texts,
        parts=[notice for notice, _overdue, _task in items],
    )


def _bureaus() -> list[Unit]:
    return list(db.session.scalars(sa.select(Unit).where(Unit.kind == "bureau")))


class _Calendars:
    """Each bureau's working days (its own overrides over the deployment's), asked once per
    bureau and pair of days: a sweep counts a few hundred distinct due dates per bureau."""

    def __init__(self, today: date):
        self.today = today
        self._between = functools.cache(self._count)
        self._works = functools.cache(self._works_today)
        self._lights = functools.cache(self._light_policy)

    @staticmethod
    def _count(bureau_id: int, start: date, end: date) -> int:
        with workdays.calendar_of(bureau_id):
            return workdays.workdays_between(start, end)

    def _works_today(self, bureau_id: int) -> bool:
        with workdays.calendar_of(bureau_id):
            return workdays.is_workday(self.today)

    def _light_policy(self, bureau_id: int) -> LightPolicy:
        with workdays.calendar_of(bureau_id):
            return LightPolicy.current(self.today)

    def between(self, bureau: Unit, start: date, end: date) -> int:
        return self._between(bureau.id, start, end)

    def works_today(self, bureau: Unit) -> bool:
        """False on the bureau's day off: its tasks and records get no notice that day."""
        return self._works(bureau.id)

    def light_policy(self, bureau: Unit) -> LightPolicy:
        return self._lights(bureau.id)

    def add_workdays(self, bureau: Unit | None, n: int) -> date:
        with workdays.calendar_of(bureau):
            return workdays.add_workdays(self.today, n)


def _task_candidates(today: date, people: _People, rules_of, calendars: _Calendars) -> list[Notice]:
    bureaus = _bureaus()
    # the furthest a due-soon notice looks ahead, over every bureau's policy
    steps = [step for bureau in bureaus for step in rules_of(bureau).due_soon_steps]
    # (the last day with that many working days or fewer before it: weekends after it count),
    # over every bureau's calendar
    furthest = max([*steps, *Rules().due_soon_steps])
    horizon = max(calendars.add_workdays(b, furthest + 1) for b in [None, *bureaus])
    tasks = _open_tasks(horizon - timedelta(days=1))
    notices: list[Notice] = []
    #: recipient id -> their escalation notices of this sweep (with days overdue and the task)
    escalations: dict[int, list[tuple[Notice, int, _OpenTask]]] = {}
    #: plan id -> the local day it was published (None: not recorded)
    published: dict[int, date | None] = {}
    for task in tasks:
        bureau = task.plan.bureau
        if not calendars.works_today(bureau):
            continue
        rules = rules_of(bureau)
        light = light_of(task, calendars.light_policy(bureau))
        between = functools.partial(calendars.between, bureau)
        due = task.due_date
        link = functools.partial(link_to, "tasks.show", task_id=task.id)
        if due >= today:
            left = between(today, due)
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
        overdue = between(due, today)
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
        # a task published already overdue is escalated counting from the day of publishing:
        # the principal does not hear of it on that day
        plan = task.plan
        if plan.id not in published:
            published[plan.id] = (
                clock.to_local(plan.published_at).date() if plan.published_at else None
            )
        published_on = published[plan.id] or due
        level = escalation_level(between(max(due, published_on), today), rules)
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

        escalated = _addressed(
            recipients,
            "escalation",
            level,
            f"escalation:t{task.id}:u{{uid}}:{due}:l{level}",
            escalation_texts,
            link=link,
            light=light,
            task_id=task.id,
        )
        for notice in escalated:
            escalations.setdefault(notice.recipient.id, []).append((notice, overdue, task))
    for items in escalations.values():
        if len(items) <= ESCALATION_DIGEST_AFTER:
            notices += [notice for notice, _overdue, _task in items]
        else:
            notices.append(_escalation_digest(items, today))
    return notices


def _record_candidates(
    today: date, people: _People, rules_of, calendars: _Calendars
) -> list[Notice]:
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
        if not calendars.works_today(certificate.task.plan.bureau):
            continue
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
            link=link_to("records.show", record_id=certificate.id),
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
        bureau = inspection.task.plan.bureau
        if not calendars.works_today(bureau):
            continue
        rules = rules_of(bureau)
        due = inspection.rectification_due
        if due >= today:
            days = calendars.between(bureau, today, due)
            if days > rules.rectification_due_days:
                continue
            kind, step, light = "rectification_due", 0, "orange"
            key = f"rectification_due:r{inspection.id}:u{{uid}}:{due}"
        else:
            days = calendars.between(bureau, due, today)
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
            link=link_to("records.show", record_id=inspection.id),
            light=light,
            task_id=inspection.task_id,
            record_id=inspection.id,
        )
    return notices


def due_notices(now: datetime) -> list[Notice]:
    """Every notice the policy calls for at `now` (written or not); none on a non-working day."""
    today = clock.to_local(now).date()
    if not any_bureau_works(today):
        return []
    calendars = _Calendars(today)
    people = _People()
    rules_cache: dict[int, Rules] = {}

    def rules_of(bureau: Unit) -> Rules:
        if bureau.id not in rules_cache:
            rules_cache[bureau.id] = Rules.of(policy_for(bureau))
        return rules_cache[bureau.id]

    return _task_candidates(today, people, rules_of, calendars) + _record_candidates(
        today, people, rules_of, calendars
    )


def any_bureau_works(today: date) -> bool:
    """Whether `today` is a working day anywhere: in the deployment's calendar or in a bureau's
    or city's own (a day off everywhere sends nothing)."""
    if workdays.is_workday(today):
        return True
    units = db.session.scalars(sa.select(Unit).where(Unit.kind.in_(("bureau", "city"))))
    calendars = _Calendars(today)
    return any(calendars.works_today(unit) for unit in units)
