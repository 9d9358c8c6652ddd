"""Task pages through HTTP: who may see and act (403), what the state refuses (409), stale forms
(409 naming who changed what, input kept), bad input (422, input kept), and notifications."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import Auth, count
from tests.factories import (
    form_data,
    last_audit_id,
    make_duty,
    make_plan,
    make_task,
    updates_of,
    walk,
)
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reminders.inbox import notify
from tracker.reminders.models import Notification
from tracker.tasks.models import Task, TaskUpdate

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
#: 2026-05-11 10:00 in Asia/Shanghai, a Monday
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock_at_now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def work(org, clock_at_now):
    """An active plan with a 社会救助科 task owned by staff-relief, and one of 办公室."""
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org)
        task = make_task(
            org,
            plan,
            title="开展低保专项治理",
            due_date=date(2026, 9, 30),
            co_units=[org.relief_team],
        )
        office_task = make_task(org, plan, title="合法性审查台账", lead_unit=org.office)
        plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return SimpleNamespace(plan=plan, task=task, office_task=office_task)


def reload(task: Task) -> Task:
    db.session.expire_all()
    return db.session.get(Task, task.id)


def snapshot(task: Task) -> tuple:
    task = reload(task)
    return task.status, task.version, task.progress, count(TaskUpdate)


def last_event() -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()


# -- reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["admin", "coordinator", "principal", "leader", "chief", "staff", "viewer"]
)
def test_the_bureau_and_the_units_involved_read_the_task(org, auth, work, role):
    auth.login(getattr(org.users, role).username)
    page = auth.client.get(f"/tasks/{work.task.id}")
    assert page.status_code == 200
    assert "开展低保专项治理" in page.text and "社会救助科" in page.text


@pytest.mark.parametrize("role", ["chief_elderly", "outsider"])
def test_units_with_nothing_to_do_with_the_task_cannot_read_it(org, auth, work, role):
    auth.login(getattr(org.users, role).username)
    assert auth.client.get(f"/tasks/{work.task.id}").status_code == 403
    event = last_event()
    assert (event.action, event.outcome) == ("access.denied", "denied")
    assert event.after == {"permission": "task.read"}
    assert (event.object_type, event.object_id) == ("tasks", str(work.task.id))


def test_another_bureau_cannot_read_a_principal_duty_without_lead_unit(org, auth, work):
    duty = make_duty(org, work.plan, lead_unit=None)
    db.session.commit()
    auth.login("outsider")
    assert auth.client.get(f"/tasks/{duty.id}").status_code == 403


# -- acting ---------------------------------------------------------------------------------------


def test_claim_submit_and_accept_through_the_pages(org, auth, work):
    url = f"/tasks/{work.task.id}"
    auth.login("staff-relief")
    page = auth.client.get(url)
    assert "Acknowledge" in page.text
    response = auth.client.post(f"{url}/claim", data=form_data(page.text, f"{url}/claim"))
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Done: Acknowledge." in auth.client.get(url).text
    page = auth.client.get(url)
    data = form_data(page.text, f"{url}/submit") | {"result_statement": "核查低保对象1200户。"}
    assert auth.client.post(f"{url}/submit", data=data).status_code == 302
    assert reload(work.task).status == "submitted"

    auth.logout()
    auth.login("office")
    page = auth.client.get(url)
    data = form_data(page.text, f"{url}/accept") | {"note": "同意办结"}
    assert auth.client.post(f"{url}/accept", data=data).status_code == 302
    task = reload(work.task)
    assert (task.status, task.progress, task.result_statement) == (
        "done",
        100,
        "核查低保对象1200户。",
    )
    assert [u.kind for u in updates_of(task)] == ["assign", "claim", "submit", "accept"]


@pytest.mark.parametrize(
    "role,action",
    [
        ("chief", "accept"),
        ("staff", "cancel"),
        ("admin", "claim"),
        ("viewer", "claim"),
        ("leader", "submit"),
        ("chief_elderly", "claim"),
        ("coordinator", "claim"),  # the task is 社会救助科's, not the legal office's
        ("viewer", "progress"),
        ("admin", "return"),
    ],
)
def test_a_denied_action_is_403_and_recorded(org, auth, work, role, action):
    task = work.task
    if action in ("accept", "submit", "return"):
        walk(org, task, "in_progress" if action == "submit" else "submitted")
        db.session.commit()
    before = snapshot(task)
    auth.login(getattr(org.users, role).username)
    url = f"/tasks/{task.id}/{action}"
    response = auth.post(
        url, {"note": "x", "result_statement": "x", "progress": "50"}, token_from="/"
    )
    assert response.status_code == 403
    event = last_event()
    assert (event.action, event.outcome, event.actor_name) == (
        "access.denied",
        "denied",
        getattr(org.users, role).username,
    )
    permission = {"progress": "task.update"}.get(action, f"task.{action}")
    assert event.after["permission"] == permission
    assert snapshot(task) == before


@pytest.mark.parametrize(
    "role,action,status,shown",
    [
        ("staff", "claim", "in_progress", "The task is “In progress”; “Acknowledge”"),
        ("coordinator", "accept", "in_progress", "“Accept as done” is not possible now"),
        ("chief", "submit", "done", "The task is “Done”"),
        ("coordinator", "cancel", "done", "“Cancel” is not possible now"),
        ("staff", "progress", "submitted", "Progress can be reported while a task is in progress"),
    ],
)
def test_an_action_the_state_refuses_is_409_explained_and_recorded(
    org, auth, work, role, action, status, shown
):
    task = work.task
    walk(org, task, status)
    db.session.commit()
    before = snapshot(task)
    user = getattr(org.users, role)
    auth.login(user.username)
    url = f"/tasks/{task.id}"
    data = {"note": "理由", "result_statement": "成效", "progress": "60", "version": task.version}
    response = auth.post(f"{url}/{action}", data, token_from=url)
    assert response.status_code == 409
    assert shown in response.text
    event = last_event()
    assert (event.action, event.outcome, event.actor_id) == ("task.refused", "denied", user.id)
    assert event.after["permission"] == action and shown in event.after["reason"]
    assert snapshot(task) == before


def test_submit_without_a_result_statement_is_422_and_changes_nothing(org, auth, work):
    walk(org, work.task, "in_progress")
    db.session.commit()
    before = snapshot(work.task)
    auth.login("staff-relief")
    url = f"/tasks/{work.task.id}"
    data = form_data(auth.client.get(url).text, f"{url}/submit") | {
        "result_statement": " ",
        "note": "",
    }
    response = auth.client.post(f"{url}/submit", data=data)
    assert response.status_code == 422
    assert "Describe the result (成效) before applying for completion." in response.text
    assert snapshot(work.task) == before


def test_return_without_a_reason_is_422_and_keeps_the_rest(org, auth, work):
    walk(org, work.task, "submitted")
    db.session.commit()
    before = snapshot(work.task)
    auth.login("office")
    url = f"/tasks/{work.task.id}"
    data = form_data(auth.client.get(url).text, f"{url}/return") | {"note": ""}
    response = auth.client.post(f"{url}/return", data=data)
    assert response.status_code == 422
    assert "Give a reason." in response.text
    assert snapshot(work.task) == before


def test_a_progress_report_through_the_page(org, auth, work):
    walk(org, work.task, "in_progress")
    db.session.commit()
    auth.login("staff-relief")
    url = f"/tasks/{work.task.id}"
    data = form_data(auth.client.get(url).text, f"{url}/progress") | {
        "progress": "45",
        "note": "完成3个乡镇的核查",
    }
    assert auth.client.post(f"{url}/progress", data=data).status_code == 302
    task = reload(work.task)
    assert task.progress == 45
    entry = updates_of(task)[-1]
    assert (entry.kind, entry.note, entry.author_id) == (
        "progress",
        "完成3个乡镇的核查",
        org.users.staff.id,
    )
    assert "完成3个乡镇的核查" in auth.client.get(url).text


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"progress": "150"}, "Number must be between 0 and 100."),
        ({"progress": ""}, "Enter a percentage."),
        ({"note": ""}, "This field is required."),
    ],
)
def test_bad_progress_input_is_422_with_the_input_kept(org, auth, work, fields, message):
    walk(org, work.task, "in_progress")
    db.session.commit()
    before = snapshot(work.task)
    auth.login("staff-relief")
    url = f"/tasks/{work.task.id}"
    data = form_data(auth.client.get(url).text, f"{url}/progress")
    data |= {"progress": "30", "note": "已走访低保户二十户"} | fields
    response = auth.client.post(f"{url}/progress", data=data)
    assert response.status_code == 422
    assert message in response.text
    kept = form_data(response.text, f"{url}/progress")
    assert (kept["progress"], kept["note"]) == (data["progress"], data["note"])
    assert snapshot(work.task) == before


def test_a_stale_progress_report_is_409_and_changes_nothing(org, app, auth, work):
    walk(org, work.task, "in_progress")
    db.session.commit()
    url = f"/tasks/{work.task.id}"
    staff = auth
    chief = Auth(app.test_client())
    staff.login("staff-relief")
    chief.login("chief-relief")
    staff_page, chief_page = staff.client.get(url).text, chief.client.get(url).text

    data = form_data(chief_page, f"{url}/progress") | {"progress": "50", "note": "科长反馈"}
    assert chief.client.post(f"{url}/progress", data=data).status_code == 302
    before = snapshot(work.task)

    mine = form_data(staff_page, f"{url}/progress") | {"progress": "35", "note": "科员的反馈"}
    response = staff.client.post(f"{url}/progress", data=mine)
    assert response.status_code == 409
    assert "This task was changed by chief-relief at 2026-05-11 10:00" in response.text
    assert "科员的反馈" in response.text  # what was typed is still there
    assert snapshot(work.task) == before
    assert [u.note for u in updates_of(work.task) if u.kind == "progress"] == ["科长反馈"]


def test_after_a_stale_progress_report_saving_again_works(org, app, auth, work):
    walk(org, work.task, "in_progress")
    db.session.commit()
    url = f"/tasks/{work.task.id}"
    other = Auth(app.test_client())
    auth.login("staff-relief")
    other.login("chief-relief")
    staff_page, chief_page = auth.client.get(url).text, other.client.get(url).text
    data = form_data(chief_page, f"{url}/progress") | {"progress": "50", "note": "科长反馈"}
    other.client.post(f"{url}/progress", data=data)
    mine = form_data(staff_page, f"{url}/progress") | {"progress": "35", "note": "科员的反馈"}
    conflict = auth.client.post(f"{url}/progress", data=mine)
    assert conflict.status_code == 409
    again = auth.client.post(f"{url}/progress", data=form_data(conflict.text, f"{url}/progress"))
    assert again.status_code == 302
    assert [u.note for u in updates_of(work.task) if u.kind == "progress"] == [
        "科长反馈",
        "科员的反馈",
    ]


def test_a_stale_workflow_step_is_409_and_confirming_again_acts_on_the_task_as_it_is(
    org, app, auth, work
):
    walk(org, work.task, "in_progress")
    db.session.commit()
    url = f"/tasks/{work.task.id}"
    other = Auth(app.test_client())
    auth.login("staff-relief")
    other.login("chief-relief")
    staff_page, chief_page = auth.client.get(url).text, other.client.get(url).text
    data = form_data(chief_page, f"{url}/progress") | {"progress": "80", "note": "基本完成"}
    assert other.client.post(f"{url}/progress", data=data).status_code == 302
    before = snapshot(work.task)
    mine = form_data(staff_page, f"{url}/submit") | {"result_statement": "核查1200户。"}
    conflict = auth.client.post(f"{url}/submit", data=mine)
    assert conflict.status_code == 409
    assert "This task was changed by chief-relief at 2026-05-11 10:00" in conflict.text
    assert snapshot(work.task) == before
    again = form_data(conflict.text, f"{url}/submit")
    assert again["result_statement"] == "核查1200户。"
    assert auth.client.post(f"{url}/submit", data=again).status_code == 302
    assert reload(work.task).status == "submitted"


# -- editing (coordinators) -----------------------------------------------------------------------


def test_the_coordinator_edits_a_task(org, auth, work):
    url = f"/tasks/{work.task.id}/edit"
    auth.login("office")
    page = auth.client.get(url)
    assert page.status_code == 200
    data = form_data(page.text) | {
        "title": "开展低保专项治理（修订）",
        "co_unit_ids": [str(org.elderly.id), str(org.relief_team.id)],
    }
    since = last_audit_id()
    response = auth.client.post(url, data=data)
    assert response.status_code == 302
    task = reload(work.task)
    assert task.title == "开展低保专项治理（修订）"
    assert {u.name for u in task.co_units} == {"养老服务科", "低保核对中心"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.id > since))
    assert event.action == "task.update" and set(event.after) == {"title", "co_unit_ids"}


def test_a_stale_edit_is_409_names_who_and_when_and_keeps_the_input(org, app, auth, work):
    from tests.factories import add_user

    add_user("office2", "coordinator", org.office, display_name="王二")
    db.session.commit()
    url = f"/tasks/{work.task.id}/edit"
    first, second = auth, Auth(app.test_client())
    first.login("office")
    second.login("office2")
    first_form, second_form = (
        form_data(first.client.get(url).text),
        form_data(second.client.get(url).text),
    )
    saved = first.client.post(
        url, data=first_form | {"title": "甲改的标题", "due_date": "2026-10-30"}
    )
    assert saved.status_code == 302
    before = snapshot(work.task)

    typed = second_form | {"title": "乙改的标题", "text": "乙补充的正文"}
    response = second.client.post(url, data=typed)
    assert response.status_code == 409
    assert "This task was changed by office at 2026-05-11 10:00" in response.text
    shown = form_data(response.text)
    assert (shown["title"], shown["text"]) == ("乙改的标题", "乙补充的正文")
    assert "Now saved as: 甲改的标题" in response.text  # the difference is pointed out
    assert snapshot(work.task) == before
    task = reload(work.task)
    assert (task.title, task.due_date) == ("甲改的标题", date(2026, 10, 30))

    # saving again from the conflict page overwrites, knowingly
    assert second.client.post(url, data=shown).status_code == 302
    assert reload(work.task).title == "乙改的标题"


@pytest.mark.parametrize(
    "fields,field_message",
    [
        ({"title": ""}, "This field is required."),
        ({"start_date": "2026-06-01", "due_date": "2026-05-01"}, "The due date is before the"),
        ({"due_date": "2026-13-01"}, "Not a valid date value."),
        ({"target_count": "-3"}, "Number must be between 0 and 100000."),
        ({"is_continuous": "y", "due_date": "2026-09-30"}, "A continuous task (长期坚持) has no"),
    ],
)
def test_bad_edit_input_is_422_with_the_input_kept(org, auth, work, fields, field_message):
    url = f"/tasks/{work.task.id}/edit"
    auth.login("office")
    before = snapshot(work.task)
    data = form_data(auth.client.get(url).text) | {"text": "新写的正文"} | fields
    response = auth.client.post(url, data=data)
    assert response.status_code == 422
    assert field_message in response.text
    assert "is-invalid" in response.text
    shown = form_data(response.text)
    assert shown["text"] == "新写的正文"
    for name, value in fields.items():
        assert shown.get(name, "") == value
    assert snapshot(work.task) == before


def test_the_coordinator_adds_a_task_through_the_page(org, auth, work):
    url = f"/tasks/new/{work.plan.id}"
    auth.login("office")
    data = form_data(auth.client.get(url).text) | {
        "title": "年中新增：社会救助政策宣传",
        "lead_unit_id": str(org.elderly.id),
        "due_date": "2026-08-31",
    }
    response = auth.client.post(url, data=data)
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).where(Task.title == "年中新增：社会救助政策宣传"))
    assert task.status == "assigned" and task.lead_unit_id == org.elderly.id
    assert response.headers["Location"] == f"/tasks/{task.id}"


def test_a_chief_names_the_owner(org, auth, work):
    url = f"/tasks/{work.task.id}"
    auth.login("chief-relief")
    data = form_data(auth.client.get(url).text, f"{url}/owner") | {
        "owner_id": str(org.users.chief.id)
    }
    assert auth.client.post(f"{url}/owner", data=data).status_code == 302
    assert reload(work.task).owner_id == org.users.chief.id


# -- pages closed to roles without the permission -------------------------------------------------


FORBIDDEN = [
    ("chief", "GET", "/tasks/{task}/edit"),
    ("chief", "POST", "/tasks/{task}/edit"),
    ("chief", "GET", "/tasks/new/{plan}"),
    ("chief", "POST", "/tasks/new/{plan}"),
    ("chief", "POST", "/tasks/{task}/copy"),
    ("chief", "POST", "/tasks/{task}/move/up"),
    ("chief", "POST", "/tasks/{task}/delete"),
    ("staff", "POST", "/tasks/{task}/owner"),
    ("leader", "GET", "/tasks/{task}/edit"),
    ("viewer", "POST", "/tasks/{task}/progress"),
    ("admin", "GET", "/tasks/new/{plan}"),
    ("chief_elderly", "GET", "/tasks/{task}"),
    ("chief_elderly", "POST", "/tasks/{task}/claim"),
    ("outsider", "GET", "/tasks/{task}/edit"),
    ("outsider", "POST", "/tasks/{task}/cancel"),
]


@pytest.mark.parametrize("role,method,url", FORBIDDEN)
def test_roles_without_the_permission_get_403(org, auth, work, role, method, url):
    url = url.format(task=work.task.id, plan=work.plan.id)
    tasks_before, audit_before = count(Task), last_audit_id()
    auth.login(getattr(org.users, role).username)
    if method == "GET":
        response = auth.client.get(url)
    else:
        response = auth.post(url, {"title": "x", "note": "x", "progress": "1"}, token_from="/")
    assert response.status_code == 403
    assert count(Task) == tasks_before
    assert last_event().action == "access.denied" and last_audit_id() > audit_before


def test_a_missing_task_is_404(org, auth):
    auth.login("office")
    assert auth.client.get("/tasks/999999").status_code == 404
    assert auth.post("/tasks/999999/claim", {}, token_from="/").status_code == 404


# -- notifications --------------------------------------------------------------------------------


def test_each_user_reads_only_their_own_notifications(org, auth, work):
    mine = notify(org.users.staff, "assigned", "给科员的通知", link=f"/tasks/{work.task.id}")
    theirs = notify(org.users.chief_elderly, "assigned", "给养老科长的通知", link="/plans/")
    db.session.commit()
    auth.login("staff-relief")
    inbox = auth.client.get("/notifications/")
    assert inbox.status_code == 200
    assert "给科员的通知" in inbox.text and "给养老科长的通知" not in inbox.text
    assert auth.client.get(f"/notifications/{theirs.id}").status_code == 404
    marked = auth.post("/notifications/read", {"id": str(theirs.id)}, token_from="/notifications/")
    assert marked.status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    opened = auth.client.get(f"/notifications/{mine.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{work.task.id}"
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is not None
    assert auth.client.get("/notifications/999999").status_code == 404


def test_publishing_shows_up_in_the_chiefs_inbox(org, auth, work):
    auth.login("chief-relief")
    inbox = auth.client.get("/notifications/").text
    assert re.search(r"2026年法治建设工作要点 was assigned: 1 task led by 社会救助科", inbox)
    auth.post("/notifications/read", {}, token_from="/notifications/")
    db.session.expire_all()
    assert count(Notification) == 2  # 社会救助科 and 办公室
    unread = db.session.scalars(
        sa.select(Notification).where(Notification.recipient_id == org.users.chief.id)
    ).all()
    assert all(n.read_at is not None for n in unread)
