"""Load the demo plans through the real services, so their history is what users would make."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.core import clock, workdays
from tracker.demo import plan2020, plan2021, plan_current
from tracker.demo.evidence import attach_evidence, verify_evidence
from tracker.demo.ledger import (
    advisor_2020,
    prove_2020,
    prove_current,
    prove_report_delivery_2020,
)
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.reports.service import REPORT_TASK_TITLE
from tracker.tasks import service as tasks
from tracker.tasks import workflow
from tracker.tasks.models import Task
from tracker.units.models import Unit


@contextlib.contextmanager
def at(day: date, hour: int = 10, minute: int = 0):
    """Do the demo's past work at that local time."""
    moment = datetime.combine(day, time(hour, minute), tzinfo=clock.local_timezone())
    with clock.frozen_at(min(moment, clock.now())):
        yield


class Directory:
    """Units and people of the demo bureau, by name."""

    def __init__(self, bureau: Unit):
        self.bureau = bureau
        self.units = {
            u.name: u
            for u in db.session.scalars(sa.select(Unit).where(Unit.path.startswith(bureau.path)))
        }
        self.users = {u.username: u for u in db.session.scalars(sa.select(User))}

    def chief(self, unit_name: str) -> User:
        unit = self.units[unit_name]
        for user in self.users.values():
            if user.unit_id == unit.id and user.role == "chief":
                return user
        return self.users["office"]  # 办公室 is run by the legal office itself


def _plan_exists(bureau: Unit, title: str) -> bool:
    return (
        db.session.scalar(
            sa.select(Plan.id).where(Plan.bureau_id == bureau.id, Plan.title == title)
        )
        is not None
    )


def _work_through(
    task: Task,
    worker: User,
    office: User,
    *,
    claimed: date,
    submitted: date,
    accepted: date | None,
    result: str,
    prove=None,
    cause=None,
) -> None:
    """签收, enter the proof, 申请办结 (with the `cause` of a delay when late) and — when
    `accepted` — review the evidence and 办结."""
    with at(claimed, 9, 30):
        workflow.transition(worker, task, "claim", note="已签收，按计划推进。")
    with at(workdays.add_workdays(submitted, -2), 15, 0):
        if prove is None or not prove(task, worker):
            attach_evidence(task, worker, result)
    with at(submitted, 16, 0):
        workflow.transition(worker, task, "submit", result_statement=result, cause=cause)
    if accepted is not None:
        with at(accepted, 10, 0):
            verify_evidence(task, office)
        with at(accepted, 10, 30):
            workflow.transition(office, task, "accept", note="材料齐全，同意办结。")


def load_plan_2020(directory: Directory) -> bool:
    """The closed 2020 plan, every task done with the seed's own result statements."""
    if _plan_exists(directory.bureau, plan2020.TITLE):
        return False
    office, director = directory.users["office"], directory.users["director"]
    deputy = directory.users["deputy"]
    with at(date(2020, 2, 18), 9):
        plan = plans.create_plan(
            office,
            bureau=directory.bureau,
            year=2020,
            title=plan2020.TITLE,
            document_number=plan2020.DOCUMENT_NUMBER,
        )
        for number, title, items in plan2020.SECTIONS:
            section = plans.save_section(
                office, plan, None, number=number, title=title, parent=None
            )
            for task_number, task_title, text, lead, co, kind, due, target in items:
                tasks.create_task(
                    office,
                    plan,
                    tasks.TaskData(
                        section=section,
                        number=task_number,
                        title=task_title,
                        text=text,
                        result_statement=text,
                        kind=kind,
                        lead_unit=directory.units[lead],
                        co_units=[directory.units[name] for name in co],
                        owner=directory.chief(lead),
                        supervisor=deputy,
                        due_date=date.fromisoformat(f"2020-{due}"),
                        target_count=target[0] if target else None,
                        target_measure=target[1] if target else "",
                        achieved_count=target[0] if target else None,
                    ),
                )
        for title, result, kind, due, target in plan2020.PRINCIPAL_DUTIES:
            tasks.create_task(
                office,
                plan,
                tasks.TaskData(
                    section=None,
                    title=title,
                    text=result,
                    result_statement=result,
                    kind=kind,
                    lead_unit=directory.units["局领导"],
                    owner=director,
                    supervisor=director,
                    due_date=date.fromisoformat(f"2020-{due}"),
                    is_principal_duty=True,
                    target_count=target[0] if target else None,
                    target_measure=target[1] if target else "",
                    achieved_count=target[0] if target else None,
                ),
            )
    with at(date(2020, 2, 20), 15):
        plans.publish_plan(office, plan)
    with at(date(2020, 1, 6), 10):
        advisor = advisor_2020(office, directory.bureau)
    report_title = REPORT_TASK_TITLE.format(year=2020)
    for task in db.session.scalars(sa.select(Task).where(Task.plan_id == plan.id)):
        if task.title == report_title:
            # the report itself: submitted on the seed's date, 15 January 2021
            _work_through(
                task,
                office,
                office,
                claimed=date(2021, 1, 4),
                submitted=date(2021, 1, 15),
                accepted=None,
                result=plan2020.REPORT_RESULT,
            )
            with at(date(2021, 1, 15), 17):
                prove_report_delivery_2020(task, office)
            with at(date(2021, 1, 18), 10):
                verify_evidence(task, office)
            with at(date(2021, 1, 18), 10, 30):
                workflow.transition(office, task, "accept", note="材料齐全，同意办结。")
            continue
        due = task.due_date
        worker = director if task.is_principal_duty else directory.chief(task.lead_unit.name)
        _work_through(
            task,
            worker,
            office,
            claimed=date(2020, 2, 24),
            submitted=workdays.add_workdays(due, -3),
            accepted=workdays.add_workdays(due, -1),
            result=task.result_statement,
            prove=lambda t, w: prove_2020(t, w, advisor),
        )
    with at(date(2021, 1, 20), 11):
        plans.close_plan(office, plan)
    return True


def load_plan_2021(directory: Directory) -> bool:
    """The 2021 plan as drafted in January 2021, from the seed's part 四 (a draft, never
    published: it is there so the 2020 report's part 四 is generated from it)."""
    if _plan_exists(directory.bureau, plan2021.TITLE):
        return False
    office = directory.users["office"]
    with at(date(2021, 1, 8), 9):
        plan = plans.create_plan(office, bureau=directory.bureau, year=2021, title=plan2021.TITLE)
        for number, title, items in plan2021.SECTIONS:
            section = plans.save_section(
                office, plan, None, number=number, title=title, parent=None
            )
            for task_number, task_title, text, lead, kind, due in items:
                tasks.create_task(
                    office,
                    plan,
                    tasks.TaskData(
                        section=section,
                        number=task_number,
                        title=task_title,
                        text=text,
                        kind=kind,
                        lead_unit=directory.units[lead],
                        owner=directory.chief(lead),
                        due_date=date.fromisoformat(f"2021-{due}"),
                    ),
                )
    return True


def _due(spec, year: int, today: date) -> date:
    kind, value = spec
    if kind == "workdays":
        return workdays.add_workdays(today, value)
    if kind == "days":  # relative dates stay inside the plan year
        return min(today + timedelta(days=value), date(year, 12, 31))
    return date.fromisoformat(f"{year}-{value}")


def load_current_plan(directory: Directory) -> bool:
    """This year's active plan: some work done, some under way, some late, some due soon."""
    today = clock.today()
    year = today.year
    title = plan_current.TITLE_TEMPLATE.format(year=year)
    if _plan_exists(directory.bureau, title):
        return False
    office, director = directory.users["office"], directory.users["director"]
    deputy = directory.users["deputy"]
    drafted = min(date(year, 1, 20), today - timedelta(days=30))
    published = workdays.add_workdays(drafted, 3)
    claimed = workdays.add_workdays(published, 3)
    specs: list[tuple[Task, dict]] = []
    with at(drafted, 9):
        plan = plans.create_plan(
            office,
            bureau=directory.bureau,
            year=year,
            title=title,
            document_number=plan_current.DOCUMENT_NUMBER_TEMPLATE.format(year=year),
        )
        for number, section_title, items in plan_current.SECTIONS:
            section = plans.save_section(
                office, plan, None, number=number, title=section_title, parent=None
            )
            for item in items:
                lead = item["lead"]
                target = item.get("target")
                owner = (
                    directory.users[item["owner"]] if item.get("owner") else directory.chief(lead)
                )
                task = tasks.create_task(
                    office,
                    plan,
                    tasks.TaskData(
                        section=section,
                        number=item["number"],
                        title=item["title"],
                        text=item["text"],
                        kind=item["kind"],
                        lead_unit=directory.units[lead],
                        co_units=[directory.units[name] for name in item["co"]],
                        owner=owner,
                        supervisor=deputy,
                        due_date=_due(item["due"], year, today),
                        recurrence=item.get("recurrence", "none"),
                        target_count=target[0] if target else None,
                        target_measure=target[1] if target else "",
                        achieved_count=target[2] if target else None,
                    ),
                )
                specs.append((task, item))
        for duty_title, text, target, due in plan_current.PRINCIPAL_DUTIES:
            task = tasks.create_task(
                office,
                plan,
                tasks.TaskData(
                    section=None,
                    title=duty_title,
                    text=text,
                    kind="study",
                    lead_unit=directory.units["局领导"],
                    owner=director,
                    supervisor=director,
                    due_date=_due(due, year, today),
                    is_principal_duty=True,
                    target_count=target[0] if target else None,
                    target_measure=target[1] if target else "",
                    achieved_count=target[2] if target else None,
                ),
            )
            progress = round(100 * target[2] / target[0]) if target else 0
            specs.append(
                (task, {"status": "in_progress", "progress": progress, "worker": "director"})
            )
    with at(published, 15):
        plans.publish_plan(office, plan)
    for task, item in specs:
        _advance(task, item, directory, claimed=claimed, today=today)
    return True


def _advance(task: Task, item: dict, directory: Directory, *, claimed: date, today: date) -> None:
    """Bring one of this year's tasks to the state the demo shows."""
    office = directory.users["office"]
    who = item.get("worker") or item.get("owner")
    worker = directory.users[who] if who else directory.chief(task.lead_unit.name)

    def prove(target: Task, person: User) -> bool:
        return prove_current(target, person, today=today)

    if task.occurrences:
        for occurrence in task.occurrences:
            if occurrence.due_date < today:
                _work_through(
                    occurrence,
                    directory.chief(task.lead_unit.name),
                    office,
                    claimed=occurrence.start_date,
                    submitted=workdays.add_workdays(occurrence.due_date, -2),
                    accepted=occurrence.due_date,
                    result=f"{occurrence.period_label}工作已按要求完成并报送台账。",
                    prove=prove,
                )
        return
    status = item["status"]
    if status == "assigned":
        return
    if status == "done":
        due = min(task.due_date, today - timedelta(days=1))
        _work_through(
            task,
            worker,
            office,
            claimed=claimed,
            submitted=workdays.add_workdays(due, -5),
            accepted=workdays.add_workdays(due, -2),
            result=item["result"],
            prove=prove,
        )
        return
    with at(claimed, 9, 30):
        workflow.transition(worker, task, "claim", note="已签收。")
    with at(today - timedelta(days=7), 16):
        prove(task, worker)
    progress = item.get("progress", 0)
    if progress and task.target_count is None:
        with at(today - timedelta(days=6), 17):
            workflow.add_progress(
                worker,
                task,
                progress=max(progress - 20, 10),
                note="已制定工作方案，明确责任人和时间节点。",
            )
        with at(today - timedelta(days=1), 17):
            workflow.add_progress(
                worker, task, progress=progress, note="按方案推进，阶段性工作已完成。"
            )
    if status == "submitted":
        with at(today - timedelta(days=1), 11):
            attach_evidence(task, worker, item["result"])
        with at(today, 9):
            workflow.transition(worker, task, "submit", result_statement=item["result"])
