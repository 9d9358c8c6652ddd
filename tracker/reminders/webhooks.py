"""Work-chat group robots (钉钉, 企业微信, 飞书): their configuration per bureau and per unit, and
the reminders queued for them in the outbox.

A robot of a unit hears of the reminders about the tasks that unit leads; a robot of a bureau of
those about every task of the bureau's plans. The sweep hands over the notices it wrote; each
deadline step of a task (whoever was told of it) goes to each robot once, claimed in
`robot_claims`, in one message per robot and sweep. The outbox delivers them with the e-mails.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from tracker.audit.service import log_event
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.core.permissions import scope_unit
from tracker.core.urls import external_url, site_origin
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders import digest
from tracker.reminders.models import OutboxEmail, RobotClaim, RobotWebhook
from tracker.reminders.notices import SWEEP_KINDS, Notice
from tracker.reminders.outbox import insert_many_ignoring_conflict, queue_robot_message
from tracker.reminders.robots import KINDS, TEXT_LIMIT, url_problem
from tracker.tasks.models import Task
from tracker.units.models import Unit

KIND_LABELS = {"dingtalk": "钉钉", "wecom": "企业微信", "feishu": "飞书"}
#: The notice kinds a robot hears of: the sweep's deadline reminders and escalations (a
#: person's own notices — assigned, returned, … — stay theirs).
ROBOT_NOTICE_KINDS = SWEEP_KINDS
_RECIPIENT = re.compile(r":u\d+(?=:|$)")


# -- configuration -----------------------------------------------------------------------------


def units_for(user) -> list[Unit]:
    """The active bureaus and units whose robots `user` administers: their bureau (a city
    administrator: every bureau of the city) and below. A city node itself takes no robot:
    reminders are about a bureau's tasks."""
    scope = scope_unit(user)
    return list(
        db.session.scalars(
            sa.select(Unit)
            .where(
                Unit.path.startswith(scope.path),
                Unit.is_active.is_(True),
                Unit.kind != "city",
            )
            .order_by(Unit.path)
        )
    )


def robots_for(user) -> list[RobotWebhook]:
    """The robots of the units in `user`'s scope, by unit."""
    scope = scope_unit(user)
    return list(
        db.session.scalars(
            sa.select(RobotWebhook)
            .join(Unit, RobotWebhook.unit_id == Unit.id)
            .where(Unit.path.startswith(scope.path))
            .order_by(Unit.path, RobotWebhook.name, RobotWebhook.id)
        )
    )


@dataclass
class RobotData:
    unit: Unit
    kind: str
    name: str
    url: str
    #: None keeps the stored secret (an edit form never shows it); "" removes it.
    secret: str | None
    is_enabled: bool


def _checked(data: RobotData) -> RobotData:
    if data.kind not in KINDS:
        raise DomainError(gettext("Choose 钉钉, 企业微信 or 飞书."), "kind")
    name = data.name.strip()
    if not name:
        raise DomainError(gettext("Give the robot a name."), "name")
    url = data.url.strip()
    problem = url_problem(url)
    if problem is not None:
        raise DomainError(
            gettext(
                "Enter the robot's webhook address starting with https:// or http://, "
                "e.g. https://oapi.dingtalk.com/robot/send?access_token=…"
            ),
            "url",
        )
    if len(url) > 500:
        raise DomainError(gettext("The address is too long (at most 500 characters)."), "url")
    secret = data.secret.strip() if data.secret is not None else None
    return RobotData(data.unit, data.kind, name[:100], url, secret, data.is_enabled)


def save_robot(actor, robot: RobotWebhook | None, data: RobotData) -> RobotWebhook:
    """Add a robot (`robot` None) or change one; audited with the address's token masked."""
    data = _checked(data)
    before = robot.to_audit() if robot is not None else None
    if robot is None:
        robot = RobotWebhook(secret="")
        db.session.add(robot)
    robot.unit_id = data.unit.id
    robot.unit = data.unit
    robot.kind = data.kind
    robot.name = data.name
    robot.url = data.url
    if data.secret is not None:
        robot.secret = data.secret
    robot.is_enabled = data.is_enabled
    robot.updated_at = clock.now()
    robot.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    log_event(
        actor,
        "robot.create" if before is None else "robot.edit",
        robot,
        before=before,
        after=robot.to_audit(),
    )
    return robot


def set_enabled(actor, robot: RobotWebhook, is_enabled: bool) -> None:
    before = robot.to_audit()
    robot.is_enabled = is_enabled
    robot.updated_at = clock.now()
    robot.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    log_event(actor, "robot.enable" if is_enabled else "robot.disable", robot, before=before)


def delete_robot(actor, robot: RobotWebhook) -> None:
    """Remove a robot; its messages stay in the outbox (those not yet sent fail for good)."""
    before = robot.to_audit()
    log_event(actor, "robot.delete", robot, before=before)
    db.session.execute(
        sa.update(OutboxEmail).where(OutboxEmail.robot_id == robot.id).values(robot_id=None)
    )
    db.session.execute(sa.delete(RobotClaim).where(RobotClaim.robot_id == robot.id))
    db.session.delete(robot)
    db.session.flush()


# -- messages ------------------------------------------------------------------------------------


def queue_test(actor, robot: RobotWebhook) -> OutboxEmail | None:
    """A test message to `robot`, sent by the next delivery run (within a minute)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = gettext("Duban test message")
        text = gettext(
            "This group will receive Duban's deadline reminders and escalations. Sent by %(name)s.",
            name=getattr(actor, "display_name", "") or getattr(actor, "username", ""),
        )
    message = queue_robot_message(db.session, robot=robot, title=title, text=text, kind="test")
    log_event(actor, "robot.test", robot, after={"outbox_id": message.id if message else None})
    return message


def _event_key(notice: Notice) -> str:
    """What a notice is about, whoever it was addressed to (its key without the recipient)."""
    return _RECIPIENT.sub("", notice.key)


def _md(text: str) -> str:
    """Text safe inside a Markdown link's label."""
    return text.replace("[", "［").replace("]", "］").replace("\n", " ")


@dataclass
class _Event:
    key: str
    notice: Notice
    lead_unit_id: int | None
    bureau_id: int


def _events(notices: list[Notice]) -> list[_Event]:
    """The deadline steps the notices tell of, once each, with the task's lead unit and bureau."""
    expanded = [part for n in notices for part in (n.parts or [n])]
    wanted = [n for n in expanded if n.kind in ROBOT_NOTICE_KINDS and n.task_id is not None]
    units: dict[int, tuple[int | None, int]] = {}
    ids = sorted({n.task_id for n in wanted})
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            sa.select(Task.id, Task.lead_unit_id, Plan.bureau_id)
            .join(Plan, Task.plan_id == Plan.id)
            .where(Task.id.in_(ids[start : start + 500]))
        )
        units.update({task_id: (lead, bureau) for task_id, lead, bureau in rows})
    events: dict[str, _Event] = {}
    for notice in wanted:
        key = _event_key(notice)
        if key not in events and notice.task_id in units:
            events[key] = _Event(key, notice, *units[notice.task_id])
    return list(events.values())


def _message(robot: RobotWebhook, events: list[_Event]) -> tuple[str, str]:
    """(title, Markdown text) of one robot's digest: the steps grouped by light, worst first,
    cut short (with a link to the rest) before the robots' size limits."""
    origin = site_origin()
    groups: dict[str, list[str]] = {light: [] for light in digest.GROUP_ORDER}
    for event in events:
        notice = event.notice
        # in the deployment's language (the caller's force_locale), not a recipient's
        title, body = notice.texts() if notice.texts is not None else ("", "")
        link = notice.link() if callable(notice.link) else notice.link
        light = notice.light if notice.light in digest.GROUP_ORDER else "other"
        line = f"- [{_md(title)}]({origin}{link})"
        if body:
            line += f" {_md(body)}"
        groups[light].append(line)
    red = len(groups["red"])
    if red:
        title = ngettext(
            "[Duban] %(num)d reminder for %(unit)s (%(overdue)d overdue)",
            "[Duban] %(num)d reminders for %(unit)s (%(overdue)d overdue)",
            len(events),
            unit=robot.unit.name,
            overdue=red,
        )
    else:
        title = ngettext(
            "[Duban] %(num)d reminder for %(unit)s",
            "[Duban] %(num)d reminders for %(unit)s",
            len(events),
            unit=robot.unit.name,
        )
    lines: list[str] = []
    left = len(events)
    size = 0
    for light in digest.GROUP_ORDER:
        if not groups[light]:
            continue
        heading = f"**{digest.group_label(light)} ({len(groups[light])})**"
        for index, line in enumerate(groups[light]):
            addition = ([heading] if index == 0 else []) + [line]
            cost = sum(len(part) + 1 for part in addition)
            if size + cost > TEXT_LIMIT and lines:
                break
            lines += addition
            size += cost
            left -= 1
        else:
            continue
        break
    if left:
        lines.append(
            gettext("… and %(num)d more: %(url)s", num=left, url=external_url("home.index"))
        )
    return title, "\n".join(lines)


def queue_robot_digests(notices: list[Notice], now: datetime) -> int:
    """Queue, for each enabled robot, one message with the deadline steps of `notices` (those
    a sweep just wrote) about the tasks its unit leads or its bureau plans, each step claimed
    for the robot once ever; returns how many messages were queued."""
    robots = list(
        db.session.scalars(
            sa.select(RobotWebhook)
            .where(RobotWebhook.is_enabled.is_(True))
            .order_by(RobotWebhook.id)
        )
    )
    if not robots or not notices:
        return 0
    events = _events(notices)
    queued = 0
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for robot in robots:
            mine = {
                f"r{robot.id}:{e.key}"[:250]: e
                for e in events
                if robot.unit_id in (e.lead_unit_id, e.bureau_id)
            }
            if not mine:
                continue
            claimed = insert_many_ignoring_conflict(
                db.session,
                RobotClaim,
                [{"key": key, "robot_id": robot.id, "created_at": now} for key in mine],
                "key",
                RobotClaim.key,
            )
            if not claimed:  # told already (by an earlier sweep, or a parallel one)
                continue
            chosen = [mine[key] for key in sorted(claimed)]
            title, text = _message(robot, chosen)
            digest_key = hashlib.sha256("\n".join(sorted(claimed)).encode()).hexdigest()[:40]
            if queue_robot_message(
                db.session,
                robot=robot,
                title=title,
                text=text,
                dedupe_key=f"robot:r{robot.id}:{digest_key}",
                now=now,
            ):
                queued += 1
    return queued
