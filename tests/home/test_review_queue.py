"""待我审核: the legal office's queue of tasks applied for completion and evidence to review,
oldest first, with its count in the navigation; nobody else has it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import make_plan, make_task, walk
from tracker.core import clock
from tracker.evidence import service as evidence_service
from tracker.extensions import db
from tracker.plans import service as plans

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


@pytest.fixture
def queue(org, monkeypatch):
    """Two submitted tasks (submitted on different days), one accepted, and three notes: two
    pending (uploaded on different days), one verified."""
    from tests.factories import workflow_without_other_features_checks

    workflow_without_other_features_checks(monkeypatch)
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org)
        tasks = [
            make_task(org, plan, title=title, due_date=date(2026, 9, 30))
            for title in ("后申请办结的任务", "先申请办结的任务", "已办结的任务", "办理中的任务")
        ]
        plans.publish_plan(org.users.coordinator, plan)
    with clock.frozen_at(PUBLISHED + timedelta(days=30)):
        walk(org, tasks[1], "submitted")
        walk(org, tasks[2], "done")
        walk(org, tasks[3], "in_progress")
        older = evidence_service.add_note(
            org.users.chief, tasks[3], text="记录", title="先上传的材料"
        )
        verified = evidence_service.add_note(
            org.users.chief, tasks[3], text="记录", title="已审核材料"
        )
        evidence_service.review(org.users.coordinator, verified, "verified")
    with clock.frozen_at(PUBLISHED + timedelta(days=40)):
        walk(org, tasks[0], "submitted")
        newer = evidence_service.add_note(
            org.users.chief, tasks[3], text="记录", title="后上传的材料"
        )
    db.session.commit()
    with clock.frozen_at(NOW):
        yield {"older": older, "newer": newer, "tasks": tasks}


def badge(html: str) -> str | None:
    match = re.search(r'data-review-count="(\d+)"', html)
    return match.group(1) if match else None


def test_the_office_sees_its_queue_oldest_first_with_a_count_in_the_navigation(auth, org, queue):
    auth.login("office")
    home = auth.client.get("/").text
    assert "Awaiting my review" in home
    assert badge(home) == "4"  # two tasks, two pieces of evidence
    page = auth.client.get("/review").text
    assert page.index("先申请办结的任务") < page.index("后申请办结的任务")
    assert "已办结的任务" not in page and "办理中的任务" not in page.split('id="evidence"')[0]
    assert page.index("先上传的材料") < page.index("后上传的材料")
    assert "已审核材料" not in page
    assert 'data-queue-count="tasks">2<' in page and 'data-queue-count="evidence">2<' in page
    assert 'data-select-all="evidence"' in page


def test_the_count_drops_when_evidence_is_reviewed(auth, org, queue):
    auth.login("office")
    ident = queue["older"].id
    db.session.rollback()
    data = {"csrf_token": auth.csrf(), "evidence": [str(ident)], "verdict": "verified"}
    response = auth.client.post("/evidence/batch/review", data=data)
    assert response.status_code == 302
    page = auth.client.get("/review").text
    assert badge(page) == "3"
    assert "Verified 1 piece of evidence: 先上传的材料" in page
    assert f'data-evidence="{ident}"' not in page


@pytest.mark.parametrize("role", ["chief-relief", "deputy", "viewer", "admin", "staff-relief"])
def test_nobody_else_has_the_queue(auth, org, queue, role):
    auth.login(role)
    home = auth.client.get("/").text
    assert "Awaiting my review" not in home and badge(home) is None
    assert auth.client.get("/review").status_code == 403


def test_an_empty_queue_says_so_and_shows_no_badge(auth, org):
    auth.login("office")
    home = auth.client.get("/").text
    assert "Awaiting my review" in home and badge(home) is None
    page = auth.client.get("/review").text
    assert "No task waits for acceptance." in page
    assert "No evidence waits for review." in page


def test_past_its_limit_the_queue_lists_the_longest_waiting_and_says_so(
    auth, org, queue, monkeypatch
):
    from tracker.home import queries

    monkeypatch.setattr(queries, "QUEUE_LIMIT", 1)
    auth.login("office")
    page = auth.client.get("/review").text
    tasks, evidence = page.split('id="evidence"')
    assert "先申请办结的任务" in tasks and "后申请办结的任务" not in tasks
    assert "先上传的材料" in evidence and "后上传的材料" not in evidence
    assert tasks.count('data-queue-shown="1"') == 1 and evidence.count('data-queue-shown="1"') == 1
    assert 'data-queue-count="tasks">2<' in page  # the count is still of them all


def test_the_queue_follows_tasks_accepted_or_applied_for_after_it_was_shown(auth, org, queue):
    """The queue's order is kept between changes to the tasks (tracker.tasks.versions): a
    change makes the next view read it again."""
    from tracker.tasks import versions

    auth.login("office")
    shown = auth.client.get("/review").text.split('id="evidence"')[0]
    assert "先申请办结的任务" in shown and "办理中的任务" not in shown
    assert any(key[0] == "review_queue_tasks" for key in versions.store.entries)
    first, _accepted, in_progress = queue["tasks"][1], queue["tasks"][2], queue["tasks"][3]
    from tracker.tasks import workflow

    workflow.transition(org.users.coordinator, first, "accept")
    workflow.transition(
        org.users.chief, in_progress, "submit", result_statement="完成审查5份文件。"
    )
    db.session.commit()
    shown = auth.client.get("/review").text.split('id="evidence"')[0]
    assert "先申请办结的任务" not in shown
    assert shown.index("后申请办结的任务") < shown.index("办理中的任务")
