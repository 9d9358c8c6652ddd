"""Records, evidence, notifications and dashboard figures through the API."""

from __future__ import annotations

import io
from datetime import date

from tests.evidence import samples
from tests.factories import (
    audit_actions,
    last_audit_id,
    task_in_status,
    workflow_without_other_features_checks,
)
from tracker.extensions import db
from tracker.records import service as records
from tracker.reminders import inbox


def _record(org, task):
    record = records.create_record(
        org.users.chief,
        task,
        "study_session",
        {
            "session_kind": "collective_study",
            "held_on": date(2026, 3, 2),
            "topic": "学习行政复议法",
            "chaired_by_id": None,
            "chaired_by_name": "科长",
            "attendees": "",
            "attendee_count": 8,
        },
    )
    db.session.commit()
    return record


def test_records_are_read_through_their_task(api, org):
    task = task_in_status(org, "in_progress")
    record = _record(org, task)
    chief = api.as_(org.users.chief, "read")
    listed = chief.get(f"/records?task={task.id}")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json] == [record.id]
    assert chief.get(f"/records/{record.id}").json["kind"] == "study_session"
    other = api.as_(org.users.chief_elderly, "read")
    assert other.get("/records").json == []
    assert other.get(f"/records/{record.id}").status_code == 403


def test_evidence_upload_list_download_with_the_content_checks(api, org):
    task = task_in_status(org, "in_progress")
    chief = api.as_(org.users.chief)
    before = last_audit_id()
    uploaded = chief.client.post(
        f"/api/v1/tasks/{task.id}/evidence",
        data={"file": (io.BytesIO(samples.pdf()), "审查意见书.pdf"), "title": "审查意见"},
        headers=chief.headers(),
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["original_name"] == "审查意见书.pdf"
    assert "evidence.add" in audit_actions(before)
    listed = chief.get(f"/tasks/{task.id}/evidence").json
    assert [e["title"] for e in listed] == ["审查意见"]
    download = chief.client.get(listed[0]["download"], headers=chief.headers())
    assert download.status_code == 200 and download.data == samples.pdf()
    download.close()
    # an executable dressed as a PDF is refused as on the page
    refused = chief.client.post(
        f"/api/v1/tasks/{task.id}/evidence",
        data={"file": (io.BytesIO(samples.windows_exe()), "报告.pdf")},
        headers=chief.headers(),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    outsider = api.as_(org.users.chief_elderly)
    forbidden = outsider.client.get(listed[0]["download"], headers=outsider.headers())
    assert forbidden.status_code == 403
    reader = api.as_(org.users.chief, "read")
    denied = reader.client.post(
        f"/api/v1/tasks/{task.id}/evidence",
        data={"file": (io.BytesIO(samples.pdf()), "a.pdf")},
        headers=reader.headers(),
        content_type="multipart/form-data",
    )
    assert denied.status_code == 403


def test_notifications_list_and_mark_read(api, org):
    for n in range(3):
        inbox.notify(org.users.chief, "assigned", f"新任务{n}")
    db.session.commit()
    chief = api.as_(org.users.chief)
    listed = chief.get("/notifications?unread=true&per_page=2")
    assert listed.headers["X-Total-Count"] == "3" and len(listed.json) == 2
    marked = chief.post("/notifications/read", {"ids": [listed.json[0]["id"]]})
    assert marked.json == {"marked": 1}
    assert chief.get("/notifications?unread=true").headers["X-Total-Count"] == "2"
    assert chief.post("/notifications/read", {}).json == {"marked": 2}
    assert api.as_(org.users.staff).get("/notifications").json == []


def test_dashboard_figures_and_who_may_see_them(api, org, monkeypatch):
    workflow_without_other_features_checks(monkeypatch)
    task_in_status(org, "done")
    task_in_status(org, "in_progress")
    figures = api.as_(org.users.leader, "read").get("/dashboard")
    assert figures.status_code == 200
    assert figures.json["done"] == 1 and figures.json["by_status"]["in_progress"] >= 1
    assert 0 < figures.json["completion_rate"] < 1
    assert api.as_(org.users.staff, "read").get("/dashboard").status_code == 403
