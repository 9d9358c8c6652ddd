"""The dashboard's per-unit figures are kept between requests while the tasks they count are
unchanged (tracker.tasks.versions), and recomputed as soon as anything they count changes: a
workflow step, 催办, the day, the calendar. Each test compares what is served with figures
computed afresh."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.dashboard.conftest import NOW, TODAY
from tests.factories import add_user
from tracker.dashboard import charts
from tracker.dashboard.briefing import build_briefing
from tracker.dashboard.queries import DashboardFilters, resolve, unit_table
from tracker.evidence import service as evidence
from tracker.extensions import db
from tracker.holidays import service as holidays
from tracker.home.queries import queue_counts
from tracker.supervision import service as supervision
from tracker.tasks import service as tasks
from tracker.tasks import versions, workflow
from tracker.tasks.lights import LightPolicy
from tracker.tasks.queries import TaskFilters, light_counts


def figures(user, today: date = TODAY) -> dict:
    view = resolve(user, DashboardFilters(), today)
    table = unit_table(view, LightPolicy.current(today))
    return {
        row.unit.name: (row.total, row.done, row.overdue, row.days_overdue_sum, row.urged)
        for row in table.rows
    }


def fresh(user, today: date = TODAY) -> dict:
    versions.store.clear()
    return figures(user, today)


@pytest.fixture
def statements():
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def test_figures_are_read_once_between_changes(org, fixture_plan, statements):
    first = figures(org.users.coordinator)
    counted = len(statements)
    again = figures(org.users.coordinator)
    assert again == first
    assert versions.store.hits == 1
    # the four passes over the tasks are not made again: only the view, the units and tokens
    assert len(statements) - counted <= counted - 4


def test_a_workflow_step_is_counted_at_once(org, fixture_plan):
    before = figures(org.users.coordinator)
    assert before["社会救助科"][1] == 2  # R1 and R2 done
    workflow.transition(org.users.coordinator, fixture_plan.tasks["R5"], "accept")
    db.session.commit()
    after = figures(org.users.coordinator)
    assert after["社会救助科"][1] == 3
    assert after["社会救助科"][2] == before["社会救助科"][2] - 1  # R5 no longer overdue
    assert after == fresh(org.users.coordinator)


def test_an_urge_is_counted_at_once(org, fixture_plan):
    before = figures(org.users.coordinator)
    supervision.urge(org.users.coordinator, fixture_plan.tasks["R4"])
    db.session.commit()
    after = figures(org.users.coordinator)
    assert after["社会救助科"][4] == before["社会救助科"][4] + 1
    assert after == fresh(org.users.coordinator)


def test_a_new_task_and_a_changed_deadline_are_counted_at_once(org, fixture_plan):
    before = figures(org.users.coordinator)
    r6 = fixture_plan.tasks["R6"]  # in progress, due at the year's end
    data = tasks.TaskData(
        **tasks.plan_content(r6), section=r6.section, start_date=r6.start_date,
        due_date=date(2026, 6, 1),
    )  # fmt: skip
    tasks.update_task(org.users.coordinator, r6, data, expected_version=None)
    db.session.commit()
    after = figures(org.users.coordinator)
    assert after["社会救助科"][2] == before["社会救助科"][2] + 1  # R6 now overdue
    assert after == fresh(org.users.coordinator)


def test_the_next_day_is_counted_afresh(org, fixture_plan):
    today = figures(org.users.coordinator)
    tomorrow = figures(org.users.coordinator, TODAY + timedelta(days=1))
    assert tomorrow["社会救助科"][3] > today["社会救助科"][3]  # each overdue task a day later
    assert tomorrow == fresh(org.users.coordinator, TODAY + timedelta(days=1))


def test_a_calendar_change_is_counted_at_once(org, fixture_plan):
    before = figures(org.users.coordinator)
    # Friday 5 June becomes a day off: every task overdue since before then is a day less late
    holidays.set_day(org.users.admin, date(2026, 6, 5), False, "地方假日")
    db.session.commit()
    after = figures(org.users.coordinator)
    assert after["社会救助科"][3] < before["社会救助科"][3]
    assert after == fresh(org.users.coordinator)


def test_another_bureaus_change_keeps_the_figures(org, fixture_plan):
    figures(org.users.coordinator)
    foreign = db.session.scalars(sa.select(tasks.Task).where(tasks.Task.title == "外市任务")).one()
    workflow.transition(org.users.outsider, foreign, "claim")
    db.session.commit()
    hits = versions.store.hits
    figures(org.users.coordinator)
    assert versions.store.hits == hits + 1


def test_a_change_rolled_back_keeps_the_figures(org, fixture_plan):
    before = figures(org.users.coordinator)
    workflow.transition(org.users.coordinator, fixture_plan.tasks["R5"], "accept")
    db.session.rollback()
    assert figures(org.users.coordinator) == before == fresh(org.users.coordinator)


# -- the light counts of a user's task list (home page, API) -----------------------------------


def lights(user) -> dict:
    return light_counts(user, TaskFilters(), LightPolicy.current(TODAY))


def fresh_lights(user) -> dict:
    versions.store.clear()
    return lights(user)


def test_light_counts_are_kept_and_follow_a_workflow_step(org, fixture_plan):
    chief = org.users.chief_elderly
    before = lights(chief)
    assert lights(chief) == before and versions.store.hits == 1
    workflow.transition(org.users.coordinator, fixture_plan.tasks["E3"], "accept")
    db.session.commit()
    after = lights(chief)
    assert after["grey"] == before["grey"] + 1
    assert after == fresh_lights(chief)


def test_light_counts_follow_a_co_unit_from_another_bureau(org, fixture_plan):
    """Another bureau's task that names the unit as co-unit joins the unit's list at once,
    although the task's own bureau is the one that changed it."""
    chief = org.users.chief_elderly
    before = lights(chief)
    foreign = db.session.scalars(sa.select(tasks.Task).where(tasks.Task.title == "外市任务")).one()
    foreign.co_units.append(org.elderly)
    db.session.commit()
    after = lights(chief)
    assert sum(after.values()) == sum(before.values()) + 1
    assert after == fresh_lights(chief)


def test_the_year_chart_and_the_briefing_follow_a_workflow_step(org, fixture_plan):
    def chart_and_briefing():
        view = resolve(org.users.coordinator, DashboardFilters(), TODAY)
        table = unit_table(view, LightPolicy.current(TODAY))
        chart = charts.progress_over_year(view, list(table.units), lambda **a: "")
        briefing = build_briefing(db.session, org.users.principal, NOW)
        overdue = [(g.name, [t.title for t in g.tasks], g.more) for g in briefing.overdue_by_unit]
        return chart["table"]["rows"], overdue

    rows, overdue = chart_and_briefing()
    assert ("社会救助科", ["任务R4", "任务R3", "任务R5"], 0) in overdue
    workflow.transition(org.users.coordinator, fixture_plan.tasks["R5"], "accept")
    db.session.commit()
    rows_after, overdue_after = chart_and_briefing()
    assert ("社会救助科", ["任务R4", "任务R3"], 0) in overdue_after
    june = 5
    assert rows_after[june][3] == rows[june][3] + 1  # done by the end of June
    versions.store.clear()
    assert chart_and_briefing() == (rows_after, overdue_after)


def test_the_review_badge_follows_evidence(org, fixture_plan):
    """The legal office's 待我审核 badge (on every page) counts evidence awaiting review:
    an upload adds one at once, a review takes it away."""
    office = org.users.coordinator
    before = queue_counts(office)
    assert queue_counts(office) == before and versions.store.hits == 1
    note = evidence.add_note(
        org.users.chief_elderly, fixture_plan.tasks["E1"], text="会议纪要已归档", title="纪要"
    )
    db.session.commit()
    assert queue_counts(office)["evidence"] == before["evidence"] + 1
    evidence.review(office, note, "verified")
    db.session.commit()
    assert queue_counts(office) == before
    versions.store.clear()
    assert queue_counts(office) == before


def test_colleagues_share_kept_lists_and_staff_keep_their_own(org, fixture_plan):
    """Two chiefs of one unit see the same list: the second is served what the first computed.
    A staff member's list is their own assignments: never another's."""
    first = org.users.chief_elderly
    second = add_user("chief-elderly-2", "chief", org.elderly)
    staff = add_user("staff-elderly-2", "staff", org.elderly)
    db.session.commit()
    counts = lights(first)
    hits = versions.store.hits
    assert lights(second) == counts and versions.store.hits == hits + 1
    assert sum(lights(staff).values()) == 0  # nothing assigned to them
    assert lights(staff) == fresh_lights(staff)


def test_a_city_without_a_plan_of_its_own_keeps_its_figures(app):
    """The city office counts every bureau below it. A city node that had never changed a task
    (no plan of its own yet) had no token, so nothing it counted was kept: at 50 bureaus ×
    2,000 tasks its home page took a second, every view. A new city and a new bureau now get
    their token when created, and a bureau's change is still counted at once."""
    from tests.upward.conftest import build_city

    city = build_city()
    assert versions.tokens([city.city.id]) is not None
    before = lights(city.office)
    assert sum(before.values()) >= 12  # four tasks in each of three bureaus, at least
    assert lights(city.office) == before and versions.store.hits == 1
    from tracker.plans.models import Plan

    coordinator = city.coordinators[0]
    plan = db.session.scalars(sa.select(Plan).where(Plan.bureau_id == city.bureaus[0].id)).one()
    tasks.create_task(
        coordinator,
        plan,
        tasks.TaskData(title="新增任务", lead_unit=coordinator.unit, due_date=date(2025, 6, 30)),
    )
    db.session.commit()
    after = lights(city.office)
    assert sum(after.values()) == sum(before.values()) + 1
    assert after == fresh_lights(city.office)


def test_the_store_is_bounded_and_forgets_the_least_recently_used_first():
    store = versions._Store(2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == (True, 1)  # "a" is now the most recently used
    store.put("c", 3)
    assert store.get("b") == (False, None) and store.get("a") == (True, 1)
    assert len(store.entries) == 2
    assert versions.store.size == versions.MAX_ENTRIES >= 1024  # a city's users fit in
