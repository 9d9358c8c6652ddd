"""The weekly briefing as a leader receives it: through the outbox to a loopback SMTP server."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from tests.dashboard.conftest import NOW
from tests.dashboard.test_briefing import leaders_with_email, week  # noqa: F401 (fixtures)
from tests.reminders.test_outbox import Inbox, free_port
from tracker.dashboard.jobs import send_weekly_briefings
from tracker.extensions import db
from tracker.reminders.outbox import deliver_pending


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    app_config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, BASE_URL="http://duban.test")
    return app_config


def test_leaders_receive_the_briefing_once_in_their_language(
    app,
    leaders_with_email,  # noqa: F811 (the fixture imported above)
    week,  # noqa: F811
    smtp_port,
):
    org = leaders_with_email
    org.users.principal.locale = "zh_Hans_CN"
    db.session.commit()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        send_weekly_briefings(NOW)
        db.session.commit()  # as the job's boundary does
        assert deliver_pending().as_dict() == {"sent": 2, "failed": 0, "dead": 0}
        send_weekly_briefings(NOW)  # the job runs again the same week: nothing new to send
        db.session.commit()
        assert deliver_pending().as_dict() == {"sent": 0, "failed": 0, "dead": 0}
    finally:
        controller.stop()
    received = {m["To"]: m for m in inbox.messages}
    assert sorted(received) == ["deputy@example.org", "director@example.org"]
    chinese = received["director@example.org"]
    assert chinese["Subject"].startswith("每周简报（2026-W24）：逾期任务")
    text = chinese.get_body(("plain",)).get_content()
    assert "任务R4" in text and "http://duban.test/tasks/" in text
    assert chinese.get_body(("html",)) is not None
    english = received["deputy@example.org"]
    assert english["Subject"].startswith("Weekly briefing 2026-W24:")
