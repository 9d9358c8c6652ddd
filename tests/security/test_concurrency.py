"""Many people saving the same thing at the same moment: one wins, the others are told, no 500.

Runs on SQLite and, with TRACKER_TEST_DATABASE_URL, on PostgreSQL — where two transactions
really overlap and the row lock has to order them.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, csrf_from
from tests.factories import add_user, make_plan, make_task, walk
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.plans.service import publish_plan
from tracker.tasks.models import Task, TaskUpdate

WRITERS = 12


def _browser(app, username: str, page: str) -> tuple[FlaskClient, str]:
    """A browser of its own, logged in, with the CSRF token of `page`. Call it in a thread of
    its own: a new thread starts with no app context, so each request gets its own."""
    client = FlaskClient(app, app.response_class, use_cookies=True)
    token = csrf_from(client.get("/login").text)
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    return client, csrf_from(client.get(page).text)


@pytest.fixture
def contested(org, db):
    """A task in progress, and one staff member per writer of its lead unit."""
    plan = make_plan(org)
    task = make_task(org, plan)
    publish_plan(org.users.coordinator, plan)
    walk(org, task, "in_progress")
    names = [f"writer-{n}" for n in range(WRITERS)]
    for name in names:
        add_user(name, "chief", org.relief)
    db.session.commit()
    return task.id, task.version, names


def _race(app, task_id: int, names: list[str], post) -> list[int]:
    barrier = threading.Barrier(len(names))
    statuses: list[int] = [0] * len(names)

    def run(index: int) -> None:
        client, token = _browser(app, names[index], f"/tasks/{task_id}")
        barrier.wait()
        statuses[index] = post(client, token).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(names))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_simultaneous_progress_reports_on_one_version_have_exactly_one_winner(app, contested):
    task_id, version, names = contested
    db.session.commit()

    def post(client, token):
        return client.post(
            f"/tasks/{task_id}/progress",
            data={
                "csrf_token": token,
                "version": version,
                "progress": "40",
                "note": "同时保存的进展",
            },
        )

    statuses = _race(app, task_id, names, post)
    assert sorted(statuses) == [302] + [409] * (WRITERS - 1), statuses
    db.session.expire_all()
    task = db.session.get(Task, task_id)
    assert task.version == version + 1
    notes = db.session.scalars(
        sa.select(TaskUpdate.note).where(
            TaskUpdate.task_id == task_id, TaskUpdate.kind == "progress"
        )
    ).all()
    assert notes == ["同时保存的进展"]
    conflicts = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "task.conflict")
    )
    assert conflicts == WRITERS - 1


def test_a_form_without_its_version_is_a_conflict_not_an_overwrite(app, client, auth, contested):
    task_id, version, _names = contested
    auth.login("staff-relief")
    url = f"/tasks/{task_id}"
    for sent in ("", None, "abc", "99999999999999999999"):
        data = {"progress": "70", "note": "没有版本号"}
        if sent is not None:
            data["version"] = sent
        response = auth.post(f"{url}/progress", data, token_from=url)
        assert response.status_code == 409
        assert "did not say which version" in response.text
        assert "没有版本号" in response.text  # what was typed is shown again
    db.session.expire_all()
    assert db.session.get(Task, task_id).version == version
