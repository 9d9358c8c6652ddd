"""API endpoints for the ledger's records, evidence (through the evidence service and its
content checks), the caller's notifications and the dashboard figures."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.api.http import (
    PROBLEMS,
    WRITE_PROBLEMS,
    ApiProblem,
    domain_problem,
    endpoint,
    get_or_404,
    json_body,
    paged,
    query_args,
    schemas,
    unit_ref,
)
from tracker.audit.service import record_denial
from tracker.core import storage
from tracker.core.db import begin_write
from tracker.core.exceptions import DomainError
from tracker.core.permissions import require
from tracker.core.transactions import keep_refusal_record
from tracker.evidence import service as evidence_service
from tracker.evidence.models import Evidence
from tracker.evidence.queries import evidence_for, readable_target
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import Record
from tracker.reminders import inbox
from tracker.reminders.models import Notification
from tracker.tasks import versions
from tracker.tasks.lights import LightPolicy
from tracker.tasks.models import Task
from tracker.tasks.queries import (
    TaskFilters,
    light_counts,
    readable_by,
    work_scope,
    work_scope_key,
)

# -- records ------------------------------------------------------------------------------------


def record_out(record: Record) -> dict:
    return schemas.RecordOut(
        id=record.id,
        kind=record.kind,
        task_id=record.task_id,
        unit=unit_ref(record.unit),
        occurred_on=record.occurred_on,
        summary=record.summary,
        is_void=record.is_void,
        version=record.version,
    ).model_dump(mode="json")


@endpoint(
    "/records",
    summary="Ledger records (台账) of the tasks the caller may read",
    tag="records",
    query="RecordQuery",
    response="RecordOut",
    many=True,
    errors=(400, 422),
)
def list_records():
    args = query_args(schemas.RecordQuery)
    require(current_user, "record.read")
    query = (
        sa.select(Record)
        .join(Task, Task.id == Record.task_id)
        .where(readable_by(current_user, per_row=True))
    )
    if args.task:
        query = query.where(Record.task_id == args.task)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    records = db.session.scalars(
        query.order_by(Record.occurred_on.desc(), Record.id.desc())
        .limit(args.per_page)
        .offset((args.page - 1) * args.per_page)
    )
    return paged([record_out(r) for r in records], total, args.page, args.per_page)


@endpoint(
    "/records/<int:record_id>",
    summary="One ledger record",
    tag="records",
    response="RecordOut",
)
def get_record(record_id: int):
    record = get_or_404(Record, record_id)
    require(current_user, "record.read", record)
    return record_out(record)


# -- evidence -----------------------------------------------------------------------------------


def evidence_out(evidence: Evidence) -> dict:
    is_file = evidence.kind == "file" and bool(evidence.sha256)
    return schemas.EvidenceOut(
        id=evidence.id,
        kind=evidence.kind,
        title=evidence.title,
        original_name=evidence.original_name,
        size=evidence.size,
        content_type=evidence.content_type,
        sha256=evidence.sha256,
        url=evidence.url,
        review_status=evidence.review_status,
        uploaded_at=evidence.uploaded_at,
        download=url_for("api.download_evidence", evidence_id=evidence.id) if is_file else None,
    ).model_dump(mode="json")


@endpoint(
    "/tasks/<int:task_id>/evidence",
    summary="The current evidence (佐证材料) of a task, newest first",
    tag="evidence",
    response="EvidenceOut",
    many=True,
)
def list_evidence(task_id: int):
    task = get_or_404(Task, task_id)
    require(current_user, "evidence.read", task)
    return [evidence_out(e) for e in evidence_for(task)]


@endpoint(
    "/tasks/<int:task_id>/evidence",
    "POST",
    summary="Attach a file to a task (multipart field `file`, optional `title`); the same "
    "content checks as the upload form",
    tag="evidence",
    upload=True,
    response="EvidenceOut",
    status=201,
    errors=(*WRITE_PROBLEMS, 413),
    operation_id="upload_evidence",
)
def upload_evidence(task_id: int):
    task = get_or_404(Task, task_id)
    require(current_user, "evidence.add", task)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiProblem(422, _("Send the file in the multipart field “file”."), field="file")
    try:
        evidence = evidence_service.add_file(
            current_user,
            task,
            filename=upload.filename,
            stream=upload.stream,
            title=(request.form.get("title") or "")[:300],
        )
    except DomainError as error:
        raise domain_problem(error) from None
    status = 200 if getattr(evidence, "reused", False) else 201
    return evidence_out(evidence), status


@endpoint(
    "/evidence/<int:evidence_id>/download",
    summary="Download an evidence file as uploaded (checked against its SHA-256 first)",
    tag="evidence",
    binary=True,
    errors=(409,),
)
def download_evidence(evidence_id: int):
    evidence = get_or_404(Evidence, evidence_id)
    if readable_target(current_user, evidence) is None:
        record_denial(current_user, "evidence.read", evidence)
        raise ApiProblem(403)
    if evidence.kind != "file" or not evidence.sha256:
        raise ApiProblem(404)
    if not storage.has_blob(evidence.sha256):
        raise ApiProblem(404)
    if not storage.is_intact(evidence.sha256):
        begin_write(db.session)
        evidence_service.report_damaged(current_user, db.session.get(Evidence, evidence_id))
        keep_refusal_record()
        raise ApiProblem(409, _("This file is damaged in the evidence store and is not served."))
    response = send_file(
        storage.blob_path(evidence.sha256),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=evidence.original_name,
        etag=evidence.sha256,
        conditional=True,
        max_age=0,
    )
    response.headers["Content-Type"] = evidence.content_type or "application/octet-stream"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


# -- notifications ------------------------------------------------------------------------------


@endpoint(
    "/notifications",
    summary="The caller's notifications (催办, 提醒), newest first",
    tag="notifications",
    query="NotificationQuery",
    response="NotificationOut",
    many=True,
    errors=(400, 422),
)
def list_notifications():
    args = query_args(schemas.NotificationQuery)
    query = sa.select(Notification).where(Notification.recipient_id == current_user.id)
    if args.unread:
        query = query.where(Notification.read_at.is_(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(args.per_page)
        .offset((args.page - 1) * args.per_page)
    )
    items = [
        schemas.NotificationOut(
            id=n.id,
            kind=n.kind,
            title=n.title,
            body=n.body,
            task_id=n.task_id,
            created_at=n.created_at,
            read_at=n.read_at,
        ).model_dump(mode="json")
        for n in rows
    ]
    return paged(items, total, args.page, args.per_page)


@endpoint(
    "/notifications/read",
    "POST",
    summary="Mark the caller's notifications read (all, or the ids given)",
    tag="notifications",
    body="MarkReadIn",
    response="MarkReadOut",
    errors=WRITE_PROBLEMS,
)
def mark_notifications_read():
    body = json_body(schemas.MarkReadIn)
    return {"marked": inbox.mark_read(current_user, body.ids)}


# -- dashboard ----------------------------------------------------------------------------------


@endpoint(
    "/dashboard",
    summary="Figures of the caller's tasks: per status and light, overdue, completion rate",
    tag="dashboard",
    query="DashboardQuery",
    response="DashboardOut",
    errors=(*PROBLEMS, 400, 422),
)
def dashboard():
    args = query_args(schemas.DashboardQuery)
    require(current_user, "dashboard.view")
    policy = LightPolicy.current()
    lights = light_counts(current_user, TaskFilters(year=args.year), policy)
    query = sa.select(Task.status, sa.func.count(Task.id)).where(Task.status != "draft")
    query = query.where(sa.or_(Task.recurrence == "none", Task.parent_id.is_not(None)))
    if args.year:
        query = query.where(Task.plan_id.in_(sa.select(Plan.id).where(Plan.year == args.year)))
    query = work_scope(query, current_user).group_by(Task.status)
    # a pass over the caller's tasks, kept between changes to them (tracker.tasks.versions)
    key = (work_scope_key(current_user), args.year)
    by_status = dict(
        versions.kept(
            "api_status_counts",
            key,
            versions.reader_scopes(current_user),
            lambda: dict(db.session.execute(query).all()),
        )
    )
    counted = sum(n for status, n in by_status.items() if status != "cancelled")
    done = by_status.get("done", 0)
    return schemas.DashboardOut(
        year=args.year,
        total=sum(by_status.values()),
        by_status=by_status,
        by_light=lights,
        overdue=lights.get("red", 0),
        done=done,
        completion_rate=round(done / counted, 4) if counted else 0.0,
    ).model_dump(mode="json")
