"""Plan pages through HTTP: list and outline, the coordinator's editing, publishing, closing,
copying last year's plan in the browser, and 403 for every role without the permission."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import count
from tests.factories import (
    finish_reporting_task,
    form_data,
    last_audit_id,
    make_plan,
    make_section,
    make_task,
    reporting_task,
    walk,
)
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service
from tracker.plans.models import Plan, Section
from tracker.reminders.models import Notification
from tracker.tasks.models import Task

#: 2026-03-02 10:00 in Asia/Shanghai
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def draft(org):
    """A draft 2026 plan: one section with a 社会救助科 task, one with a 养老服务科 task."""
    plan = make_plan(org, document_number="测民发〔2026〕2号")
    first = make_section(org, plan, "加强组织领导", "一")
    second = make_section(org, plan, "依法履行职能", "二")
    relief = make_task(org, plan, title="低保专项治理", section=first, number="一是")
    elderly = make_task(
        org, plan, title="养老机构消防检查", section=second, lead_unit=org.elderly, number="一是"
    )
    db.session.commit()
    return SimpleNamespace(plan=plan, relief=relief, elderly=elderly)


def reload_plan(plan: Plan) -> Plan:
    db.session.expire_all()
    return db.session.get(Plan, plan.id)


def last_event() -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()


# -- reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "coordinator", "principal", "leader", "viewer"])
def test_the_bureau_wide_roles_read_the_plans(org, auth, draft, role):
    auth.login(getattr(org.users, role).username)
    index = auth.client.get("/plans/")
    assert index.status_code == 200 and "2026年法治建设工作要点" in index.text
    page = auth.client.get(f"/plans/{draft.plan.id}")
    assert page.status_code == 200
    for text in ("加强组织领导", "低保专项治理", "养老机构消防检查", "测民发〔2026〕2号"):
        assert text in page.text


def test_chiefs_and_staff_list_the_plans(org, auth, draft):
    for user in ("chief-relief", "staff-relief"):
        auth.login(user)
        index = auth.client.get("/plans/")
        assert index.status_code == 200 and "2026年法治建设工作要点" in index.text
        auth.logout()


@pytest.mark.parametrize("user", ["chief-relief", "staff-relief"])
def test_chief_and_staff_open_the_plan_they_work_on(org, auth, draft, user):
    service.publish_plan(org.users.coordinator, draft.plan)
    db.session.commit()
    auth.login(user)
    if user == "chief-relief":
        notice = db.session.scalar(
            sa.select(Notification).where(Notification.recipient_id == org.users.chief.id)
        )
        url = notice.link
        assert url == f"/plans/{draft.plan.id}?unit={org.relief.id}"
    else:
        url = f"/plans/{draft.plan.id}"
    page = auth.client.get(url)
    assert page.status_code == 200
    assert "低保专项治理" in page.text


def test_another_bureau_neither_lists_nor_opens_the_plan(org, auth, draft):
    auth.login("outsider")
    assert "2026年法治建设工作要点" not in auth.client.get("/plans/").text
    assert auth.client.get(f"/plans/{draft.plan.id}").status_code == 403
    event = last_event()
    assert event.action == "access.denied" and event.after == {"permission": "plan.read"}


def test_the_plan_page_filters_by_unit_and_counts_completion(org, auth, draft):
    service.publish_plan(org.users.coordinator, draft.plan)
    walk(org, draft.relief, "done")
    db.session.commit()
    auth.login("office")
    page = auth.client.get(f"/plans/{draft.plan.id}")
    # two tasks and the office's reporting task, one of them done
    assert "1 of 3 done" in page.text and "On track" in page.text and "Closed" in page.text
    filtered = auth.client.get(f"/plans/{draft.plan.id}?unit={org.elderly.id}")
    assert "养老机构消防检查" in filtered.text and "低保专项治理" not in filtered.text
    assert "报送并公开2026年度法治政府建设情况报告" not in filtered.text
    office = auth.client.get(f"/plans/{draft.plan.id}?unit={org.office.id}")
    assert "报送并公开2026年度法治政府建设情况报告" in office.text
    assert "低保专项治理" not in office.text


def test_the_plan_pages_counts_follow_a_task_finished_after_they_were_shown(org, auth, draft):
    """The counts over the whole plan are kept between changes to its tasks
    (tracker.tasks.versions): finishing a task makes the next view count again."""
    from tracker.tasks import versions

    service.publish_plan(org.users.coordinator, draft.plan)
    db.session.commit()
    auth.login("office")
    page = auth.client.get(f"/plans/{draft.plan.id}").text
    assert "0 of 3 done" in page and "0/1 done" in page
    assert any(key[0] == "plan_completion" for key in versions.store.entries)
    walk(org, draft.relief, "done")
    db.session.commit()
    page = auth.client.get(f"/plans/{draft.plan.id}").text
    assert "1 of 3 done" in page and "1/1 done" in page


def test_a_chief_sees_other_units_tasks_on_the_plan_page_without_a_link_into_a_403(
    org, auth, draft
):
    service.publish_plan(org.users.coordinator, draft.plan)
    db.session.commit()
    auth.login("chief-elderly")
    page = auth.client.get(f"/plans/{draft.plan.id}")
    own, other = draft.elderly, draft.relief
    assert f'href="/tasks/{own.id}"' in page.text
    assert "低保专项治理" in page.text  # the plan is read whole …
    assert f'href="/tasks/{other.id}"' not in page.text  # … but only one's own work opens


def test_a_missing_plan_is_404(org, auth):
    auth.login("office")
    assert auth.client.get("/plans/999999").status_code == 404


# -- the coordinator's editing --------------------------------------------------------------------


def test_the_coordinator_creates_a_plan(org, auth):
    auth.login("office")
    page = auth.client.get("/plans/new")
    assert page.status_code == 200
    data = form_data(page.text) | {
        "title": "2027年法治建设工作要点",
        "year": "2027",
        "document_number": "测民发〔2027〕1号",
    }
    response = auth.client.post("/plans/new", data=data)
    assert response.status_code == 302
    plan = db.session.scalar(sa.select(Plan).where(Plan.year == 2027))
    assert response.headers["Location"] == f"/plans/{plan.id}"
    assert (plan.status, plan.bureau_id, plan.document_number) == (
        "draft",
        org.bureau.id,
        "测民发〔2027〕1号",
    )
    assert last_event().action == "plan.create"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"title": ""}, "This field is required."),
        ({"year": "1999"}, "Number must be between 2000 and 2100."),
        ({"year": "明年"}, None),
        ({"title": "2026年法治建设工作要点"}, "This bureau already has a plan titled"),
    ],
)
def test_bad_plan_input_is_422_with_the_input_kept(org, auth, draft, fields, message):
    auth.login("office")
    data = form_data(auth.client.get("/plans/new").text) | {
        "title": "新的计划",
        "year": "2027",
        "document_number": "测民发〔2027〕9号",
    }
    data |= fields
    plans_before = count(Plan)
    response = auth.client.post("/plans/new", data=data)
    assert response.status_code == 422
    assert message is None or message in response.text
    assert "is-invalid" in response.text
    shown = form_data(response.text)
    assert {k: shown[k] for k in ("title", "year", "document_number")} == {
        k: data[k] for k in ("title", "year", "document_number")
    }
    assert count(Plan) == plans_before


def test_the_coordinator_edits_the_plan_and_adds_a_section(org, auth, draft):
    auth.login("office")
    url = f"/plans/{draft.plan.id}/edit"
    data = form_data(auth.client.get(url).text) | {"document_number": "测民发〔2026〕3号"}
    assert auth.client.post(url, data=data).status_code == 302
    assert reload_plan(draft.plan).document_number == "测民发〔2026〕3号"

    url = f"/plans/{draft.plan.id}/sections/new"
    first = db.session.scalar(sa.select(Section).where(Section.title == "加强组织领导"))
    data = form_data(auth.client.get(url).text) | {
        "number": "（一）",
        "title": "健全工作机制",
        "parent_id": str(first.id),
    }
    assert auth.client.post(url, data=data).status_code == 302
    child = db.session.scalar(sa.select(Section).where(Section.title == "健全工作机制"))
    assert (child.parent_id, child.number, child.label) == (first.id, "（一）", "（一）")
    page = auth.client.get(f"/plans/{draft.plan.id}").text
    assert "（一）健全工作机制" in page


# -- publishing and closing -----------------------------------------------------------------------


def test_publishing_through_the_page(org, auth, draft):
    auth.login("office")
    url = f"/plans/{draft.plan.id}"
    # neither task has a deadline, the 养老服务科 one no owner: the pre-flight check asks
    confirm = {"confirm": [str(draft.relief.id), str(draft.elderly.id)]}
    response = auth.post(f"{url}/publish", confirm, token_from=f"{url}/publish")
    assert response.status_code == 302 and response.headers["Location"] == url
    page = auth.client.get(url).text
    # the two tasks and the office's task of reporting on the year
    assert "Plan published: 3 tasks assigned and the lead units notified." in page
    plan = reload_plan(draft.plan)
    assert plan.status == "active"
    assert count(Task) == 3
    assert reporting_task(plan).title == "报送并公开2026年度法治政府建设情况报告"
    assert {t.status for t in db.session.scalars(sa.select(Task))} == {"assigned"}
    recipients = {n.recipient_id for n in db.session.scalars(sa.select(Notification))}
    # 办公室 has no chief: its coordinator hears of the reporting task
    assert recipients == {org.users.chief.id, org.users.chief_elderly.id, org.users.coordinator.id}

    state = (last_audit_id(), count(Notification))
    again = auth.post(f"{url}/publish", confirm, token_from=url)
    assert again.status_code == 302
    assert "Only a draft plan can be published." in auth.client.get(url).text
    assert (last_audit_id(), count(Notification)) == state


def test_closing_through_the_page_waits_for_open_tasks(org, auth, draft):
    service.publish_plan(org.users.coordinator, draft.plan)
    walk(org, draft.relief, "done")
    db.session.commit()
    auth.login("office")
    url = f"/plans/{draft.plan.id}"
    auth.post(f"{url}/close", {}, token_from=url)
    assert "2 tasks are still open; accept or cancel them first." in auth.client.get(url).text
    assert reload_plan(draft.plan).status == "active"
    walk(org, db.session.get(Task, draft.elderly.id), "cancelled")
    db.session.commit()
    # the reporting task is still open
    auth.post(f"{url}/close", {}, token_from=url)
    assert "1 task is still open; accept or cancel it first." in auth.client.get(url).text
    assert reload_plan(draft.plan).status == "active"
    finish_reporting_task(org, reload_plan(draft.plan))
    db.session.commit()
    auth.post(f"{url}/close", {}, token_from=url)
    assert "Plan closed." in auth.client.get(url).text
    assert reload_plan(draft.plan).status == "closed"


# -- copying in the browser -----------------------------------------------------------------------


def test_copy_last_years_plan_in_the_browser(org, auth):
    with clock.frozen_at(datetime(2025, 1, 6, 2, tzinfo=UTC)):
        old = make_plan(org, year=2025)
        section = make_section(org, old, "加强组织领导", "一")
        make_task(
            org, old, title="完成低保核查", section=section, due_date=datetime(2025, 6, 30).date()
        )
        cancelled = make_task(org, old, title="被撤销的任务", section=section)
        service.publish_plan(org.users.coordinator, old)
        walk(org, cancelled, "cancelled")
        db.session.commit()
    auth.login("office")
    url = f"/plans/{old.id}/copy"
    page = auth.client.get(url)
    assert page.status_code == 200
    data = form_data(page.text)
    assert (data["year"], data["title"]) == ("2026", "2026年法治建设工作要点")
    response = auth.client.post(url, data=data)
    assert response.status_code == 302
    new = db.session.scalar(sa.select(Plan).where(Plan.year == 2026))
    assert response.headers["Location"] == f"/plans/{new.id}"
    assert (new.status, new.copied_from_id) == ("draft", old.id)
    (task,) = db.session.scalars(sa.select(Task).where(Task.plan_id == new.id))
    assert (task.title, task.status, str(task.due_date)) == ("完成低保核查", "draft", "2026-06-30")
    shown = auth.client.get(response.headers["Location"]).text
    assert "Draft copied from 2025年法治建设工作要点; dates were moved to 2026." in shown

    # the same title again is refused on the form, input kept
    again = auth.client.post(url, data=data)
    assert again.status_code == 422
    assert "This bureau already has a plan titled 2026年法治建设工作要点" in again.text
    assert form_data(again.text)["title"] == "2026年法治建设工作要点"
    assert count(Plan) == 2


# -- pages closed to roles without the permission -------------------------------------------------


FORBIDDEN = [
    ("chief", "GET", "/plans/new"),
    ("chief", "POST", "/plans/new"),
    ("admin", "GET", "/plans/new"),
    ("leader", "GET", "/plans/{plan}/edit"),
    ("chief", "POST", "/plans/{plan}/edit"),
    ("chief", "POST", "/plans/{plan}/publish"),
    ("principal", "POST", "/plans/{plan}/publish"),
    ("viewer", "POST", "/plans/{plan}/close"),
    ("chief", "GET", "/plans/{plan}/copy"),
    ("staff", "POST", "/plans/{plan}/copy"),
    ("chief", "GET", "/plans/{plan}/sections/new"),
    ("chief", "GET", "/plans/{plan}/sections/{section}/edit"),
    ("chief", "POST", "/plans/{plan}/sections/{section}/delete"),
    ("viewer", "POST", "/plans/{plan}/sections/{section}/up"),
    ("outsider", "POST", "/plans/{plan}/publish"),
    ("outsider", "GET", "/plans/{plan}/copy"),
]


@pytest.mark.parametrize("role,method,url", FORBIDDEN)
def test_roles_without_the_permission_get_403(org, auth, draft, role, method, url):
    section = draft.plan.sections[0]
    url = url.format(plan=draft.plan.id, section=section.id)
    state = (count(Plan), count(Section), reload_plan(draft.plan).status)
    auth.login(getattr(org.users, role).username)
    if method == "GET":
        response = auth.client.get(url)
    else:
        response = auth.post(url, {"title": "x", "year": "2027"}, token_from="/")
    assert response.status_code == 403
    assert last_event().action == "access.denied"
    assert (count(Plan), count(Section), reload_plan(draft.plan).status) == state
