"""Exactly once under concurrency, and the scheduler: one registry, one leader."""

from __future__ import annotations

import threading
from datetime import date, datetime

import sqlalchemy as sa

from tests.reminders.conftest import at
from tracker.core import clock
from tracker.extensions import db
from tracker.reminders.models import Notification, OutboxEmail
from tracker.reminders.sweep import run_reminders
from tracker.scheduler import LeaderLock, build_scheduler, job_registry


def _run_together(app, moment, n=2):
    """Run `n` sweeps in threads released at the same instant; return their reports."""
    barrier = threading.Barrier(n)
    reports, errors = [], []

    def sweep():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                report = run_reminders(moment)
                db.session.commit()
                reports.append(report)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert clock._frozen is None  # the sweeps took `now` as an argument: no clock was touched
    return reports


def test_parallel_sweeps_write_each_notice_and_each_email_once(app, holiday_task):
    reports = _run_together(app, at(date(2024, 10, 12)), n=3)
    db.session.expire_all()
    # 2 overdue notices (owner, chief) + 1 escalation to the supervisor, written once in all
    assert sum(r.notifications for r in reports) == 3
    keys = db.session.scalars(
        sa.select(Notification.dedupe_key).where(Notification.dedupe_key.is_not(None))
    ).all()
    assert len(keys) == len(set(keys)) == 3
    # each notice in exactly one e-mail; one e-mail per recipient however the runs interleaved
    emails = db.session.scalars(sa.select(OutboxEmail)).all()
    assert sum(r.emails for r in reports) == len(emails) == 3
    assert sorted(e.to_address for e in emails) == [
        "chief-relief@example.org",
        "deputy@example.org",
        "staff-relief@example.org",
    ]
    unclaimed = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.dedupe_key.is_not(None), Notification.email_id.is_(None)
        )
    )
    assert unclaimed == 0


def test_registry_has_stable_ids_and_explicit_misfire_grace(app):
    ids = [spec.id for spec in job_registry()]
    assert ids == [
        "reminders.sweep",
        "reminders.sweep_afternoon",
        "outbox.deliver",
        "exports.run",
        "housekeeping.daily",
        "dashboard.weekly_briefing",
        "ops.watch",
        "ops.backup",
        "audit.checkpoint",
    ]
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(ids)
    for job in jobs.values():
        assert job.misfire_grace_time and job.misfire_grace_time >= 60
        assert job.coalesce is True and job.max_instances == 1
    assert str(scheduler.timezone) == "Asia/Shanghai"
    # the sweep fires at 08:30 and 14:00 bureau time
    now = datetime(2024, 10, 10, 7, 0, tzinfo=scheduler.timezone)
    morning = jobs["reminders.sweep"].trigger.get_next_fire_time(None, now)
    afternoon = jobs["reminders.sweep_afternoon"].trigger.get_next_fire_time(None, now)
    assert (morning.hour, morning.minute) == (8, 30)
    assert (afternoon.hour, afternoon.minute) == (14, 0)
    briefing = jobs["dashboard.weekly_briefing"].trigger.get_next_fire_time(None, now)
    assert (briefing.date().isoformat(), briefing.hour) == ("2024-10-14", 8)  # next Monday


def test_only_one_scheduler_leads_the_other_waits(app):
    first, second = LeaderLock(app), LeaderLock(app)
    assert first.acquire() is True
    try:
        assert second.acquire() is False
        naps = []

        def nap(seconds):
            naps.append(seconds)
            if len(naps) == 2:
                first.release()  # the leader goes away: the standby takes over

        second.wait(5, sleep=nap)
        assert naps == [5, 5]
    finally:
        first.release()
        second.release()
    third = LeaderLock(app)
    assert third.acquire() is True
    third.release()


def test_jobs_run_the_services(app, holiday_task, tmp_path):
    from tracker.core import clock
    from tracker.reminders import jobs

    with clock.frozen_at(at(date(2024, 10, 10))):
        assert jobs.send_due_reminders(app)["notifications"] == 2
        assert jobs.send_due_reminders(app)["notifications"] == 0
        app.config["MAIL_PICKUP_DIR"] = str(tmp_path / "mail")
        assert jobs.deliver_outbox(app) == {"sent": 2, "failed": 0, "dead": 0}
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
