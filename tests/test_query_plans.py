"""The hot pages find a unit's tasks through indexes: no statement of theirs scans every task.

SQLite only (EXPLAIN QUERY PLAN); the same query shapes serve PostgreSQL. A full scan of the
tasks table is what made the lists take seconds at 100,000 tasks (issue H7); this test fails as
soon as a query on these pages falls back to one.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.test_query_counts import _frozen_clock, add_tasks, big_plan  # noqa: F401 - fixtures
from tracker.extensions import db
from tracker.tasks import versions
from tracker.tasks.models import Task

#: A scan, or a skip-scan that walks an index from its first column (ANY(...)): every row either way
FULL_SCAN = re.compile(
    r"^(SCAN (tasks|task_co_units)\b|SEARCH tasks USING (COVERING )?INDEX \w+ \(ANY\()"
)
#: Every task of a plan, read through the plan's index: a full scan when one plan holds them all
#: (as in the benchmark). The 催办 counts of a list once did this (38 ms a page at 100k).
WHOLE_PLAN = re.compile(
    r"^SEARCH tasks USING (COVERING )?INDEX ix_tasks_plan_id_position \(plan_id=\?\)$"
)

#: sqlite_stat1 as ANALYZE writes it for the benchmark's 100,000 tasks (make bench): the planner
#: then chooses as it would at city size, without the test inserting a city.
CITY_STATISTICS = {
    "tasks": {
        "ix_tasks_status_due_date": "100000 20000 55",
        "ix_tasks_section_id": "100000 10000",
        "ix_tasks_plan_id_position": "100000 100000 1",
        "ix_tasks_parent_id": "100000 100000",
        "ix_tasks_owner_id": "100000 2858",
        "ix_tasks_lead_unit_id": "100000 10000",
        "ix_tasks_plan_id_section_id_status": "100000 100000 10000 2000 2000",
    },
    "task_co_units": {
        "ix_task_co_units_unit_id_task_id": "19913 1992 1",
        "sqlite_autoindex_task_co_units_1": "19913 1 1",
    },
}


def at_city_size(more: dict[tuple[str, str], str] | None = None) -> None:
    """Statistics as at 100,000 tasks for the indexes CITY_STATISTICS names, and `more`
    ((table, index): stat); the others as ANALYZE finds them (a partial index holds only its
    few rows at any size)."""
    stats = {(t, i): stat for t, indexes in CITY_STATISTICS.items() for i, stat in indexes.items()}
    stats.update(more or {})
    with db.engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
        for (table, index), stat in stats.items():
            connection.execute(
                sa.text("DELETE FROM sqlite_stat1 WHERE tbl = :t AND idx = :i"),
                {"t": table, "i": index},
            )
            connection.execute(
                sa.text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (:t, :i, :s)"),
                {"t": table, "i": index, "s": stat},
            )


def statements_with_parameters(client, url: str) -> list[tuple[str, tuple]]:
    seen: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, tuple(parameters or ())))

    versions.store.clear()  # the statements that compute the kept figures are checked too
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return seen


def full_scans(statements: list[tuple[str, tuple]], *, plan_wide: bool = False) -> list[str]:
    found = []
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("ANALYZE sqlite_schema")  # this connection plans with the city's figures
        for statement, parameters in statements:
            plan = [
                row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
            patterns = (FULL_SCAN, WHOLE_PLAN) if plan_wide else (FULL_SCAN,)
            if any(p.match(line.strip()) for line in plan for p in patterns):
                found.append(statement + "\n  " + "\n  ".join(plan))
    finally:
        raw.close()
    return found


@pytest.mark.parametrize(
    "username", ["chief-relief", "chief-elderly", "staff-relief", "office", "director"]
)
def test_task_lists_and_task_page_never_scan_every_task(org, auth, big_plan, username):  # noqa: F811
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    plan, sections = big_plan
    add_tasks(org, plan, sections, 300, start=1)
    at_city_size()
    auth.login(username)
    # the first task of the user's own list (a task that does not recur)
    task_id = re.search(r'href="/tasks/(\d+)"', auth.client.get("/").text).group(1)
    for url in ("/", "/?light=red", "/?page=2", f"/tasks/{task_id}"):
        lists = not url.startswith("/tasks/")  # no plan chosen: none may be read whole
        scans = full_scans(statements_with_parameters(auth.client, url), plan_wide=lists)
        assert not scans, f"{url} scans every task:\n\n" + "\n\n".join(scans)


@pytest.mark.parametrize("url", ["/duties", "/briefing"])
def test_the_principals_duties_are_found_through_an_index(org, auth, big_plan, url):  # noqa: F811
    """The duties page and the weekly briefing read the plan's few principal duties; without
    their index each view walked all 100,000 tasks of the plan (20-30 ms)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    plan, sections = big_plan
    add_tasks(org, plan, sections, 300, start=1)
    # a plan has a few principal duties: ANALYZE then gives their index its (small) figures
    first = sa.select(Task.id).where(Task.plan_id == plan.id).order_by(Task.id).limit(3)
    db.session.execute(
        sa.update(Task).where(Task.id.in_(first.scalar_subquery())).values(is_principal_duty=True)
    )
    db.session.commit()
    at_city_size()
    auth.login("director")
    statements = statements_with_parameters(auth.client, url)
    duties = [(s, p) for s, p in statements if "is_principal_duty IS 1" in s]
    assert duties, "the page no longer reads the duties this way: check the test"
    scans = full_scans(duties, plan_wide=True)
    assert not scans, f"{url} scans every task for the duties:\n\n" + "\n\n".join(scans)


def test_the_briefing_reads_the_weeks_history_by_time(org, auth, big_plan):  # noqa: F811
    """The weekly briefing's steps, new records and deadline changes are found by time: with a
    year of history the plan-first shape walked every task of the plan (0.5 s and 2 s)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    plan, sections = big_plan
    add_tasks(org, plan, sections, 300, start=1)
    history = {  # a year of a city's history, as ANALYZE would count it
        ("task_updates", "ix_task_updates_task_id"): "300000 3",
        ("task_updates", "ix_task_updates_created_at"): "300000 2",
        ("records", "ix_records_task_id"): "50000 2",
        ("records", "ix_records_created_at"): "50000 2",
        ("audit_events", "ix_audit_events_object_type"): "400000 20000",
        ("audit_events", "ix_audit_events_action"): "400000 5000",
        ("audit_events", "ix_audit_events_occurred_at"): "400000 2",
    }
    at_city_size(history)
    auth.login("director")
    week = [
        (s, p)
        for s, p in statements_with_parameters(auth.client, "/briefing")
        if re.search(r"\bFROM (task_updates|records|audit_events)\b", s)
    ]
    assert len(week) == 3, "the briefing no longer reads the week this way: check the test"
    scans = full_scans(week, plan_wide=True)
    assert not scans, "the week's history is read plan first:\n\n" + "\n\n".join(scans)
