"""Evidence writes: attach, link once report many, withdraw, supersede, review; and the store stays
in step with the database whatever fails."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.evidence import samples
from tests.evidence.conftest import stored_files
from tests.factories import (
    audit_actions,
    count,
    finish_reporting_task,
    last_audit_id,
    make_task,
    task_in_status,
)
from tracker.core import storage
from tracker.core.exceptions import DomainError
from tracker.evidence import queries, service
from tracker.evidence.filetypes import FileRefused
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.plans import service as plans
from tracker.records import service as records
from tracker.reminders.models import Notification


def add_pdf(org, target, content: bytes | None = None, name="关于规范性文件审查的报告.pdf"):
    return service.add_file(
        org.users.chief, target, filename=name, stream=io.BytesIO(content or samples.pdf())
    )


def test_a_file_is_stored_once_with_its_row_link_and_audit(org, task, app, db):
    since = last_audit_id()
    evidence = add_pdf(org, task)
    db.session.commit()
    assert evidence.kind == "file" and evidence.review_status == "pending"
    assert evidence.original_name == "关于规范性文件审查的报告.pdf"
    assert evidence.title == "关于规范性文件审查的报告"
    assert evidence.size == len(samples.pdf()) and evidence.content_type == "application/pdf"
    assert storage.blob_path(evidence.sha256).read_bytes() == samples.pdf()
    assert [link.task_id for link in evidence.links] == [task.id]
    assert evidence.uploaded_by_id == org.users.chief.id
    assert audit_actions(since) == ["evidence.add"]
    assert repr(evidence).startswith(f"<Evidence {evidence.id} file '关于规范性文件审查的报告.pdf'")


def test_the_same_file_twice_on_one_task_is_one_row_and_one_blob(org, task, app, db):
    first = add_pdf(org, task)
    db.session.commit()
    second = add_pdf(org, task, name="再传一次.pdf")
    db.session.commit()
    assert second.id == first.id and second.reused
    assert count(Evidence) == 1 and count(EvidenceLink) == 1
    assert len(list(storage.iter_blobs())) == 1


def test_the_same_file_on_two_tasks_is_two_rows_on_one_blob(org, task, app, db):
    other = make_task(org, task.plan, title="另一项任务")
    first = add_pdf(org, task)
    second = add_pdf(org, other)
    db.session.commit()
    assert first.id != second.id and first.sha256 == second.sha256
    assert len(stored_files(app)) == 1


def test_a_refused_file_leaves_no_row_and_no_file(org, task, app, db):
    with pytest.raises(FileRefused, match="executable"):
        service.add_file(
            org.users.chief, task, filename="报告.pdf", stream=io.BytesIO(samples.elf())
        )
    db.session.rollback()
    assert count(Evidence) == 0 and stored_files(app) == []


def test_a_file_over_the_limit_is_refused(org, task, app, db):
    app.config["MAX_UPLOAD_MB"] = 1
    with pytest.raises(service.FileTooLarge, match="1 MB"):
        add_pdf(org, task, content=samples.pdf() + b"0" * (1024 * 1024))
    db.session.rollback()
    assert count(Evidence) == 0 and stored_files(app) == []


def test_a_failure_after_the_file_was_written_removes_it(org, task, app, db, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(service, "log_event", broken_audit)
    with pytest.raises(RuntimeError):
        add_pdf(org, task)
    assert len(stored_files(app)) == 1  # written, not yet committed …
    db.session.rollback()
    assert stored_files(app) == []  # … and gone with the transaction
    assert count(Evidence) == 0


def test_an_abandoned_blob_that_another_row_uses_is_kept(org, task, app, db, monkeypatch):
    other = make_task(org, task.plan, title="另一项任务")
    kept = add_pdf(org, other)
    db.session.commit()
    blob = storage.blob_path(kept.sha256)
    monkeypatch.setattr(service, "log_event", lambda *a, **k: (_ for _ in ()).throw(RuntimeError))
    with pytest.raises(RuntimeError):
        add_pdf(org, task)
    db.session.rollback()
    assert blob.exists() and count(Evidence) == 1
    # even a blob this very transaction re-created stays while a committed row refers to it
    blob.unlink()
    with pytest.raises(RuntimeError):
        add_pdf(org, task)
    db.session.rollback()
    assert blob.exists()


def test_links_and_notes(org, task, db):
    link = service.add_link(
        org.users.chief, task, url="https://www.gov.cn/zhengce/2026-01/01/content_1.htm", title=""
    )
    note = service.add_note(org.users.chief, task, text="纸质材料存放于档案室\n第3柜", title="")
    db.session.commit()
    assert link.kind == "link" and link.title.startswith("https://www.gov.cn/")
    assert note.kind == "note" and note.title == "纸质材料存放于档案室"
    again = service.add_link(
        org.users.chief, task, url="https://www.gov.cn/zhengce/2026-01/01/content_1.htm"
    )
    assert again.id == link.id and again.reused
    for bad in ["javascript:alert(1)", "ftp://example.com/x", "www.gov.cn", "", "http://"]:
        with pytest.raises(DomainError) as refused:
            service.add_link(org.users.chief, task, url=bad, title="x")
        assert refused.value.field == "url"
    with pytest.raises(DomainError):
        service.add_note(org.users.chief, task, text="   ", title="x")


def test_one_piece_of_evidence_proves_several_tasks(org, task, db):
    other = make_task(org, task.plan, title="另一项任务")
    evidence = add_pdf(org, task)
    since = last_audit_id()
    link = service.link_existing(org.users.chief, evidence, other)
    db.session.commit()
    assert link.task_id == other.id and audit_actions(since) == ["evidence.link"]
    assert count(Evidence) == 1 and count(EvidenceLink) == 2
    assert queries.count_for_task(task) == 1 and queries.count_for_task(other) == 1
    assert queries.evidence_for(other) == [evidence]
    with pytest.raises(DomainError, match="already attached"):
        service.link_existing(org.users.chief, evidence, other)


def test_evidence_on_records_counts_for_the_task_once(org, task, record, db):
    on_record = add_pdf(org, record)
    service.link_existing(org.users.chief, on_record, task)
    service.add_note(org.users.chief, record, text="会议记录原件存档", title="")
    db.session.commit()
    assert queries.evidence_for(record)[0].kind == "note"
    assert queries.count_for_task(task) == 2
    assert queries.pending_for_task(task) == 2
    records.void_record(org.users.chief, record, "录入错误")
    db.session.commit()
    assert queries.count_for_task(task) == 1  # the note was only on the void record
    with pytest.raises(DomainError, match="void"):
        service.add_note(org.users.chief, record, text="补充", title="")


def test_withdrawn_evidence_is_hidden_but_kept(org, task, app, db):
    evidence = add_pdf(org, task)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        service.withdraw(org.users.chief, evidence, "  ")
    assert refused.value.field == "reason"
    since = last_audit_id()
    service.withdraw(org.users.chief, evidence, "传错了文件")
    db.session.commit()
    assert queries.evidence_for(task) == []
    assert queries.evidence_for(task, include_hidden=True) == [evidence]
    assert queries.count_for_task(task) == 0
    assert (
        evidence.withdrawn_by_id == org.users.chief.id and evidence.withdraw_reason == "传错了文件"
    )
    assert storage.has_blob(evidence.sha256) and count(Evidence) == 1
    assert audit_actions(since) == ["evidence.withdraw"]
    with pytest.raises(DomainError):
        service.withdraw(org.users.chief, evidence, "again")
    with pytest.raises(DomainError):
        service.link_existing(org.users.chief, evidence, make_task(org, task.plan, title="新"))
    # uploading the same file again gives a fresh, visible row on the same blob
    fresh = add_pdf(org, task)
    assert fresh.id != evidence.id and fresh.sha256 == evidence.sha256


def test_a_new_version_replaces_the_old_everywhere_and_keeps_it(org, task, record, app, db):
    old = add_pdf(org, task)
    service.link_existing(org.users.chief, old, record)
    db.session.commit()
    since = last_audit_id()
    newer = service.supersede(
        org.users.chief,
        old,
        filename="报告（修改稿）.pdf",
        stream=io.BytesIO(samples.pdf() + b"% revised\n"),
    )
    db.session.commit()
    assert old.superseded_by_id == newer.id and newer.title == old.title
    assert {link.task_id for link in newer.links} == {task.id, None}
    assert {link.record_id for link in newer.links} == {None, record.id}
    assert queries.evidence_for(task) == [newer] and queries.evidence_for(record) == [newer]
    assert old in queries.evidence_for(task, include_hidden=True)
    assert queries.count_for_task(task) == 1
    assert audit_actions(since) == ["evidence.add", "evidence.supersede"]
    assert storage.has_blob(old.sha256) and storage.has_blob(newer.sha256)
    with pytest.raises(DomainError, match="current version"):
        service.supersede(org.users.chief, old, filename="x.pdf", stream=io.BytesIO(b"%PDF-2"))
    with pytest.raises(DomainError, match="identical"):
        service.supersede(
            org.users.chief,
            newer,
            filename="same.pdf",
            stream=io.BytesIO(samples.pdf() + b"% revised\n"),
        )


def test_review_verifies_or_rejects_with_a_reason(org, task, db):
    evidence = add_pdf(org, task)
    db.session.commit()
    office = org.users.coordinator
    with pytest.raises(DomainError) as refused:
        service.review(office, evidence, "rejected", "")
    assert refused.value.field == "note"
    with pytest.raises(DomainError):
        service.review(office, evidence, "maybe", "")
    since = last_audit_id()
    service.review(office, evidence, "verified", "")
    db.session.commit()
    assert evidence.review_status == "verified" and evidence.reviewed_by_id == office.id
    assert audit_actions(since) == ["evidence.review"]
    assert queries.pending_for_task(task) == 0
    assert count(Notification, Notification.kind == "evidence_rejected") == 0


def test_a_rejection_notifies_the_chiefs_of_every_linked_task(org, task, db):
    elderly_task = make_task(
        org, task.plan, title="养老机构检查", lead_unit=org.elderly, owner=org.users.chief_elderly
    )
    evidence = add_pdf(org, task)
    service.link_existing(org.users.coordinator, evidence, elderly_task)
    service.review(org.users.coordinator, evidence, "rejected", "缺少盖章页，请补充。")
    db.session.commit()
    sent = db.session.scalars(
        sa.select(Notification)
        .where(Notification.kind == "evidence_rejected")
        .order_by(Notification.id)
    ).all()
    assert [(n.recipient_id, n.task_id) for n in sent] == [
        (org.users.chief.id, task.id),
        (org.users.chief_elderly.id, elderly_task.id),
    ]
    assert sent[0].body == "缺少盖章页，请补充。"
    assert sent[0].link == f"/tasks/{task.id}"
    assert evidence.title in sent[0].title


def test_the_evidence_of_a_closed_plan_is_frozen(org, db):
    done = task_in_status(org, "cancelled")
    finish_reporting_task(org, done.plan, "cancelled")  # the plan closes with its report task
    plans.close_plan(org.users.coordinator, done.plan)
    db.session.commit()
    with pytest.raises(DomainError, match="closed"):
        add_pdf(org, done)


def test_reusable_evidence_is_what_the_user_may_read(org, task, db):
    elderly_task = make_task(
        org, task.plan, title="养老机构检查", lead_unit=org.elderly, owner=org.users.chief_elderly
    )
    other = make_task(org, task.plan, title="另一项任务")
    mine = add_pdf(org, task)
    theirs = service.add_file(
        org.users.chief_elderly,
        elderly_task,
        filename="养老.png",
        stream=io.BytesIO(samples.png()),
    )
    withdrawn = service.add_note(org.users.chief, task, text="作废的说明", title="")
    service.withdraw(org.users.chief, withdrawn, "重复")
    db.session.commit()
    assert queries.reusable_for(org.users.chief, other) == [mine]
    assert queries.reusable_for(org.users.chief, task) == []  # already attached there
    assert queries.reusable_for(org.users.chief_elderly, other) == [theirs]
    assert set(queries.reusable_for(org.users.coordinator, other)) == {mine, theirs}
    assert queries.readable_target(org.users.chief_elderly, mine) is None
    assert not queries.may_manage(org.users.chief_elderly, mine)
    assert queries.may_manage(org.users.chief, mine) and not queries.may_review(
        org.users.chief, mine
    )
    assert queries.may_review(org.users.coordinator, mine)
