"""The inbox, preferences, the admin policy and outbox pages, the task page, and the CLI."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from tests.factories import audit_actions
from tests.reminders.conftest import at, sweep
from tracker.core import clock
from tracker.extensions import db
from tracker.reminders.models import Notification, OutboxEmail, ReminderPolicy
from tracker.reminders.outbox import queue_email


def test_cli_run_prints_one_json_line_and_is_idempotent(runner, holiday_task):
    result = runner.invoke(args=["reminders", "run", "--now", "2024-10-12T08:30"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "notifications": 3,
        "emails": 3,
        "robots": 0,
        "by_kind": {"escalation": 1, "overdue": 2},
    }
    again = runner.invoke(args=["reminders", "run", "--now", "2024-10-12T14:00"])
    assert json.loads(again.output) == {"notifications": 0, "emails": 0, "robots": 0, "by_kind": {}}


def test_cli_dry_run_writes_nothing(runner, holiday_task):
    result = runner.invoke(args=["reminders", "run", "--now", "2024-10-10T08:30", "--dry-run"])
    assert json.loads(result.output)["notifications"] == 2
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(Notification.dedupe_key.is_not(None))
        )
        == 0
    )


def test_cli_bad_now_is_one_readable_line(runner, org):
    result = runner.invoke(args=["reminders", "run", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "is not an ISO date-time" in result.output
    assert "Traceback" not in result.output


def test_cli_outbox_deliver(runner, holiday_task, app, tmp_path):
    app.config["MAIL_PICKUP_DIR"] = str(tmp_path / "mail")
    runner.invoke(args=["reminders", "run", "--now", "2024-10-10T08:30"])
    result = runner.invoke(args=["outbox", "deliver", "--now", "2024-10-10T08:31"])
    assert json.loads(result.output) == {"sent": 2, "failed": 0, "dead": 0}
    listing = runner.invoke(args=["outbox", "list", "--status", "sent"])
    assert listing.output.count("sent") == 2


def test_admin_edits_the_policy_and_bad_input_keeps_what_was_typed(client, auth, org):
    auth.login("admin")
    page = client.get("/admin/reminders")
    assert page.status_code == 200 and 'value="5,1"' in page.text
    form = {
        "due_soon_days": "五,一",
        "overdue_repeat_days": "2",
        "escalate_supervisor_days": "4",
        "escalate_principal_days": "8",
        "certificate_expiry_days": "90,30",
        "rectification_due_days": "3",
        "is_email_enabled": "y",
    }
    refused = auth.post("/admin/reminders", form, token_from="/admin/reminders")
    assert refused.status_code == 422
    assert "Enter whole numbers of days separated by commas" in refused.text
    assert 'value="五,一"' in refused.text and 'value="90,30"' in refused.text
    assert db.session.scalar(sa.select(sa.func.count(ReminderPolicy.id))) == 0
    form["due_soon_days"] = "3, 7"
    saved = auth.post("/admin/reminders", form, token_from="/admin/reminders")
    assert saved.status_code == 302
    policy = db.session.scalar(sa.select(ReminderPolicy))
    assert policy.due_soon_days == "7,3" and policy.escalate_principal_days == 8
    assert "reminders.policy" in audit_actions()


def test_only_admins_see_policy_and_outbox(client, auth, org):
    auth.login("office")
    assert client.get("/admin/reminders").status_code == 403
    assert client.get("/admin/outbox").status_code == 403


def test_outbox_page_shows_dead_email_and_retry_puts_it_back(client, auth, org):
    staff = org.users.staff
    staff.email = "staff@example.org"
    email = queue_email(db.session, recipient=staff, subject="【督办】您有 1 条提醒", text="正文")
    email.status, email.attempts, email.last_error = "dead", 8, "ConnectionRefusedError: refused"
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/outbox?status=dead")
    assert "ConnectionRefusedError: refused" in page.text and "【督办】您有 1 条提醒" in page.text
    response = auth.post(
        f"/admin/outbox/{email.id}/retry", {"next": "/admin/outbox"}, token_from="/admin/outbox"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert email.status == "pending" and email.attempts == 0
    assert "outbox.retry" in audit_actions()


def test_user_chooses_email_and_digest_time(client, auth, org):
    org.users.staff.email = "staff@example.org"
    db.session.commit()
    auth.login("staff-relief")
    page = client.get("/account")
    assert "E-mail reminders" in page.text and "staff@example.org" in page.text
    response = auth.post("/notifications/preferences", {"digest_time": "afternoon"})
    assert response.status_code == 302
    db.session.expire_all()
    assert org.users.staff.is_email_enabled is False and org.users.staff.digest_time == "afternoon"
    assert "user.email_preferences" in audit_actions()


def test_inbox_marks_one_notice_read_and_links_to_the_task(client, auth, holiday_task):
    sweep(date(2024, 10, 10))
    auth.login("staff-relief")
    page = client.get("/notifications/")
    assert "Overdue by 1 working day" in page.text
    (notice,) = db.session.scalars(
        sa.select(Notification).where(
            Notification.recipient_id == holiday_task.owner_id, Notification.kind == "overdue"
        )
    ).all()
    auth.post("/notifications/read", {"id": str(notice.id)}, token_from="/notifications/")
    db.session.expire_all()
    assert notice.read_at is not None
    opened = client.get(f"/notifications/{notice.id}")
    assert opened.headers["Location"] == f"/tasks/{holiday_task.id}"


def test_task_page_shows_reminders_sent_and_the_escalation_step(client, auth, holiday_task):
    sweep(date(2024, 10, 12))
    with clock.frozen_at(at(date(2024, 10, 12), 10)):  # the session lives on the same clock
        auth.login("office")
        page = client.get(f"/tasks/{holiday_task.id}")
    assert 'data-escalation="1"' in page.text
    assert "Escalated, step 1: supervisor" in page.text
    section = page.text[page.text.index('id="reminders-sent"') :]
    assert section.count('class="mb-1 reminder-sent"') == 3
    assert "deputy" in section and "escalation" in section


def test_task_lists_say_which_escalation_step_a_task_is_on(client, auth, holiday_task):
    plan_url = f"/plans/{holiday_task.plan_id}"
    with clock.frozen_at(at(date(2024, 10, 11), 10)):  # 2 working days late: not escalated
        auth.login("office")
        assert "data-escalation" not in client.get(plan_url).text
    with clock.frozen_at(at(date(2024, 10, 12), 10)):  # make-up Saturday: 3 working days
        auth.login("office")
        assert 'data-escalation="1"' in client.get(plan_url).text
    with clock.frozen_at(at(date(2024, 10, 22), 10)):  # 10 working days: the principal
        auth.login("office")
        page = client.get(plan_url).text
        assert 'data-escalation="2"' in page and "Escalated, step 2: principal leader" in page
