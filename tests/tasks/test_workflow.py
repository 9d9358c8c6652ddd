"""The task workflow, at the service: every status × action × role, and the rules around it.

The expectations below are written from the issue's rules, not read from the service's table:
a chief works the tasks led by their unit (subtree); staff and leaders work the tasks they own; a
coordinator works the tasks of the legal office like a chief, reports progress on any task of the
bureau, and accepts, returns and cancels any task of the bureau. Nobody else acts.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import (
    add_user,
    audit_actions,
    count,
    duty_fields,
    last_audit_id,
    make_plan,
    make_task,
    task_in_status,
    updates_of,
)
from tracker.core.exceptions import ConflictError, DomainError
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reminders.models import Notification
from tracker.tasks import workflow
from tracker.tasks.models import TASK_STATUSES, Task, TaskUpdate
from tracker.tasks.workflow import TransitionDenied, TransitionError

#: Roles of the matrix, by attribute of the organisation's users. The task is led by 社会救助科
#: and owned by staff-relief; staff_other is a colleague in the same unit who does not own it.
ROLES = [
    "admin",
    "coordinator",
    "principal",
    "leader",
    "chief",  # chief of the lead unit
    "chief_elderly",  # chief of another unit
    "staff",  # the owner
    "staff_other",  # staff of the lead unit, not the owner
    "viewer",
]
ACTIONS = ["claim", "submit", "accept", "return", "cancel", "progress"]

#: Who may take each action on a 社会救助科 task owned by staff-relief.
PERMITTED = {
    "claim": {"chief", "staff"},
    "submit": {"chief", "staff"},
    "progress": {"coordinator", "chief", "staff"},
    "accept": {"coordinator"},
    "return": {"coordinator"},
    "cancel": {"coordinator"},
}
#: From which statuses each action is possible, and where it leads.
SOURCES = {
    "claim": {"assigned"},
    "submit": {"in_progress"},
    "accept": {"submitted"},
    "return": {"submitted", "done"},
    "cancel": {"assigned", "in_progress", "submitted"},
    "progress": {"in_progress"},
}
TARGET = {
    "claim": "in_progress",
    "submit": "submitted",
    "accept": "done",
    "return": "in_progress",
    "cancel": "cancelled",
    "progress": "in_progress",
}

RESULT = "对本局起草的5份规范性文件进行了合法性审查，均通过网络公开。"


def expected(role: str, action: str, status: str):
    """The new status, or the exception class the service must raise."""
    if role not in PERMITTED[action]:
        return TransitionDenied
    if status not in SOURCES[action]:
        return TransitionError
    return TARGET[action]


def act(user, task: Task, action: str, **kw):
    if action == "progress":
        return workflow.add_progress(
            user, task, note=kw.get("note", "已完成初审。"), progress=kw.get("progress", 40)
        )
    return workflow.transition(
        user,
        task,
        action,
        note=kw.get("note", "请补充材料。"),
        result_statement=kw.get("result_statement", RESULT if action == "submit" else None),
        expected_version=kw.get("expected_version"),
    )


def state(task: Task) -> dict:
    """What a refused action must leave alone, as the database has it."""
    db.session.flush()
    db.session.expire_all()
    return {
        "status": task.status,
        "version": task.version,
        "progress": task.progress,
        "result_statement": task.result_statement,
        "submitted_on": task.submitted_on,
        "completed_at": task.completed_at,
        "updates": count(TaskUpdate, TaskUpdate.task_id == task.id),
        "audit": last_audit_id(),
        "notifications": count(Notification),
    }


@pytest.mark.parametrize("status", TASK_STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_transition_table(shared, role, action, status):
    org = shared
    task = task_in_status(org, status)
    user = getattr(org.users, role)
    before = state(task)
    outcome = expected(role, action, status)

    if not isinstance(outcome, str):
        with pytest.raises(DomainError) as caught:
            act(user, task, action)
        assert type(caught.value) is outcome, caught.value.message
        assert caught.value.message
        assert state(task) == before
        return

    act(user, task, action)
    after = state(task)
    assert after["status"] == outcome
    assert after["version"] > before["version"]
    assert after["updates"] == before["updates"] + 1
    update = updates_of(task)[-1]
    assert update.kind == action
    assert update.author_id == user.id and update.author_name == user.display_name
    if action == "progress":
        assert (update.status_from, update.status_to) == (None, None)
        assert update.progress == 40 and after["progress"] == 40
    else:
        assert (update.status_from, update.status_to) == (status, outcome)
    assert audit_actions(before["audit"]) == [f"task.{action}"]
    assert audit_actions(before["audit"], object_type="tasks", object_id=str(task.id)) == [
        f"task.{action}"
    ]


@pytest.mark.parametrize("status", TASK_STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_buttons_offered_match_the_table(shared, role, status):
    task = task_in_status(shared, status)
    user = getattr(shared.users, role)
    offered = set(workflow.allowed_transitions(user, task))
    assert offered == {
        a for a in ACTIONS if a != "progress" and isinstance(expected(role, a, status), str)
    }


# -- who works what, beyond the matrix ----------------------------------------------------------


def test_coordinator_works_the_legal_offices_own_tasks_like_a_chief(shared):
    org = shared
    task = task_in_status(org, "assigned", lead_unit=org.office)
    coordinator = org.users.coordinator
    workflow.transition(coordinator, task, "claim")
    workflow.add_progress(coordinator, task, note="已起草。", progress=50)
    workflow.transition(coordinator, task, "submit", result_statement=RESULT)
    workflow.transition(coordinator, task, "accept")
    assert task.status == "done" and task.progress == 100
    for user in (org.users.chief, org.users.staff):
        assert not can(user, "task.claim", task)


def test_chief_works_the_tasks_of_a_sub_unit(shared):
    org = shared
    task = task_in_status(org, "assigned", lead_unit=org.relief_team)
    with pytest.raises(TransitionDenied):
        workflow.transition(org.users.chief_elderly, task, "claim")
    workflow.transition(org.users.chief, task, "claim")
    workflow.transition(org.users.chief, task, "submit", result_statement=RESULT)
    assert task.status == "submitted"


def test_chief_of_a_co_unit_reads_but_does_not_work_the_task(shared):
    org = shared
    task = task_in_status(org, "assigned", co_units=[org.elderly])
    chief = org.users.chief_elderly
    assert can(chief, "task.read", task)
    before = state(task)
    with pytest.raises(TransitionDenied):
        workflow.transition(chief, task, "claim")
    assert state(task) == before
    workflow.transition(org.users.chief, task, "claim")
    before = state(task)
    with pytest.raises(TransitionDenied):
        workflow.add_progress(chief, task, note="x", progress=10)
    with pytest.raises(TransitionDenied):
        workflow.transition(chief, task, "submit", result_statement=RESULT)
    assert state(task) == before


def test_principal_leader_works_the_duties_he_owns(shared):
    org = shared
    director, deputy = org.users.principal, org.users.leader
    task = task_in_status(org, "assigned", **duty_fields(org))
    with pytest.raises(TransitionDenied):
        workflow.transition(deputy, task, "claim")
    workflow.transition(director, task, "claim")
    workflow.add_progress(director, task, note="主持学法8次。", progress=60)
    workflow.transition(director, task, "submit", result_statement="主持党组中心组学法12次。")
    assert task.status == "submitted"
    with pytest.raises(TransitionDenied):
        workflow.transition(director, task, "accept")


def test_a_leader_works_a_task_of_another_unit_they_own(shared):
    org = shared
    task = task_in_status(org, "assigned", owner=org.users.leader)
    workflow.transition(org.users.leader, task, "claim")
    assert task.status == "in_progress"
    with pytest.raises(TransitionDenied):
        workflow.add_progress(org.users.staff, task, note="x", progress=10)


def test_a_coordinator_of_another_bureau_cannot_act(shared):
    org = shared
    task = task_in_status(org, "submitted")
    before = state(task)
    for action in ("accept", "return", "cancel", "progress"):
        with pytest.raises(TransitionDenied):
            act(org.users.outsider, task, action)
    assert state(task) == before


def test_a_coordinator_of_another_bureau_cannot_cancel_a_principal_duty_without_lead_unit(
    shared,
):
    org = shared
    task = task_in_status(
        org, "in_progress", **duty_fields(org, lead_unit=None), worker=org.users.principal
    )
    before = state(task)
    with pytest.raises(TransitionDenied):
        workflow.transition(org.users.outsider, task, "cancel", note="跨局撤销")
    with pytest.raises(TransitionDenied):
        workflow.add_progress(org.users.outsider, task, note="跨局反馈", progress=10)
    assert state(task) == before
    # the bureau's own legal office still can
    workflow.transition(org.users.coordinator, task, "cancel", note="职责调整")
    assert task.status == "cancelled"


def test_a_disabled_owner_can_no_longer_act(shared):
    org = shared
    task = task_in_status(org, "assigned")
    org.users.staff.is_disabled = True
    db.session.flush()
    with pytest.raises(TransitionDenied):
        workflow.transition(org.users.staff, task, "claim")


# -- what each step requires and does -----------------------------------------------------------


def test_submit_requires_a_result_statement(shared):
    task = task_in_status(shared, "in_progress")
    before = state(task)
    for empty in ("", "   "):
        with pytest.raises(DomainError) as caught:
            workflow.transition(shared.users.chief, task, "submit", result_statement=empty)
        assert type(caught.value) is DomainError
        assert caught.value.field == "result_statement"
        assert "result" in caught.value.message
        assert state(task) == before


def test_submit_keeps_a_result_statement_already_written(shared):
    org = shared
    task = task_in_status(org, "in_progress", result_statement="已写好的成效。")
    workflow.transition(org.users.chief, task, "submit")
    assert task.status == "submitted" and task.result_statement == "已写好的成效。"


@pytest.mark.parametrize("action,status", [("return", "submitted"), ("cancel", "assigned")])
def test_return_and_cancel_require_a_reason(shared, action, status):
    task = task_in_status(shared, status)
    before = state(task)
    with pytest.raises(DomainError) as caught:
        workflow.transition(shared.users.coordinator, task, action, note="  ")
    assert type(caught.value) is DomainError and caught.value.field == "note"
    assert state(task) == before


def test_progress_requires_a_note_and_a_percentage(shared):
    task = task_in_status(shared, "in_progress")
    before = state(task)
    with pytest.raises(DomainError) as caught:
        workflow.add_progress(shared.users.staff, task, note=" ", progress=20)
    assert caught.value.field == "note"
    for bad in (-1, 101):
        with pytest.raises(DomainError) as caught:
            workflow.add_progress(shared.users.staff, task, note="推进中", progress=bad)
        assert caught.value.field == "progress"
    assert state(task) == before


def test_a_stale_page_changes_nothing(shared):
    org = shared
    task = task_in_status(org, "in_progress")
    seen = task.version
    workflow.add_progress(org.users.chief, task, note="第一次反馈", progress=30)
    before = state(task)
    with pytest.raises(ConflictError) as caught:
        act(org.users.staff, task, "submit", expected_version=seen)
    assert "chief-relief" in caught.value.message
    with pytest.raises(ConflictError):
        workflow.add_progress(
            org.users.staff, task, note="第二次", progress=50, expected_version=seen
        )
    assert state(task) == before
    act(org.users.staff, task, "submit", expected_version=task.version)
    assert task.status == "submitted"


def test_submit_accept_and_return_keep_dates_and_progress_straight(shared):
    org = shared
    task = task_in_status(org, "in_progress")
    workflow.transition(org.users.staff, task, "submit", result_statement=RESULT)
    assert task.submitted_on is not None and task.result_statement == RESULT
    workflow.transition(org.users.coordinator, task, "accept", note="同意办结")
    assert task.progress == 100 and task.completed_at is not None
    workflow.transition(org.users.coordinator, task, "return", note="佐证材料不全")
    assert task.status == "in_progress"
    assert task.completed_at is None and task.submitted_on is None
    entry = updates_of(task)[-1]
    assert (entry.kind, entry.note, entry.status_from) == ("return", "佐证材料不全", "done")


def test_the_audit_row_says_what_changed(shared):
    org = shared
    task = task_in_status(org, "in_progress")
    since = last_audit_id()
    workflow.transition(org.users.staff, task, "submit", result_statement=RESULT)
    from tracker.audit.models import AuditEvent

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.id > since))
    assert event.action == "task.submit" and event.actor_id == org.users.staff.id
    assert event.before == {"status": "in_progress"}
    assert event.after == {"status": "submitted", "result_statement": RESULT}


def test_steps_notify_the_people_concerned(shared):
    org = shared
    task = task_in_status(org, "in_progress")
    before = count(Notification)
    workflow.transition(org.users.staff, task, "submit", result_statement=RESULT)
    submitted = db.session.scalars(sa.select(Notification).where(Notification.kind == "submitted"))
    assert [n.recipient_id for n in submitted] == [org.users.coordinator.id]
    workflow.transition(org.users.coordinator, task, "return", note="请补充台账")
    returned = list(
        db.session.scalars(sa.select(Notification).where(Notification.kind == "returned"))
    )
    assert {n.recipient_id for n in returned} == {org.users.chief.id, org.users.staff.id}
    assert all(n.body == "请补充台账" and n.link == f"/tasks/{task.id}" for n in returned)
    assert count(Notification) == before + 3


def test_an_owner_outside_the_lead_unit_is_refused(shared):
    org = shared
    plan = make_plan(org, title="归属测试")
    elderly_staff = add_user("staff-elderly", "staff", org.elderly)
    with pytest.raises(DomainError) as caught:
        make_task(org, plan, owner=elderly_staff)
    assert caught.value.field == "owner_id"


def test_publishing_assigns_and_a_task_added_later_is_assigned_at_once(shared):
    org = shared
    plan = make_plan(org, title="交办测试")
    first = make_task(org, plan)
    assert first.status == "draft"
    plans.publish_plan(org.users.coordinator, plan)
    later = make_task(org, plan, title="年中新增任务")
    assert (first.status, later.status) == ("assigned", "assigned")
    assert [u.kind for u in updates_of(later)] == ["assign"]
