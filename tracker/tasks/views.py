"""Task pages: the task itself with its timeline, the edit form, and the workflow buttons."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from tracker.accounts.models import User
from tracker.accounts.queries import TREE_ORDER, users_in
from tracker.audit.models import AuditEvent
from tracker.audit.service import record_denial
from tracker.core import clock
from tracker.core.forms import (
    EmptyForm,
    choices,
    form_status,
    form_version,
    refusal_caught,
    show_domain_error,
)
from tracker.core.permissions import can, require
from tracker.core.signals import collect, merged, task_page, task_timeline
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.plans.service import outline
from tracker.tasks import causes, service, workflow
from tracker.tasks.forms import (
    NONE,
    CauseForm,
    OwnerForm,
    ProgressForm,
    TaskForm,
    TransitionForm,
)
from tracker.tasks.labels import (
    ACTION_LABELS,
    CAUSE_OCCASION_LABELS,
    KIND_LABELS,
    RECURRENCE_LABELS,
    STATUS_LABELS,
)
from tracker.tasks.lights import (
    LIGHT_CSS,
    LIGHT_LABELS,
    LightPolicy,
    calendar_days_overdue,
    counted_as_its_bureau,
    days_overdue,
    is_finished_late,
    light_of,
)
from tracker.tasks.models import Task
from tracker.units.models import Unit
from tracker.units.queries import subtree

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def get_task_or_404(task_id: int) -> Task:
    return db.get_or_404(Task, task_id)


# -- choices ---------------------------------------------------------------------------------


def _bureau_units(plan: Plan) -> list[Unit]:
    return [u for u in subtree(plan.bureau, active_only=True) if u.id != plan.bureau_id]


def _section_choices(plan: Plan) -> list[tuple[int, str]]:
    return [(NONE, _("(no section)"))] + [
        (s.id, "\u3000" * s.depth + f"{s.label}{s.title}") for s in outline(plan)
    ]


def _fill_task_choices(form: TaskForm, plan: Plan) -> None:
    units = _bureau_units(plan)
    unit_options = [(u.id, u.name) for u in units]
    form.section_id.choices = choices(_section_choices(plan))
    form.lead_unit_id.choices = choices([(NONE, _("(choose)")), *unit_options])
    form.co_unit_ids.choices = choices(unit_options)
    people = [
        (u.id, f"{u.unit.name} · {u.display_name}")
        for u in users_in(plan.bureau, order_by=TREE_ORDER)
    ]
    form.owner_id.choices = choices([(NONE, _("(not yet named)")), *people])
    leaders = [
        (u.id, u.display_name) for u in users_in(plan.bureau, role="leader", order_by=TREE_ORDER)
    ]
    form.supervisor_id.choices = choices([(NONE, _("(none)")), *leaders])


def _task_data(form: TaskForm, plan: Plan) -> service.TaskData:
    def get(model, ident):
        return db.session.get(model, ident) if ident else None

    return service.TaskData(
        section=get(Section, form.section_id.data),
        number=form.number.data or "",
        title=form.title.data or "",
        text=form.text.data or "",
        kind=form.kind.data,
        lead_unit=get(Unit, form.lead_unit_id.data),
        co_units=[u for u in (get(Unit, i) for i in form.co_unit_ids.data or []) if u],
        owner=get(User, form.owner_id.data),
        supervisor=get(User, form.supervisor_id.data),
        start_date=form.start_date.data,
        due_date=form.due_date.data,
        is_continuous=form.is_continuous.data,
        deadline_text=form.deadline_text.data or "",
        recurrence=form.recurrence.data,
        target_count=form.target_count.data,
        target_measure=form.target_measure.data or "",
        achieved_count=form.achieved_count.data,
        is_principal_duty=form.is_principal_duty.data,
        result_statement=form.result_statement.data or "",
        confirm_past_due=bool(form.confirm_past_due.data),
    )


# -- the task page ---------------------------------------------------------------------------


def _timeline(task: Task) -> list[dict]:
    """Progress reports and workflow steps, plus audit entries of edits, newest first."""
    entries = [
        {
            "at": u.created_at,
            "who": u.author_name,
            "kind": u.kind,
            "note": u.note,
            "progress": u.progress,
            "status_from": u.status_from,
            "status_to": u.status_to,
        }
        for u in task.updates
    ]
    edits = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "tasks",
            AuditEvent.object_id == str(task.id),
            AuditEvent.action.in_(["task.create", "task.update", "task.move"]),
        )
        .order_by(AuditEvent.id)
    )
    edits = list(edits)
    actor_ids = {e.actor_id for e in edits if e.actor_id is not None}
    names = (
        dict(
            db.session.execute(
                sa.select(
                    User.id, sa.func.coalesce(sa.func.nullif(User.display_name, ""), User.username)
                ).where(User.id.in_(actor_ids))
            ).all()
        )
        if actor_ids
        else {}
    )
    entries += [
        {
            "at": e.occurred_at,
            "who": names.get(e.actor_id) or e.actor_name,
            "kind": e.action,
            "changes": e.after,
            "before": e.before,
        }
        for e in edits
    ]
    entries += collect(task_timeline, task)
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)


def render_task_page(
    task: Task,
    *,
    status: int = 200,
    progress_form=None,
    transition_form=None,
    owner_form=None,
    cause_form=None,
    conflict: str | None = None,
    open_action: str | None = None,
):
    policy = LightPolicy.current()
    actions = workflow.allowed_transitions(current_user, task)
    cause_occasion = causes.occasion_for(task, policy.today)
    submit_needs_cause = causes.is_late(task, policy.today)
    shown = _shown_parts(task, cause_occasion)
    # Only the forms the page shows are built, with their choices (the bureau's causes of
    # delay, the people who may own the task): each is a query and a loop over rows.
    cause_options = None
    if shown["cause"] or ("submit" in actions and submit_needs_cause):
        cause_options = choices(
            [("", _("(choose)"))] + [(c, c) for c in causes.cause_choices(task.plan.bureau)]
        )
    if shown["cause"]:
        cause_form = cause_form or CauseForm(version=task.version)
        cause_form.cause.choices = cause_options
    if shown["progress"]:
        progress_form = progress_form or ProgressForm(version=task.version, progress=task.progress)
    if actions:
        transition_form = transition_form or TransitionForm(
            version=task.version, result_statement=task.result_statement
        )
        transition_form.cause.choices = cause_options or []
    if shown["owner"]:
        owner_form = owner_form or OwnerForm(version=task.version, owner_id=task.owner_id or NONE)
        owner_form.owner_id.choices = choices(
            [(NONE, _("(not yet named)"))]
            + [(u.id, f"{u.unit.name} · {u.display_name}") for u in _owner_candidates(task)]
        )
    return render_template(
        "tasks/show.html",
        task=task,
        light=light_of(task, policy),
        days_overdue=_lateness(task)[0],
        # the panels of other features: the ledger's records, the reminders sent
        **merged(task_page, task),
        actions=actions,
        shown=shown,
        timeline=_timeline(task),
        progress_form=progress_form,
        transition_form=transition_form,
        owner_form=owner_form,
        cause_form=cause_form,
        cause_statements=causes.statements_of(task),
        cause_occasion=cause_occasion,
        submit_needs_cause=submit_needs_cause,
        occasion_labels=CAUSE_OCCASION_LABELS,
        action_form=EmptyForm(),
        conflict=conflict,
        open_action=open_action,
        labels={
            "kind": KIND_LABELS,
            "status": STATUS_LABELS,
            "recurrence": RECURRENCE_LABELS,
            "action": ACTION_LABELS,
            "light": LIGHT_LABELS,
            "light_css": LIGHT_CSS,
        },
    ), status


def _shown_parts(task: Task, cause_occasion: str | None) -> dict[str, bool]:
    """Which of the task page's forms the current user sees (decided once, here)."""
    plan_open = task.plan.status != "closed"
    return {
        "edit": plan_open and can(current_user, "task.edit", task),
        "cause": bool(cause_occasion) and plan_open and can(current_user, "task.update", task),
        "progress": task.status == "in_progress" and can(current_user, "task.update", task),
        "owner": task.status not in ("done", "cancelled")
        and can(current_user, "task.assign_owner", task),
    }


def _owner_candidates(task: Task) -> list[User]:
    return users_in(task.lead_unit or task.plan.bureau, order_by=TREE_ORDER)


@bp.app_template_global("lateness")
def _lateness(task) -> tuple[int, int]:
    """(working days, calendar days) an open task is late, for any task list or page."""
    today = clock.today()
    with counted_as_its_bureau(task):
        return days_overdue(task, today), calendar_days_overdue(task, today)


@bp.app_template_global("finished_late")
def _finished_late(task) -> bool:
    """逾期办结: the task was finished after its due date."""
    return is_finished_late(task)


#: What the task page reads of a task besides its own row, loaded with it: one statement (the
#: co-units a second) instead of one per relation as the template reaches it.
PAGE_OPTIONS = (
    joinedload(Task.plan).joinedload(Plan.bureau),
    joinedload(Task.section),
    joinedload(Task.parent),
    joinedload(Task.lead_unit),
    joinedload(Task.owner),
    joinedload(Task.supervisor),
    selectinload(Task.co_units),
)


@bp.route("/<int:task_id>")
def show(task_id: int):
    task = db.session.get(Task, task_id, options=PAGE_OPTIONS)
    if task is None:
        abort(404)
    require(current_user, "task.read", task)
    return render_task_page(task)


# -- acting on a task ------------------------------------------------------------------------


def _act(task: Task, work, *, success: str, forms: dict, action: str | None = None):
    """Run a workflow call and answer: redirect when it went through, or show why nothing
    changed."""
    with refusal_caught() as refusal:
        work()
    if not refusal:
        flash(success, "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    error = refusal.error
    if isinstance(error, workflow.TransitionDenied):
        record_denial(current_user, action or "task", task, reason=error.message)
        abort(403)
    if isinstance(error, workflow.TransitionError):
        record_denial(
            current_user, action or "task", task, reason=error.message, event="task.refused"
        )
        flash(error.message, "danger")
        db.session.refresh(task)
        return render_task_page(task, status=409, **forms)
    if refusal.is_conflict:
        record_denial(
            current_user, action or "task", task, reason=error.message, event="task.conflict"
        )
        for form in forms.values():  # confirming again now acts on the task as it is
            form.version.data = task.version
        return render_task_page(
            task, status=409, conflict=error.message, open_action=action, **forms
        )
    show_domain_error(next(iter(forms.values())), error)
    return render_task_page(task, status=422, open_action=action, **forms)


@bp.route("/<int:task_id>/progress", methods=["POST"])
def progress(task_id: int):
    task = get_task_or_404(task_id)
    require(current_user, "task.update", task)
    form = ProgressForm()
    if not form.validate_on_submit():
        return render_task_page(task, status=422, progress_form=form, open_action="progress")
    return _act(
        task,
        lambda: workflow.add_progress(
            current_user,
            task,
            note=form.note.data,
            progress=form.progress.data,
            expected_version=form_version(form),
        ),
        success=_("Progress report saved."),
        forms={"progress_form": form},
        action="progress",
    )


@bp.route("/<int:task_id>/<any(claim, submit, accept, return, cancel):action>", methods=["POST"])
def act(task_id: int, action: str):
    task = get_task_or_404(task_id)
    require(current_user, workflow.TRANSITIONS[action].permission, task)
    form = TransitionForm()
    if not form.validate_on_submit():
        return render_task_page(task, status=422, transition_form=form, open_action=action)
    return _act(
        task,
        lambda: workflow.transition(
            current_user,
            task,
            action,
            note=form.note.data or "",
            result_statement=form.result_statement.data if action == "submit" else None,
            cause=_cause_input(form) if action == "submit" else None,
            expected_version=form_version(form),
        ),
        success=_("Done: %(action)s.", action=ACTION_LABELS[action]),
        forms={"transition_form": form},
        action=action,
    )


def _cause_input(form) -> causes.CauseInput:
    return causes.CauseInput(
        cause=form.cause.data or "",
        explanation=form.cause_explanation.data or "",
        remedy=form.cause_remedy.data or "",
    )


@bp.route("/<int:task_id>/cause", methods=["POST"])
def cause(task_id: int):
    task = get_task_or_404(task_id)
    require(current_user, "task.update", task)
    form = CauseForm()
    if not form.validate_on_submit():
        return render_task_page(task, status=422, cause_form=form, open_action="cause")
    return _act(
        task,
        lambda: causes.state_cause(current_user, task, _cause_input(form)),
        success=_("The cause of the delay is recorded."),
        forms={"cause_form": form},
        action="cause",
    )


@bp.route("/<int:task_id>/owner", methods=["POST"])
def owner(task_id: int):
    task = get_task_or_404(task_id)
    require(current_user, "task.assign_owner", task)
    form = OwnerForm()
    form.owner_id.choices = choices(
        [(NONE, "")] + [(u.id, u.display_name) for u in _owner_candidates(task)]
    )
    if not form.validate_on_submit():
        return render_task_page(task, status=422, owner_form=form, open_action="owner")
    person = db.session.get(User, form.owner_id.data) if form.owner_id.data else None
    return _act(
        task,
        lambda: workflow.assign_owner(
            current_user, task, person, expected_version=form_version(form)
        ),
        success=_("Owner saved."),
        forms={"owner_form": form},
        action="owner",
    )


# -- creating and editing (coordinators) -----------------------------------------------------


def _conflict_details(form: TaskForm, task: Task) -> dict[str, str]:
    """The fields where what the user typed differs from the task as it is now."""
    current = TaskForm(obj=task, formdata=None)
    _fill_task_choices(current, task.plan)
    current.co_unit_ids.data = [u.id for u in task.co_units]
    details = {}
    for name in (
        "title",
        "number",
        "text",
        "due_date",
        "start_date",
        "result_statement",
        "target_count",
        "achieved_count",
        "deadline_text",
    ):
        mine, theirs = getattr(form, name).data, getattr(current, name).data
        if (mine or None) != (theirs or None):
            details[name] = "" if theirs is None else str(theirs)
    for name in ("lead_unit_id", "owner_id", "supervisor_id", "section_id", "kind", "recurrence"):
        mine, theirs = getattr(form, name).data, getattr(current, name).data or NONE
        if mine != theirs:
            labels = dict((c.value, c.label) for c in current[name].choices)
            details[name] = str(labels.get(theirs, theirs))
    return details


@bp.route("/new/<int:plan_id>", methods=["GET", "POST"])
def create(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    require(current_user, "plan.edit", plan)
    form = TaskForm()
    _fill_task_choices(form, plan)
    if request.method == "GET" and request.args.get("section", "").isdigit():
        form.section_id.data = int(request.args["section"])
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            task = service.create_task(current_user, plan, _task_data(form, plan))
        if not refusal:
            flash(_("Task created."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
    return render_template("tasks/form.html", form=form, plan=plan, task=None), form_status(form)


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
def edit(task_id: int):
    task = get_task_or_404(task_id)
    require(current_user, "task.edit", task)
    plan = task.plan
    form = TaskForm(obj=task)
    _fill_task_choices(form, plan)
    if request.method == "GET":
        form.version.data = task.version
        form.co_unit_ids.data = [u.id for u in task.co_units]
        for name in ("section_id", "lead_unit_id", "owner_id", "supervisor_id"):
            getattr(form, name).data = getattr(task, name) or NONE
    conflict, details = None, {}
    if form.validate_on_submit():
        with refusal_caught() as refusal:
            service.update_task(
                current_user, task, _task_data(form, plan), expected_version=form_version(form)
            )
        if not refusal:
            flash(_("Task saved."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
        if refusal.is_conflict:
            record_denial(
                current_user, "task.edit", task, reason=refusal.message, event="task.conflict"
            )
            conflict, details = refusal.message, _conflict_details(form, task)
            form.version.data = task.version  # saving again now overwrites, knowingly
        else:
            show_domain_error(form, refusal.error)
    status = 409 if conflict else form_status(form)
    return render_template(
        "tasks/form.html",
        form=form,
        plan=plan,
        task=task,
        conflict=conflict,
        conflict_details=details,
    ), status


@bp.route("/<int:task_id>/copy", methods=["POST"])
def copy(task_id: int):
    task = get_task_or_404(task_id)
    require(current_user, "task.edit", task)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_caught() as refusal:
        duplicate = service.copy_task(current_user, task)
    if refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("tasks.show", task_id=task.id))
    flash(_("Task copied; adjust the copy."), "success")
    return redirect(url_for("tasks.edit", task_id=duplicate.id))


@bp.route("/<int:task_id>/move/<any(up, down):direction>", methods=["POST"])
def move(task_id: int, direction: str):
    task = get_task_or_404(task_id)
    require(current_user, "task.edit", task)
    if EmptyForm().validate_on_submit():
        service.move_task(current_user, task, direction)
    return redirect(url_for("plans.show", plan_id=task.plan_id, _anchor=f"task-{task.id}"))


@bp.route("/<int:task_id>/delete", methods=["POST"])
def delete(task_id: int):
    task = get_task_or_404(task_id)
    require(current_user, "task.edit", task)
    plan_id = task.plan_id
    if EmptyForm().validate_on_submit():
        with refusal_caught() as refusal:
            service.delete_task(current_user, task)
        if refusal:
            flash(refusal.message, "danger")
            return redirect(url_for("tasks.show", task_id=task_id))
        flash(_("Task deleted."), "success")
    return redirect(url_for("plans.show", plan_id=plan_id))
