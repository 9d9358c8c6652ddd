"""Plan pages: the list, the outline with lights, and the coordinator's editing."""

from __future__ import annotations

from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from tracker.core import clock
from tracker.core.forms import EmptyForm, choices, form_status, refusal_caught
from tracker.core.i18n import plain_labels
from tracker.core.permissions import require
from tracker.extensions import db
from tracker.plans import (
    import_views,  # noqa: F401 - its routes live on the same blueprint
    service,
)
from tracker.plans.blueprint import bp, get_plan_or_404
from tracker.plans.forms import CopyPlanForm, PlanForm, PublishForm, SectionForm
from tracker.plans.models import Plan, Section
from tracker.tasks import list_export, versions
from tracker.tasks.labels import KIND_LABELS, PLAN_STATUS_LABELS, STATUS_LABELS
from tracker.tasks.lights import LIGHT_CSS, LIGHT_LABELS, LightPolicy
from tracker.tasks.queries import (
    completion_by_section,
    count_plan_tasks,
    plan_tasks,
    read_scope_key,
    visible_plans,
)
from tracker.units.models import Unit
from tracker.units.queries import subtree

TOP = 0
#: Rows of a plan page; a plan with more tasks is shown a page (or a section) at a time.
PLAN_PAGE_ROWS = 100

PROBLEM_LABELS = {
    "no_lead_unit": _l("no lead unit"),
    "outside_span": _l("dated outside the plan's span"),
    "no_due_date": _l("no deadline"),
    "no_owner": _l("no owner"),
    "past_due": _l("deadline already past"),
}


@bp.route("/")
def index():
    require(current_user, "plan.read")
    plans = visible_plans(current_user)
    return render_template("plans/index.html", plans=plans, status_labels=PLAN_STATUS_LABELS)


@bp.route("/<int:plan_id>")
def show(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.read", plan)
    unit = None
    if request.args.get("unit", "").isdigit():
        unit = db.session.get(Unit, int(request.args["unit"]))
    policy = LightPolicy.current()
    sections = service.outline(plan)
    # A plan of a bureau's size is shown whole; a larger one (a city's, a generated one) a page
    # of rows at a time in plan order, or one section's, so the page stays bounded.
    section = None
    if request.args.get("section", "").isdigit():
        section = next((s for s in sections if s.id == int(request.args["section"])), None)
    section_id = section.id if section else None
    # a bureau reading the city's plan sees the items that name it, never another bureau's
    city_plan_for_bureau = plan.bureau.kind == "city" and current_user.bureau.kind != "city"
    reader = current_user if city_plan_for_bureau else None
    # the counts over the whole plan are kept between changes to its tasks (tracker.tasks.
    # versions): at 100,000 tasks they were a third of the page (30 ms of SQL)
    scopes = {plan.bureau_id, *versions.reader_scopes(current_user)}
    kept_key = (plan.id, unit.id if unit else None, read_scope_key(reader) if reader else None)

    def kept(name, compute):
        return versions.kept(name, kept_key, scopes, compute)

    selected = kept(
        f"plan_count:{section_id}",
        lambda: count_plan_tasks(plan, unit=unit, section_id=section_id, reader=reader),
    )
    whole = (
        kept("plan_count:None", lambda: count_plan_tasks(plan, unit=unit, reader=reader))
        if section
        else selected
    )
    paged = whole > PLAN_PAGE_ROWS
    pages = max(-(-selected // PLAN_PAGE_ROWS), 1) if paged else 1
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = plan_tasks(
        plan,
        policy,
        unit=unit,
        reader=reader,
        section_id=section_id,
        limit=PLAN_PAGE_ROWS if paged else None,
        offset=(page - 1) * PLAN_PAGE_ROWS,
    )
    by_section, occurrences = _grouped(rows)
    # occurrences whose recurring task is on another page are listed on their own
    shown = {row.task.id for row in rows}
    for parent_id in [key for key in occurrences if key not in shown]:
        for row in occurrences.pop(parent_id):
            by_section[row.task.section_id].append(row)
    by_section_counts = kept(
        "plan_completion", lambda: completion_by_section(plan, unit=unit, reader=reader)
    )
    completion = _completion(sections, by_section_counts)
    units = [u for u in subtree(plan.bureau, active_only=True) if u.id != plan.bureau_id]
    return render_template(
        "plans/show.html",
        plan=plan,
        sections=sections,
        by_section=by_section,
        occurrences=occurrences,
        completion=completion,
        unit=unit,
        units=units,
        paged=paged,
        page=page,
        pages=pages,
        whole=whole,
        section=section,
        per_page=PLAN_PAGE_ROWS,
        action_form=EmptyForm(),
        status_labels=plain_labels(STATUS_LABELS),
        kind_labels=plain_labels(KIND_LABELS),
        light_labels=plain_labels(LIGHT_LABELS),
        light_css=LIGHT_CSS,
        plan_status_labels=PLAN_STATUS_LABELS,
        today=policy.today,
    )


def _grouped(rows) -> tuple[dict[int | None, list], dict[int, list]]:
    """The rows by section (None: outside any), and occurrences by their recurring task."""
    by_section: dict[int | None, list] = defaultdict(list)
    occurrences: dict[int, list] = defaultdict(list)
    for row in rows:
        if row.task.parent_id is not None:
            occurrences[row.task.parent_id].append(row)
        else:
            by_section[row.task.section_id].append(row)
    return by_section, occurrences


def _in_page_order(sections, rows) -> list:
    """The rows as the plan page lists them: by section in outline order, each task followed by
    its occurrences, then the tasks outside any section."""
    by_section, occurrences = _grouped(rows)
    ordered = []
    for key in [s.id for s in sections] + [None]:
        for row in by_section.get(key, []):
            ordered.append(row)
            ordered.extend(occurrences.pop(row.task.id, []))
    # occurrences whose recurring task the user may not read (or that lost it)
    ordered.extend(row for rest in occurrences.values() for row in rest)
    return ordered


@bp.route("/<int:plan_id>/tasks.<any(xlsx, csv):fmt>")
def export_tasks(plan_id: int, fmt: str):
    """The plan page's task list (with its unit filter) as .xlsx or .csv: the tasks the user
    may read, in the page's order."""
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.read", plan)
    require(current_user, "task.export_list")
    unit = None
    if request.args.get("unit", "").isdigit():
        unit = db.session.get(Unit, int(request.args["unit"]))
    rows = plan_tasks(plan, LightPolicy.current(), unit=unit, reader=current_user)
    title = f"{plan.title}-{unit.name}" if unit is not None else plan.title
    response = list_export.download(_in_page_order(service.outline(plan), rows), fmt, title=title)
    list_export.audit_export(
        current_user,
        fmt,
        {"list": "plan", "plan_id": plan_id, "unit_id": unit.id if unit else None},
    )
    return response


def _completion(sections, own) -> dict[int | None, tuple[int, int]]:
    """(done, total) per section including its sub-sections, from each section's own counts
    (`completion_by_section`); None: the whole plan."""
    result: dict[int | None, tuple[int, int]] = {}
    for section in sections:
        result[section.id] = tuple(own.get(section.id, [0, 0]))
    for section in reversed(sections):  # children come after parents: add them bottom-up
        if section.parent_id is not None:
            done, total = result[section.id]
            parent_done, parent_total = result[section.parent_id]
            result[section.parent_id] = (parent_done + done, parent_total + total)
    overall_done = sum(result[s.id][0] for s in sections if s.parent_id is None)
    overall_total = sum(result[s.id][1] for s in sections if s.parent_id is None)
    loose = own.get(None, [0, 0])
    result[None] = (overall_done + loose[0], overall_total + loose[1])
    return result


@bp.route("/new", methods=["GET", "POST"])
def create():
    require(current_user, "plan.create")
    form = PlanForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            plan = service.create_plan(
                current_user,
                bureau=current_user.bureau,
                year=form.year.data,
                title=form.title.data,
                document_number=form.document_number.data or "",
                last_year=form.last_year.data,
            )
        if not refusal:
            flash(_("Plan created. Add its sections and tasks, then publish it."), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=None), form_status(form)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
def edit(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.edit", plan)
    form = PlanForm(obj=plan)
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            service.update_plan(
                current_user,
                plan,
                year=form.year.data,
                title=form.title.data,
                document_number=form.document_number.data or "",
                last_year=form.last_year.data,
            )
        if not refusal:
            flash(_("Plan saved."), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=plan), form_status(form)


@bp.route("/<int:plan_id>/publish", methods=["GET", "POST"])
def publish(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.publish", plan)
    if plan.status != "draft":
        flash(_("Only a draft plan can be published."), "danger")
        return redirect(url_for("plans.show", plan_id=plan.id))
    items = service.preflight(plan, clock.today())
    form = PublishForm()
    form.confirm.choices = [(item.task.id, item.task.title) for item in items]
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            count = service.publish_plan(
                current_user, plan, confirmed_task_ids=form.confirm.data or []
            )
        if not refusal:
            flash(
                ngettext(
                    "Plan published: %(num)d task assigned and its lead unit notified.",
                    "Plan published: %(num)d tasks assigned and the lead units notified.",
                    count,
                ),
                "success",
            )
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template(
        "plans/publish.html",
        form=form,
        plan=plan,
        items=items,
        blocking=[item for item in items if item.is_blocking],
        problem_labels=PROBLEM_LABELS,
    ), form_status(form)


@bp.route("/<int:plan_id>/<any(close):action>", methods=["POST"])
def change_status(plan_id: int, action: str):
    plan = get_plan_or_404(plan_id)
    require(current_user, f"plan.{action}", plan)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_caught() as refusal:
        service.close_plan(current_user, plan)
    if refusal:
        flash(refusal.message, "danger")
    else:
        flash(_("Plan closed."), "success")
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/<int:plan_id>/copy", methods=["GET", "POST"])
def copy(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.create", plan)
    form = CopyPlanForm()
    if request.method == "GET":
        form.year.data = plan.year + 1
        form.title.data = plan.title.replace(str(plan.year), str(plan.year + 1), 1)
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            new_plan = service.copy_plan(
                current_user, plan, year=form.year.data, title=form.title.data
            )
        if not refusal:
            flash(
                _(
                    "Draft copied from %(title)s; dates were moved to %(year)d.",
                    title=plan.title,
                    year=new_plan.year,
                ),
                "success",
            )
            return redirect(url_for("plans.show", plan_id=new_plan.id))
    return render_template("plans/copy.html", form=form, plan=plan), form_status(form)


# -- sections --------------------------------------------------------------------------------


def _section_form(plan: Plan, section: Section | None) -> SectionForm:
    form = SectionForm(obj=section)
    options = [(TOP, _("(top level)"))] + [
        (s.id, "\u3000" * s.depth + f"{s.label}{s.title}")
        for s in service.outline(plan)
        if section is None or s.id != section.id
    ]
    form.parent_id.choices = choices(options)
    if request.method == "GET":
        if section is not None:
            form.parent_id.data = section.parent_id or TOP
        elif request.args.get("parent", "").isdigit():
            form.parent_id.data = int(request.args["parent"])
    return form


def _save_section(plan: Plan, section: Section | None):
    form = _section_form(plan, section)
    if form.validate_on_submit():
        parent = db.session.get(Section, form.parent_id.data) if form.parent_id.data else None
        with refusal_caught(form) as refusal:
            service.save_section(
                current_user,
                plan,
                section,
                number=form.number.data or "",
                title=form.title.data,
                parent=parent,
            )
        if not refusal:
            flash(_("Section saved."), "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    return render_template(
        "plans/section_form.html", form=form, plan=plan, section=section
    ), form_status(form)


@bp.route("/<int:plan_id>/sections/new", methods=["GET", "POST"])
def section_create(plan_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.edit", plan)
    return _save_section(plan, None)


@bp.route("/<int:plan_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
def section_edit(plan_id: int, section_id: int):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.edit", plan)
    section = db.get_or_404(Section, section_id)
    if section.plan_id != plan.id:
        abort(404)
    return _save_section(plan, section)


@bp.route(
    "/<int:plan_id>/sections/<int:section_id>/<any(up, down, delete):action>", methods=["POST"]
)
def section_action(plan_id: int, section_id: int, action: str):
    plan = get_plan_or_404(plan_id)
    require(current_user, "plan.edit", plan)
    section = db.get_or_404(Section, section_id)
    if section.plan_id != plan.id or not EmptyForm().validate_on_submit():
        abort(404 if section.plan_id != plan.id else 400)
    with refusal_caught() as refusal:
        if action == "delete":
            service.delete_section(current_user, section)
        else:
            service.move_section(current_user, section, action)
    if refusal:
        flash(refusal.message, "danger")
    return redirect(url_for("plans.show", plan_id=plan.id))
