"""Plan writes: creating, publishing (交办), closing and copying last year's plan."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import (
    audit_actions,
    count,
    finish_reporting_task,
    last_audit_id,
    make_plan,
    make_section,
    make_task,
    reporting_task,
    updates_of,
    walk,
)
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans import service
from tracker.plans.models import Plan, Section
from tracker.reminders.models import Notification
from tracker.tasks import workflow
from tracker.tasks.models import Task, TaskUpdate

D = date.fromisoformat
#: 2026-02-20 10:00 in Asia/Shanghai
PUBLISH_DAY = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)


def notifications_of(user) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.id)
        )
    )


# -- creating -------------------------------------------------------------------------------------


def test_create_plan_checks_its_fields(org):
    coordinator = org.users.coordinator
    make_plan(org, year=2026, title="2026年法治建设工作要点")
    cases = [
        (dict(bureau=org.relief, year=2026, title="科室的计划"), "bureau_id"),
        (dict(bureau=org.bureau, year=2026, title="  "), "title"),
        (dict(bureau=org.bureau, year=1999, title="太早的计划"), "year"),
        (dict(bureau=org.bureau, year=2026, title="2026年法治建设工作要点"), "title"),
    ]
    for fields, field in cases:
        with pytest.raises(DomainError) as caught:
            service.create_plan(coordinator, **fields)
        assert caught.value.field == field, fields
    # the same title in another bureau is fine
    other = service.create_plan(
        org.users.outsider, bureau=org.other_bureau, year=2026, title="2026年法治建设工作要点"
    )
    assert other.status == "draft"
    assert count(Plan) == 2


def test_the_year_of_a_published_plan_cannot_change(org):
    plan = make_plan(org)
    make_task(org, plan)
    service.publish_plan(org.users.coordinator, plan)
    with pytest.raises(DomainError) as caught:
        service.update_plan(
            org.users.coordinator, plan, year=2027, title=plan.title, document_number=""
        )
    assert caught.value.field == "year"
    service.update_plan(
        org.users.coordinator,
        plan,
        year=2026,
        title=plan.title,
        document_number="测民发〔2026〕1号",
    )
    assert plan.document_number == "测民发〔2026〕1号"


def test_sections_nest_move_and_only_empty_ones_are_deleted(org):
    plan = make_plan(org)
    first = make_section(org, plan, "加强组织领导", "一")
    second = make_section(org, plan, "健全体制机制", "二")
    child = make_section(org, plan, "完善制度", "（一）", parent=first)
    assert [s.title for s in service.outline(plan)] == ["加强组织领导", "完善制度", "健全体制机制"]
    assert (child.number, child.label) == ("（一）", "（一）")  # kept as written
    service.move_section(org.users.coordinator, second, "up")
    assert [s.title for s in service.outline(plan)] == ["健全体制机制", "加强组织领导", "完善制度"]
    with pytest.raises(DomainError):
        service.save_section(
            org.users.coordinator, plan, first, number="一", title="加强组织领导", parent=child
        )
    make_task(org, plan, section=child)
    for section in (first, child):
        with pytest.raises(DomainError):
            service.delete_section(org.users.coordinator, section)
    service.delete_section(org.users.coordinator, second)
    assert [s.title for s in service.outline(plan)] == ["加强组织领导", "完善制度"]


# -- publishing -----------------------------------------------------------------------------------


def test_publishing_assigns_every_task_and_notifies_each_lead_unit_once(org):
    plan = make_plan(org)
    relief_tasks = [
        make_task(org, plan, title="低保核查"),
        make_task(org, plan, title="临时救助", start_date=D("2026-03-01")),
    ]
    elderly = make_task(org, plan, title="养老机构检查", lead_unit=org.elderly)
    office = make_task(org, plan, title="合法性审查", lead_unit=org.office)
    db.session.commit()
    since = last_audit_id()
    with clock.frozen_at(PUBLISH_DAY):
        # the four tasks, and the legal office's task of reporting on the year
        assert service.publish_plan(org.users.coordinator, plan) == 5
    db.session.commit()

    assert plan.status == "active"
    assert plan.published_at == PUBLISH_DAY and plan.published_by_id == org.users.coordinator.id
    report = reporting_task(plan)
    assert report.plan_id == plan.id and report.lead_unit == org.office
    assert report.title == "报送并公开2026年度法治政府建设情况报告"
    all_tasks = [*relief_tasks, elderly, office, report]
    assert count(Task, Task.plan_id == plan.id) == 5
    assert {t.status for t in all_tasks} == {"assigned"}
    assert [t.start_date for t in all_tasks] == [
        D("2026-02-20"),
        D("2026-03-01"),  # a start date already set is kept
        D("2026-02-20"),
        D("2026-02-20"),
        D("2026-02-20"),
    ]
    for task in all_tasks:
        (entry,) = updates_of(task)
        assert (entry.kind, entry.status_from, entry.status_to) == ("assign", "draft", "assigned")
    actions = audit_actions(since)
    assert actions.count("task.assign") == 5 and actions.count("plan.publish") == 1

    (relief_notice,) = notifications_of(org.users.chief)
    assert relief_notice.kind == "assigned"
    assert "2 tasks" in relief_notice.title and "社会救助科" in relief_notice.title
    assert "低保核查" in relief_notice.body and "临时救助" in relief_notice.body
    assert relief_notice.link == f"/plans/{plan.id}?unit={org.relief.id}"
    (elderly_notice,) = notifications_of(org.users.chief_elderly)
    assert "养老服务科" in elderly_notice.title and "1 task led" in elderly_notice.title
    # 办公室 has no chief: the legal office's coordinator hears of its tasks, the reporting
    # task among them (one notice for both)
    (office_notice,) = notifications_of(org.users.coordinator)
    assert "办公室" in office_notice.title and "2 tasks" in office_notice.title
    assert "合法性审查" in office_notice.body
    assert "报送并公开2026年度法治政府建设情况报告" in office_notice.body
    assert count(Notification) == 3


def test_a_lead_unit_without_a_chief_is_reported_to_the_legal_office(org):
    plan = make_plan(org)
    make_task(org, plan, title="低保核对", lead_unit=org.relief_team, owner=None)
    with clock.frozen_at(PUBLISH_DAY):
        service.publish_plan(org.users.coordinator, plan)
    # the coordinator hears of 低保核对中心's task, and (as 办公室 has no chief either) of the
    # reporting task led by the office
    notices = notifications_of(org.users.coordinator)
    assert len(notices) == 2
    assert "低保核对中心" in notices[0].title and "低保核对" in notices[0].body
    assert "办公室" in notices[1].title and "报送并公开" in notices[1].body


def test_a_plan_is_published_once(org):
    plan = make_plan(org)
    make_task(org, plan)
    service.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    state = (last_audit_id(), count(Notification), count(TaskUpdate))
    with pytest.raises(DomainError) as caught:
        service.publish_plan(org.users.coordinator, plan)
    assert caught.value.message == "Only a draft plan can be published."
    assert (last_audit_id(), count(Notification), count(TaskUpdate)) == state
    assert plan.status == "active"


def test_an_empty_plan_is_not_published(org):
    plan = make_plan(org)
    with pytest.raises(DomainError) as caught:
        service.publish_plan(org.users.coordinator, plan)
    assert "no tasks" in caught.value.message
    assert plan.status == "draft"


# -- closing --------------------------------------------------------------------------------------


def test_closing_is_refused_while_tasks_are_open(org):
    plan = make_plan(org)
    first, second, third = (make_task(org, plan, title=f"任务{i}") for i in range(3))
    with pytest.raises(DomainError):
        service.close_plan(org.users.coordinator, plan)  # still a draft
    service.publish_plan(org.users.coordinator, plan)
    walk(org, first, "done")
    walk(org, second, "submitted")
    with pytest.raises(DomainError) as caught:
        service.close_plan(org.users.coordinator, plan)
    # the submitted and the assigned task, and the reporting task
    assert "3 tasks are still open" in caught.value.message
    assert plan.status == "active" and plan.closed_at is None
    workflow.transition(org.users.coordinator, second, "accept")
    workflow.transition(org.users.coordinator, third, "cancel", note="不再执行")
    # the year's work ends with its report
    with pytest.raises(DomainError) as caught:
        service.close_plan(org.users.coordinator, plan)
    assert "1 task is still open" in caught.value.message
    assert plan.status == "active"
    finish_reporting_task(org, plan)
    since = last_audit_id()
    with clock.frozen_at(datetime(2027, 1, 8, 3, tzinfo=UTC)):
        service.close_plan(org.users.coordinator, plan)
    assert plan.status == "closed" and plan.closed_at == datetime(2027, 1, 8, 3, tzinfo=UTC)
    assert audit_actions(since) == ["plan.close"]
    with pytest.raises(DomainError):
        service.close_plan(org.users.coordinator, plan)


def test_a_plan_whose_recurring_tasks_are_all_done_can_be_closed(org):
    plan = make_plan(org)
    recurring = make_task(org, plan, title="半年报送", recurrence="half-yearly")
    with clock.frozen_at(PUBLISH_DAY):
        service.publish_plan(org.users.coordinator, plan)
    for occurrence in recurring.occurrences:
        walk(org, occurrence, "done")
    assert recurring.progress == 100
    finish_reporting_task(org, plan)
    service.close_plan(org.users.coordinator, plan)
    assert plan.status == "closed"


# -- copying last year's plan ---------------------------------------------------------------------


def _last_years_plan(org) -> Plan:
    """A 2024 plan (a leap year) worked through: done, cancelled, recurring and continuous."""
    with clock.frozen_at(datetime(2024, 1, 10, 2, tzinfo=UTC)):
        plan = make_plan(org, year=2024, document_number="测民发〔2024〕3号")
        top = make_section(org, plan, "加强组织领导", "一")
        child = make_section(org, plan, "健全制度", "（一）", parent=top)
        second = make_section(org, plan, "依法履职", "二")
        make_task(
            org,
            plan,
            title="二月底前完成文件清理",
            section=child,
            number="一是",
            co_units=[org.elderly],
            supervisor=org.users.leader,
            start_date=D("2024-01-15"),
            due_date=D("2024-02-29"),
            deadline_text="2月底前",
            target_count=5,
            target_measure="份",
            kind="normative_review",
        )
        done = make_task(
            org, plan, title="执法证年审", section=second, target_count=5, target_measure="人"
        )
        cancelled = make_task(org, plan, title="取消的任务", section=second)
        make_task(org, plan, title="季度报送", section=second, recurrence="quarterly")
        make_task(org, plan, title="长期坚持学法", section=top, is_continuous=True)
        service.publish_plan(org.users.coordinator, plan)
    with clock.frozen_at(datetime(2024, 6, 3, 2, tzinfo=UTC)):
        done.achieved_count = 5
        walk(org, done, "done")
        workflow.transition(org.users.coordinator, cancelled, "cancel", note="上级取消")
    db.session.commit()
    return plan


def test_copy_starts_next_years_draft(org):
    old = _last_years_plan(org)
    old_tasks = count(Task, Task.plan_id == old.id)
    since = last_audit_id()
    with clock.frozen_at(datetime(2024, 12, 20, 2, tzinfo=UTC)):
        new = service.copy_plan(org.users.coordinator, old)
    db.session.commit()

    assert (new.year, new.title, new.status) == (2025, "2025年法治建设工作要点", "draft")
    assert new.copied_from_id == old.id and new.bureau_id == org.bureau.id
    assert [(s.number, s.title, s.depth) for s in service.outline(new)] == [
        ("一", "加强组织领导", 0),
        ("（一）", "健全制度", 1),
        ("二", "依法履职", 0),
    ]
    copied = {t.title: t for t in db.session.scalars(sa.select(Task).where(Task.plan_id == new.id))}
    assert set(copied) == {"二月底前完成文件清理", "执法证年审", "季度报送", "长期坚持学法"}
    for task in copied.values():
        assert task.status == "draft" and task.progress == 0
        assert task.result_statement == "" and task.achieved_count is None
        assert task.submitted_on is None and task.completed_at is None
        assert task.parent_id is None and task.occurrences == []
        assert task.section.plan_id == new.id
        assert updates_of(task) == []

    first = copied["二月底前完成文件清理"]
    assert first.due_date == D("2025-02-28")  # 29 February → 28 February
    assert first.start_date == D("2025-01-15")
    assert (first.section.title, first.section.parent.title) == ("健全制度", "加强组织领导")
    assert (first.number, first.kind, first.deadline_text) == (
        "一是",
        "normative_review",
        "2月底前",
    )
    assert [u.name for u in first.co_units] == ["养老服务科"]
    assert first.lead_unit is org.relief and first.owner is org.users.staff
    assert first.supervisor is org.users.leader
    assert (first.target_count, first.target_measure) == (5, "份")
    assert copied["季度报送"].recurrence == "quarterly"
    assert copied["长期坚持学法"].is_continuous and copied["长期坚持学法"].due_date is None
    done = copied["执法证年审"]
    assert (done.target_count, done.achieved_count) == (5, None)

    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.id > since, AuditEvent.action == "plan.copy")
    )
    assert event.after == {"copied_from": old.id, "tasks": 4, "sections": 3}
    # last year's plan is untouched
    assert count(Task, Task.plan_id == old.id) == old_tasks
    assert old.status == "active"


def test_the_copy_re_expands_recurring_tasks_when_published(org):
    old = _last_years_plan(org)
    new = service.copy_plan(org.users.coordinator, old)
    with clock.frozen_at(datetime(2025, 1, 6, 2, tzinfo=UTC)):
        service.publish_plan(org.users.coordinator, new)
    recurring = db.session.scalar(
        sa.select(Task).where(Task.plan_id == new.id, Task.title == "季度报送")
    )
    assert [o.period_label for o in recurring.occurrences] == [
        f"2025年第{n}季度" for n in "一二三四"
    ]


def test_copy_titles_and_owners(org):
    old = make_plan(org, year=2024, title="法治政府建设要点")
    make_task(org, old)
    org.users.staff.is_disabled = True
    copy = service.copy_plan(org.users.coordinator, old)
    assert copy.title == "2025 法治政府建设要点"
    (task,) = db.session.scalars(sa.select(Task).where(Task.plan_id == copy.id))
    assert task.owner is None  # a disabled owner is not carried over
    with pytest.raises(DomainError) as caught:
        service.copy_plan(org.users.coordinator, old)  # the same title again
    assert caught.value.field == "title"
    later = service.copy_plan(org.users.coordinator, old, year=2026, title="2026年要点")
    assert (later.year, later.title) == (2026, "2026年要点")


def test_sections_are_copied_with_their_order(org):
    old = make_plan(org, year=2024)
    for n, title in enumerate(["甲", "乙", "丙"]):
        make_section(org, old, title, "一二三"[n])
    service.move_section(org.users.coordinator, old.sections[2], "up")
    new = service.copy_plan(org.users.coordinator, old)
    assert [s.title for s in service.outline(new)] == [s.title for s in service.outline(old)]
    assert count(Section, Section.plan_id == new.id) == 3
