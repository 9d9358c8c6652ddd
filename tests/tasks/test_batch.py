"""Batch work through HTTP: 签收 several tasks and review several pieces of evidence in one
action; each item succeeds or fails on its own, the successes are committed, every item is
audited as the single action would be, and the user reads what happened to each."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.factories import audit_actions, last_audit_id, make_plan, make_task, walk
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.evidence import service as evidence_service
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reminders.models import Notification
from tracker.tasks import workflow
from tracker.tasks.models import Task

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


@pytest.fixture
def work(org):
    """Three assigned tasks of 社会救助科, one of 养老服务科, one of 社会救助科 already claimed."""
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org)
        first = make_task(org, plan, title="开展低保专项治理", due_date=date(2026, 9, 30))
        second = make_task(
            org, plan, title="建立低收入人口动态监测机制", due_date=date(2026, 9, 30)
        )
        third = make_task(org, plan, title="规范特困供养审批", due_date=date(2026, 10, 30))
        elderly = make_task(
            org, plan, title="养老机构消防检查", lead_unit=org.elderly, due_date=date(2026, 10, 30)
        )
        claimed = make_task(org, plan, title="临时救助备案", due_date=date(2026, 10, 30))
        plans.publish_plan(org.users.coordinator, plan)
        walk(org, claimed, "in_progress")
    db.session.commit()
    with clock.frozen_at(NOW):
        yield SimpleNamespace(
            plan=plan, first=first, second=second, third=third, elderly=elderly, claimed=claimed
        )


def reload(task: Task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def let_go() -> None:
    """End the test's own transaction, so it holds no lock while the app writes."""
    db.session.rollback()


def claim_form(auth, tasks, versions=None) -> dict:
    data = {"next": "/", "task": [str(t.id) for t in tasks]}
    for task in tasks:
        data[f"version-{task.id}"] = str((versions or {}).get(task.id, task.version))
    let_go()
    data["csrf_token"] = auth.csrf()
    return data


def flashes(client) -> str:
    return html.unescape(client.get("/").text)


def test_the_home_list_offers_checkboxes_for_the_tasks_one_may_claim(auth, org, work):
    auth.login("chief-relief")
    page = auth.client.get("/").text
    assert 'data-select-all="task"' in page
    for task in (work.first, work.second, work.third):
        assert f'name="task" value="{task.id}"' in page
    # already claimed: no checkbox; the other section's task is not on the list at all
    assert f'name="task" value="{work.claimed.id}"' not in page
    assert f'name="task" value="{work.elderly.id}"' not in page


def test_a_viewer_sees_no_checkboxes(auth, org, work):
    auth.login("viewer")
    page = auth.client.get("/").text
    assert 'name="task"' not in page and "data-select-all" not in page


def test_each_task_is_claimed_or_refused_on_its_own(auth, org, work):
    auth.login("chief-relief")
    since = last_audit_id()
    stale_version = work.second.version
    # someone changes the second task after the list was opened
    workflow.assign_owner(org.users.coordinator, work.second, None)
    db.session.commit()
    data = claim_form(
        auth,
        [work.first, work.second, work.elderly, work.claimed, work.third],
        versions={work.second.id: stale_version},
    )
    response = auth.client.post("/tasks/batch/claim", data=data)
    assert response.status_code == 302
    assert reload(work.first).status == "in_progress"
    assert reload(work.third).status == "in_progress"
    assert reload(work.second).status == "assigned"
    assert reload(work.elderly).status == "assigned"
    page = flashes(auth.client)
    assert "开展低保专项治理" in page and "规范特困供养审批" in page
    assert "Not claimed: 建立低收入人口动态监测机制 — it was changed after you opened" in page
    assert "Not claimed: 临时救助备案 — The task is “In progress”" in page
    assert "may not" in page  # the other section's task
    # audited as the single actions: two claims, a conflict, a denial, a refused step
    actions = audit_actions(since)
    assert actions.count("task.claim") == 2
    assert "task.conflict" in actions and "access.denied" in actions and "task.refused" in actions
    denied = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.id > since, AuditEvent.action == "access.denied")
    ).one()
    assert denied.object_id == str(work.elderly.id) and denied.outcome == "denied"
    assert denied.after["permission"] == "task.claim"


def test_the_successes_survive_a_batch_where_every_other_item_fails(auth, org, work):
    auth.login("chief-relief")
    first_id = work.first.id
    data = claim_form(auth, [work.claimed, work.first])
    assert auth.client.post("/tasks/batch/claim", data=data).status_code == 302
    # a separate connection sees the committed claim
    let_go()
    with db.engine.connect() as connection:
        status = connection.execute(
            sa.text("SELECT status FROM tasks WHERE id = :id"), {"id": first_id}
        ).scalar_one()
    assert status == "in_progress"


def test_a_batch_without_a_selection_says_so(auth, org, work):
    auth.login("chief-relief")
    response = auth.client.post("/tasks/batch/claim", data=claim_form(auth, []))
    assert response.status_code == 302
    assert "Select at least one task" in flashes(auth.client)


def test_a_batch_without_csrf_is_refused(auth, org, work):
    auth.login("chief-relief")
    data = claim_form(auth, [work.first])
    del data["csrf_token"]
    assert auth.client.post("/tasks/batch/claim", data=data).status_code == 400
    assert reload(work.first).status == "assigned"


# -- evidence -------------------------------------------------------------------------------------


@pytest.fixture
def pending(org, work):
    """Three notes on a task in progress: two pending, one already verified by the office."""
    with clock.frozen_at(NOW):
        task = work.claimed
        notes = [
            evidence_service.add_note(
                org.users.chief, task, text=f"第{n}次集中学习记录", title=title
            )
            for n, title in enumerate(["学习记录一", "学习记录二", "学习记录三"], start=1)
        ]
        evidence_service.review(org.users.coordinator, notes[2], "verified")
    db.session.commit()
    return notes


def review_form(auth, items, verdict="verified", note="") -> dict:
    data = {"evidence": [str(e.id) for e in items], "verdict": verdict, "note": note}
    let_go()
    data["csrf_token"] = auth.csrf()
    return data


def statuses(items) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Evidence, e.id).review_status for e in items]


def test_evidence_is_verified_in_one_action_and_a_reviewed_one_is_left_alone(auth, org, pending):
    auth.login("office")
    since = last_audit_id()
    response = auth.client.post("/evidence/batch/review", data=review_form(auth, pending))
    assert response.status_code == 302 and response.location.endswith("/review")
    assert statuses(pending) == ["verified", "verified", "verified"]
    assert audit_actions(since) == ["evidence.review", "evidence.review"]
    page = html.unescape(auth.client.get("/review").text)
    assert "学习记录一" in page and "学习记录二" in page
    assert "Not reviewed: 学习记录三 — already reviewed by office" in page


def test_rejecting_several_needs_one_reason_and_tells_the_unit(auth, org, pending):
    auth.login("office")
    two = pending[:2]
    response = auth.client.post("/evidence/batch/review", data=review_form(auth, two, "rejected"))
    assert response.status_code == 302
    assert statuses(two) == ["pending", "pending"]
    response = auth.client.post(
        "/evidence/batch/review",
        data=review_form(auth, two, "rejected", "记录不完整，请补充签到表"),
    )
    assert statuses(two) == ["rejected", "rejected"]
    notices = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "evidence_rejected")
    ).all()
    assert {n.recipient_id for n in notices} == {org.users.chief.id}
    assert len(notices) == 2


def test_only_the_legal_office_reviews_in_batch(auth, org, pending):
    auth.login("chief-relief")
    since = last_audit_id()
    auth.client.post("/evidence/batch/review", data=review_form(auth, pending[:2]))
    assert statuses(pending[:2]) == ["pending", "pending"]
    assert audit_actions(since) == ["access.denied", "access.denied"]


def test_a_reason_too_long_is_said_and_nothing_is_reviewed(auth, org, pending):
    auth.login("office")
    data = review_form(auth, pending[:2], "rejected", "理" * 5001)
    response = auth.client.post("/evidence/batch/review", data=data)
    assert response.status_code == 302
    assert statuses(pending[:2]) == ["pending", "pending"]
    assert "5000" in html.unescape(auth.client.get("/review").text)
