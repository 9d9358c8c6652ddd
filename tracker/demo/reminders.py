"""Demo reminders: the bureau's policy, an example work-chat robot (disabled) and the reminders
of the last working-day check."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from tracker.audit.service import SystemActor
from tracker.core import clock, workdays
from tracker.extensions import db
from tracker.reminders.models import RobotWebhook
from tracker.reminders.policy import PolicyData, policy_for, save_policy
from tracker.reminders.sweep import run_reminders
from tracker.reminders.webhooks import RobotData, save_robot
from tracker.units.models import Unit

DEMO_ACTOR = SystemActor(username="demo-loader")


def last_sweep_time(now: datetime) -> datetime:
    """The most recent 08:30 on a working day at or before `now` (bureau time)."""
    local = clock.to_local(now)
    day = local.date()
    if local.time() < time(8, 30):
        day -= timedelta(days=1)
    day = workdays.last_workday_on_or_before(day)
    return datetime.combine(day, time(8, 30), tzinfo=clock.local_timezone())


def load_reminders(bureau: Unit) -> int:
    """Save the default policy (once) and run the sweep the scheduler ran last; return how many
    notices it wrote (a second load writes none)."""
    if policy_for(bureau) is None:
        save_policy(
            DEMO_ACTOR,
            bureau,
            PolicyData(
                due_soon_days="5,1",
                overdue_repeat_days=3,
                escalate_supervisor_days=3,
                escalate_principal_days=10,
                certificate_expiry_days="60,30",
                rectification_due_days=5,
                is_email_enabled=True,
            ),
        )
    _example_robot(bureau)
    report = run_reminders(last_sweep_time(clock.now()))
    return report.notifications


def _example_robot(bureau: Unit) -> None:
    """A DingTalk robot of the bureau, disabled (the demo posts nothing anywhere), so the
    administrators' robots page shows what one looks like; once."""
    exists = db.session.scalar(
        sa.select(RobotWebhook.id).where(RobotWebhook.unit_id == bureau.id).limit(1)
    )
    if exists is not None:
        return
    save_robot(
        DEMO_ACTOR,
        None,
        RobotData(
            unit=bureau,
            kind="dingtalk",
            name=f"{bureau.name}依法行政工作群（示例）",
            url="https://oapi.dingtalk.com/robot/send?access_token=demo-example-token",
            secret="SECdemo-example-secret",
            is_enabled=False,
        ),
    )
