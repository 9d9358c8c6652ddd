"""The audit trail page as people read it: actions, objects and fields by name, people by their
display name, ids resolved to titles, the raw record behind a toggle."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest

from tests.factories import make_plan, make_task
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def history(org):
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org, title="2026年法治建设工作要点")
        task = make_task(org, plan, title="开展低保专项治理", due_date=date(2026, 9, 30))
        plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return task


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [html.unescape(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def visible(row: str) -> str:
    """What shows without opening the raw record."""
    without_raw = re.sub(r"<details.*?</details>", "", row, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", without_raw))


def test_actions_fields_and_ids_read_as_names(auth, org, history):
    org.users.coordinator.display_name = "王法制"
    org.users.staff.display_name = "李救助"
    db.session.commit()
    auth.login("office")
    page = auth.client.get(f"/admin/audit/?action=task.create&object_id={history.id}").text
    (row,) = rows(page)
    shown = visible(row)
    assert "Task created" in shown and "task.create" not in shown
    assert "开展低保专项治理" in shown  # the object's title, linked to the task
    assert f'href="/tasks/{history.id}"' in row
    assert "Lead unit" in shown and "社会救助科" in shown
    assert "lead_unit_id" not in shown
    assert "Person responsible" in shown and "李救助" in shown
    assert "王法制" in shown  # the actor's display name, the username beside it
    # the codes and ids are still there, behind the toggle
    raw = re.search(r"<details.*?</details>", row, re.S).group(0)
    assert '"action": "task.create"' in raw and f'"lead_unit_id": {org.relief.id}' in raw


def test_a_refused_access_reads_as_such(auth, org, history):
    auth.login("chief-elderly")
    assert auth.client.get(f"/tasks/{history.id}").status_code == 403
    auth.logout()
    auth.login("office")
    page = auth.client.get("/admin/audit/?action=access.denied").text
    shown = visible(rows(page)[0])
    assert "Access refused" in shown and "Permission" in shown and "task.read" in shown
    assert "开展低保专项治理" in shown


def test_status_values_are_labelled(auth, org, history):
    auth.login("office")
    page = auth.client.get(f"/admin/audit/?action=task.assign&object_id={history.id}").text
    shown = visible(rows(page)[0])
    assert "Task assigned" in shown
    assert "Status" in shown and "Assigned" in shown


def test_the_object_filter_names_object_types(auth, org, history):
    auth.login("office")
    page = auth.client.get("/admin/audit/").text
    assert '<option value="tasks">Task</option>' in page
    assert '<option value="plans">Plan</option>' in page


def test_an_unknown_action_and_a_deleted_object_still_show(auth, org, history):
    from tracker.audit.service import log_event

    log_event(org.users.admin, "future.thing", ("tasks", 999999), after={"lead_unit_id": 999998})
    db.session.commit()
    auth.login("office")
    shown = visible(rows(auth.client.get("/admin/audit/?action=future").text)[0])
    assert "future.thing" in shown and "#999999" in shown and "#999998" in shown
