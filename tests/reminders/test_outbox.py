"""Digests and delivery: one e-mail per user per sweep, a real SMTP server on loopback,
backoff while SMTP is down, dead after the configured failures, never lost, never doubled."""

from __future__ import annotations

import socket
from datetime import date, timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.factories import make_plan, make_task
from tests.reminders.conftest import at, sweep
from tracker.core import clock
from tracker.extensions import db
from tracker.reminders import digest
from tracker.reminders.models import Notification, OutboxEmail
from tracker.reminders.outbox import deliver_pending, queue_email
from tracker.reminders.sweep import queue_digests


def free_port() -> int:
    # aiosmtpd cannot bind port 0 (it must know the port to check it is up): find one first
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    app_config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_port,
        SMTP_FROM="督办 <duban@example.org>",
        BASE_URL="http://duban.test",
        SMTP_TIMEOUT=2,
    )
    return app_config


@pytest.fixture
def smtp_server(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def second_task(holiday_task, reminder_org):
    """Another task for the same owner, due Fri 11 Oct (so due soon on 10 Oct)."""
    with clock.frozen_at(at(date(2024, 9, 2))):
        task = make_task(
            reminder_org,
            holiday_task.plan,
            "开展低保专项治理",
            due_date=date(2024, 10, 11),
            start_date=date(2024, 9, 2),
        )
        from tracker.tasks import service as tasks

        tasks.assign(reminder_org.users.coordinator, task, today=date(2024, 9, 2))
        db.session.commit()
    return task


def _emails_to(address):
    return list(
        db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id)
        )
    )


def test_one_digest_per_user_per_sweep_grouped_by_light(holiday_task, second_task, reminder_org):
    report = sweep(date(2024, 10, 10))
    assert report.by_kind == {"overdue": 2, "due_soon": 2}
    assert report.emails == 2  # the staff member and the chief, one e-mail each
    (email,) = _emails_to("staff-relief@example.org")
    assert "2 reminders" in email.subject and "(1 overdue)" in email.subject
    text = email.text_body
    overdue_at = text.index("== Overdue (1) ==")
    soon_at = text.index("Due in 1 working day: 开展低保专项治理")
    assert (
        overdue_at
        < text.index("Overdue by 1 working day: 完成社会救助领域规范性文件清理")
        < soon_at
    )
    assert f"http://duban.test/tasks/{holiday_task.id}" in text
    assert f'href="http://duban.test/tasks/{second_task.id}"' in email.html_body
    # every notice of the sweep went into exactly that e-mail
    claimed = db.session.scalars(
        sa.select(Notification.email_id).where(
            Notification.recipient_id == reminder_org.users.staff.id,
            Notification.dedupe_key.is_not(None),
        )
    ).all()
    assert claimed == [email.id, email.id]
    # the afternoon sweep finds nothing new and sends nothing
    assert sweep(date(2024, 10, 10), hour=14, minute=0).emails == 0


def _unread(recipient, task, kind: str, title: str, light: str = "") -> Notification:
    """A notice about `task` written at 08:00 on 10 October 2024, not yet read nor e-mailed."""
    return Notification(
        recipient_id=recipient.id,
        kind=kind,
        task_id=task.id,
        light=light,
        title=title,
        link=f"/tasks/{task.id}",
        created_at=at(date(2024, 10, 10), hour=8),
    )


def test_a_notice_without_a_light_is_grouped_by_its_tasks_light_now(holiday_task, reminder_org):
    """A notice written by an action (returned, assigned…) carries no light of its own: the
    digest files it under its task's light on the day of the sweep, not under "other"."""
    title = "退回修改：完成社会救助领域规范性文件清理"
    db.session.add(_unread(reminder_org.users.staff, holiday_task, "returned", title))
    db.session.commit()
    db.session.expunge_all()  # the sweep reads the task itself, as a scheduler's process would
    sweep(date(2024, 10, 10))
    (email,) = _emails_to("staff-relief@example.org")
    overdue = email.text_body.split("== Overdue (2) ==")[1]
    assert title in overdue
    assert "Other notices" not in email.text_body


def test_a_long_digest_names_the_most_overdue_and_links_to_the_rest(reminder_org):
    """A chief with hundreds of overdue tasks gets an e-mail a mail client shows whole: each
    light names its ITEMS_PER_LIGHT most urgent notices (earliest due first, whatever the order
    they were written in), counts them all and links to the list that holds the rest."""
    shown = digest.ITEMS_PER_LIGHT
    with clock.frozen_at(at(date(2024, 9, 2))):
        plan = make_plan(reminder_org, year=2024)
        tasks = [
            make_task(reminder_org, plan, f"逾期事项{n:02d}", due_date=date(2024, 9, 3 + n))
            for n in range(shown + 3)
        ]
    staff = reminder_org.users.staff
    for task in reversed(tasks):  # written latest due first: ids run against the due dates
        db.session.add(_unread(staff, task, "overdue", f"已逾期：{task.title}", light="red"))
    db.session.commit()
    assert queue_digests(at(date(2024, 10, 10))) == 1
    db.session.commit()
    (email,) = _emails_to("staff-relief@example.org")
    assert f"{shown + 3} reminders" in email.subject and f"({shown + 3} overdue)" in email.subject
    text = email.text_body
    assert f"== Overdue ({shown + 3}) ==" in text
    named = [line[2:] for line in text.splitlines() if line.startswith("* ")]
    assert named == [f"已逾期：逾期事项{n:02d}" for n in range(shown)]
    assert "… and 3 more: http://duban.test/?light=red" in text
    assert 'href="http://duban.test/?light=red">… and 3 more</a>' in email.html_body
    assert "逾期事项22" not in email.html_body
    # every notice went into the e-mail, named or counted: none is left for the next digest
    left = db.session.scalar(
        sa.select(sa.func.count()).where(
            Notification.recipient_id == staff.id, Notification.email_id.is_(None)
        )
    )
    assert left == 0


def test_digest_in_the_users_language(holiday_task, reminder_org):
    reminder_org.users.staff.locale = "zh_Hans_CN"
    db.session.commit()
    sweep(date(2024, 10, 10))
    (email,) = _emails_to("staff-relief@example.org")
    assert email.subject == "【督办】您有 1 条提醒（1 条已逾期）"
    assert "已逾期 1 个工作日：完成社会救助领域规范性文件清理" in email.text_body
    (english,) = _emails_to("chief-relief@example.org")
    assert english.subject.startswith("[Duban] 1 reminder")


def test_digest_time_and_email_switch_are_respected(holiday_task, reminder_org):
    reminder_org.users.staff.digest_time = "afternoon"
    reminder_org.users.chief.is_email_enabled = False
    db.session.commit()
    assert sweep(date(2024, 10, 10)).emails == 0  # 08:30: nobody wants a morning digest
    afternoon = sweep(date(2024, 10, 10), hour=14, minute=0)
    assert afternoon.notifications == 0 and afternoon.emails == 1
    assert len(_emails_to("staff-relief@example.org")) == 1
    assert _emails_to("chief-relief@example.org") == []


def test_smtp_delivery_with_chinese_subject_and_stable_message_id(
    holiday_task, reminder_org, smtp_server
):
    reminder_org.users.staff.locale = "zh_Hans_CN"
    db.session.commit()
    sweep(date(2024, 10, 10))
    with clock.frozen_at(at(date(2024, 10, 10), 8, 31)):
        assert deliver_pending().as_dict() == {"sent": 2, "failed": 0, "dead": 0}
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert len(smtp_server.messages) == 2
    message = by_address["staff-relief@example.org"]
    assert message["Subject"] == "【督办】您有 1 条提醒（1 条已逾期）"
    assert message["From"] == "督办 <duban@example.org>"
    body = message.get_body(("plain",)).get_content()
    assert "已逾期 1 个工作日：完成社会救助领域规范性文件清理" in body
    assert message.get_body(("html",)) is not None
    (stored,) = _emails_to("staff-relief@example.org")
    assert message["Message-ID"] == stored.message_id
    assert stored.status == "sent" and stored.attempts == 1


def test_smtp_down_keeps_emails_pending_with_backoff_then_sends_once(
    holiday_task, reminder_org, smtp_port
):
    sweep(date(2024, 10, 10))
    start = at(date(2024, 10, 10), 8, 31)
    with clock.frozen_at(start):  # nothing listens on the port: connection refused
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 2, "dead": 0}
    email = _emails_to("staff-relief@example.org")[0]
    assert email.status == "pending" and email.attempts == 1
    assert "Connection refused" in email.last_error or "Errno" in email.last_error
    assert email.next_attempt_at == start + timedelta(minutes=1)
    with clock.frozen_at(start + timedelta(seconds=30)):  # not due yet: not even tried
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    with clock.frozen_at(start + timedelta(minutes=1)):
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 2, "dead": 0}
    db.session.expire_all()
    assert email.next_attempt_at == start + timedelta(minutes=3)  # then 2 minutes later
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with clock.frozen_at(start + timedelta(minutes=3)):
            assert deliver_pending().as_dict() == {"sent": 2, "failed": 0, "dead": 0}
            assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    finally:
        controller.stop()
    assert sorted(m["To"] for m in inbox.messages) == [
        "chief-relief@example.org",
        "staff-relief@example.org",
    ]


def test_dead_after_eight_failures_never_deleted_and_retry_puts_it_back(reminder_org):
    staff = reminder_org.users.staff
    with clock.frozen_at(at(date(2024, 10, 10))):
        email = queue_email(db.session, recipient=staff, subject="测试", text="正文")
        db.session.commit()
    moment = at(date(2024, 10, 10))
    results = []
    for _ in range(8):
        with clock.frozen_at(moment):
            results.append(deliver_pending().as_dict())
        db.session.expire_all()
        moment = email.next_attempt_at
    assert results[:7] == [{"sent": 0, "failed": 1, "dead": 0}] * 7
    assert results[7] == {"sent": 0, "failed": 0, "dead": 1}
    assert email.status == "dead" and email.attempts == 8
    with clock.frozen_at(moment + timedelta(days=30)):
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    assert db.session.get(OutboxEmail, email.id) is not None
    from tracker.reminders.outbox import retry

    retry(reminder_org.users.admin, email)
    db.session.commit()
    assert email.status == "pending" and email.attempts == 0


def test_queue_email_is_idempotent_on_its_key(reminder_org):
    staff = reminder_org.users.staff
    first = queue_email(db.session, recipient=staff, subject="周报", text="x", dedupe_key="k1")
    second = queue_email(db.session, recipient=staff, subject="周报", text="x", dedupe_key="k1")
    db.session.commit()
    assert first is not None and second is None
    assert len(_emails_to(staff.email)) == 1
    reminder_org.users.viewer.email = None
    assert (
        queue_email(db.session, recipient=reminder_org.users.viewer, subject="s", text="t") is None
    )
