"""The leadership pages: the dashboard (驾驶舱) with its ranking (通报), the principal leader's
duty list (第一责任人), year over year, and the weekly briefing."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from tracker.cascade.queries import city_cascade
from tracker.core import clock
from tracker.core.forms import EmptyForm
from tracker.core.i18n import plain_labels
from tracker.core.permissions import require, scope_unit
from tracker.core.spreadsheets import write_text
from tracker.dashboard import charts
from tracker.dashboard.briefing import (
    build_briefing,
    render_briefing_text,
    template_context,
)
from tracker.dashboard.duties import duty_report
from tracker.dashboard.indicators import indicator_rows
from tracker.dashboard.queries import (
    SORT_KEYS,
    DashboardFilters,
    DashboardView,
    UnitTable,
    default_year,
    is_city_view,
    is_plausible_year,
    ranked,
    resolve,
    sorted_rows,
    unit_table,
)
from tracker.dashboard.yoy import default_years, year_over_year
from tracker.extensions import db
from tracker.plans.service import outline
from tracker.records.labels import STUDY_KIND_LABELS
from tracker.tasks import versions
from tracker.tasks.labels import KIND_LABELS, STATUS_LABELS
from tracker.tasks.lights import LIGHT_CSS, LIGHT_LABELS, LightPolicy
from tracker.tasks.queries import visible_plans
from tracker.units.models import Unit
from tracker.units.queries import subtree

bp = Blueprint("dashboard", __name__)


@bp.app_template_filter("yoy_number")
def yoy_number(value) -> str:
    """A figure as people write it: thousands grouped, no trailing zeros (4778, 82.61)."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,f}"


def _year(name: str) -> int | None:
    value = request.args.get(name, "")
    year = int(value) if value.isdigit() else None
    return year if year is not None and is_plausible_year(year) else None


def _dashboard_view() -> tuple[DashboardView, LightPolicy]:
    """Load the filters from the query string and check the unit asked for is in scope."""
    require(current_user, "dashboard.view")
    filters = DashboardFilters.from_args(request.args)
    unit = None
    if filters.unit_id:
        unit = db.session.get(Unit, filters.unit_id)
        if unit is None:
            abort(404)
        require(current_user, "dashboard.view", unit)
    policy = LightPolicy.current()
    view = resolve(current_user, filters, policy.today, unit=unit)
    return view, policy


def _sections(view: DashboardView) -> list:
    if view.plan is None:
        return []
    sections = outline(view.plan)
    if view.filters.section_id not in {s.id for s in sections}:
        view.filters.section_id = None
    return sections


#: A query value written as it is in an address.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.-]+")


def _is_plain(value) -> bool:
    return isinstance(value, int) or bool(_PLAIN_VALUE.fullmatch(str(value)))


def _task_link(view: DashboardView):
    """Drill-down: the task list (home page) with the dashboard's filters and some more."""
    base = view.task_list_args()
    city = is_city_view(view)
    home = url_for("home.index")
    given = {k: v for k, v in base.items() if v is not None}
    # ids and keys need no quoting: the address url_for would build, without its routing, and
    # the dashboard's own filters written once (a city's dashboard has six hundred links)
    plain_base = all(_is_plain(v) for v in given.values())
    whole = f"{home}?{urlencode(given)}" if given else home
    prefix = f"{whole}&" if given else f"{home}?"

    def link(**args) -> str:
        if city and "lead" in args:
            # over a city a row is a bureau: its tasks are those of its units
            args["unit"] = args.pop("lead")
        if plain_base and not args.keys() & base.keys():
            extra = {k: v for k, v in args.items() if v is not None}
            if all(_is_plain(v) for v in extra.values()):
                return prefix + "&".join(f"{k}={v}" for k, v in extra.items()) if extra else whole
        query = {k: v for k, v in {**base, **args}.items() if v is not None}
        if all(_is_plain(v) for v in query.values()):
            return f"{home}?{urlencode(query)}" if query else home
        return url_for("home.index", **query)

    return link


def _unit_choices() -> list[tuple[int, str]]:
    """The units of the user's scope for the filter (the bureau itself is "all units"), kept
    between changes to the unit tree (which replace every figure's token: a city's 400 units
    were read again for each view)."""
    root = scope_unit(current_user)

    def compute() -> list[tuple[int, str]]:
        units = subtree(root, active_only=True)
        if root.kind == "bureau" and len(units) > 1:
            units = units[1:]
        base = min((u.depth for u in units), default=0)
        return [(u.id, "\u3000" * (u.depth - base) + u.name) for u in units]

    return versions.kept("unit_choices", root.id, (), compute)


def _sorting() -> tuple[str, bool]:
    key = request.args.get("sort", "unit")
    key = key if key in SORT_KEYS else "unit"
    return key, request.args.get("order", "desc" if key != "unit" else "asc") == "desc"


def _common(view: DashboardView, **extra) -> dict:
    return {
        "view": view,
        "units": _unit_choices(),
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "light_labels": LIGHT_LABELS,
        "light_css": LIGHT_CSS,
        **extra,
    }


@bp.route("/dashboard")
def index():
    """Where every unit stands: figures per unit, three charts, the ranking."""
    view, policy = _dashboard_view()
    sections = _sections(view)
    table = unit_table(view, policy)
    unit_ids = list(table.units)
    link = _task_link(view)
    sort, descending = _sorting()
    city_view = is_city_view(view)
    cascade = city_cascade(view.root.id, view.year, set(unit_ids)) if city_view else {}
    return render_template(
        "dashboard/index.html",
        **_common(
            view,
            table=table,
            rows=sorted_rows(table.rows, sort, descending),
            sort=sort,
            descending=descending,
            sections=sections,
            link=link,
            city_view=city_view,
            cascade=cascade,
            action_form=EmptyForm(),
            charts={
                "completion": charts.completion_by_unit(table, link),
                "progress": charts.progress_over_year(view, unit_ids, link),
                "age": charts.overdue_by_age(table, link),
            },
        ),
    )


@bp.route("/dashboard/ranking")
def ranking():
    """The ranking (通报) as a page to print."""
    view, policy = _dashboard_view()
    sections = _sections(view)
    table = unit_table(view, policy)
    return render_template(
        "dashboard/ranking.html",
        **_common(
            view,
            table=table,
            rows=ranked(table.rows),
            sections=sections,
            generated=clock.local_now(),
        ),
    )


@bp.route("/dashboard/ranking.xlsx")
def ranking_xlsx():
    """The ranking (通报) as an Excel workbook."""
    view, policy = _dashboard_view()
    _sections(view)
    table = unit_table(view, policy)
    content = ranking_workbook(table, title=ranking_title(view))
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{_('Ranking')}-{view.bureau.name}-{view.year}.xlsx",
    )


def ranking_title(view: DashboardView) -> str:
    if view.plan is not None:
        return _("%(plan)s: completion by unit", plan=view.plan.title)
    return _("%(bureau)s %(year)d: completion by unit", bureau=view.bureau.name, year=view.year)


def _ranking_headers() -> list[str]:
    # The labels are written out so that gettext extraction finds them.
    return [
        _("Place"),
        _("Unit"),
        _("Tasks"),
        _("Done"),
        _("Not yet claimed"),
        _("In progress"),
        _("Submitted"),
        _("Overdue"),
        _("Early warning"),
        _("Completion rate"),
        _("On-time rate"),
        _("Average working days overdue"),
        _("Light"),
        _("As co-unit"),
    ]


def state_label(row) -> str:
    """The unit's state in the words of the ranking page (dashboard/_macros.html light_dot)."""
    if row.state == "all_done":
        return _("All done")
    if row.state == "no_tasks":
        return _("No tasks")
    return str(LIGHT_LABELS[row.light])


def ranking_workbook(table: UnitTable, *, title: str) -> bytes:
    """The ranking as .xlsx bytes: every text cell a string (never a formula), rates as
    percentages, one row per unit in ranking order, totals last."""
    output = io.BytesIO()
    import xlsxwriter  # when the ranking is downloaded, not in every web worker

    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(_("Ranking")[:31])
    bold = workbook.add_format({"bold": True})
    heading = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True}
    )
    cell = workbook.add_format({"border": 1})
    percent = workbook.add_format({"border": 1, "num_format": "0.0%"})
    decimal = workbook.add_format({"border": 1, "num_format": "0.0"})
    write_text(sheet, 0, 0, title, heading)
    view = table.view
    generated = clock.local_now().strftime("%Y-%m-%d %H:%M")
    sheet.write_string(1, 0, _("As of %(date)s", date=generated))
    headers = _ranking_headers()
    for column, label in enumerate(headers):
        sheet.write_string(3, column, label, header)

    def write_row(index: int, row, place: str, fmt_name=None) -> None:
        values = [
            place,
            row.unit.name,
            row.total,
            row.done,
            row.assigned,
            row.in_progress,
            row.submitted,
            row.overdue,
            row.due_soon,
            row.completion_rate,
            row.on_time_rate,
            row.average_days_overdue,
            state_label(row),
            row.co_total,
        ]
        for column, value in enumerate(values):
            style = percent if column in (9, 10) else decimal if column == 11 else cell
            if fmt_name is not None:
                style = fmt_name
            if value is None:
                sheet.write_blank(index, column, None, style)
            elif isinstance(value, str):
                write_text(sheet, index, column, value, style)
            else:
                sheet.write_number(index, column, value, style)

    line = 4
    for row in ranked(table.rows):
        write_row(line, row, str(row.rank) if row.rank else "—")
        line += 1
    totals = table.totals
    write_row(line, totals, _("Total"))
    write_text(sheet, line, 1, view.root.name if view.root.id != view.bureau.id else _("All"), bold)
    sheet.write_string(line, 13, "")
    sheet.freeze_panes(4, 2)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 13, 11)
    sheet.set_row(3, 30)
    workbook.close()
    return output.getvalue()


# -- year over year --------------------------------------------------------------------------


@bp.route("/dashboard/yoy")
def yoy():
    """Each record kind and metric this year against last year (and the baseline year)."""
    require(current_user, "dashboard.view")
    year, compare = default_years(current_user, clock.today(), _year("year"), _year("compare"))
    figures = year_over_year(current_user, year, compare)
    statutory = indicator_rows(current_user, year, compare, clock.today())
    years = sorted({p.year for p in visible_plans(current_user)} | {year, compare}, reverse=True)
    return render_template(
        "dashboard/yoy.html",
        statutory=statutory,
        figures=figures,
        years=years,
        chart=_yoy_chart(figures),
    )


def _yoy_chart(figures) -> dict:
    rows = [*figures.tasks, *figures.kinds]
    return {
        "kind": "bar",
        "horizontal": True,
        "labels": [r.label for r in rows],
        "datasets": [
            {
                "key": "this",
                "label": str(figures.year),
                "color": charts.COLOURS["actual"],
                "data": [r.this_year for r in rows],
                "links": [_yoy_link(r.key, figures.year) for r in rows],
            },
            {
                "key": "last",
                "label": str(figures.compare_year),
                "color": charts.COLOURS["planned"],
                "data": [r.last_year for r in rows],
                "links": [_yoy_link(r.key, figures.compare_year) for r in rows],
            },
        ],
    }


def _yoy_link(key: str, year: int) -> str:
    if key in ("tasks", "done", "on_time"):
        return url_for("home.index", year=year, status="done" if key != "tasks" else None)
    return url_for("records.ledger", kind=key, year=year)


# -- the principal leader's duties -----------------------------------------------------------


@bp.route("/duties")
def duties():
    """The principal leader's duty list with the lag rule, printable as the 述法 basis."""
    require(current_user, "duties.view")
    bureau = current_user.bureau
    policy = LightPolicy.current()
    plans = visible_plans(current_user)
    year = _year("year") or default_year((p.year for p in plans), policy.today)
    report = duty_report(bureau, year, policy)
    return render_template(
        "dashboard/duties.html",
        report=report,
        years=sorted({p.year for p in plans} | {year}, reverse=True),
        status_labels=plain_labels(STATUS_LABELS),
        light_labels=plain_labels(LIGHT_LABELS),
        light_css=LIGHT_CSS,
        study_kind_labels=STUDY_KIND_LABELS,
        generated=clock.local_now(),
    )


# -- the weekly briefing ---------------------------------------------------------------------


@bp.route("/briefing")
def briefing():
    """This week's briefing as the leaders receive it on Monday."""
    require(current_user, "briefing.view")
    content = build_briefing(db.session, current_user, clock.now())
    text = render_briefing_text(content, str(get_locale()), base_url=request.host_url.rstrip("/"))
    return render_template("dashboard/briefing.html", text=text, **template_context(content, ""))
