"""Work-chat robots: the sweep's reminders reach a unit's and its bureau's group robots through
the outbox, posted to a real HTTP receiver on loopback that records what arrives (path, query,
JSON body) and checks the signatures; a robot that refuses, one that is down and comes back, dead
after N failures, retried from the admin page, never doubled by a rerun."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from tests.factories import audit_actions, make_plan, make_task
from tests.reminders.conftest import at, sweep
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reminders import robots
from tracker.reminders.models import OutboxEmail, RobotClaim
from tracker.reminders.outbox import deliver_pending
from tracker.reminders.webhooks import RobotData, save_robot

SECRET = "SEC0123456789abcdef"


class Receiver:
    """An HTTP server on a loopback port that records each POST and answers `answer`."""

    def __init__(self, port: int = 0):
        self.requests: list[dict] = []
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                parts = urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length).decode("utf-8")),
                    }
                )
                payload = json.dumps(receiver.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app_config(app_config):
    # no SMTP and no pickup folder: e-mails stay pending, the counts are the robots' alone
    app_config.update(
        BASE_URL="http://duban.test",
        ROBOT_TIMEOUT=2,
        OUTBOX_MAX_ATTEMPTS=4,
        SMTP_HOST="",
        MAIL_PICKUP_DIR="",
    )
    return app_config


@pytest.fixture
def receiver():
    server = Receiver()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_robot(org, unit, kind: str, url: str, *, secret: str = "", enabled: bool = True):
    robot = save_robot(
        org.users.admin,
        None,
        RobotData(
            unit=unit,
            kind=kind,
            name=f"{unit.name}群",
            url=url,
            secret=secret,
            is_enabled=enabled,
        ),
    )
    db.session.commit()
    return robot


def robot_messages(robot=None) -> list[OutboxEmail]:
    query = sa.select(OutboxEmail).where(OutboxEmail.channel == "robot").order_by(OutboxEmail.id)
    if robot is not None:
        query = query.where(OutboxEmail.robot_id == robot.id)
    return list(db.session.scalars(query))


OCT_10 = at(date(2024, 10, 10), 8, 31)


@pytest.mark.parametrize("kind", robots.KINDS)
def test_each_kind_gets_the_units_reminder_in_its_format_signed(
    holiday_task, reminder_org, receiver, kind
):
    paths = {
        "dingtalk": "/robot/send?access_token=tok123",
        "wecom": "/cgi-bin/webhook/send?key=key123",
        "feishu": "/open-apis/bot/v2/hook/hook123",
    }
    if kind == "feishu":
        receiver.answer = {"code": 0, "msg": "success"}
    secret = "" if kind == "wecom" else SECRET
    robot = add_robot(
        reminder_org, reminder_org.relief, kind, receiver.url(paths[kind]), secret=secret
    )
    report = sweep(date(2024, 10, 10))
    assert report.robots == 1
    (message,) = robot_messages(robot)
    assert message.status == "pending" and message.to_address == f"{kind}: 社会救助科群"
    with clock.frozen_at(OCT_10):
        assert deliver_pending().as_dict() == {"sent": 1, "failed": 0, "dead": 0}
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    (request,) = receiver.requests
    assert request["content_type"] == "application/json; charset=utf-8"
    body, query = request["body"], request["query"]
    link = f"http://duban.test/tasks/{holiday_task.id}"
    if kind == "dingtalk":
        assert request["path"] == "/robot/send" and query["access_token"] == "tok123"
        timestamp = int(query["timestamp"])
        assert timestamp == int(OCT_10.timestamp() * 1000)
        assert query["sign"] == robots.dingtalk_sign(SECRET, timestamp)
        assert body["msgtype"] == "markdown"
        assert body["markdown"]["title"] == "[Duban] 1 reminder for 社会救助科 (1 overdue)"
        text = body["markdown"]["text"]
        assert f"[Overdue by 1 working day: 完成社会救助领域规范性文件清理]({link})" in text
    elif kind == "wecom":
        assert request["path"] == "/cgi-bin/webhook/send" and query == {"key": "key123"}
        assert body["msgtype"] == "markdown"
        text = body["markdown"]["content"]
        assert text.startswith("### [Duban] 1 reminder for 社会救助科 (1 overdue)")
        assert f"({link})" in text
    else:
        assert request["path"] == "/open-apis/bot/v2/hook/hook123" and query == {}
        assert body["timestamp"] == str(int(OCT_10.timestamp()))
        assert body["sign"] == robots.feishu_sign(SECRET, int(body["timestamp"]))
        assert body["msg_type"] == "text"
        text = body["content"]["text"]
        assert "Overdue by 1 working day: 完成社会救助领域规范性文件清理 " + link in text
        assert "](" not in text and "**" not in text
    db.session.expire_all()
    assert message.status == "sent" and message.attempts == 1 and message.sent_at == OCT_10


def test_a_robot_that_answers_an_error_code_keeps_the_message_pending(
    holiday_task, reminder_org, receiver
):
    receiver.answer = {"errcode": 310000, "errmsg": "sign not match"}
    robot = add_robot(
        reminder_org, reminder_org.relief, "dingtalk", receiver.url("/robot/send"), secret=SECRET
    )
    sweep(date(2024, 10, 10))
    with clock.frozen_at(OCT_10):  # HTTP 200, but the robot refused it
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 1, "dead": 0}
    (message,) = robot_messages(robot)
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error == "310000: sign not match"
    assert message.next_attempt_at == OCT_10 + timedelta(minutes=1)
    receiver.answer = {"errcode": 0, "errmsg": "ok"}
    with clock.frozen_at(OCT_10 + timedelta(minutes=1)):
        assert deliver_pending().as_dict() == {"sent": 1, "failed": 0, "dead": 0}
    assert len(receiver.requests) == 2


def test_a_robot_that_is_down_then_comes_back_gets_the_message_once(holiday_task, reminder_org):
    port = closed_port()
    robot = add_robot(
        reminder_org, reminder_org.bureau, "wecom", f"http://127.0.0.1:{port}/send?key=k"
    )
    sweep(date(2024, 10, 10))
    with clock.frozen_at(OCT_10):  # nothing listens on the port: connection refused
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 1, "dead": 0}
    (message,) = robot_messages(robot)
    assert message.status == "pending" and "refused" in message.last_error.lower()
    assert message.next_attempt_at == OCT_10 + timedelta(minutes=1)
    with clock.frozen_at(OCT_10 + timedelta(seconds=30)):  # not due yet: not even tried
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    with clock.frozen_at(OCT_10 + timedelta(minutes=1)):
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 1, "dead": 0}
    db.session.expire_all()
    assert message.attempts == 2 and message.next_attempt_at == OCT_10 + timedelta(minutes=3)
    server = Receiver(port)  # the robot is back on the same address
    try:
        with clock.frozen_at(OCT_10 + timedelta(minutes=3)):
            assert deliver_pending().as_dict() == {"sent": 1, "failed": 0, "dead": 0}
            assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    finally:
        server.stop()
    (request,) = server.requests
    assert "[Duban] 1 reminder for 测试市民政局" in request["body"]["markdown"]["content"]
    db.session.expire_all()
    assert message.status == "sent" and message.attempts == 3


def test_dead_after_n_failures_then_retried_from_the_admin_page(
    holiday_task, reminder_org, client, auth
):
    port = closed_port()
    robot = add_robot(reminder_org, reminder_org.relief, "dingtalk", f"http://127.0.0.1:{port}/r")
    sweep(date(2024, 10, 10))
    (message,) = robot_messages(robot)
    moment, results = OCT_10, []
    for _ in range(4):  # OUTBOX_MAX_ATTEMPTS
        with clock.frozen_at(moment):
            results.append(deliver_pending().as_dict())
        db.session.expire_all()
        moment = message.next_attempt_at
    assert results == [{"sent": 0, "failed": 1, "dead": 0}] * 3 + [
        {"sent": 0, "failed": 0, "dead": 1}
    ]
    assert message.status == "dead" and message.attempts == 4
    with clock.frozen_at(moment + timedelta(days=30)):
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}

    auth.login("admin")
    page = client.get("/admin/outbox?status=dead&channel=robot")
    assert "社会救助科群" in page.text and "Connection" in page.text
    assert "[Duban] 1 reminder for 社会救助科 (1 overdue)" in page.text
    response = auth.post(
        f"/admin/outbox/{message.id}/retry", {"next": "/admin/outbox"}, token_from="/admin/outbox"
    )
    assert response.status_code == 302
    assert "outbox.retry" in audit_actions()
    db.session.expire_all()
    assert message.status == "pending" and message.attempts == 0
    server = Receiver(port)
    try:  # put back for now (the retry's clock is today's)
        assert deliver_pending().as_dict() == {"sent": 1, "failed": 0, "dead": 0}
    finally:
        server.stop()
    assert len(server.requests) == 1


def test_unit_and_bureau_robots_hear_once_others_never(holiday_task, reminder_org, receiver):
    org = reminder_org
    unit_robot = add_robot(org, org.relief, "dingtalk", receiver.url("/unit"))
    bureau_robot = add_robot(org, org.bureau, "dingtalk", receiver.url("/bureau"))
    other_unit = add_robot(org, org.elderly, "dingtalk", receiver.url("/elderly"))
    disabled = add_robot(org, org.relief, "dingtalk", receiver.url("/off"), enabled=False)
    first = sweep(date(2024, 10, 10))
    # the owner and the chief were each told of the overdue task: the groups hear of it once
    assert first.by_kind == {"overdue": 2} and first.robots == 2
    assert sweep(date(2024, 10, 10), hour=14, minute=0).robots == 0  # a rerun adds nothing
    assert [len(robot_messages(r)) for r in (unit_robot, bureau_robot)] == [1, 1]
    assert robot_messages(other_unit) == [] and robot_messages(disabled) == []
    # Saturday 12 Oct is a working day: the task is escalated to the supervisor, a new step
    second = sweep(date(2024, 10, 12))
    assert second.by_kind == {"escalation": 1} and second.robots == 2
    (_first, escalated) = robot_messages(unit_robot)
    assert "Escalated (step 1, supervisor)" in escalated.text_body
    assert "Overdue by" not in escalated.text_body
    assert sweep(date(2024, 10, 12), hour=14, minute=0).robots == 0
    with clock.frozen_at(at(date(2024, 10, 12), 14, 1)):
        assert deliver_pending().as_dict() == {"sent": 4, "failed": 0, "dead": 0}
    assert sorted(r["path"] for r in receiver.requests) == ["/bureau", "/bureau", "/unit", "/unit"]
    claims = db.session.scalars(sa.select(RobotClaim.key).order_by(RobotClaim.key)).all()
    assert len(claims) == 4 and all(":u" not in key for key in claims)


def test_a_deleted_robots_pending_message_fails_for_good(holiday_task, reminder_org, receiver):
    robot = add_robot(reminder_org, reminder_org.relief, "wecom", receiver.url("/w"))
    sweep(date(2024, 10, 10))
    from tracker.reminders.webhooks import delete_robot

    delete_robot(reminder_org.users.admin, robot)
    db.session.commit()
    (message,) = robot_messages()
    assert message.robot_id is None and message.to_address == "wecom: 社会救助科群"
    with clock.frozen_at(OCT_10):
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 1}
    assert receiver.requests == []
    assert message.last_error == "the robot was deleted"


def test_robots_are_delivered_without_smtp_and_emails_wait(holiday_task, reminder_org, receiver):
    add_robot(reminder_org, reminder_org.relief, "wecom", receiver.url("/w"))
    sweep(date(2024, 10, 10))
    with clock.frozen_at(OCT_10):  # no SMTP host, no pickup folder
        assert deliver_pending().as_dict() == {"sent": 1, "failed": 0, "dead": 0}
    pending = db.session.scalars(
        sa.select(OutboxEmail.status).where(OutboxEmail.channel == "email")
    ).all()
    assert pending and set(pending) == {"pending"}


def test_a_redirect_is_a_failure_and_is_not_followed(holiday_task, reminder_org):
    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        robot = add_robot(
            reminder_org,
            reminder_org.relief,
            "wecom",
            f"http://127.0.0.1:{server.server_address[1]}/w",
        )
        sweep(date(2024, 10, 10))
        with clock.frozen_at(OCT_10):
            assert deliver_pending().as_dict() == {"sent": 0, "failed": 1, "dead": 0}
    finally:
        server.shutdown()
        server.server_close()
    (message,) = robot_messages(robot)
    assert message.last_error == "HTTP 302"


def test_audit_keeps_no_token_or_secret(reminder_org):
    add_robot(
        reminder_org,
        reminder_org.relief,
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=abcdef1234567890",
        secret=SECRET,
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "robot.create"))
    text = json.dumps(event.after, ensure_ascii=False)
    assert "abcdef1234567890" not in text and SECRET not in text
    assert event.after["url"] == "https://oapi.dingtalk.com/robot/send?access_token=…"
    assert event.after["is_signed"] is True


def test_a_leaders_escalation_digest_reaches_the_robot_task_by_task(reminder_org, receiver):
    """More than five tasks escalated to the deputy: the deputy gets one digest notice, the
    unit's group hears of each task's escalation (once, not again with the next day's digest)."""
    org = reminder_org
    with clock.frozen_at(at(date(2024, 9, 2))):
        plan = make_plan(org, year=2024)
        for number in range(12):
            make_task(
                org,
                plan,
                f"专项任务{number}",
                due_date=date(2024, 10, 9),
                start_date=date(2024, 9, 2),
                supervisor=org.users.leader,
            )
        plans.publish_plan(org.users.coordinator, plan)
        db.session.commit()
    robot = add_robot(org, org.relief, "wecom", receiver.url("/w"))
    sweep(date(2024, 10, 10))
    report = sweep(date(2024, 10, 12))
    assert report.by_kind == {"escalation": 1}  # the deputy's digest
    assert report.robots == 1
    text = robot_messages(robot)[-1].text_body
    # cut short before the robots' size limit (企业微信: 4096 bytes), the rest behind a link
    assert len(text.encode()) < 4000
    shown = text.count("- [Escalated (step 1, supervisor): 专项任务")
    assert 3 < shown < 12
    assert f"… and {12 - shown} more: http://duban.test/" in text
    # Monday: the deputy's digest again and a new overdue period; the group hears of the
    # overdue steps, not of the escalations it was told of on Saturday
    monday = sweep(date(2024, 10, 14))
    assert monday.by_kind == {"overdue": 24, "escalation": 1} and monday.robots == 1
    text = robot_messages(robot)[-1].text_body
    assert "Overdue by 4 working days: 专项任务" in text and "Escalated" not in text
