"""A task of 社会救助科 in progress, a ledger record of it, and helpers to look at the store."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import csrf_from
from tests.factories import task_in_status
from tracker.records import service as records


@pytest.fixture
def task(org):
    """Led by 社会救助科 (chief: chief-relief), owned by its staff, in progress."""
    return task_in_status(org, "in_progress")


@pytest.fixture
def record(org, task, db):
    result = records.create_record(
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
    return result


def stored_files(app) -> list[str]:
    """Every file in the evidence store (blobs and temporary files)."""
    root = app.config["EVIDENCE_DIR"]
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )


def multipart(auth, fields: dict, name: str, content: bytes) -> dict:
    """Keyword arguments for client.post sending `fields` and one file, encoded in memory
    (the test client's own encoder leaves a temporary file open for large bodies)."""
    values = {"csrf_token": csrf_from(auth.client.get("/account").text), **fields}
    values["file"] = FileStorage(io.BytesIO(content), filename=name)
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(auth, target, name: str, content: bytes, *, title: str = "", **kw):
    """Post a file to /evidence/upload for a task or record, as the logged-in user."""
    field = "record" if type(target).__name__ != "Task" else "task"
    fields = {field: str(target.id), "title": title}
    return auth.client.post("/evidence/upload", **multipart(auth, fields, name, content), **kw)
