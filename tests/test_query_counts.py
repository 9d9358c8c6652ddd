"""The home page and the plan page issue as many SQL statements for 1,000 tasks as for 10."""

from __future__ import annotations

import contextlib
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_section, make_task
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.views import PLAN_PAGE_ROWS
from tracker.tasks import versions
from tracker.tasks.models import Task

#: 2026-06-08 10:00 in Asia/Shanghai
NOW = datetime(2026, 6, 8, 2, 0, tzinfo=UTC)
STATUSES = ["assigned", "in_progress", "in_progress", "submitted", "done"]


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen_at(NOW):
        yield


@contextlib.contextmanager
def counting_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, url: str) -> list[str]:
    client.get(url)  # warm up: the first request fills per-process caches
    # ...but not the figures kept between changes (tracker.tasks.versions): the statements
    # counted are those that compute them, as after any change
    versions.store.clear()
    with counting_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


def add_tasks(org, plan, sections, n: int, start: int) -> None:
    """Bulk-insert `n` published tasks spread over units, sections, owners and co-units."""
    units = [org.relief, org.elderly, org.office, org.relief_team]
    owners = {org.relief.id: org.users.staff, org.elderly.id: org.users.chief_elderly}
    rows = []
    for i, unit, section, status in zip(
        range(start, start + n),
        itertools.cycle(units),
        itertools.cycle(sections),
        itertools.cycle(STATUSES),
        strict=False,
    ):
        rows.append(
            Task(
                plan=plan,
                plan_id=plan.id,
                section=section,
                number=f"{i}.",
                title=f"批量任务{i}",
                lead_unit=unit,
                co_units=[org.elderly, org.office] if i % 3 == 0 and unit is org.relief else [],
                owner=owners.get(unit.id),
                supervisor=org.users.leader,
                status=status,
                start_date=date(2026, 1, 1),
                due_date=date(2026, 5, 1) + timedelta(days=i % 120),
                progress=(i * 7) % 100,
                position=i * 10,
                submitted_on=date(2026, 5, 20) if status == "submitted" else None,
            )
        )
    db.session.add_all(rows)
    db.session.commit()


@pytest.fixture
def big_plan(org):
    plan = make_plan(org)
    sections = [make_section(org, plan, f"第{n}部分", n) for n in "一二三四"]
    sections.append(make_section(org, plan, "子部分", "（一）", parent=sections[0]))
    make_task(org, plan, title="季度报送", section=sections[1], recurrence="quarterly")
    make_task(org, plan, title="长期坚持", section=sections[2], is_continuous=True)
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return plan, sections


@pytest.mark.parametrize(
    "username", ["office", "chief-relief", "staff-relief", "director", "viewer"]
)
def test_home_page_statements_do_not_grow_with_tasks(org, auth, big_plan, username):
    plan, sections = big_plan
    add_tasks(org, plan, sections, 10, start=1)
    auth.login(username)
    few = statements_for(auth.client, "/")
    add_tasks(org, plan, sections, 990, start=11)
    many = statements_for(auth.client, "/")
    assert len(many) == len(few), "\n\n".join(many)


def plan_page_statements(org, auth, big_plan, url: str) -> tuple[list[str], list[str], str]:
    plan, sections = big_plan
    url = url.format(plan=plan.id, unit=org.elderly.id)
    add_tasks(org, plan, sections, 10, start=1)
    auth.login("office")
    few = statements_for(auth.client, url)
    add_tasks(org, plan, sections, 990, start=11)
    many = statements_for(auth.client, url)
    return few, many, auth.client.get(url).text


def test_plan_page_statements_do_not_grow_with_tasks(org, auth, big_plan):
    few, many, page = plan_page_statements(org, auth, big_plan, "/plans/{plan}")
    rows = page.count('id="task-') + page.count('class="task-occurrence')
    assert rows == PLAN_PAGE_ROWS == 100 and "they are shown 100 at a time" in page
    assert len(many) == len(few), "\n\n".join(many)


def test_plan_page_filtered_by_unit_statements_do_not_grow_with_tasks(org, auth, big_plan):
    # about a third of the tasks involve 养老服务科: more than a page, one SELECT per relation
    few, many, page = plan_page_statements(org, auth, big_plan, "/plans/{plan}?unit={unit}")
    rows = page.count('id="task-') + page.count('class="task-occurrence')
    assert rows == PLAN_PAGE_ROWS and 'class="pagination' in page
    assert len(many) == len(few), "\n\n".join(many)


def test_a_large_plan_page_is_bounded_paged_and_counts_every_task(org, auth, big_plan):
    """Past 100 tasks the plan page shows them 100 at a time in plan order (or one section's),
    with the same statements whatever the size, and completion still counted over them all."""
    import re

    plan, sections = big_plan
    add_tasks(org, plan, sections, 10, start=1)
    auth.login("office")
    small = auth.client.get(f"/plans/{plan.id}").text
    assert "shown 100 at a time" not in small and 'class="pagination' not in small
    add_tasks(org, plan, sections, 700, start=11)
    few = statements_for(auth.client, f"/plans/{plan.id}")
    add_tasks(org, plan, sections, 300, start=711)
    many = statements_for(auth.client, f"/plans/{plan.id}")
    assert len(many) == len(few), "\n\n".join(many)

    total = db.session.scalar(sa.select(sa.func.count(Task.id)).where(Task.plan_id == plan.id))
    page = auth.client.get(f"/plans/{plan.id}").text
    assert f"This plan has {total} tasks: they are shown 100 at a time in plan order." in page
    rows = len(re.findall(r'<tr id="task-|<tr class="task-occurrence', page))
    assert rows == PLAN_PAGE_ROWS
    # the last page holds the rest; a page past the end shows the last one
    last = -(-total // PLAN_PAGE_ROWS)
    assert f'href="/plans/{plan.id}?page={last}"' in page
    assert "批量任务1010" in auth.client.get(f"/plans/{plan.id}?page={last}").text
    assert "批量任务1010" in auth.client.get(f"/plans/{plan.id}?page=999").text
    # completion counts every task, not the page's: the done share of the whole plan
    done = db.session.scalar(
        sa.select(sa.func.count(Task.id)).where(Task.plan_id == plan.id, Task.status == "done")
    )
    counted = db.session.scalar(
        sa.select(sa.func.count(Task.id)).where(
            Task.plan_id == plan.id, Task.status != "cancelled", Task.recurrence == "none"
        )
    )
    assert f"{done} of {counted} done" in page
    # one section: its tasks only, with a way back to all
    third = sections[2]
    section = auth.client.get(f"/plans/{plan.id}?section={third.id}").text
    assert "Showing the section" in section and "All sections" in section
    assert "长期坚持" in section and "季度报送" not in section
