"""The administrators' page of work-chat robots: add, edit, disable, test, delete, each audited;
a bad address is refused with the input kept; only the bureau's administrators may."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.factories import add_user, audit_actions
from tests.reminders.test_robot_delivery import SECRET, Receiver, add_robot
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail, RobotWebhook
from tracker.reminders.outbox import deliver_pending, queue_email, queue_robot_message

NEW = "/admin/robots/new"


def _form(org, **changes) -> dict:
    form = {
        "unit_id": str(org.relief.id),
        "kind": "dingtalk",
        "name": "社会救助科工作群",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=tok",
        "secret": SECRET,
        "is_enabled": "y",
    }
    form.update(changes)
    return form


def test_admin_adds_a_robot_and_a_bad_address_keeps_what_was_typed(client, auth, org):
    auth.login("admin")
    page = client.get(NEW)
    assert page.status_code == 200 and "社会救助科" in page.text and "企业微信" in page.text
    refused = auth.post(NEW, _form(org, url="ftp://oapi.dingtalk.com/robot"), token_from=NEW)
    assert refused.status_code == 422
    assert "starting with https:// or http://" in refused.text
    assert 'value="ftp://oapi.dingtalk.com/robot"' in refused.text
    assert 'value="社会救助科工作群"' in refused.text
    assert SECRET not in refused.text  # a secret is never shown back
    assert db.session.scalar(sa.select(sa.func.count(RobotWebhook.id))) == 0
    for bad in ("oapi.dingtalk.com/robot/send", "https://", "javascript:alert(1)", "http://a:b/"):
        assert auth.post(NEW, _form(org, url=bad), token_from=NEW).status_code == 422, bad
    saved = auth.post(NEW, _form(org), token_from=NEW)
    assert saved.status_code == 302
    robot = db.session.scalar(sa.select(RobotWebhook))
    assert (robot.unit_id, robot.kind, robot.secret, robot.is_enabled) == (
        org.relief.id,
        "dingtalk",
        SECRET,
        True,
    )
    listing = client.get("/admin/robots")
    assert "社会救助科工作群" in listing.text and "access_token=…" in listing.text
    assert "access_token=tok" not in listing.text
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "robot.create"))
    assert SECRET not in json.dumps(event.after) and event.actor_id == org.users.admin.id


def test_edit_keeps_the_secret_unless_removed_then_disable_and_delete(client, auth, org):
    robot = add_robot(
        org, org.relief, "dingtalk", "https://x.test/robot?access_token=a", secret=SECRET
    )
    robot_id = robot.id
    url = f"/admin/robots/{robot_id}"
    auth.login("admin")
    page = client.get(url)
    assert page.status_code == 200 and "leave this empty to keep it" in page.text
    assert SECRET not in page.text
    form = _form(
        org, kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/h", secret=""
    )
    assert auth.post(url, form, token_from=url).status_code == 302
    db.session.expire_all()
    assert robot.kind == "feishu" and robot.secret == SECRET
    assert auth.post(url, {**form, "clear_secret": "y"}, token_from=url).status_code == 302
    db.session.expire_all()
    assert robot.secret == ""
    off = auth.post(f"{url}/enabled", {"is_enabled": "0"}, token_from="/admin/robots")
    assert off.status_code == 302
    db.session.expire_all()
    assert robot.is_enabled is False
    listing = client.get("/admin/robots")
    assert 'data-enabled="no"' in listing.text and "Send a test message" not in listing.text
    assert auth.post(f"{url}/delete", token_from="/admin/robots").status_code == 302
    db.session.expunge_all()
    assert db.session.get(RobotWebhook, robot_id) is None
    assert audit_actions()[-4:] == ["robot.edit", "robot.edit", "robot.disable", "robot.delete"]


def test_test_message_from_the_page_reaches_the_robot(client, auth, org):
    receiver = Receiver()
    try:
        robot = add_robot(org, org.bureau, "wecom", receiver.url("/cgi-bin/webhook/send?key=k"))
        auth.login("admin")
        response = auth.post(f"/admin/robots/{robot.id}/test", token_from="/admin/robots")
        assert response.status_code == 302
        (message,) = db.session.scalars(sa.select(OutboxEmail)).all()
        assert (message.channel, message.kind, message.robot_id) == ("robot", "test", robot.id)
        assert "robot.test" in audit_actions()
        assert deliver_pending().sent == 1
    finally:
        receiver.stop()
    (request,) = receiver.requests
    assert request["body"]["markdown"]["content"].startswith("### Duban test message")
    page = client.get("/admin/outbox?channel=robot&status=sent")
    assert "wecom: 测试市民政局群" in page.text


def test_a_disabled_robot_gets_no_test_message(client, auth, org):
    robot = add_robot(org, org.relief, "wecom", "https://x.test/w?key=k", enabled=False)
    auth.login("admin")
    auth.post(f"/admin/robots/{robot.id}/test", token_from="/admin/robots")
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_only_the_bureaus_administrators_manage_its_robots(client, auth, org):
    robot = add_robot(org, org.relief, "wecom", "https://x.test/w?key=k")
    for username in ("office", "director", "chief-relief", "staff-relief", "viewer"):
        auth.login(username)
        assert client.get("/admin/robots").status_code == 403, username
        assert client.get(f"/admin/robots/{robot.id}").status_code == 403, username
        auth.logout()
    add_user("other-admin", "admin", org.other_bureau)
    auth.login("other-admin")
    assert "社会救助科" not in client.get("/admin/robots").text  # not in their list
    assert client.get(f"/admin/robots/{robot.id}").status_code == 403
    refused = auth.post(
        NEW, _form(org), token_from=NEW
    )  # another bureau's unit is no choice of theirs
    assert refused.status_code == 422
    assert auth.post(f"/admin/robots/{robot.id}/delete", token_from=NEW).status_code == 403
    assert db.session.get(RobotWebhook, robot.id) is not None
    assert db.session.scalar(sa.select(sa.func.count(RobotWebhook.id))) == 1


def test_the_outbox_lists_robot_messages_beside_emails_and_filters_them(client, auth, org):
    org.users.staff.email = "staff@example.org"
    queue_email(db.session, recipient=org.users.staff, subject="【督办】邮件提醒", text="正文")
    robot = add_robot(org, org.relief, "wecom", "https://x.test/w?key=k")
    queue_robot_message(db.session, robot=robot, title="【督办】群提醒", text="正文")
    db.session.commit()
    auth.login("admin")
    both = client.get("/admin/outbox").text
    assert "【督办】邮件提醒" in both and "【督办】群提醒" in both
    robots_only = client.get("/admin/outbox?channel=robot").text
    assert "【督办】群提醒" in robots_only and "【督办】邮件提醒" not in robots_only
    assert "wecom: 社会救助科群" in robots_only
    emails_only = client.get("/admin/outbox?channel=email").text
    assert "【督办】邮件提醒" in emails_only and "【督办】群提醒" not in emails_only
