"""A plan with hand-counted figures, on a frozen clock: Monday 2026-06-08 10:00 in Shanghai.

Every task starts on 1 January; today is 2026-06-08; "yellow" also means due within five
working days (by 2026-06-15). What each task counts as:

社会救助科 (relief), six counted tasks:
  R1 done, due 06-30, submitted 06-08 → done on time
  R2 done, due 06-01, submitted 06-08 → done late
  R3 in progress, due 06-01 → overdue 7 days; co-unit 养老服务科
  R4 assigned, due 05-09 → overdue 30 days
  R5 submitted 06-08, due 06-05 → submitted late: overdue 3 days
  R6 in progress, due 12-31 → on track (green); co-unit 办公室
  R7 cancelled (co-unit 养老服务科) → not counted anywhere
低保核对中心 (relief_team, below 社会救助科):
  T1 in progress, due 06-04 → overdue 4 days; co-unit 社会救助科
养老服务科 (elderly), five counted tasks:
  E1 in progress, due 06-10 → orange
  E2 assigned, due 07-20 → yellow
  E3 submitted on time, due 06-30 → green
  H  half-yearly (the container is not counted): H1 due 06-30 → orange, H2 due 12-31 → green
the bureau itself (no lead unit): D1 principal duty, 12 次, in progress, due 12-31 → green
办公室, one counted task:
  P  the reporting task "报送并公开2026年度法治政府建设情况报告" that publishing the plan adds
     (tracker/reports), assigned to the coordinator, starts today (when published), due
     2027-03-31 → green; not in a section, kind general. 办公室 also helps with R6.
局领导: no tasks.
Together: 14 counted tasks (6 + 1 + 5 + 1 + 1).
Not counted either: a task of a draft plan, a task of another bureau (外市民政局 has two: its
own and its reporting task), and the 2025 plan's two: 去年任务 (done) and the reporting task
"报送并公开2025年度法治政府建设情况报告", due 2026-03-31 and still assigned → 69 days overdue
(the 2025 plan is published today, in the fixture).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from tests.factories import (
    make_duty,
    make_plan,
    make_section,
    make_task,
    reporting_task,
    walk,
)
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks import service as tasks
from tracker.tasks import workflow
from tracker.tasks.models import Task
from tracker.units.service import create_unit

#: 2026-06-08 10:00 in Asia/Shanghai (a Monday, ISO week 2026-W24).
NOW = datetime(2026, 6, 8, 2, 0, tzinfo=UTC)
TODAY = date(2026, 6, 8)
START = date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture(autouse=True)
def _workflow_rules_of_its_own(monkeypatch):
    """Submitting needs no evidence here: the dashboard is tested, not the ledger's rules."""
    from tests.factories import workflow_without_other_features_checks

    workflow_without_other_features_checks(monkeypatch)


@dataclass
class Fixture:
    plan: object
    sections: dict
    tasks: dict


def d(text: str) -> date:
    return date.fromisoformat(f"2026-{text}")


def build_fixture(org) -> Fixture:
    """The plan described in the module docstring (committed)."""
    plan = make_plan(org, year=2026)
    one = make_section(org, plan, "加强规范性文件的制定", "一")
    one_sub = make_section(org, plan, "合法性审查", "（一）", parent=one)
    two = make_section(org, plan, "强化培训", "二")
    relief, elderly = org.relief, org.elderly

    def task(name, due, *, section=one, **fields):
        fields.setdefault("start_date", START)
        return make_task(org, plan, title=f"任务{name}", section=section, due_date=d(due), **fields)

    t = {
        "R1": task("R1", "06-30", section=one_sub),
        "R2": task("R2", "06-01", section=one_sub),
        "R3": task("R3", "06-01", co_units=[elderly], kind="inspection"),
        "R4": task("R4", "05-09", section=two),
        "R5": task("R5", "06-05", section=two),
        "R6": task("R6", "12-31", co_units=[org.office], kind="inspection"),
        "R7": task("R7", "06-30", co_units=[elderly]),
        "T1": task("T1", "06-04", lead_unit=org.relief_team, co_units=[relief], section=two),
        "E1": task("E1", "06-10", lead_unit=elderly, owner=org.users.chief_elderly),
        "E2": task("E2", "07-20", lead_unit=elderly, owner=org.users.chief_elderly),
        "E3": task("E3", "06-30", lead_unit=elderly, owner=org.users.chief_elderly),
        "H": task(
            "H", "12-31", lead_unit=elderly, owner=org.users.chief_elderly, recurrence="half-yearly"
        ),
        "D1": make_duty(
            org,
            plan,
            lead_unit=None,
            target_count=12,
            target_measure="次",
            start_date=START,
            due_date=d("12-31"),
        ),
    }
    plans.publish_plan(org.users.coordinator, plan)
    t["P"] = reporting_task(plan)  # added by publishing: 办公室's task, due 2027-03-31
    walk(org, t["R1"], "done")
    walk(org, t["R2"], "done")
    walk(org, t["R3"], "in_progress")
    walk(org, t["R5"], "submitted")
    walk(org, t["R6"], "in_progress")
    walk(org, t["R7"], "cancelled")
    walk(org, t["T1"], "in_progress")
    walk(org, t["E1"], "in_progress", worker=org.users.chief_elderly)
    walk(org, t["E3"], "submitted", worker=org.users.chief_elderly)
    workflow.transition(org.users.principal, t["D1"], "claim")
    h1, h2 = sorted(t["H"].occurrences, key=lambda o: o.due_date)
    t["H1"], t["H2"] = h1, h2

    # never counted: a draft plan's task, another bureau's task, last year's task
    draft = make_plan(org, year=2026, title="草稿工作要点")
    make_task(org, draft, title="草稿任务", due_date=d("06-01"), start_date=START)
    foreign = plans.create_plan(
        org.users.outsider, bureau=org.other_bureau, year=2026, title="外市"
    )
    tasks.create_task(
        org.users.outsider,
        foreign,
        tasks.TaskData(title="外市任务", lead_unit=org.other_section, due_date=d("06-01")),
    )
    plans.publish_plan(org.users.outsider, foreign)
    # publishing adds the reporting task "报送并公开2025年度法治政府建设情况报告" to this plan,
    # due 2026-03-31: open, so overdue today (it counts in the 2025 view only)
    last_year = make_plan(org, year=2025)
    old = make_task(org, last_year, title="去年任务", due_date=date(2025, 6, 1))
    plans.publish_plan(org.users.coordinator, last_year)
    walk(org, old, "done")
    db.session.commit()
    return Fixture(plan=plan, sections={"one": one, "one_sub": one_sub, "two": two}, tasks=t)


@pytest.fixture
def fixture_plan(org) -> Fixture:
    return build_fixture(org)


def task_titles(tasks_: list[Task]) -> set[str]:
    return {t.title for t in tasks_}


@pytest.fixture
def other_unit(org):
    """A unit with no tasks at all, below the bureau."""
    unit = create_unit(org.users.admin, name="儿童福利科", parent=org.bureau)
    db.session.commit()
    return unit
