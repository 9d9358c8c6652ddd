"""Enter the demo ledger through the records service, as the units would have."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.demo import cases, inspection
from tracker.demo import records2020 as data
from tracker.demo.evidence import attach_record_evidence, attach_step_evidence
from tracker.demo.plan_current import CASES_TASK_TITLE
from tracker.extensions import db
from tracker.records import service as records
from tracker.records.models import LegalAdvisor
from tracker.tasks.models import Task


def _enter(worker, task: Task, kind: str, data: dict):
    """A record as the unit enters it, with its scanned proof (a small generated file)."""
    record = records.create_record(worker, task, kind, data)
    attach_record_evidence(record, worker)
    return record


def _spread(year: int, count: int) -> list[date]:
    """`count` dates spread over the year, none on a weekend."""
    days = []
    for index in range(count):
        day = date(year, 1, 10) + timedelta(days=round(index * 340 / max(count, 1)))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        days.append(day)
    return days


def advisor_2020(actor, bureau) -> LegalAdvisor:
    firm, person, start, end, fee = data.ADVISOR
    return records.save_advisor(
        actor,
        bureau,
        None,
        firm=firm,
        person=person,
        contract_start=start,
        contract_end=end,
        fee=Decimal(fee),
    )


def prove_2020(task: Task, worker, advisor: LegalAdvisor) -> bool:
    """Enter the records the seed reports for this 2020 task; False when it has none."""
    section = task.section.number.strip("（）、") if task.section else ""
    if task.is_principal_duty:
        for prefix, (kind, topic) in data.STUDY_SESSIONS.items():
            if task.title.startswith(prefix):
                for day in _spread(2020, task.target_count or 0):
                    _enter(
                        worker,
                        task,
                        "study_session",
                        {
                            "session_kind": kind,
                            "held_on": day,
                            "topic": topic,
                            "chaired_by_id": worker.id,
                            "chaired_by_name": "",
                            "attendees": "局党组成员、各科室负责人",
                            "attendee_count": 15,
                        },
                    )
                return True
        return False
    key = (section, task.number)
    if key == ("一", "三是"):
        for day, matter, category, advice in data.CONSULTATIONS:
            _enter(
                worker,
                task,
                "consultation",
                {
                    "advisor_id": advisor.id,
                    "consulted_on": day,
                    "matter": matter,
                    "category": category,
                    "advice": advice,
                    "is_adopted": True,
                },
            )
        for case in cases.RECONSIDERATIONS_2020:
            _enter(worker, task, "reconsideration", case)
        for case in cases.LITIGATIONS_2020:
            _enter(worker, task, "litigation", case)
        return True
    if key == ("三", "一是"):
        # 谁执法谁普法: the list and the activities the seed names
        duties = [_enter(worker, task, "pufa_duty", d) for d in inspection.pufa_duties(2020)]
        for activity in inspection.pufa_activities_2020([d.id for d in duties]):
            _enter(worker, task, "pufa_activity", activity)
        return True
    if key == ("二", "一是"):
        title, decided_on, steps = data.DECISION
        decision = _enter(
            worker, task, "decision", {"decision_title": title, "decided_on": decided_on}
        )
        for step, (done_on, note) in steps.items():
            records.save_decision_step(
                worker,
                decision,
                step,
                done_on=done_on,
                note=note,
                not_applicable_reason="",
                evidence=[attach_step_evidence(decision, worker, step)],
            )
        return True
    if key == ("二", "二是"):
        for title, received, reviewed in data.DOCUMENT_REVIEWS:
            _enter(
                worker,
                task,
                "document_review",
                {
                    "document_title": title,
                    "drafting_unit": "忻州市民政局",
                    "on_behalf_of": "代市委、市政府起草",
                    "received_on": received,
                    "reviewed_on": reviewed,
                    "reviewer": "局办公室",
                    "conclusion": "lawful",
                    "opinion": "符合上位法规定，程序合法。",
                    "published_on": reviewed + timedelta(days=20),
                    "published_url": "http://www.xinzhou.gov.cn/zwgk/",
                    "is_filed": True,
                    "filed_on": reviewed + timedelta(days=25),
                },
            )
        return True
    if key == ("二", "三是"):
        for holder, number, field, issued in data.CERTIFICATIONS:
            _enter(
                worker,
                task,
                "certification",
                {
                    "holder_name": holder,
                    "certificate_number": number,
                    "enforcement_field": field,
                    "issued_on": issued,
                    "exam_passed_on": issued - timedelta(days=40),
                    "expires_on": issued.replace(year=issued.year + 6),
                    "revoke_reason": "",
                },
            )
        return True
    if section == "六" and task.number in data.METRICS:
        if task.number == "四是":
            for target, done_on, problems, rectified in data.INSPECTIONS:
                _enter(
                    worker,
                    task,
                    "inspection",
                    {
                        "target_organisation": target,
                        "inspection_kind": "joint",
                        "planned_on": done_on - timedelta(days=14),
                        "done_on": done_on,
                        "inspectors": "市民政局、市场监管局、财政局联合检查组",
                        "findings": "财务管理、年报公示、内部治理情况检查。"
                        if problems
                        else "未发现问题。",
                        "problem_count": problems,
                        "rectification_due": done_on + timedelta(days=30) if problems else None,
                        "rectified_on": rectified,
                    },
                )
        for name, measure, value, baseline, baseline_year in data.METRICS[task.number]:
            _enter(
                worker,
                task,
                "metric",
                {
                    "name": name,
                    "measure": measure,
                    "value": Decimal(str(value)),
                    "as_of": date(2020, 12, 31),
                    "baseline_value": Decimal(str(baseline)) if baseline is not None else None,
                    "baseline_year": baseline_year,
                },
            )
        return True
    return False


def prove_current(task: Task, worker, *, today: date) -> bool:
    """This year's ledger so far: sessions toward the principal's targets, legality reviews for
    the finished quarters, a decision still missing two steps, the first half's inspections."""
    year = today.year
    if prove_inspection_ledgers(task, worker, today=today):
        return True
    if task.title == CASES_TASK_TITLE:
        for kind, listed in (
            ("reconsideration", cases.reconsiderations(year)),
            ("litigation", cases.litigations(year)),
        ):
            for case in listed:
                data_as_of = cases.as_of(case, year, today)
                if data_as_of is not None:
                    _enter(worker, task, kind, data_as_of)
        return True
    if task.target_count and task.kind == "study":
        if not task.is_principal_duty:
            kind = "training"
        else:
            kind = "center_group" if "学法" in task.title else "party_group_meeting"
        achieved = task.achieved_count or 0
        for day in [d for d in _spread(year, task.target_count) if d < today][:achieved]:
            _enter(
                worker,
                task,
                "study_session",
                {
                    "session_kind": kind,
                    "held_on": day,
                    "topic": task.title,
                    "chaired_by_id": worker.id,
                    "chaired_by_name": "",
                    "attendees": "局党组成员" if task.is_principal_duty else "全体执法人员",
                    "attendee_count": 9 if task.is_principal_duty else 32,
                },
            )
        return True
    if task.kind == "normative_review" and task.period_label:
        _enter(
            worker,
            task,
            "document_review",
            {
                "document_title": f"{task.period_label}制发规范性文件合法性审查台账",
                "drafting_unit": "忻州市民政局",
                "on_behalf_of": "",
                "received_on": None,
                "reviewed_on": min(task.due_date, today),
                "reviewer": "局办公室",
                "conclusion": "lawful",
                "opinion": "",
                "published_on": None,
                "published_url": "",
                "is_filed": False,
                "filed_on": None,
            },
        )
        return True
    if task.kind == "inspection" and task.period_label:
        for organisation in ("忻州市养老服务业协会", "忻州市慈善总会"):
            _enter(
                worker,
                task,
                "inspection",
                {
                    "target_organisation": organisation,
                    "inspection_kind": "random",
                    "planned_on": task.due_date - timedelta(days=30),
                    "done_on": task.due_date - timedelta(days=20),
                    "inspectors": "市民政局检查组",
                    "findings": "年报公示按期完成。",
                    "problem_count": 0,
                    "rectification_due": None,
                    "rectified_on": None,
                },
            )
        return True
    if task.kind == "major_decision" and task.status == "in_progress":
        decision = _enter(
            worker,
            task,
            "decision",
            {"decision_title": "调整养老服务设施布局规划", "decided_on": None},
        )
        for step, done_on, note in (
            ("public_participation", date(year, 9, 15), "网上征求意见，收到意见12条。"),
            ("expert_review", date(year, 10, 20), "组织规划、养老领域专家论证。"),
            ("legality_review", date(year, 11, 5), "局办公室审查，合法。"),
        ):
            if done_on < today:
                records.save_decision_step(
                    worker,
                    decision,
                    step,
                    done_on=done_on,
                    note=note,
                    not_applicable_reason="",
                    evidence=[attach_step_evidence(decision, worker, step)],
                )
        return True
    return False


def prove_report_delivery_2020(task: Task, worker) -> None:
    """The 2020 report's 报送 and 公开, on the day the seed dates it."""
    for delivery in inspection.report_deliveries_2020():
        _enter(worker, task, "report_delivery", delivery)


def _user_id(username: str) -> int | None:
    return db.session.scalar(sa.select(User.id).where(User.username == username))


def prove_inspection_ledgers(task: Task, worker, *, today: date) -> bool:
    """This year's enforcement cases, file reviews, 普法, 述法 and contracts so far."""
    year = today.year
    if task.title == inspection.ENFORCEMENT_TASK_TITLE:
        entries = [("enforcement_case", e) for e in inspection.enforcement_cases(year, today)]
    elif task.title == inspection.FILE_REVIEW_TASK_TITLE:
        entries = [("case_file_review", e) for e in inspection.file_reviews(year, today)]
    elif task.title == inspection.PUFA_TASK_TITLE:
        duties = [_enter(worker, task, "pufa_duty", d) for d in inspection.pufa_duties(year)]
        activities = inspection.pufa_activities(year, today, [d.id for d in duties])
        entries = [("pufa_activity", a) for a in activities]
    elif task.title == inspection.LAW_REPORT_TASK_TITLE:
        reports = inspection.law_reports(year, today, _user_id("director"), _user_id("deputy"))
        entries = [("law_report", r) for r in reports]
    elif task.title == inspection.CONTRACT_TASK_TITLE:
        entries = [("contract_review", c) for c in inspection.contract_reviews(year, today)]
    else:
        return False
    for kind, fields in entries:
        _enter(worker, task, kind, fields)
    return True
