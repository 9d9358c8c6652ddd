"""The level-triggered sweep: who hears what, when, exactly once, across a holiday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_task, walk, workflow_without_other_features_checks
from tests.reminders.conftest import at, sweep
from tracker.core import clock
from tracker.extensions import db
from tracker.holidays.service import set_day
from tracker.plans import service as plans
from tracker.reminders.models import Notification, OutboxEmail
from tracker.reminders.policy import PolicyData, save_policy
from tracker.reminders.sweep import run_reminders
from tracker.tasks import workflow


def _notices():
    rows = db.session.execute(
        sa.select(Notification, sa.literal(0))
        .where(Notification.dedupe_key.is_not(None))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    return [
        (clock.to_local(n.created_at).date().isoformat(), n.kind, n.step, n.recipient.username)
        for n, _ in rows
    ]


def _run_days(first: date, last: date):
    day = first
    while day <= last:
        sweep(day)
        day += timedelta(days=1)


def test_policy_on_a_calendar_that_crosses_national_day(holiday_task):
    _run_days(date(2024, 9, 20), date(2024, 10, 25))
    assert _notices() == [
        # 5 working days before Wed 9 Oct: Thu 26 Sep (27, Sun 29, 30 Sep, 8, 9 Oct follow)
        ("2024-09-26", "due_soon", 5, "staff-relief"),
        ("2024-09-26", "due_soon", 5, "chief-relief"),
        # nothing during the holiday; 1 working day before is Tue 8 Oct
        ("2024-10-08", "due_soon", 1, "staff-relief"),
        ("2024-10-08", "due_soon", 1, "chief-relief"),
        # first working day after the due date
        ("2024-10-10", "overdue", 1, "staff-relief"),
        ("2024-10-10", "overdue", 1, "chief-relief"),
        # Saturday 12 Oct is a make-up working day: 3 working days overdue → the supervisor
        ("2024-10-12", "escalation", 1, "deputy"),
        # every 3 working days again: Mon 14 Oct (4th), Thu 17 Oct (7th)
        ("2024-10-14", "overdue", 2, "staff-relief"),
        ("2024-10-14", "overdue", 2, "chief-relief"),
        ("2024-10-17", "overdue", 3, "staff-relief"),
        ("2024-10-17", "overdue", 3, "chief-relief"),
        # 10 working days overdue (Tue 22 Oct) → the principal leader
        ("2024-10-22", "overdue", 4, "staff-relief"),
        ("2024-10-22", "overdue", 4, "chief-relief"),
        ("2024-10-22", "escalation", 2, "director"),
        ("2024-10-25", "overdue", 5, "staff-relief"),
        ("2024-10-25", "overdue", 5, "chief-relief"),
    ]


def test_nothing_is_sent_on_a_non_working_day(holiday_task):
    for day in (date(2024, 10, 3), date(2024, 9, 28), date(2024, 10, 13)):  # holiday, Sat, Sun
        report = sweep(day)
        assert report.as_dict() == {"notifications": 0, "emails": 0, "robots": 0, "by_kind": {}}
    assert _notices() == []


def test_second_run_writes_nothing_new(holiday_task):
    first = sweep(date(2024, 10, 10))
    again = sweep(date(2024, 10, 10), hour=14, minute=0)
    assert first.notifications == 2 and first.by_kind == {"overdue": 2}
    assert again.notifications == 0 and again.emails == 0


def test_missed_sweeps_are_made_up_by_the_next_one(holiday_task):
    # the scheduler was down from 20 Sep to 14 Oct: the next sweep says where things stand now
    report = sweep(date(2024, 10, 14))
    assert report.as_dict()["by_kind"] == {"escalation": 1, "overdue": 2}
    assert {(k, s) for _, k, s, _ in _notices()} == {("overdue", 2), ("escalation", 1)}


def test_no_notice_for_done_cancelled_or_submitted_tasks(holiday_task, reminder_org, monkeypatch):
    workflow_without_other_features_checks(monkeypatch)
    with clock.frozen_at(at(date(2024, 9, 3))):
        walk(reminder_org, holiday_task, "submitted")
        db.session.commit()
    assert sweep(date(2024, 10, 10)).notifications == 0
    with clock.frozen_at(at(date(2024, 10, 10))):
        workflow.transition(reminder_org.users.coordinator, holiday_task, "accept")
        db.session.commit()
    assert sweep(date(2024, 10, 11)).notifications == 0


def test_no_notice_for_a_cancelled_task(holiday_task, reminder_org):
    with clock.frozen_at(at(date(2024, 9, 3))):
        walk(reminder_org, holiday_task, "cancelled")
        db.session.commit()
    assert sweep(date(2024, 10, 10)).notifications == 0


def test_the_policy_is_the_bureaus_own(holiday_task, reminder_org):
    save_policy(
        reminder_org.users.admin,
        reminder_org.bureau,
        PolicyData("10,2", 1, 2, 4, "60,30", 5, True),
    )
    db.session.commit()
    sweep(date(2024, 9, 24))  # 10 Oct is 8 working days away → step 10
    sweep(date(2024, 10, 11))  # 2 working days overdue: supervisor already (after 2)
    kinds = [(k, s, u) for _, k, s, u in _notices()]
    assert ("due_soon", 10, "staff-relief") in kinds
    assert ("escalation", 1, "deputy") in kinds
    assert ("overdue", 2, "staff-relief") in kinds  # repeats every working day


def test_dry_run_counts_but_writes_nothing(holiday_task):
    report = run_reminders(at(date(2024, 10, 10)), dry_run=True)
    db.session.rollback()
    assert report.notifications == 2 and report.by_kind == {"overdue": 2}
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(Notification.dedupe_key.is_not(None))
        )
        == 0
    )
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_task_without_supervisor_escalates_to_the_office(holiday_task, reminder_org):
    holiday_task.supervisor = None
    db.session.commit()
    sweep(date(2024, 10, 12))
    escalations = [u for _, k, _, u in _notices() if k == "escalation"]
    assert escalations == ["office"]


def _ledger(org, task, kind, data):
    from tracker.records import service as records

    with clock.frozen_at(at(date(2024, 9, 2))):
        record = records.create_record(org.users.chief, task, kind, data)
        db.session.commit()
    return record


def test_certificates_expiring_within_60_and_30_days(holiday_task, reminder_org):
    org = reminder_org
    certificate = _ledger(
        org,
        holiday_task,
        "certification",
        {
            "holder_name": "张三",
            "holder_user_id": org.users.staff_other.id,
            "certificate_number": "晋执140001",
            "enforcement_field": "社会救助",
            "issued_on": date(2022, 12, 1),
            "expires_on": date(2024, 12, 1),
            "revoke_reason": "",
        },
    )
    sweep(date(2024, 9, 30))  # 62 days left: nothing yet
    sweep(date(2024, 10, 8))  # 54 days: the 60-day notice
    sweep(date(2024, 10, 9))  # still the same step: nothing new
    sweep(date(2024, 11, 1))  # 30 days: the 30-day notice
    cert = [(d, s, u) for d, k, s, u in _notices() if k == "cert_expiry"]
    assert cert == [
        ("2024-10-08", 60, "staff-relief"),
        ("2024-10-08", 60, "chief-relief"),
        ("2024-10-08", 60, "staff-relief-2"),  # the holder of the certificate
        ("2024-11-01", 30, "staff-relief"),
        ("2024-11-01", 30, "chief-relief"),
        ("2024-11-01", 30, "staff-relief-2"),
    ]
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "cert_expiry").limit(1)
    )
    assert notice.record_id == certificate.id and notice.link == f"/records/{certificate.id}"
    assert notice.title == "Enforcement certificate of 张三 expires in 54 days"


def test_rectification_due_within_5_working_days_then_overdue(holiday_task, reminder_org):
    inspection = _ledger(
        reminder_org,
        holiday_task,
        "inspection",
        {
            "target_organisation": "某养老院",
            "inspection_kind": "random",
            "done_on": date(2024, 9, 3),
            "findings": "消防通道堵塞",
            "problem_count": 1,
            "rectification_due": date(2024, 9, 30),
        },
    )
    sweep(date(2024, 9, 23))  # 6 working days before (24–27, Sun 29, 30 Sep): not yet
    sweep(date(2024, 9, 24))  # 5 working days: due soon
    sweep(date(2024, 9, 25))  # the same notice is not written again
    sweep(date(2024, 10, 8))  # first working day after 30 Sep (holiday between): overdue
    kinds = [(d, k, s, u) for d, k, s, u in _notices() if k.startswith("rectification")]
    assert kinds == [
        ("2024-09-24", "rectification_due", 0, "staff-relief"),
        ("2024-09-24", "rectification_due", 0, "chief-relief"),
        ("2024-10-08", "rectification_overdue", 1, "staff-relief"),
        ("2024-10-08", "rectification_overdue", 1, "chief-relief"),
    ]
    inspection.rectified_on = date(2024, 10, 8)
    db.session.commit()
    assert sweep(date(2024, 10, 14)).by_kind.get("rectification_overdue") is None


def test_a_task_due_on_a_weekend_is_due_soon_by_its_working_days(reminder_org):
    """The sweep reads only tasks that can be due soon: a task due on Saturday 16 November 2024
    is 5 working days away on Friday the 8th (11–15 November) and gets its notice that day."""
    org = reminder_org
    with clock.frozen_at(at(date(2024, 11, 1))):
        plan = make_plan(org, year=2024)
        make_task(org, plan, "周末到期的任务", due_date=date(2024, 11, 16))
        make_task(org, plan, "下个月到期的任务", due_date=date(2024, 12, 20))
        plans.publish_plan(org.users.coordinator, plan)
        db.session.commit()
    report = sweep(date(2024, 11, 8))
    assert report.by_kind == {"due_soon": 2}  # the owner and the unit's chief, of the first task
    titles = set(
        db.session.scalars(sa.select(Notification.title).where(Notification.kind == "due_soon"))
    )
    assert titles == {"Due in 5 working days: 周末到期的任务"}


def test_a_leader_with_many_escalations_gets_one_digest_a_day(reminder_org):
    """Seven tasks ten working days overdue: the principal gets one notice with the counts and
    the most overdue items (not seven), once a day while they stay escalated."""
    org = reminder_org
    with clock.frozen_at(at(date(2024, 10, 28))):
        plan = make_plan(org, year=2024)
        for n in range(7):
            make_task(
                org, plan, f"逾期任务{n + 1}", due_date=date(2024, 11, 1) + timedelta(days=n % 3)
            )
        plans.publish_plan(org.users.coordinator, plan)
        db.session.commit()
    sweep(date(2024, 11, 19))  # 12–10 working days overdue: step 2, the principal
    principal = org.users.principal
    notices = db.session.scalars(
        sa.select(Notification).where(
            Notification.recipient_id == principal.id, Notification.kind == "escalation"
        )
    ).all()
    assert len(notices) == 1
    (digest,) = notices
    assert digest.title == "7 overdue tasks are escalated to you"
    assert "Step 2 (principal): 7; step 1 (supervisor): 0." in digest.body
    assert digest.body.splitlines()[2].startswith("逾期任务1 (")  # the most overdue first
    assert digest.link.endswith("/?light=red")
    # a second sweep the same day writes nothing; the next working day one more digest
    assert sweep(date(2024, 11, 19), hour=14).by_kind.get("escalation", 0) == 0
    assert sweep(date(2024, 11, 20)).by_kind.get("escalation", 0) == 1


def test_a_bureaus_own_day_off_holds_its_notices_and_is_not_counted(holiday_task, reminder_org):
    """Thu 10 Oct 2024 is a day off in this bureau's own calendar (a local holiday): no sweep
    writes its notices that day, and the first working day overdue is Fri 11 Oct."""
    with clock.frozen_at(at(date(2024, 9, 2))):
        admin, bureau = reminder_org.users.admin, reminder_org.bureau
        set_day(admin, date(2024, 10, 10), False, "本地节日", bureau)
        db.session.commit()
    assert sweep(date(2024, 10, 10)).notifications == 0
    sweep(date(2024, 10, 11))
    assert _notices() == [
        ("2024-10-11", "overdue", 1, "staff-relief"),
        ("2024-10-11", "overdue", 1, "chief-relief"),
    ]


def test_the_sweep_collects_garbage_less_often_and_puts_the_setting_back(holiday_task, monkeypatch):
    """A sweep over 100,000 tasks spent a third of a rerun in collections that freed nothing;
    the process's setting is the default again afterwards, also when the sweep fails."""
    import gc

    from tracker.reminders import sweep as sweep_module

    before = gc.get_threshold()
    during = []
    real = sweep_module.due_notices

    def watching(now):
        during.append(gc.get_threshold()[0])
        return real(now)

    monkeypatch.setattr(sweep_module, "due_notices", watching)
    run_reminders(at(date(2024, 10, 10)))
    assert during == [50_000]
    assert gc.get_threshold() == before

    def failing(now):
        raise RuntimeError("database gone")

    monkeypatch.setattr(sweep_module, "due_notices", failing)
    with pytest.raises(RuntimeError):
        run_reminders(at(date(2024, 10, 10)))
    assert gc.get_threshold() == before


def test_a_task_published_already_overdue_is_escalated_from_the_day_of_publishing(reminder_org):
    """Two plans with a task due Mon 2 September 2024: one published before that day, one on
    Tue 8 October (its task already overdue). On Thu 10 October both owners are told it is
    overdue, but only the first task is escalated (to the principal: far past the ten working
    days); the second counts two working days from its publishing, under the three that bring
    in the supervisor."""
    org = reminder_org
    with clock.frozen_at(at(date(2024, 8, 30))):
        early = make_plan(org, year=2024, title="按时发布的工作要点")
        make_task(org, early, "按时发布的任务", due_date=date(2024, 9, 2))
        plans.publish_plan(org.users.coordinator, early)
        late = make_plan(org, year=2024, title="补发的工作要点")
        make_task(org, late, "补发时已逾期的任务", due_date=date(2024, 9, 2))
        db.session.commit()
    with clock.frozen_at(at(date(2024, 10, 8))):
        plans.publish_plan(org.users.coordinator, late)
        db.session.commit()
    sweep(date(2024, 10, 10))
    escalated = set(
        db.session.scalars(sa.select(Notification.title).where(Notification.kind == "escalation"))
    )
    assert escalated and all("按时发布的任务" in title for title in escalated)
    overdue = set(
        db.session.scalars(sa.select(Notification.title).where(Notification.kind == "overdue"))
    )
    assert any("补发时已逾期的任务" in title for title in overdue)
