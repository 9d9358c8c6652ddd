"""Helpers that make plans, sections, tasks, principal duties and ledger records through the real
services (never by hand), so what the tests look at has the history users would make: audit
rows, timeline entries, versions.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import sqlalchemy as sa

import tests.conftest as base
from tests.conftest import FACTORY_ACTOR, PASSWORD
from tracker.accounts.service import create_user
from tracker.audit.models import AuditEvent
from tracker.core import signals
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan, Section
from tracker.records import service as records
from tracker.records.models import Decision, LegalAdvisor, Record
from tracker.tasks import causes, workflow
from tracker.tasks import service as tasks
from tracker.tasks.models import Task, TaskUpdate
from tracker.units.service import create_unit


def standalone_app(tmp_path):
    """An app with its own database, set up and torn down like conftest's `app`, for
    module-scoped fixtures (a module must then not also use the function-scoped `app`: on
    PostgreSQL its teardown empties the shared tables)."""
    return base.database_app(base.make_config(tmp_path))


def workflow_without_other_features_checks(monkeypatch) -> None:
    """Run the workflow with only its own rules: other features (records, evidence) add checks
    to submit and accept through the task_submitting / task_accepting signals; those are tested
    with their features, these tests test the workflow itself. The signals are muted for the
    test (they send to nobody)."""
    monkeypatch.setattr(signals.task_submitting, "is_muted", True)
    monkeypatch.setattr(signals.task_accepting, "is_muted", True)


def build_org() -> SimpleNamespace:
    """The same organisation as conftest's `org` fixture (same names, usernames and roles), plus
    a second staff member of 社会救助科 (`staff_other`) who owns nothing, for module-scoped
    fixtures that cannot use the function-scoped `org`."""
    bureau = create_unit(FACTORY_ACTOR, name="测试市民政局", kind="bureau")
    leaders = create_unit(FACTORY_ACTOR, name="局领导", parent=bureau)
    office = create_unit(FACTORY_ACTOR, name="办公室", parent=bureau, aliases="法制科")
    relief = create_unit(FACTORY_ACTOR, name="社会救助科", parent=bureau, aliases="救助科")
    relief_team = create_unit(FACTORY_ACTOR, name="低保核对中心", parent=relief, kind="subordinate")
    elderly = create_unit(FACTORY_ACTOR, name="养老服务科", parent=bureau)
    other_bureau = create_unit(FACTORY_ACTOR, name="外市民政局", kind="bureau")
    other_section = create_unit(FACTORY_ACTOR, name="外市办公室", parent=other_bureau)

    def user(username, role, unit, **extra):
        return create_user(
            FACTORY_ACTOR,
            username=username,
            display_name=username,
            role=role,
            unit=unit,
            password=PASSWORD,
            **extra,
        )

    users = SimpleNamespace(
        admin=user("admin", "admin", office),
        coordinator=user("office", "coordinator", office),
        principal=user("director", "leader", leaders, is_principal=True),
        leader=user("deputy", "leader", leaders),
        chief=user("chief-relief", "chief", relief),
        chief_elderly=user("chief-elderly", "chief", elderly),
        staff=user("staff-relief", "staff", relief),
        staff_other=user("staff-relief-2", "staff", relief),
        viewer=user("viewer", "viewer", bureau),
        outsider=user("outsider", "coordinator", other_section),
    )
    db.session.commit()
    return SimpleNamespace(
        bureau=bureau,
        leaders=leaders,
        office=office,
        relief=relief,
        relief_team=relief_team,
        elderly=elderly,
        other_bureau=other_bureau,
        other_section=other_section,
        users=users,
    )


def add_user(username: str, role: str, unit, **extra):
    """One more account (display name = username)."""
    return create_user(
        FACTORY_ACTOR,
        username=username,
        display_name=extra.pop("display_name", username),
        role=role,
        unit=unit,
        password=PASSWORD,
        **extra,
    )


# -- plans and tasks ---------------------------------------------------------------------------


def make_plan(org, *, year: int = 2026, title: str | None = None, **extra) -> Plan:
    """A draft plan of the org's bureau, created by the coordinator."""
    return plans.create_plan(
        org.users.coordinator,
        bureau=org.bureau,
        year=year,
        title=title or f"{year}年法治建设工作要点",
        **extra,
    )


def make_section(org, plan: Plan, title: str, number: str = "", parent=None) -> Section:
    return plans.save_section(
        org.users.coordinator, plan, None, number=number, title=title, parent=parent
    )


def make_task(org, plan: Plan, title: str = "落实规范性文件合法性审查制度", **fields) -> Task:
    """A task created by the coordinator; by default led by 社会救助科 and owned by its staff."""
    fields.setdefault("lead_unit", org.relief)
    if "owner" not in fields and fields["lead_unit"] is org.relief:
        fields["owner"] = org.users.staff
    return tasks.create_task(org.users.coordinator, plan, tasks.TaskData(title=title, **fields))


#: The actions (and who does them) that bring a published task from `assigned` to a status.
PATH_TO = {
    "draft": [],
    "assigned": [],
    "in_progress": ["claim"],
    "submitted": ["claim", "submit"],
    "done": ["claim", "submit", "accept"],
    "cancelled": ["cancel"],
}


#: The cause a unit states when it applies for completion after the deadline.
LATE_CAUSE = causes.CauseInput(
    "人员力量不足", "年中人员调整，力量不足。", "调配人员，按周跟踪进度。"
)


def walk(org, task: Task, status: str, *, worker=None) -> Task:
    """Bring an `assigned` task to `status` through the workflow (worker: chief of 社会救助科)."""
    worker = worker or org.users.chief
    for action in PATH_TO[status]:
        actor = worker if action in ("claim", "submit") else org.users.coordinator
        late = action == "submit" and causes.is_late(task)
        workflow.transition(
            actor,
            task,
            action,
            note="理由" if action == "cancel" else "",
            result_statement="完成审查5份文件。" if action == "submit" else None,
            cause=LATE_CAUSE if late else None,
        )
    assert task.status == status
    return task


def task_in_status(org, status: str, *, year: int = 2026, worker=None, **fields) -> Task:
    """A task of its own plan, brought to `status` (draft: the plan is not published)."""
    plan = make_plan(org, year=year, title=f"{year}年工作要点-{status}-{count(Plan)}")
    task = make_task(org, plan, **fields)
    if status != "draft":
        plans.publish_plan(org.users.coordinator, plan)
    return walk(org, task, status, worker=worker)


def reporting_task(plan: Plan) -> Task:
    """The legal office's task "报送并公开{year}年度法治政府建设情况报告" that publishing `plan`
    added to it (a plan closes only once this task is done or cancelled)."""
    from tracker.reports.queries import draft_of

    draft = draft_of(plan)
    assert draft is not None and draft.report_task is not None, "the plan is not published"
    return draft.report_task


def finish_reporting_task(org, plan: Plan, status: str = "done") -> Task:
    """Bring the plan's reporting task to done or cancelled, so that the plan can be closed.

    Done: the office's coordinator (who owns it) claims it, attaches a note as proof (申请办结
    needs one when the evidence rules are on), submits it, verifies the note and accepts it."""
    from tracker.evidence import service as evidence

    assert status in ("done", "cancelled"), status
    task = reporting_task(plan)
    if status == "cancelled":
        return walk(org, task, "cancelled")
    coordinator = org.users.coordinator
    workflow.transition(coordinator, task, "claim")
    proof = evidence.add_note(coordinator, task, text="报告已报送并在门户网站公开。")
    workflow.transition(coordinator, task, "submit", result_statement="报告已报送并向社会公开。")
    evidence.review(coordinator, proof, "verified")
    workflow.transition(coordinator, task, "accept")
    assert task.status == "done"
    return task


# -- principal duties ----------------------------------------------------------------------------


def duty_fields(org, **changes) -> dict:
    """A principal duty (主要负责人职责) as make_task / task_in_status take it: the principal's
    own task "主持党组中心组学法", kind study, led by 局领导 (lead_unit=None: the bureau's own)."""
    fields = {
        "title": "主持党组中心组学法",
        "kind": "study",
        "lead_unit": org.leaders,
        "owner": org.users.principal,
        "is_principal_duty": True,
    }
    fields.update(changes)
    return fields


def make_duty(org, plan: Plan, **changes) -> Task:
    """A principal duty of `plan` (see duty_fields), created by the coordinator."""
    return make_task(org, plan, **duty_fields(org, **changes))


# -- ledger records (tracker/records) --------------------------------------------------------------

#: One valid record of each kind, as the record form hands it to records.create_record; the
#: fields left out take the model's defaults. Tests change only the fields they look at.
RECORD_FIELDS = {
    "document_review": {
        "document_title": "关于进一步规范社会救助工作的通知",
        "reviewed_on": date(2026, 3, 10),
        "conclusion": "lawful",
    },
    "certification": {
        "holder_name": "张三",
        "certificate_number": "晋执140001",
        "enforcement_field": "社会救助",
        "issued_on": date(2024, 5, 1),
    },
    "consultation": {
        "consulted_on": date(2026, 5, 1),
        "matter": "低保资格认定争议的答复口径",
        "category": "petition",
        "advice": "建议依法答复",
    },
    "inspection": {
        "target_organisation": "某养老院",
        "inspection_kind": "random",
        "done_on": date(2026, 6, 1),
    },
    "decision": {"decision_title": "调整低保标准"},
    "study_session": {
        "session_kind": "center_group",
        "held_on": date(2026, 3, 2),
        "topic": "学习民法典",
        "attendee_count": 12,
    },
    "metric": {
        "name": "低保标准",
        "measure": "元",
        "value": Decimal("4778"),
        "as_of": date(2026, 12, 31),
    },
    "enforcement_case": {
        "party": "某养老服务中心",
        "matter": "未按规定报送养老机构备案材料",
        "action_kind": "penalty",
        "opened_on": date(2026, 3, 2),
    },
    "case_file_review": {
        "reviewed_case": "忻民罚〔2026〕1号 未按规定报送备案材料",
        "reviewed_on": date(2026, 11, 20),
        "score": Decimal("86"),
        "pass_mark": Decimal("60"),
    },
    "pufa_duty": {"item": "宣传《社会救助暂行办法》", "listed_on": date(2026, 3, 1)},
    "pufa_activity": {
        "held_on": date(2026, 12, 4),
        "title": "国家宪法日宣传咨询",
        "activity_form": "street_consultation",
        "audience_count": 300,
    },
    "law_report": {
        "held_on": date(2026, 1, 20),
        "forum": "annual_review",
        "speaker_name": "王局长",
        "topic": "2025年度履行推进法治建设第一责任人职责情况",
    },
    "contract_review": {
        "contract_title": "养老服务设施建设工程施工合同",
        "reviewed_on": date(2026, 4, 8),
        "conclusion": "lawful",
        "signed_on": date(2026, 4, 15),
    },
    "report_delivery": {
        "delivery_kind": "submitted",
        "report_year": 2025,
        "recipient": "市委全面依法治市委员会办公室",
        "delivered_on": date(2026, 1, 15),
    },
}


def record_fields(kind: str, **changes) -> dict:
    """RECORD_FIELDS[kind] with `changes`."""
    return {**RECORD_FIELDS[kind], **changes}


def make_advisor(actor, bureau, **changes) -> LegalAdvisor:
    """The bureau's legal-advisor contract (法律顾问) for 2026, through records.save_advisor."""
    fields = {
        "firm": "某律师事务所",
        "person": "李律师",
        "contract_start": date(2026, 1, 1),
        "contract_end": date(2026, 12, 31),
        "fee": None,
    }
    fields.update(changes)
    return records.save_advisor(actor, bureau, None, **fields)


def make_record(actor, task: Task, kind: str, **changes) -> Record:
    """A record of `kind` in `task`'s ledger, entered by `actor` through records.create_record
    (the task must be open and `actor` one of its workers). A consultation without `advisor_id`
    gets a new legal-advisor contract of the task's bureau."""
    if kind == "consultation" and "advisor_id" not in changes:
        changes["advisor_id"] = make_advisor(actor, task.plan.bureau).id
    if kind == "pufa_duty" and "responsible_unit_id" not in changes:
        changes["responsible_unit_id"] = task.lead_unit_id or task.plan.bureau_id
    return records.create_record(actor, task, kind, record_fields(kind, **changes))


def make_decision(
    actor, task: Task, *, steps_done=(), done_on: date = date(2026, 9, 1), **changes
) -> Decision:
    """A major decision (重大行政决策) record; its five statutory steps start open, and those in
    `steps_done` are recorded as done on `done_on`."""
    decision = make_record(actor, task, "decision", **changes)
    for step in steps_done:
        records.save_decision_step(
            actor, decision, step, done_on=done_on, note="", not_applicable_reason=""
        )
    return decision


def count(model, *where) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    return db.session.scalar(query)


def audit_actions(since_id: int = 0, **where) -> list[str]:
    """The actions of the audit events after `since_id`, in order."""
    query = sa.select(AuditEvent.action).where(AuditEvent.id > since_id).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def last_audit_id() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))


def updates_of(task: Task) -> list[TaskUpdate]:
    return list(
        db.session.scalars(
            sa.select(TaskUpdate).where(TaskUpdate.task_id == task.id).order_by(TaskUpdate.id)
        )
    )


def d(text: str) -> date:
    return date.fromisoformat(text)


# -- reading forms out of pages, as a browser would submit them ------------------------------------


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name, value):
        if self.forms and name:
            self.forms[-1]["fields"].append((name, value))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": []})
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(attrs.get("name"), attrs.get("value") or ("y" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs.get("name")
            self._select_multiple, self._first_option, self._chosen = "multiple" in attrs, None, 0
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = attrs.get("value", "")
            if "selected" in attrs:
                self._add(self._select, attrs.get("value", ""))
                self._chosen += 1
        elif tag == "textarea":
            self._textarea, self._text = attrs.get("name"), []

    def handle_endtag(self, tag):
        if tag == "select":
            # a single select with nothing marked sends its first option
            if not self._select_multiple and not self._chosen and self._first_option is not None:
                self._add(self._select, self._first_option)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # browsers drop the one newline that follows <textarea>
            text = "".join(self._text).replace("\r\n", "\n")
            self._add(self._textarea, text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_data(html: str, action: str | None = None) -> dict:
    """What submitting the page's form with this action (None: the form without one) sends;
    fields with several values (multiple selects) become lists."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["action"] == action:
            data: dict = {}
            for name, value in form["fields"]:
                if name in data:
                    data[name] = (
                        [*data[name], value]
                        if isinstance(data[name], list)
                        else [
                            data[name],
                            value,
                        ]
                    )
                else:
                    data[name] = value
            return data
    raise AssertionError(f"no form with action {action!r} on the page")
