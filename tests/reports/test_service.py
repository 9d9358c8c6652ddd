"""Report writes: revisions of a part (audited, kept when the report is rebuilt from changed
data), the signature, the reporting task made on publishing, and the report's query count."""

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
    make_task,
    reporting_task,
    walk,
)
from tests.reports.conftest import review_data
from tracker.core import clock
from tracker.core.exceptions import ConflictError, DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service as records
from tracker.reports import service
from tracker.reports.models import ReportDraft, ReportRevision
from tracker.reports.queries import draft_of, report_for_plan
from tracker.tasks import workflow
from tracker.tasks.causes import CauseInput
from tracker.tasks.models import Task


def test_the_report_of_a_finished_plan(org, finished, now):
    report = report_for_plan(finished.plan)
    assert report.title == "测试市民政局2025年度法治政府建设情况报告"
    section = report.part("measures").sections[0]
    assert section.heading == "（一）健全体制机制，依法履行职能"
    (paragraph,) = section.paragraphs  # one done task: no 一是
    figure = paragraph.sentences[0].figures[0]
    assert figure.display == "3份" and len(figure.record_ids) == 3
    assert figure.task_ids == [finished.reviews.id]
    shortcomings = report.part("shortcomings").plain_text()
    # counted by area, not listed task by task (no cause has been stated yet)
    assert "依法履行职能方面有1项任务尚未完成，其中1项已超过完成时限" in shortcomings
    assert "清理现行有效规范性文件" not in shortcomings
    principal = report.part("principal").plain_text()
    assert principal == "年内主持4次党组中心组学习会。"
    (sessions,) = [f for f in report.figures() if f.part_key == "principal"]
    assert len(sessions.record_ids) == 4


def test_an_edit_is_a_revision_and_audited(org, finished, now):
    draft = draft_of(finished.plan)  # made (and audited) when the plan was published
    assert draft is not None and draft.revisions == []
    since = last_audit_id()
    coordinator = org.users.coordinator
    revision = service.save_part(
        coordinator, finished.plan, "shortcomings", "一是任务清理不及时。", note="补充原因"
    )
    db.session.commit()
    assert revision.draft_id == draft.id
    assert (revision.part, revision.text, revision.note) == (
        "shortcomings",
        "一是任务清理不及时。",
        "补充原因",
    )
    assert revision.author_name == "office" and revision.base_fingerprint
    assert "1项任务尚未完成" in revision.base_text  # what the data said when edited
    assert audit_actions(since) == ["report.edit"]
    report = report_for_plan(finished.plan)
    assert report.part("shortcomings").plain_text() == "一是任务清理不及时。"
    # saving the same text again changes nothing
    assert (
        service.save_part(coordinator, finished.plan, "shortcomings", "一是任务清理不及时。")
        is None
    )
    assert audit_actions(since) == ["report.edit"]


def test_edits_survive_rebuilding_and_say_when_the_data_changed(org, finished, now):
    generated = report_for_plan(finished.plan).part("measures").plain_text()
    edited = generated.replace("进行了合法性审查", "逐件进行了合法性审查")
    service.save_part(org.users.coordinator, finished.plan, "measures", edited)
    db.session.commit()
    again = report_for_plan(finished.plan).part("measures")
    assert again.plain_text() == edited and not again.edit.data_changed

    # the data changes: the task is returned, a fourth review entered, the task accepted again
    with clock.frozen_at(datetime(2026, 1, 21, 2, tzinfo=UTC)):
        task = db.session.get(Task, finished.reviews.id)
        workflow.transition(org.users.coordinator, task, "return", note="补录一份文件")
        records.create_record(org.users.coordinator, task, "document_review", review_data(4))
        workflow.transition(
            org.users.coordinator,
            task,
            "submit",
            result_statement="对4份规范性文件进行了合法性审查。",
            cause=CauseInput("其他", "补录文件耽误了时间。", "文件审查随到随录。"),
        )
        workflow.transition(org.users.coordinator, task, "accept")
        db.session.commit()
        rebuilt = report_for_plan(finished.plan)
    part = rebuilt.part("measures")
    assert part.plain_text() == edited  # the coordinator's text is kept
    assert part.edit.data_changed
    assert "4份" in part.generated_text and "4份" not in part.plain_text()
    assert [f.display for f in part.edit.dropped] == ["4份"]
    assert any(w.code == "data_changed" for w in rebuilt.warnings)
    # part 二 now gives the cause the unit stated when applying late for completion
    assert (
        "依法履行职能方面有1项任务未能按期完成。补录文件耽误了时间。下一步，文件审查随到随录。"
        in rebuilt.part("shortcomings").plain_text()
    )


def test_a_stale_edit_is_refused(org, finished, now):
    first = service.save_part(org.users.coordinator, finished.plan, "other", "第一稿。")
    db.session.commit()
    with pytest.raises(ConflictError) as caught:
        service.save_part(
            org.users.coordinator, finished.plan, "other", "另一稿。", expected_revision_id=0
        )
    assert "office" in caught.value.message
    service.save_part(
        org.users.coordinator, finished.plan, "other", "第二稿。", expected_revision_id=first.id
    )


def test_reset_restore_and_empty_text(org, finished, now):
    plan, coordinator = finished.plan, org.users.coordinator
    with pytest.raises(DomainError):
        service.save_part(coordinator, plan, "opening", "   ")
    first = service.save_part(coordinator, plan, "opening", "开头第一稿。")
    service.save_part(coordinator, plan, "opening", "开头第二稿。")
    reset = service.reset_part(coordinator, plan, "opening")
    assert reset.text is None and reset.base_text
    assert report_for_plan(plan).opening.edit is None
    restored = service.restore_revision(coordinator, plan, first)
    assert restored.text == "开头第一稿。" and "Restored revision" in restored.note
    assert report_for_plan(plan).opening.plain_text() == "开头第一稿。"
    # an empty part 五 is simply left out again
    service.save_part(coordinator, plan, "other", "其他情况。")
    assert len(report_for_plan(plan).shown_parts) == 5
    service.save_part(coordinator, plan, "other", "")
    assert len(report_for_plan(plan).shown_parts) == 4
    draft = draft_of(plan)
    assert [r.part for r in draft.revisions].count("opening") == 4
    with pytest.raises(DomainError):
        service.save_part(coordinator, plan, "appendix", "x")


def test_the_signature(org, finished, now):
    since = last_audit_id()
    service.save_signature(
        org.users.coordinator, finished.plan, signatory="测试市民政局", signed_on=date(2026, 1, 15)
    )
    report = report_for_plan(finished.plan)
    assert (report.signatory, report.signed_on_text) == ("测试市民政局", "2026年1月15日")
    assert audit_actions(since) == ["report.signature"]
    with pytest.raises(DomainError) as caught:
        service.save_signature(
            org.users.coordinator, finished.plan, signatory="", signed_on=date(2024, 12, 31)
        )
    assert caught.value.field == "signed_on"


def test_without_a_signature_the_report_is_signed_by_the_bureau_today(org, finished, now):
    draft = draft_of(finished.plan)  # made on publishing, with no signature yet
    assert (draft.signatory, draft.signed_on) == ("", None)
    state = (last_audit_id(), count(ReportDraft), count(ReportRevision))
    report = report_for_plan(finished.plan)
    assert (report.signatory, report.signed_on) == ("测试市民政局", date(2026, 1, 20))
    # reading the report writes nothing
    assert (last_audit_id(), count(ReportDraft), count(ReportRevision)) == state
    assert (draft.signatory, draft.signed_on) == ("", None)


def test_the_report_of_an_unpublished_plan_has_no_draft_and_writes_none(org, now):
    plan = make_plan(org, year=2025)
    make_task(org, plan)
    state = (last_audit_id(), count(ReportDraft))
    report = report_for_plan(plan)
    assert (report.signatory, report.signed_on) == ("测试市民政局", date(2026, 1, 20))
    assert draft_of(plan) is None
    assert (last_audit_id(), count(ReportDraft)) == state


# -- the reporting task -------------------------------------------------------------------------


def _reporting_tasks(plan=None) -> list[Task]:
    query = sa.select(Task).where(Task.title.like("报送并公开%")).order_by(Task.id)
    if plan is not None:
        query = query.where(Task.plan_id == plan.id)
    return list(db.session.scalars(query))


def test_publishing_a_plan_adds_its_own_reporting_task(org, finished):
    # the 2025 plan was published on 10 January 2025 with its task of reporting on 2025
    (task,) = _reporting_tasks(finished.plan)
    assert task.title == "报送并公开2025年度法治政府建设情况报告"
    assert task.due_date == date(2026, 3, 31)  # a Tuesday: the last working day of March
    assert task.deadline_text == "2026年3月31日前" and task.kind == "general"
    assert task.text == service.REPORT_TASK_TEXT
    assert task.lead_unit == org.office and task.owner == org.users.coordinator
    assert task.status == "assigned" and task.section_id is None and task.parent_id is None
    assert draft_of(finished.plan).report_task_id == task.id
    assert reporting_task(finished.plan) == task

    with clock.frozen_at(datetime(2026, 1, 12, 2, tzinfo=UTC)):
        plan = make_plan(org, year=2026)
        make_task(org, plan, title="低保核查")
        since = last_audit_id()
        assert plans.publish_plan(org.users.coordinator, plan) == 2  # its task and the report's
    (task,) = _reporting_tasks(plan)
    assert task.title == "报送并公开2026年度法治政府建设情况报告"
    assert task.due_date == service.report_due_date(2027) == date(2027, 3, 31)
    assert task.lead_unit == org.office and task.owner == org.users.coordinator
    assert task.status == "assigned" and task.start_date == date(2026, 1, 12)
    draft = draft_of(plan)
    assert draft.report_task_id == task.id
    actions = audit_actions(since)
    assert actions.index("report.create") < actions.index("report.task")
    assert actions.count("report.task") == 1 and actions.count("task.assign") == 2
    # last year's plan keeps its own task: nothing of 2026 was added to it
    assert [t.title for t in _reporting_tasks(finished.plan)] == [
        "报送并公开2025年度法治政府建设情况报告"
    ]
    assert len(_reporting_tasks()) == 2


def test_each_year_has_exactly_one_reporting_task(org):
    with clock.frozen_at(datetime(2026, 1, 12, 2, tzinfo=UTC)):
        first = make_plan(org, year=2026)
        make_task(org, first)
        plans.publish_plan(org.users.coordinator, first)
    with clock.frozen_at(datetime(2026, 2, 2, 2, tzinfo=UTC)):
        other = make_plan(org, year=2026, title="2026年专项工作要点")
        make_task(org, other)
        # a second plan of the same year: the year has one report, so no second task
        assert plans.publish_plan(org.users.coordinator, other) == 1
    (task,) = _reporting_tasks(first)
    assert draft_of(first).report_task_id == task.id
    assert _reporting_tasks(other) == [] and draft_of(other).report_task_id is None
    assert len(_reporting_tasks()) == 1
    # next year's copy leaves it out; publishing the copy makes the one for 2027
    copy = plans.copy_plan(org.users.coordinator, first)
    titles = set(db.session.scalars(sa.select(Task.title).where(Task.plan_id == copy.id)))
    assert titles == {"落实规范性文件合法性审查制度"}
    with clock.frozen_at(datetime(2027, 1, 11, 2, tzinfo=UTC)):
        assert plans.publish_plan(org.users.coordinator, copy) == 2
    (task,) = _reporting_tasks(copy)
    assert task.title == "报送并公开2027年度法治政府建设情况报告"
    assert task.due_date == service.report_due_date(2028)


def test_the_reporting_task_due_date_skips_holidays(org):
    assert service.report_due_date(2026) == date(2026, 3, 31)
    assert service.report_due_date(2024) == date(2024, 3, 29)  # 31 March 2024 was a Sunday


def test_the_first_plan_has_its_reporting_task_too(org):
    # no plan of the year before: the plan's own report still has its task
    plan = make_plan(org, year=2026)
    make_task(org, plan)
    assert plans.publish_plan(org.users.coordinator, plan) == 2
    (draft,) = db.session.scalars(sa.select(ReportDraft))
    assert draft.plan_id == plan.id
    assert draft.report_task.title == "报送并公开2026年度法治政府建设情况报告"
    assert draft.report_task.plan_id == plan.id


def test_a_cancelled_reporting_task_is_made_again(org):
    """Publishing happens once per plan, so what is reachable is: a cancelled reporting task is
    not brought back by publishing again (refused), and it lets the plan close; making the task
    again (create_report_task) replaces a cancelled one only, never an open or done one."""
    with clock.frozen_at(datetime(2026, 1, 12, 2, tzinfo=UTC)):
        plan = make_plan(org, year=2026)
        make_task(org, plan)
        plans.publish_plan(org.users.coordinator, plan)
    task = reporting_task(plan)
    assert service.create_report_task(org.users.coordinator, plan) is None  # it is open
    walk(org, task, "cancelled")
    with pytest.raises(DomainError):
        plans.publish_plan(org.users.coordinator, plan)
    assert reporting_task(plan) == task and len(_reporting_tasks(plan)) == 1
    again = service.create_report_task(org.users.coordinator, plan)
    assert again is not None and again.id != task.id and again.plan_id == plan.id
    assert again.title == task.title and again.due_date == task.due_date
    assert again.status == "assigned"  # made in an active plan: assigned at once
    assert reporting_task(plan) == again and task.status == "cancelled"
    assert len(_reporting_tasks(plan)) == 2
    assert service.create_report_task(org.users.coordinator, plan) is None


def test_a_plan_closes_only_with_its_reporting_task(org, finished, now):
    plan = finished.plan
    task = reporting_task(plan)
    workflow.transition(org.users.coordinator, finished.late, "cancel", note="并入明年任务")
    # every task of the plan's work is done or cancelled, but the report is not submitted yet
    with pytest.raises(DomainError) as caught:
        plans.close_plan(org.users.coordinator, plan)
    assert "1 task is still open" in caught.value.message
    assert plan.status == "active" and task.status == "assigned"
    finish_reporting_task(org, plan)
    assert task.status == "done"
    plans.close_plan(org.users.coordinator, plan)
    assert plan.status == "closed"


def test_a_cancelled_reporting_task_lets_the_plan_close(org, finished, now):
    workflow.transition(org.users.coordinator, finished.late, "cancel", note="并入明年任务")
    finish_reporting_task(org, finished.plan, "cancelled")
    plans.close_plan(org.users.coordinator, finished.plan)
    assert finished.plan.status == "closed"


def test_the_report_leaves_its_reporting_task_out(org, finished, now):
    task = reporting_task(finished.plan)
    assert task.status == "assigned"  # open, like 清理现行有效规范性文件
    report = report_for_plan(finished.plan)
    text = "".join(part.plain_text() for part in report.all_parts())
    assert "报送并公开" not in text
    assert all(task.id not in s.task_ids for s in report.sentences())
    # 二、 counts one unfinished task (the late one), not the open reporting task
    shortcomings = report.part("shortcomings").plain_text()
    assert "有1项任务尚未完成，其中1项已超过完成时限" in shortcomings
    (unfinished,) = [f for f in report.figures() if f.label == "尚未完成任务"]
    assert unfinished.task_ids == [finished.late.id]
    assert all(task.id not in f.task_ids for f in report.figures())
    # still so once the reporting task is done
    finish_reporting_task(org, finished.plan)
    again = report_for_plan(finished.plan)
    assert "报送并公开" not in "".join(part.plain_text() for part in again.all_parts())
    assert all(task.id not in s.task_ids for s in again.sentences())
    assert all(task.id not in f.task_ids for f in again.figures())


# -- reading in a fixed number of queries ------------------------------------------------------


def _statements(plan) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        report_for_plan(db.session.get(type(plan), plan.id))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return statements


def test_the_report_reads_in_a_fixed_number_of_queries(org, finished, now):
    small = _statements(finished.plan)
    with clock.frozen_at(datetime(2025, 7, 1, 2, tzinfo=UTC)):
        more = make_plan(org, year=2025, title="2025年第二份要点")
        for n in range(12):
            make_task(
                org, more, title=f"任务{n}", lead_unit=org.office, owner=org.users.coordinator
            )
        plans.publish_plan(org.users.coordinator, more)
        for task in db.session.scalars(sa.select(Task).where(Task.plan_id == more.id)):
            workflow.transition(org.users.coordinator, task, "claim")
            for n in (1, 2, 3):
                records.create_record(
                    org.users.coordinator, task, "document_review", review_data(n)
                )
            workflow.transition(org.users.coordinator, task, "submit", result_statement="完成3份。")
            workflow.transition(org.users.coordinator, task, "accept")
        db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ReportRevision.id))) == 0
    large = _statements(more)
    assert len(large) == len(small) <= 14, "\n".join(s[:120] for s in large + ["---"] + small)
