"""A damaged evidence file is never served as if intact; uploading the original repairs it."""

from __future__ import annotations

import os

import sqlalchemy as sa

from tests.conftest import Auth
from tests.evidence import samples
from tests.evidence.conftest import upload
from tests.factories import task_in_status
from tracker.audit.models import AuditEvent
from tracker.core import storage
from tracker.evidence.models import Evidence
from tracker.reminders.models import Notification


def _damage(sha256: str) -> None:
    path = storage.blob_path(sha256)
    os.chmod(path, 0o600)
    with open(path, "r+b") as handle:
        handle.seek(20)
        handle.write(b"tampered")


def test_a_damaged_file_is_refused_recorded_and_repaired_by_the_original(app, org, db, client):
    task = task_in_status(org, "in_progress")
    db.session.commit()
    chief = Auth(client)
    chief.login("chief-relief")
    original = samples.pdf()
    assert upload(chief, task, "审查意见.pdf", original).status_code == 302
    evidence = db.session.scalar(sa.select(Evidence))
    url = f"/evidence/{evidence.id}/download"

    intact = client.get(url, buffered=True)
    assert intact.status_code == 200 and intact.data == original

    _damage(evidence.sha256)
    refused = client.get(url, buffered=True)
    assert refused.status_code == 409
    assert "damaged" in refused.text and original not in refused.data
    db.session.expire_all()
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "evidence.damaged", AuditEvent.object_id == str(evidence.id))
    )
    told = db.session.scalars(
        sa.select(Notification.recipient_id).where(Notification.kind == "evidence_damaged")
    ).all()
    assert told == [org.users.admin.id]

    # the chief uploads the genuine file again: the store holds the original once more
    assert upload(chief, task, "审查意见.pdf", original).status_code == 302
    repaired = client.get(url, buffered=True)
    assert repaired.status_code == 200 and repaired.data == original
    assert storage.is_intact(evidence.sha256)
