"""Tasks through the API: the pages' permissions and services, ETag / If-Match, problem+json
in Chinese and English, page links, and audit rows naming the token."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import audit_actions, last_audit_id, make_plan, make_task, updates_of
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks.models import Task


def _published(org, n: int = 1):
    plan = make_plan(org)
    tasks = [make_task(org, plan, title=f"任务{i}") for i in range(n)]
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return plan, tasks


def test_chief_lists_own_unit_tasks_and_is_refused_another_units_like_the_page(
    api, auth, client, org
):
    plan = make_plan(org)
    mine = make_task(org, plan, title="救助科的任务")
    theirs = make_task(org, plan, title="养老科的任务", lead_unit=org.elderly)
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    chief = api.as_(org.users.chief, "read")
    listed = chief.get("/tasks")
    assert listed.status_code == 200
    assert [t["title"] for t in listed.json] == ["救助科的任务"]
    assert chief.get(f"/tasks/{mine.id}").status_code == 200
    refused = chief.get(f"/tasks/{theirs.id}")
    auth.login("chief-relief")
    page = client.get(f"/tasks/{theirs.id}")
    assert refused.status_code == page.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert chief.get("/tasks/999999").status_code == 404


def test_list_uses_the_pages_filters_and_pages_with_links(api, org):
    plan, tasks = _published(org, 5)
    caller = api.as_(org.users.coordinator, "read")
    first = caller.get("/tasks?per_page=2")
    assert first.status_code == 200 and len(first.json) == 2
    # the five tasks and the office's own task to write the year's report (added on publishing)
    assert first.headers["X-Total-Count"] == "6"
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="prev"' not in links and "page=2" in links
    last = caller.get("/tasks?per_page=4&page=2")
    assert len(last.json) == 2 and 'rel="next"' not in last.headers["Link"]
    assert 'rel="prev"' in last.headers["Link"]
    assert caller.get("/tasks?q=任务3").json[0]["title"] == "任务3"
    assert caller.get("/tasks?status=done").json == []
    assert caller.get("/tasks?per_page=1000").status_code == 422
    assert caller.get("/tasks?page=abc").status_code == 422


def test_coordinator_creates_and_edits_with_if_match(api, org):
    plan, _tasks = _published(org)
    office = api.as_(org.users.coordinator)
    before = last_audit_id()
    created = office.post(
        "/tasks",
        {"plan_id": plan.id, "title": "开展行政执法案卷评查", "lead_unit_id": org.relief.id},
    )
    assert created.status_code == 201, created.json
    task_id = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/tasks/{task_id}")
    assert created.json["status"] == "assigned"
    etag = created.headers["ETag"]
    actions = audit_actions(before)
    assert "task.create" in actions and "task.assign" in actions[actions.index("task.create") :]
    api_row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "api.write"))
    assert api_row.actor_name == "office" and api_row.after["token"].startswith("dbn_")

    missing = office.patch(f"/tasks/{task_id}", {"title": "新标题"})
    assert missing.status_code == 428
    edited = office.patch(f"/tasks/{task_id}", {"title": "新标题"}, etag=etag)
    assert edited.status_code == 200 and edited.json["title"] == "新标题"
    assert edited.headers["ETag"] != etag
    stale = office.patch(f"/tasks/{task_id}", {"title": "又一个标题"}, etag=etag)
    assert stale.status_code == 412
    assert stale.headers["ETag"] == edited.headers["ETag"]
    assert db.session.get(Task, task_id).title == "新标题"

    chief = api.as_(org.users.chief)
    assert chief.post("/tasks", {"plan_id": plan.id, "title": "x"}).status_code == 403


def test_workflow_through_the_api_is_audited_like_the_page(api, org, monkeypatch):
    from tests.factories import workflow_without_other_features_checks

    workflow_without_other_features_checks(monkeypatch)
    _plan, (task,) = _published(org)
    chief = api.as_(org.users.chief)
    office = api.as_(org.users.coordinator)
    etag = chief.get(f"/tasks/{task.id}").headers["ETag"]
    assert chief.get(f"/tasks/{task.id}").json["actions"] == ["claim"]
    before = last_audit_id()
    claimed = chief.post(f"/tasks/{task.id}/claim", {}, etag=etag)
    assert claimed.status_code == 200 and claimed.json["status"] == "in_progress"
    assert audit_actions(before) == ["api.write", "task.claim"]
    progressed = chief.post(
        f"/tasks/{task.id}/progress",
        {"note": "已完成初稿", "progress": 60},
        etag=claimed.headers["ETag"],
    )
    assert progressed.status_code == 200 and progressed.json["progress"] == 60
    assert updates_of(db.session.get(Task, task.id))[-1].note == "已完成初稿"
    no_result = chief.post(
        f"/tasks/{task.id}/submit", {"result_statement": " "}, etag=progressed.headers["ETag"]
    )
    assert no_result.status_code == 422 and no_result.json["field"] == "result_statement"
    submitted = chief.post(
        f"/tasks/{task.id}/submit",
        {"result_statement": "审查文件5件。"},
        etag=progressed.headers["ETag"],
    )
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    # a chief may not accept: the same 403 as the page's button
    assert (
        chief.post(f"/tasks/{task.id}/accept", {}, etag=submitted.headers["ETag"]).status_code
        == 403
    )
    returned = office.post(f"/tasks/{task.id}/return", {}, etag=submitted.headers["ETag"])
    assert returned.status_code == 422
    accepted = office.post(f"/tasks/{task.id}/accept", {}, etag=submitted.headers["ETag"])
    assert accepted.status_code == 200 and accepted.json["status"] == "done"
    again = office.post(f"/tasks/{task.id}/accept", {}, etag=accepted.headers["ETag"])
    assert again.status_code == 409
    cancelled = office.post(
        f"/tasks/{task.id}/cancel", {"note": "不再需要"}, etag=accepted.headers["ETag"]
    )
    assert cancelled.status_code == 409  # done tasks are returned, not cancelled


def test_problems_speak_chinese_or_english_by_accept_language(api, org):
    _plan, (task,) = _published(org)
    zh = api.as_(org.users.chief, language="zh-CN")
    en = api.as_(org.users.chief, language="en")
    for caller, title, words in (
        (zh, "需要前置条件", "ETag"),
        (en, "Precondition required", "ETag"),
    ):
        response = caller.post(f"/tasks/{task.id}/claim", {})
        assert response.status_code == 428
        assert response.mimetype == "application/problem+json"
        assert response.json["title"] == title and words in response.json["detail"]
    assert zh.get("/tasks/999999").json["title"] == "页面不存在"
    assert en.get("/tasks/999999").json["title"] == "Page not found"


def test_bad_input_is_4xx_never_5xx(api, org):
    _plan, (task,) = _published(org)
    office = api.as_(org.users.coordinator)
    etag = office.get(f"/tasks/{task.id}").headers["ETag"]
    cases = [
        office.post("/tasks", "not json"),
        office.client.post(
            "/api/v1/tasks",
            data="{",
            headers={**office.headers(), "Content-Type": "application/json"},
        ),
        office.post("/tasks", {"plan_id": "x"}),
        office.post("/tasks", {"plan_id": 999999, "title": "x"}),
        office.post("/tasks", {"plan_id": task.plan_id, "title": "x", "lead_unit_id": 999999}),
        office.post("/tasks", {"plan_id": task.plan_id, "title": "x", "due_date": "2099-01-01"}),
        office.patch(f"/tasks/{task.id}", {"unknown": 1}, etag=etag),
        office.patch(f"/tasks/{task.id}", {"title": "x"}, etag='"abc"'),
        office.patch(f"/tasks/{task.id}", [1, 2], etag=etag),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.json
        assert response.mimetype == "application/problem+json"


def test_the_legal_office_urges_through_the_api_as_from_the_page(api, org):
    _plan, (task,) = _published(org)
    chief = api.as_(org.users.chief)
    office = api.as_(org.users.coordinator)
    seen = office.get(f"/tasks/{task.id}")
    assert (
        "urge" in seen.json["actions"]
        and "urge" not in chief.get(f"/tasks/{task.id}").json["actions"]
    )
    # like every task write: If-Match first, and a chief may not urge
    assert office.post(f"/tasks/{task.id}/urge", {}).status_code == 428
    assert chief.post(f"/tasks/{task.id}/urge", {}, etag=seen.headers["ETag"]).status_code == 403
    too_long = office.post(
        f"/tasks/{task.id}/urge", {"note": "催" * 501}, etag=seen.headers["ETag"]
    )
    assert too_long.status_code in (400, 422)
    assert too_long.mimetype == "application/problem+json"
    before = last_audit_id()
    urged = office.post(
        f"/tasks/{task.id}/urge", {"note": "请本周内反馈"}, etag=seen.headers["ETag"]
    )
    assert urged.status_code == 201
    assert urged.json["task_id"] == task.id and urged.json["count"] == 1
    assert urged.json["recipient_count"] >= 1 and urged.json["level"] == 0
    assert audit_actions(before) == ["api.write", "task.urge"]
    # the chief is told, in the bell, as from the page's button
    notices = chief.get("/notifications").json
    items = notices["items"] if isinstance(notices, dict) else notices
    assert any("请本周内反馈" in (n.get("body") or "") or n.get("kind") == "urge" for n in items)
    again = office.post(f"/tasks/{task.id}/urge", {}, etag=seen.headers["ETag"])
    assert again.status_code == 201 and again.json["count"] == 2 and again.json["level"] == 1
