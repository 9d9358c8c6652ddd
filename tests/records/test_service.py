"""Ledger records: validation, counting toward targets, voiding, the decision-step rule."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import last_audit_id, make_duty, make_plan, make_task
from tracker.audit.models import AuditEvent
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service
from tracker.records.models import Certification, Record
from tracker.tasks import workflow
from tracker.tasks.workflow import TransitionDenied


@pytest.fixture
def study_task(org):
    plan = make_plan(org)
    task = make_duty(org, plan, target_count=18, target_measure="次")
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.principal, task, "claim")
    return task


def session(day):
    return {
        "session_kind": "center_group",
        "held_on": day,
        "topic": "学习民法典",
        "chaired_by_id": None,
        "chaired_by_name": "局长",
        "attendees": "",
        "attendee_count": 12,
    }


def test_records_count_toward_the_target_and_move_progress(org, study_task):
    for month in range(1, 13):
        service.create_record(
            org.users.principal, study_task, "study_session", session(date(2026, month, 8))
        )
    assert study_task.achieved_count == 12
    assert study_task.target_text == "12 / 18 次"
    assert study_task.progress == round(100 * 12 / 18)


def test_a_voided_record_no_longer_counts_but_stays(org, study_task):
    first = service.create_record(
        org.users.principal, study_task, "study_session", session(date(2026, 3, 2))
    )
    service.create_record(
        org.users.principal, study_task, "study_session", session(date(2026, 4, 2))
    )
    service.void_record(org.users.principal, first, "录入重复")
    assert study_task.achieved_count == 1
    assert db.session.get(Record, first.id).void_reason == "录入重复"
    with pytest.raises(DomainError):
        service.void_record(org.users.principal, first, "")


def test_every_record_write_is_audited(org, study_task):
    record = service.create_record(
        org.users.principal, study_task, "study_session", session(date(2026, 3, 2))
    )
    service.update_record(
        org.users.principal, record, {"topic": "学习行政复议法"}, expected_version=record.version
    )
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.object_type == "records", AuditEvent.object_id == str(record.id)
        )
    ).all()
    assert actions == ["record.create", "record.update"]


def test_stale_record_edit_is_refused(org, study_task):
    record = service.create_record(
        org.users.principal, study_task, "study_session", session(date(2026, 3, 2))
    )
    stale = record.version
    service.update_record(
        org.users.principal, record, {"topic": "另一个主题"}, expected_version=stale
    )
    with pytest.raises(DomainError, match="changed by"):
        service.update_record(
            org.users.principal, record, {"topic": "又一个"}, expected_version=stale
        )


@pytest.mark.parametrize(
    "kind, data, field",
    [
        (
            "certification",
            {
                "holder_name": "张三",
                "certificate_number": "1",
                "enforcement_field": "",
                "issued_on": date(2026, 5, 1),
                "expires_on": date(2026, 4, 1),
                "revoke_reason": "",
            },
            "expires_on",
        ),
        (
            "certification",
            {
                "holder_name": "张三",
                "certificate_number": "1",
                "enforcement_field": "",
                "issued_on": date(2026, 5, 1),
                "revoke_reason": "调离",
            },
            "revoked_on",
        ),
        (
            "document_review",
            {
                "document_title": "关于X的通知",
                "reviewed_on": date(2026, 5, 1),
                "received_on": date(2026, 6, 1),
                "conclusion": "lawful",
            },
            "reviewed_on",
        ),
        (
            "document_review",
            {
                "document_title": "关于X的通知",
                "reviewed_on": date(2026, 5, 1),
                "conclusion": "lawful",
                "published_url": "javascript:alert(1)",
            },
            "published_url",
        ),
        (
            "metric",
            {
                "name": "低保标准",
                "measure": "元",
                "value": Decimal("4778"),
                "as_of": date(2026, 12, 31),
                "baseline_value": Decimal("2286"),
            },
            "baseline_year",
        ),
        (
            "inspection",
            {
                "target_organisation": "某协会",
                "done_on": date(2026, 6, 1),
                "rectified_on": date(2026, 5, 1),
                "problem_count": 1,
            },
            "rectified_on",
        ),
    ],
)
def test_inconsistent_records_are_refused_with_the_field(org, kind, data, field):
    plan = make_plan(org)
    task = make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    before = db.session.scalar(sa.select(sa.func.count(Record.id)))
    with pytest.raises(DomainError) as refused:
        service.create_record(org.users.chief, task, kind, data)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == before


def test_only_workers_of_the_task_keep_its_records(org):
    plan = make_plan(org)
    task = make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    data = {
        "holder_name": "张三",
        "certificate_number": "140900",
        "enforcement_field": "救助",
        "issued_on": date(2026, 5, 1),
        "revoke_reason": "",
    }
    with pytest.raises(TransitionDenied):
        service.create_record(org.users.chief_elderly, task, "certification", data)
    with pytest.raises(TransitionDenied):
        service.create_record(org.users.viewer, task, "certification", data)
    record = service.create_record(org.users.chief, task, "certification", data)
    assert record.unit_id == org.relief.id and record.summary == "张三 140900"


def test_certificate_status_is_derived_from_dates(org):
    certificate = Certification(
        holder_name="张三",
        certificate_number="1",
        issued_on=date(2020, 1, 1),
        expires_on=date(2026, 1, 1),
    )
    assert certificate.status_on(date(2025, 12, 31)) == "valid"
    assert certificate.status_on(date(2026, 1, 2)) == "expired"
    certificate.revoked_on = date(2025, 6, 1)
    assert certificate.status_on(date(2025, 6, 1)) == "revoked"


def test_a_decision_task_cannot_be_submitted_while_a_step_is_open(org):
    plan = make_plan(org)
    task = make_task(org, plan, title="调整养老服务设施布局规划", kind="major_decision")
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.chief, task, "claim")
    decision = service.create_record(
        org.users.chief, task, "decision", {"decision_title": "调整养老服务设施布局规划"}
    )
    for step in (
        "public_participation",
        "expert_review",
        "legality_review",
        "collective_discussion",
    ):
        service.save_decision_step(
            org.users.chief,
            decision,
            step,
            done_on=date(2026, 9, 1),
            note="",
            not_applicable_reason="",
        )
    with pytest.raises(DomainError, match="Risk assessment"):
        workflow.transition(org.users.chief, task, "submit", result_statement="已完成。")
    assert task.status == "in_progress"
    with pytest.raises(DomainError):  # done and excused at once
        service.save_decision_step(
            org.users.chief,
            decision,
            "risk_assessment",
            done_on=date(2026, 9, 2),
            note="",
            not_applicable_reason="不涉及",
        )
    service.save_decision_step(
        org.users.chief,
        decision,
        "risk_assessment",
        done_on=None,
        note="",
        not_applicable_reason="不涉及社会稳定风险",
    )
    workflow.transition(org.users.chief, task, "submit", result_statement="已完成。")
    assert task.status == "submitted"


def test_saving_a_decision_step_unchanged_writes_nothing(org):
    plan = make_plan(org)
    task = make_task(org, plan, title="调整养老服务设施布局规划", kind="major_decision")
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.chief, task, "claim")
    decision = service.create_record(
        org.users.chief, task, "decision", {"decision_title": "调整养老服务设施布局规划"}
    )

    def save(actor):
        return service.save_decision_step(
            actor,
            decision,
            "expert_review",
            done_on=date(2026, 9, 1),
            note="专家论证会 ",
            not_applicable_reason="",
            evidence=[],  # as the page sends it
        )

    save(org.users.chief)
    db.session.commit()
    version, events = decision.version, last_audit_id()
    assert save(org.users.coordinator) is not None  # the office opens it and saves it as it is
    db.session.commit()
    assert decision.version == version and last_audit_id() == events


def test_submitting_needs_a_record_or_evidence(org):
    plan = make_plan(org)
    task = make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.chief, task, "claim")
    with pytest.raises(DomainError, match="evidence or a ledger record"):
        workflow.transition(org.users.chief, task, "submit", result_statement="完成。")
    service.create_record(
        org.users.chief,
        task,
        "metric",
        {
            "name": "低保标准",
            "measure": "元",
            "value": Decimal("4778"),
            "as_of": date(2026, 12, 31),
            "baseline_value": Decimal("2286"),
            "baseline_year": 2015,
        },
    )
    workflow.transition(org.users.chief, task, "submit", result_statement="完成。")
    assert task.status == "submitted"


def test_each_decision_step_carries_its_own_evidence(org, auth):
    import io

    from tracker.evidence import service as evidence

    plan = make_plan(org)
    task = make_task(org, plan, title="调整低保标准", kind="major_decision")
    other = make_task(org, plan, title="另一项任务")
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.chief, task, "claim")
    decision = service.create_record(
        org.users.chief, task, "decision", {"decision_title": "调整低保标准"}
    )
    minutes = evidence.add_file(
        org.users.chief,
        decision,
        filename="党组会议纪要.txt",
        stream=io.BytesIO("党组会议纪要".encode()),
    )
    elsewhere = evidence.add_file(
        org.users.chief, other, filename="无关材料.txt", stream=io.BytesIO("无关".encode())
    )
    with pytest.raises(DomainError, match="attached to this decision"):
        service.save_decision_step(
            org.users.chief,
            decision,
            "collective_discussion",
            done_on=date(2026, 9, 1),
            note="",
            not_applicable_reason="",
            evidence=[elsewhere],
        )
    step = service.save_decision_step(
        org.users.chief,
        decision,
        "collective_discussion",
        done_on=date(2026, 9, 1),
        note="党组会议审议通过",
        not_applicable_reason="",
        evidence=[minutes],
    )
    db.session.commit()
    assert [item.id for item in step.evidence] == [minutes.id]
    auth.login("chief-relief")
    page = auth.client.get(f"/records/{decision.id}").text
    assert "党组会议纪要.txt" in page.split('id="step-collective_discussion"')[1]


def test_rejected_evidence_is_no_proof(org):
    import io

    from tracker.evidence import service as evidence

    plan = make_plan(org)
    task = make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    workflow.transition(org.users.chief, task, "claim")
    scan = evidence.add_file(
        org.users.chief, task, filename="说明.txt", stream=io.BytesIO("情况说明".encode())
    )
    evidence.review(org.users.coordinator, scan, "rejected", "内容与任务无关")
    with pytest.raises(DomainError, match="evidence or a ledger record"):
        workflow.transition(org.users.chief, task, "submit", result_statement="完成。")
