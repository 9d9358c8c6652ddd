"""`tracker demo generate`: a synthetic city of bureaus that the city office sees and ranks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import Auth
from tracker.accounts.models import User
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.plans.models import Plan
from tracker.tasks.models import Task
from tracker.units.models import Unit

NOW = datetime(2026, 9, 15, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen_at(NOW):
        yield


def _bureaus(db):
    city = db.session.scalar(sa.select(Unit).where(Unit.kind == "city"))
    return city, db.session.scalars(
        sa.select(Unit).where(Unit.parent_id == city.id).order_by(Unit.id)
    ).all()


def test_generate_builds_bureaus_with_people_plans_and_tasks(app, db, runner):
    result = runner.invoke(
        args=["demo", "generate", "--bureaus", "3", "--tasks-per-bureau", "40",
              "--users-per-bureau", "12"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "generated 3 bureaus under 忻州市: 24 units, 36 accounts" in result.output
    assert "120 tasks" in result.output
    city, bureaus = _bureaus(db)
    assert [b.name for b in bureaus] == [
        "忻州市发展和改革委员会",
        "忻州市教育局",
        "忻州市科学技术局",
    ]
    for bureau in bureaus:
        plan = db.session.scalar(sa.select(Plan).where(Plan.bureau_id == bureau.id))
        assert plan.title == f"{bureau.name}2026年法治建设工作要点" and plan.status == "active"
        tasks = db.session.scalars(sa.select(Task).where(Task.plan_id == plan.id)).all()
        assert len(tasks) == 40
        # every task belongs to a section of this bureau and falls due within the year
        assert {t.lead_unit.bureau_id for t in tasks} == {bureau.id}
        assert all(t.due_date.year == 2026 and t.start_date <= t.due_date for t in tasks)
        # a year's mix: finished work behind, open work ahead, none finished before it started
        statuses = {t.status for t in tasks}
        assert {"done", "in_progress"} <= statuses
        assert all(t.due_date >= t.start_date for t in tasks)
        users = db.session.scalars(
            sa.select(User).join(Unit, User.unit_id == Unit.id).where(Unit.bureau_id == bureau.id)
        ).all()
        assert len(users) == 12
        assert sum(u.is_principal for u in users) == 1
        assert sorted({u.role for u in users}) == ["chief", "coordinator", "leader", "staff"]
    # one audit event per bureau for the bulk rows
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "demo.generate"))
        == 3
    )


def test_a_second_run_adds_new_bureaus_and_accounts_can_log_in(app, db, runner, client):
    runner.invoke(args=["demo", "generate", "--bureaus", "2", "--tasks-per-bureau", "5",
                        "--users-per-bureau", "7"])  # fmt: skip
    result = runner.invoke(
        args=["demo", "generate", "--bureaus", "1", "--tasks-per-bureau", "5",
              "--users-per-bureau", "7"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _city, bureaus = _bureaus(db)
    assert len(bureaus) == 3 and len({b.name for b in bureaus}) == 3
    office = db.session.scalar(
        sa.select(User).where(
            User.role == "coordinator", User.unit.has(Unit.bureau_id == bureaus[2].id)
        )
    )
    auth = Auth(client)
    response = auth.login(office.username, "duban-demo")
    assert response.status_code == 302
    plans = client.get("/plans/").text
    assert f"{bureaus[2].name}2026年法治建设工作要点" in plans
    assert bureaus[0].name not in plans  # another bureau's plan is not theirs to see


def test_generate_refuses_bad_numbers_with_one_line(app, runner):
    result = runner.invoke(args=["demo", "generate", "--bureaus", "0"])
    assert result.exit_code != 0 and "--bureaus" in result.output
