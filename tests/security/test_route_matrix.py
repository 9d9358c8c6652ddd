"""The route × role matrix: every write route of the URL map, tried by every role of the org and
by an anonymous visitor, against real objects of a published plan.

What each route demands is named once below (the RULES action its view checks, and on which
object); whether a role may is then asked of the RULES table itself (`can`), never written out
by hand. Allowed → anything but 403; refused → 403 (anonymous: the login page), the database
unchanged and one access-denied row in the audit trail."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import AnyConverter

from tests.conftest import FACTORY_ACTOR, PASSWORD, csrf_from
from tests.factories import (
    LATE_CAUSE,
    add_user,
    make_advisor,
    make_decision,
    make_plan,
    make_section,
    make_task,
)
from tracker.accounts import service as accounts_service
from tracker.accounts.sessions import PUBLIC_ENDPOINTS
from tracker.api import service as api_service
from tracker.audit.models import AuditEvent
from tracker.cascade.models import CascadeShare
from tracker.cascade.views import BureauItem
from tracker.core.permissions import _units_of, can
from tracker.evidence import service as evidence_service
from tracker.extensions import db
from tracker.holidays import service as holidays_service
from tracker.plans import service as plans_service
from tracker.reminders import webhooks
from tracker.reminders.outbox import queue_email
from tracker.reports import service as reports_service
from tracker.reports.builder import PART_KEYS
from tracker.tasks import causes
from tracker.tasks import service as tasks_service
from tracker.tasks.workflow import TRANSITIONS
from tracker.units.service import create_unit, update_unit
from tracker.upward.models import ReportSubmission

pytestmark = pytest.mark.slow

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ROLES = ("admin", "coordinator", "leader", "chief", "staff", "viewer", "anonymous")
#: Any logged-in user (the own account, language, notifications, logging out).
ANY_USER = "any user"
#: Tables whose rows change on any request, refused or not: the login session's bookkeeping.
BOOKKEEPING = {"audit_events", "user_sessions"}


@dataclass(frozen=True)
class Demand:
    """What a route's view demands: `action` (a RULES key, or ANY_USER) on `obj`."""

    action: str
    obj: Any = None
    query: dict | None = None
    form: dict | None = None


def build_world(org) -> SimpleNamespace:
    """A published plan of the org's bureau with one object of every kind a route can name."""
    coordinator, chief = org.users.coordinator, org.users.chief
    plan = make_plan(org)
    section = make_section(org, plan, "一、总体要求", "一")
    task = make_task(org, plan)
    plans_service.publish_plan(coordinator, plan)
    decision = make_decision(chief, task)
    evidence = evidence_service.add_note(chief, task, text="会议纪要已印发。")
    advisor = make_advisor(coordinator, org.bureau)
    revision = reports_service.save_part(coordinator, plan, PART_KEYS[0], "本年度工作总体情况。")
    note = causes.state_structural_note(coordinator, plan, LATE_CAUSE)
    day = holidays_service.set_day(org.users.admin, date(2026, 10, 10), True, "国庆调休")
    org.users.staff.email = "staff-relief@example.gov.cn"
    email = queue_email(db.session, recipient=org.users.staff, subject="测试", text="正文")
    rule = accounts_service.create_directory_rule(
        org.users.admin,
        position=10,
        match="department",
        value="社会救助科",
        unit=org.relief,
        role="staff",
    )
    robot = webhooks.save_robot(
        org.users.admin,
        None,
        webhooks.RobotData(
            unit=org.relief,
            kind="wecom",
            name="社会救助科工作群",
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            secret="",
            is_enabled=True,
        ),
    )
    token, _secret = api_service.create_token(
        org.users.admin, org.users.principal, scope="read", name="OA", expires_days=30
    )
    # a report sent upward (made by hand: the org's bureau has no city above it to submit to)
    submission = ReportSubmission(
        bureau_id=org.bureau.id,
        city_id=org.bureau.id,
        year=2025,
        receipt_serial=1,
        first_submitted_on=date(2026, 3, 20),
        submitted_on=date(2026, 3, 20),
        files=[],
    )
    db.session.add(submission)
    db.session.commit()
    return SimpleNamespace(
        org=org,
        submission=submission,
        plan=plan,
        section=section,
        task=task,
        record=decision,
        evidence=evidence,
        advisor=advisor,
        revision=revision,
        note=note,
        day=day,
        email=email,
        robot=robot,
        token=token,
        rule=rule,
    )


def cascade_world(w) -> SimpleNamespace:
    """A city placed above the org's bureau whose published plan has an item the bureau leads,
    and the bureau's request not to carry it (申请不承担), waiting for the office (made once
    per world)."""
    if getattr(w, "cascade", None) is not None:
        return w.cascade
    org = w.org
    city = create_unit(FACTORY_ACTOR, name="丙市", kind="city")
    bureau = org.bureau
    update_unit(
        FACTORY_ACTOR,
        bureau,
        name=bureau.name,
        kind=bureau.kind,
        parent=city,
        aliases=bureau.aliases,
        sort_order=bureau.sort_order,
    )
    office = add_user("cascade-office", "coordinator", city)
    plan = plans_service.create_plan(office, bureau=city, year=2026, title="全市法治建设工作要点")
    item = tasks_service.create_task(
        office, plan, tasks_service.TaskData(title="市级事项", lead_unit=bureau)
    )
    plans_service.publish_plan(office, plan)
    share = CascadeShare(
        item_id=item.id, bureau_id=bureau.id, decline_state="pending", decline_reason="不属于本局"
    )
    db.session.add(share)
    db.session.commit()
    w.cascade = SimpleNamespace(item=item, share=share, target=BureauItem(item, bureau))
    return w.cascade


def demand(endpoint: str, args: dict, w) -> tuple[dict, Demand]:
    """URL values (besides those of `any(...)` converters, in `args`) and what the view checks."""
    if endpoint.startswith("cascade."):
        c = cascade_world(w)
        on_item = {"item_id": c.item.id}
        cascade = {
            "cascade.decompose": (on_item, Demand("cascade.decompose", c.target)),
            "cascade.link": (on_item, Demand("cascade.decompose", c.target)),
            "cascade.decline": (on_item, Demand("cascade.decline", c.target)),
            "cascade.resolve": ({"share_id": c.share.id}, Demand("cascade.resolve", c.share)),
            "cascade.consent": (
                {**on_item, "bureau_id": w.org.bureau.id},
                Demand("cascade.consent", c.target),
            ),
        }
        values, wanted = cascade[endpoint]
        return {**values, **args}, wanted
    plan, task, record = w.plan, w.task, w.record
    on_plan = {"plan_id": plan.id}
    transition = TRANSITIONS[args["action"]].permission if endpoint == "tasks.act" else None
    table: dict[str, tuple[dict, Demand]] = {
        "accounts.account": ({}, Demand(ANY_USER)),
        "accounts.logout": ({}, Demand(ANY_USER)),
        "accounts.user_create": ({}, Demand("user.manage")),
        "accounts.user_edit": ({"user_id": w.org.users.staff.id}, Demand("user.manage")),
        "accounts.user_reset_password": (
            {"user_id": w.org.users.staff.id},
            Demand("user.manage"),
        ),
        "accounts.user_set_disabled": ({"user_id": w.org.users.staff.id}, Demand("user.manage")),
        "accounts.directory_rule_create": ({}, Demand("directory.manage")),
        "accounts.directory_rule_edit": (
            {"rule_id": w.rule.id},
            Demand("directory.manage", w.rule),
        ),
        "accounts.directory_rule_delete": (
            {"rule_id": w.rule.id},
            Demand("directory.manage", w.rule),
        ),
        "evidence.add_link": ({}, Demand("evidence.add", task, form={"task": task.id})),
        "evidence.add_note": ({}, Demand("evidence.add", task, form={"task": task.id})),
        "evidence.link_existing": ({}, Demand("evidence.add", task, form={"task": task.id})),
        "evidence.upload": ({}, Demand("evidence.add", task, form={"task": task.id})),
        "evidence.review": ({"evidence_id": w.evidence.id}, Demand("evidence.review", task)),
        "evidence.supersede": ({"evidence_id": w.evidence.id}, Demand("evidence.add", task)),
        "evidence.withdraw": ({"evidence_id": w.evidence.id}, Demand("evidence.add", task)),
        "exports.calendar": ({}, Demand("calendar.subscribe")),
        "holidays.notice": ({}, Demand("calendar.manage")),
        "holidays.remove": ({"calendar_day_id": w.day.id}, Demand("calendar.manage", w.day)),
        "holidays.save": ({}, Demand("calendar.manage")),
        "plans.change_status": (on_plan, Demand(f"plan.{args.get('action')}", plan)),
        "plans.copy": (on_plan, Demand("plan.create", plan)),
        "plans.create": ({}, Demand("plan.create")),
        "plans.edit": (on_plan, Demand("plan.edit", plan)),
        "plans.import_plan": ({}, Demand("plan.import")),
        "plans.import_preview": ({}, Demand("plan.import")),
        "plans.publish": (on_plan, Demand("plan.publish", plan)),
        "plans.section_action": (
            {**on_plan, "section_id": w.section.id},
            Demand("plan.edit", plan),
        ),
        "plans.section_create": (on_plan, Demand("plan.edit", plan)),
        "plans.section_edit": ({**on_plan, "section_id": w.section.id}, Demand("plan.edit", plan)),
        "records.advisor_form": (
            {"advisor_id": w.advisor.id} if "advisor_id" in args else {},
            Demand("advisor.manage", w.advisor if "advisor_id" in args else None),
        ),
        "records.create": ({}, Demand("record.edit", task, query={"task": task.id})),
        "records.edit": ({"record_id": record.id}, Demand("record.edit", record)),
        "records.step": ({"record_id": record.id}, Demand("record.edit", record)),
        "records.void": ({"record_id": record.id}, Demand("record.edit", record)),
        "reminders.preferences": ({}, Demand(ANY_USER)),
        "reminders.read_all": ({}, Demand(ANY_USER)),
        "reminders_admin.outbox_retry": (
            {"email_id": w.email.id},
            Demand("outbox.manage", w.email),
        ),
        "reminders_admin.policy": (
            {},
            Demand("settings.manage", w.org.bureau, query={"bureau": w.org.bureau.id}),
        ),
        "reminders_admin.robot_create": ({}, Demand("robots.manage")),
        "reminders_admin.robot_edit": ({"robot_id": w.robot.id}, Demand("robots.manage", w.robot)),
        "reminders_admin.robot_set_enabled": (
            {"robot_id": w.robot.id},
            Demand("robots.manage", w.robot),
        ),
        "reminders_admin.robot_delete": (
            {"robot_id": w.robot.id},
            Demand("robots.manage", w.robot),
        ),
        "reminders_admin.robot_test": ({"robot_id": w.robot.id}, Demand("robots.manage", w.robot)),
        "reports.add_note": (on_plan, Demand("report.edit", plan)),
        "reports.cause_list": (on_plan, Demand("plan.edit", plan)),
        "reports.delete_note": ({**on_plan, "note_id": w.note.id}, Demand("report.edit", plan)),
        "reports.edit": ({**on_plan, "part": PART_KEYS[0]}, Demand("report.edit", plan)),
        "reports.reset": ({**on_plan, "part": PART_KEYS[0]}, Demand("report.edit", plan)),
        "reports.restore": (
            {**on_plan, "revision_id": w.revision.id},
            Demand("report.edit", plan),
        ),
        "reports.signature": (on_plan, Demand("report.edit", plan)),
        "reports.settings": ({}, Demand("report.settings", w.org.bureau)),
        "tasks.act": (
            {"task_id": task.id},
            Demand(transition, task),
        ),
        "tasks.cause": ({"task_id": task.id}, Demand("task.update", task)),
        "tasks.copy": ({"task_id": task.id}, Demand("task.edit", task)),
        "tasks.create": (on_plan, Demand("plan.edit", plan)),
        "tasks.delete": ({"task_id": task.id}, Demand("task.edit", task)),
        "tasks.edit": ({"task_id": task.id}, Demand("task.edit", task)),
        "tasks.move": ({"task_id": task.id}, Demand("task.edit", task)),
        "tasks.owner": ({"task_id": task.id}, Demand("task.assign_owner", task)),
        "tasks.progress": ({"task_id": task.id}, Demand("task.update", task)),
        "units.create": ({}, Demand("unit.manage")),
        "units.edit": ({"unit_id": w.org.relief.id}, Demand("unit.manage", w.org.relief)),
        "units.set_active": ({"unit_id": w.org.relief.id}, Demand("unit.manage", w.org.relief)),
        # 催办 and 督办单
        "supervision.urge": ({"task_id": task.id}, Demand("task.urge", task)),
        "supervision.issue_for_task": ({"task_id": task.id}, Demand("supervision.issue", task)),
        "supervision.issue_for_unit": (
            {"unit_id": w.org.relief.id},
            Demand("supervision.issue", w.org.relief),
        ),
        # the city level: 报送 upward, its review and publication, the assessment
        "upward.submit": ({"year": 2025}, Demand("upward.submit", w.org.bureau)),
        "upward.review": (
            {"submission_id": w.submission.id},
            Demand("upward.review", w.submission),
        ),
        "upward.publication": (
            {"submission_id": w.submission.id},
            Demand("upward.publish", w.submission),
        ),
        "upward.save_scheme": ({"year": 2025}, Demand("assessment.manage", w.org.bureau)),
        "upward.score": ({"year": 2025}, Demand("assessment.manage", w.org.bureau)),
        "upward.manual": ({"year": 2025}, Demand("assessment.manage", w.org.bureau)),
        # another person's access tokens (one's own page is any user's)
        "tokens.index": (
            {},
            Demand(
                "user.manage",
                query={"user": w.org.users.principal.id},
                form={"scope": "read", "name": "OA", "expires_days": "30"},
            ),
        ),
        "tokens.revoke": ({"token_id": w.token.id}, Demand("user.manage")),
    }
    values, wanted = table[endpoint]
    return {**values, **args}, wanted


def write_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if (rule.methods or set()) & WRITE_METHODS),
        key=lambda rule: rule.rule,
    )


def variants(rule) -> list[dict]:
    """One set of URL values per combination of the rule's `any(...)` choices."""
    names = [n for n, c in rule._converters.items() if isinstance(c, AnyConverter)]
    choices = [sorted(rule._converters[n].items) for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*choices)]


#: Write routes whose refusals are not one 403 for the whole request, each with its own role
#: tests: the JSON API answers problem documents to tokens (tests/api: scopes, another unit's
#: task, 401/403/412/428), and the batch actions refuse item by item inside a 302
#: (tests/tasks/test_batch.py: every refused item audited, the others done).
COVERED_ELSEWHERE = ("api.", "task_batch.", "evidence_batch.")


def is_covered_elsewhere(endpoint: str) -> bool:
    return endpoint.startswith(COVERED_ELSEWHERE)


def matrix_cases(app) -> list[tuple[str, str, dict]]:
    return [
        (rule.rule, rule.endpoint, args)
        for rule in write_rules(app)
        if not is_covered_elsewhere(rule.endpoint)
        for args in variants(rule)
    ]


def _case_ids() -> list[tuple[str, str, dict]]:
    """The cases, from an app built without a database (at collection time)."""
    from tracker import create_app

    application = create_app(
        {"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    return matrix_cases(application)


CASES = _case_ids()


def test_every_write_route_is_in_the_matrix(app, org):
    world = build_world(org)
    for _rule, endpoint, args in matrix_cases(app):
        if endpoint in PUBLIC_ENDPOINTS or is_covered_elsewhere(endpoint):
            continue
        demand(endpoint, args, world)  # KeyError: a new write route the matrix does not know


def snapshot() -> dict[str, list]:
    """Every row of every table but the bookkeeping ones, and the row count of those (the audit
    trail is checked on its own)."""
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name == "audit_events":
            continue  # asserted on its own: a refusal adds its access-denied row
        if table.name in BOOKKEEPING:
            state[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        else:
            rows = db.session.execute(sa.select(table)).all()
            state[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    db.session.commit()
    return state


def last_audit_id() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))


def logged_in_client(app, user):
    client = app.test_client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 302, user.username
    return client, csrf_from(client.get("/account").text)


def allowed(user, wanted: Demand) -> bool:
    if wanted.action == ANY_USER:
        return True
    return can(user, wanted.action, wanted.obj)


@pytest.mark.parametrize(
    ("rule", "endpoint", "args"),
    CASES,
    ids=[f"{e}{'-' + '-'.join(a.values()) if a else ''}" for _r, e, a in CASES],
)
def test_route_by_role(app, org, rule, endpoint, args):
    if endpoint in PUBLIC_ENDPOINTS:
        pytest.skip("reachable without logging in by design (login, language)")
    world = build_world(org)
    values, wanted = demand(endpoint, args, world)
    with app.test_request_context():
        url = url_for(endpoint, **values, **(wanted.query or {}))
    users = {role: getattr(org.users, role) for role in ROLES if role != "anonymous"}
    expected = {role: allowed(user, wanted) for role, user in users.items()}
    # refused roles go first: they change nothing, so every role meets the same objects
    clients = {role: logged_in_client(app, user) for role, user in users.items()}
    anonymous = app.test_client()
    token = csrf_from(anonymous.get("/login").text)
    # refused requests change nothing: the whole database is compared once they are all done
    before, audit_before = snapshot(), last_audit_id()
    response = anonymous.post(url, data={"csrf_token": token, **(wanted.form or {})})
    assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert last_audit_id() == audit_before

    refused = [role for role in users if not expected[role]]
    for role in refused:
        client, token = clients[role]
        audit_before = last_audit_id()
        response = client.post(url, data={"csrf_token": token, **(wanted.form or {})})
        assert response.status_code == 403, f"{role} got {response.status_code} on {url}"
        new = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_id).where(
                AuditEvent.id > audit_before
            )
        ).all()
        user_id = users[role].id
        assert [tuple(row) for row in new] == [("access.denied", "denied", user_id)], (role, new)
        db.session.commit()
    assert snapshot() == before, f"a refused {url} changed the database"

    for role in (role for role in users if expected[role]):
        client, token = clients[role]
        response = client.post(url, data={"csrf_token": token, **(wanted.form or {})})
        assert response.status_code != 403, f"{role} refused {url} that RULES allow"


#: Routes whose URL names no object: they act on the caller's own bureau (报送 its report, its
#: report settings); an outsider changes their own.
ACTS_ON_OWN_BUREAU = {"upward.submit", "reports.settings"}
#: The city office's acts on bureaus by design: 退回/接收/公开 reports, 考核 (tests/upward).
CITY_WIDE_ACTIONS = {
    "upward.review",
    "upward.publish",
    "upward.view",
    "upward.office",
    "assessment.manage",
    "assessment.view",
    "cascade.resolve",
    "cascade.consent",
}

OUTSIDERS = ("other-bureau", "city-office")


def outsiders(org, who: str) -> list:
    """The admin and legal office of a sibling bureau, or the 依法治市办's coordinator and
    leader at a city node placed above the org's bureau."""
    if who == "other-bureau":
        other = create_unit(FACTORY_ACTOR, name="乙局", kind="bureau")
        users = [
            add_user("other-admin", "admin", other),
            add_user("other-office", "coordinator", other),
        ]
    else:
        city = create_unit(FACTORY_ACTOR, name="甲市", kind="city")
        bureau = org.bureau
        update_unit(
            FACTORY_ACTOR,
            bureau,
            name=bureau.name,
            kind=bureau.kind,
            parent=city,
            aliases=bureau.aliases,
            sort_order=bureau.sort_order,
        )
        users = [
            add_user("city-office", "coordinator", city),
            add_user("city-leader", "leader", city),
        ]
    db.session.commit()
    return users


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(
    ("rule", "endpoint", "args"),
    CASES,
    ids=[f"{e}{'-' + '-'.join(a.values()) if a else ''}" for _r, e, a in CASES],
)
def test_write_route_from_outside_the_bureau(app, org, rule, endpoint, args, who):
    """Another bureau's admin and legal office, and the city office above (which reads bureaus
    but does not write their work), are refused (403, or 404 where the object is looked up in
    their scope) on every write to this bureau's objects and change nothing."""
    if endpoint in PUBLIC_ENDPOINTS:
        pytest.skip("reachable without logging in by design (login, language)")
    world = build_world(org)
    values, wanted = demand(endpoint, args, world)
    if endpoint in ACTS_ON_OWN_BUREAU or wanted.action == ANY_USER or not _units_of(wanted.obj):
        pytest.skip("no bureau's object: the user acts in their own bureau")
    if who == "city-office" and wanted.action in CITY_WIDE_ACTIONS:
        pytest.skip("the city's own act on a bureau (upward review, accounts): tests/upward")
    users = outsiders(org, who)
    with app.test_request_context():
        url = url_for(endpoint, **values, **(wanted.query or {}))
    clients = [logged_in_client(app, user) for user in users]
    before = snapshot()
    for user, (client, token) in zip(users, clients, strict=True):
        assert not can(user, wanted.action, wanted.obj), (user.username, wanted.action)
        response = client.post(url, data={"csrf_token": token, **(wanted.form or {})})
        assert response.status_code in (403, 404), f"{user.username} got {response.status_code}"
    assert snapshot() == before, f"{who} changed the database through {url}"
