"""The weekly briefing: its content for a leader, its text and HTML, and the Monday job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.dashboard.conftest import NOW
from tests.factories import add_user
from tracker.core import clock
from tracker.dashboard.briefing import (
    briefing_subject,
    build_briefing,
    render_briefing_html,
    render_briefing_text,
)
from tracker.dashboard.jobs import briefing_dedupe_key, send_weekly_briefings
from tracker.extensions import db
from tracker.tasks import service as tasks
from tracker.tasks import workflow


@pytest.fixture
def week(org, fixture_plan):
    """The fixture plan (all of its steps taken today) plus a few things from other days."""
    t = fixture_plan.tasks
    with clock.frozen_at(datetime(2026, 5, 20, 2, tzinfo=UTC)):
        workflow.add_progress(org.users.chief_elderly, t["E1"], note="五月的进展", progress=20)
    with clock.frozen_at(datetime(2026, 6, 5, 2, tzinfo=UTC)):
        workflow.add_progress(org.users.chief_elderly, t["E1"], note="六月的进展", progress=40)
        data = tasks.TaskData(
            **tasks.plan_content(t["E2"]),
            section=t["E2"].section,
            start_date=t["E2"].start_date,
            due_date=date(2026, 8, 31),
        )
        tasks.update_task(org.users.coordinator, t["E2"], data, expected_version=None)
    db.session.commit()
    return fixture_plan


def test_briefing_content(org, week):
    briefing = build_briefing(db.session, org.users.principal, NOW)
    t = week.tasks
    assert briefing.week_label == "2026-W24"
    assert briefing.bureau_name == "测试市民政局"
    # 14 with 办公室's reporting task (due 2027-03-31: neither behind nor at risk)
    assert (briefing.totals.total, briefing.totals.overdue) == (14, 4)
    # units behind: most overdue first; then those with tasks due very soon
    assert [u.name for u in briefing.units_behind] == ["社会救助科", "低保核对中心"]
    assert [(u.name, u.due_very_soon) for u in briefing.units_at_risk] == [("养老服务科", 2)]
    # overdue tasks by unit, oldest due date first; the ones due within the week are new
    groups = {g.name: g for g in briefing.overdue_by_unit}
    assert list(groups) == ["社会救助科", "低保核对中心"]
    relief = groups["社会救助科"]
    assert [x.title for x in relief.tasks] == ["任务R4", "任务R3", "任务R5"]
    assert [x.days_late for x in relief.tasks] == [21, 5, 1]  # working days
    assert [x.is_new for x in relief.tasks] == [False, True, True]
    assert relief.tasks[0].path == f"/tasks/{t['R4'].id}"
    # the duty has 12 次 to do and none recorded: 5 expected by 8 June
    assert [(d.title, d.achieved, d.expected) for d in briefing.duties_lagging] == [
        ("主持党组中心组学法", 0, 5)
    ]
    # the week: steps taken today and the progress note of 5 June, not the one of 20 May
    counts = briefing.change_counts
    assert (counts["accept"], counts["submit"], counts["cancel"]) == (2, 4, 1)
    assert counts["progress"] == 1
    assert {(c.step, c.title) for c in briefing.changes} >= {
        ("accept", "任务R1"),
        ("accept", "任务R2"),
        ("cancel", "任务R7"),
    }
    assert [(c.title, c.before, c.after) for c in briefing.deadline_changes] == [
        ("任务E2", "2026-07-20", "2026-08-31")
    ]


def test_briefing_lists_the_longest_overdue_of_a_unit_and_counts_the_rest(org, week, monkeypatch):
    """A unit with more overdue tasks than the briefing lists: the oldest come first and the
    others are counted (at a city's size a unit has thousands; they are never all loaded)."""
    monkeypatch.setattr("tracker.dashboard.briefing.TASKS_PER_UNIT", 2)
    briefing = build_briefing(db.session, org.users.principal, NOW)
    groups = {g.name: g for g in briefing.overdue_by_unit}
    relief = groups["社会救助科"]
    assert [x.title for x in relief.tasks] == ["任务R4", "任务R3"]
    assert relief.more == 1
    assert (len(groups["低保核对中心"].tasks), groups["低保核对中心"].more) == (1, 0)
    # the unit with the most overdue tasks (listed and counted) still comes first
    assert [g.name for g in briefing.overdue_by_unit] == ["社会救助科", "低保核对中心"]


def test_briefing_is_empty_of_changes_a_week_later(org, week):
    later = NOW + timedelta(days=8)
    with clock.frozen_at(later):
        briefing = build_briefing(db.session, org.users.principal, later)
    assert briefing.change_counts == {}
    assert briefing.changes == [] and briefing.deadline_changes == []
    assert briefing.week_label == "2026-W25"


def test_briefing_text_and_html(app, org, week):
    briefing = build_briefing(db.session, org.users.principal, NOW)
    base = "https://duban.example.org"
    text = render_briefing_text(briefing, "en", base_url=base)
    assert "Weekly briefing 2026-W24" in text
    assert "Hello director," in text
    assert "任务R4 — due 2026-05-09, 21 working days late" in text
    assert f"{base}/tasks/{week.tasks['R4'].id}" in text
    assert "主持党组中心组学法 — 0 of 12 次, 5 expected by now" in text
    assert "Accepted as done: 2" in text
    assert "Due very soon, nothing overdue yet: 养老服务科 2" in text
    assert "任务E2: 2026-07-20 → 2026-08-31" in text
    assert "<" not in text.replace("<=", "")  # plain text, no markup
    html = render_briefing_html(briefing, "en", base_url=base)
    assert html.startswith("<!doctype html>")
    assert f'<a href="{base}/tasks/{week.tasks["R3"].id}">任务R3</a>' in html
    assert "new this week" in html
    chinese = render_briefing_html(briefing, "zh_Hans_CN", base_url=base)
    assert "已逾期" in chinese  # the column headings in the reader's language
    assert "任务R4" in chinese
    assert "2026-W24" in briefing_subject(briefing, "en")


def test_briefing_page_shows_the_same_content(org, week, auth):
    auth.login("director")
    page = auth.client.get("/briefing")
    assert page.status_code == 200
    assert "Weekly briefing 2026-W24" in page.text
    assert "任务R4" in page.text and "低保核对中心" in page.text
    assert 'href="/tasks/' in page.text


@pytest.fixture
def leaders_with_email(org):
    org.users.principal.email = "director@example.org"
    org.users.leader.email = "deputy@example.org"
    quiet = add_user("leader-quiet", "leader", org.leaders, email="quiet@example.org")
    quiet.is_email_enabled = False
    gone = add_user("leader-gone", "leader", org.leaders, email="gone@example.org")
    gone.is_disabled = True
    add_user("leader-no-mail", "leader", org.leaders)
    db.session.commit()
    return org


def test_weekly_job_queues_one_email_per_leader_and_week(app, leaders_with_email, week):
    from tracker.reminders.models import OutboxEmail

    org = leaders_with_email
    assert send_weekly_briefings(NOW) == 2
    assert send_weekly_briefings(NOW) == 0  # the same week again: nothing more
    emails = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert [e.to_address for e in emails] == ["director@example.org", "deputy@example.org"]
    assert [e.dedupe_key for e in emails] == [
        f"briefing:{org.users.principal.id}:2026-W24",
        f"briefing:{org.users.leader.id}:2026-W24",
    ]
    assert {e.kind for e in emails} == {"briefing"}
    assert "2026-W24" in emails[0].subject
    assert "任务R4" in emails[0].text_body and "任务R4" in emails[0].html_body
    next_monday = NOW + timedelta(days=7)
    with clock.frozen_at(next_monday):
        assert send_weekly_briefings(next_monday) == 2
    assert briefing_dedupe_key(org.users.principal, next_monday).endswith(":2026-W25")


def test_weekly_job_writes_in_each_leader_language(app, leaders_with_email, week):
    from tracker.reminders.models import OutboxEmail

    org = leaders_with_email
    org.users.principal.locale = "zh_Hans_CN"
    org.users.leader.locale = "en"
    db.session.commit()
    send_weekly_briefings(NOW)
    emails = {e.to_address: e for e in db.session.scalars(sa.select(OutboxEmail))}
    assert "已逾期" in emails["director@example.org"].html_body
    assert "Overdue" in emails["deputy@example.org"].html_body


def test_scheduler_wrapper_runs_the_job_in_its_own_app_context(app, leaders_with_email, week):
    from tracker.dashboard.jobs import weekly_briefings
    from tracker.reminders.models import OutboxEmail

    assert weekly_briefings(app) == {"queued": 2}
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 2
