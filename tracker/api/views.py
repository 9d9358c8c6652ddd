"""API endpoints for plans, sections and tasks, and the task workflow: load → require (the
pages' permission table) → the pages' services → JSON."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.accounts.models import User
from tracker.api.http import (
    WRITE_PROBLEMS,
    ApiProblem,
    domain_problem,
    endpoint,
    etag_of,
    expected_version,
    get_or_404,
    json_body,
    paged,
    person_ref,
    query_args,
    schemas,
    stale,
    unit_ref,
)
from tracker.audit.service import record_denial
from tracker.core.exceptions import ConflictError, DomainError
from tracker.core.permissions import can, require
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.plans.service import outline
from tracker.supervision import queries as supervision_queries
from tracker.supervision import service as supervision
from tracker.tasks import causes, service, workflow
from tracker.tasks.lights import LightPolicy, light_of
from tracker.tasks.models import Task
from tracker.tasks.queries import TaskFilters, visible_plans, work_list
from tracker.units.models import Unit


def plan_out(plan: Plan) -> dict:
    return schemas.PlanOut(
        id=plan.id,
        year=plan.year,
        title=plan.title,
        document_number=plan.document_number,
        status=plan.status,
        bureau=unit_ref(plan.bureau),
    ).model_dump(mode="json")


def _extra_actions(task: Task) -> list[str]:
    """Actions beside the workflow's steps: 催办 for the legal office on a task being worked on."""
    if task.status in supervision.URGEABLE_STATUSES and can(current_user, "task.urge", task):
        return ["urge"]
    return []


def task_model(task: Task, light: str, model=None, **extra):
    return (model or schemas.TaskOut)(
        id=task.id,
        plan_id=task.plan_id,
        section_id=task.section_id,
        parent_id=task.parent_id,
        number=task.number,
        title=task.title,
        text=task.text,
        kind=task.kind,
        status=task.status,
        light=light,
        progress=task.progress,
        lead_unit=unit_ref(task.lead_unit),
        co_units=[unit_ref(u) for u in task.co_units],
        owner=person_ref(task.owner),
        start_date=task.start_date,
        due_date=task.due_date,
        is_continuous=task.is_continuous,
        deadline_text=task.deadline_text,
        result_statement=task.result_statement,
        completed_at=task.completed_at,
        city_item_id=task.city_item_id,
        version=task.version,
        actions=workflow.allowed_transitions(current_user, task) + _extra_actions(task),
        **extra,
    )


def task_response(task: Task, status: int = 200):
    """The task with its timeline, and its version as the ETag."""
    timeline = [
        schemas.TimelineEntry(
            at=u.created_at,
            who=u.author_name or "",
            kind=u.kind,
            note=u.note or "",
            progress=u.progress,
            status_from=u.status_from,
            status_to=u.status_to,
        )
        for u in task.updates
    ]
    body = task_model(
        task, light_of(task, LightPolicy.current()), schemas.TaskDetail, timeline=timeline
    ).model_dump(mode="json")
    headers = {"ETag": etag_of(task.version)}
    if status == 201:
        headers["Location"] = url_for("api.get_task", task_id=task.id)
    return body, status, headers


#: OpenAPI link expression: the ETag of the answer, to send back in If-Match.
CURRENT = "$response.header.ETag"


# -- plans --------------------------------------------------------------------------------------


@endpoint(
    "/plans",
    summary="Plans of the caller's bureau, newest year first",
    tag="plans",
    query="PageQuery",
    response="PlanOut",
    many=True,
    errors=(400, 422),
)
def list_plans():
    args = query_args(schemas.PageQuery)
    require(current_user, "plan.read")
    plans = visible_plans(current_user)
    start = (args.page - 1) * args.per_page
    items = [plan_out(p) for p in plans[start : start + args.per_page]]
    return paged(items, len(plans), args.page, args.per_page)


@endpoint(
    "/plans/<int:plan_id>",
    summary="One plan",
    tag="plans",
    response="PlanOut",
    links={"sections": ("list_sections", {"plan_id": "$response.body#/id"})},
)
def get_plan(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    require(current_user, "plan.read", plan)
    return plan_out(plan)


@endpoint(
    "/plans/<int:plan_id>/sections",
    summary="The plan's sections (一、（一）…) depth-first in written order",
    tag="plans",
    response="SectionOut",
    many=True,
)
def list_sections(plan_id: int):
    plan = get_or_404(Plan, plan_id)
    require(current_user, "plan.read", plan)
    return [
        schemas.SectionOut(
            id=s.id, parent_id=s.parent_id, label=s.label, title=s.title, depth=s.depth
        ).model_dump(mode="json")
        for s in outline(plan)
    ]


# -- tasks --------------------------------------------------------------------------------------


@endpoint(
    "/tasks",
    summary="The caller's work list, with the filters of the task list page",
    tag="tasks",
    query="TaskQuery",
    response="TaskOut",
    many=True,
    errors=(400, 422),
)
def list_tasks():
    args = query_args(schemas.TaskQuery)
    filters = TaskFilters(
        plan_id=args.plan,
        year=args.year,
        status=args.status,
        light=args.light,
        kind=args.kind,
        unit_id=args.unit,
        text=args.q.strip(),
        city_item_id=args.city_item,
    )
    rows, total = work_list(
        current_user, filters, LightPolicy.current(), page=args.page, per_page=args.per_page
    )
    items = [task_model(row.task, row.light).model_dump(mode="json") for row in rows]
    return paged(items, total, args.page, args.per_page)


@endpoint(
    "/tasks/<int:task_id>",
    summary="One task with its timeline; the ETag is its version",
    tag="tasks",
    response="TaskDetail",
    etag=True,
    links={
        name: (f"{name}_task", {"task_id": "$response.body#/id", "header.If-Match": CURRENT})
        for name in ("claim", "submit", "accept", "return", "cancel")
    }
    | {
        "progress": (
            "report_progress",
            {"task_id": "$response.body#/id", "header.If-Match": CURRENT},
        ),
        "edit": ("edit_task", {"task_id": "$response.body#/id", "header.If-Match": CURRENT}),
        "evidence": ("list_evidence", {"task_id": "$response.body#/id"}),
    },
)
def get_task(task_id: int):
    task = get_or_404(Task, task_id)
    require(current_user, "task.read", task)
    return task_response(task)


def _refs(model, ids):
    found = []
    for ident in ids:
        obj = db.session.get(model, ident)
        if obj is None:
            raise ApiProblem(422, _("No such item: %(id)s.", id=ident))
        found.append(obj)
    return found


def _task_data(values: dict, plan: Plan) -> service.TaskData:
    section = values.pop("section_id", None)
    lead = values.pop("lead_unit_id", None)
    co = values.pop("co_unit_ids", None) or []
    owner = values.pop("owner_id", None)
    supervisor = values.pop("supervisor_id", None)
    values.pop("plan_id", None)
    section_obj = _refs(Section, [section])[0] if section else None
    if section_obj is not None and section_obj.plan_id != plan.id:
        raise ApiProblem(422, _("The section belongs to another plan."))
    return service.TaskData(
        section=section_obj,
        lead_unit=_refs(Unit, [lead])[0] if lead else None,
        co_units=_refs(Unit, co),
        owner=_refs(User, [owner])[0] if owner else None,
        supervisor=_refs(User, [supervisor])[0] if supervisor else None,
        **values,
    )


@endpoint(
    "/tasks",
    "POST",
    summary="Create a task in a plan (coordinators); in an active plan it is assigned (交办)",
    tag="tasks",
    body="TaskIn",
    response="TaskDetail",
    status=201,
    etag=True,
    errors=WRITE_PROBLEMS,
    operation_id="create_task",
    links={"get": ("get_task", {"task_id": "$response.body#/id"})},
)
def create_task():
    body = json_body(schemas.TaskIn)
    plan = get_or_404(Plan, body.plan_id)
    require(current_user, "plan.edit", plan)
    data = _task_data(body.model_dump(), plan)
    try:
        task = service.create_task(current_user, plan, data)
    except DomainError as error:
        raise domain_problem(error) from None
    return task_response(task, 201)


@endpoint(
    "/tasks/<int:task_id>",
    "PATCH",
    summary="Change a task's fields (coordinators); needs If-Match",
    tag="tasks",
    body="TaskPatch",
    response="TaskDetail",
    etag=True,
    if_match=True,
    errors=WRITE_PROBLEMS,
)
def edit_task(task_id: int):
    task, version, body = _task_for_write(task_id, "task.edit", schemas.TaskPatch)
    values = {
        "section_id": task.section_id,
        "number": task.number,
        "title": task.title,
        "text": task.text,
        "kind": task.kind,
        "lead_unit_id": task.lead_unit_id,
        "co_unit_ids": [u.id for u in task.co_units],
        "owner_id": task.owner_id,
        "supervisor_id": task.supervisor_id,
        "start_date": task.start_date,
        "due_date": task.due_date,
        "is_continuous": task.is_continuous,
        "deadline_text": task.deadline_text,
        "recurrence": task.recurrence,
        "target_count": task.target_count,
        "target_measure": task.target_measure,
        "achieved_count": task.achieved_count,
        "is_principal_duty": task.is_principal_duty,
        "result_statement": task.result_statement,
    }
    values.update(body.model_dump(exclude_unset=True))
    values["confirm_past_due"] = body.confirm_past_due
    data = _task_data(values, task.plan)
    try:
        service.update_task(current_user, task, data, expected_version=version)
    except DomainError as error:
        raise domain_problem(error) from None
    return task_response(task)


# -- the workflow -------------------------------------------------------------------------------


def _task_for_write(task_id: int, permission: str, schema):
    """The task a write names, checked as every task write is: found (404), permitted (403),
    `If-Match` given (428), the body valid (400/422), the version current (412)."""
    task = get_or_404(Task, task_id)
    require(current_user, permission, task)
    version = expected_version()
    body = json_body(schema)
    if version != task.version:
        raise stale(task.version)
    return task, version, body


def _act(task: Task, action: str, work):
    try:
        work()
    except DomainError as error:
        if isinstance(error, workflow.TransitionDenied | workflow.TransitionError | ConflictError):
            event = {
                workflow.TransitionDenied: "access.denied",
                workflow.TransitionError: "task.refused",
            }.get(type(error), "task.conflict")
            record_denial(current_user, action, task, reason=error.message, event=event)
        raise domain_problem(error) from None
    return task_response(task)


@endpoint(
    "/tasks/<int:task_id>/progress",
    "POST",
    summary="反馈: report progress on a task in progress; needs If-Match",
    tag="workflow",
    body="ProgressIn",
    response="TaskDetail",
    etag=True,
    if_match=True,
    errors=WRITE_PROBLEMS,
)
def report_progress(task_id: int):
    task, version, body = _task_for_write(task_id, "task.update", schemas.ProgressIn)
    return _act(
        task,
        "progress",
        lambda: workflow.add_progress(
            current_user, task, note=body.note, progress=body.progress, expected_version=version
        ),
    )


def _transition_view(action: str):
    def view(task_id: int):
        permission = workflow.TRANSITIONS[action].permission
        task, version, body = _task_for_write(task_id, permission, schemas.ActionIn)
        cause = causes.CauseInput(
            cause=body.cause, explanation=body.cause_explanation, remedy=body.cause_remedy
        )
        return _act(
            task,
            action,
            lambda: workflow.transition(
                current_user,
                task,
                action,
                note=body.note,
                result_statement=body.result_statement if action == "submit" else None,
                cause=cause if action == "submit" and body.cause else None,
                expected_version=version,
            ),
        )

    view.__name__ = f"{action}_task"
    return view


ACTION_SUMMARIES = {
    "claim": "签收: accept an assigned task",
    "submit": "申请办结: apply for completion (result_statement required)",
    "accept": "办结: accept a submitted task as done (coordinators)",
    "return": "退回: return a submitted or done task (coordinators; note required)",
    "cancel": "撤销: cancel a task (coordinators; note required)",
}

for _action, _summary in ACTION_SUMMARIES.items():
    endpoint(
        f"/tasks/<int:task_id>/{_action}",
        "POST",
        summary=f"{_summary}; needs If-Match",
        tag="workflow",
        body="ActionIn",
        response="TaskDetail",
        etag=True,
        if_match=True,
        errors=WRITE_PROBLEMS,
    )(_transition_view(_action))


@endpoint(
    "/tasks/<int:task_id>/urge",
    "POST",
    summary="催办: chase the lead unit of a task being worked on (coordinators); needs If-Match",
    tag="workflow",
    body="UrgeIn",
    response="UrgeOut",
    status=201,
    etag=True,
    if_match=True,
    errors=WRITE_PROBLEMS,
)
def urge_task(task_id: int):
    task, _version, body = _task_for_write(task_id, "task.urge", schemas.UrgeIn)
    try:
        record = supervision.urge(current_user, task, body.note)
    except DomainError as error:
        record_denial(current_user, "urge", task, reason=error.message, event="task.refused")
        raise domain_problem(error) from None
    out = schemas.UrgeOut(
        id=record.id,
        task_id=task.id,
        level=record.level,
        level_label=supervision.level_label(record.level),
        recipient_count=record.recipient_count,
        count=supervision_queries.urge_summary(task).count,
        created_at=record.created_at,
    )
    return out.model_dump(mode="json"), 201, {"ETag": etag_of(task.version)}
