"""Administration of the working-day calendar: statutory holidays, make-up days, overrides."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker.core import clock, workdays
from tracker.core.forms import EmptyForm, refusal_caught
from tracker.core.permissions import require, scope_unit
from tracker.extensions import db
from tracker.holidays import service
from tracker.holidays.forms import CalendarDayForm, NoticeForm
from tracker.holidays.models import CalendarDay
from tracker.holidays.notice import NoticeError, parse_notice
from tracker.units.models import Unit

bp = Blueprint("holidays", __name__, url_prefix="/admin/holidays")

#: chinese_calendar's English holiday names, translated for the page.
HOLIDAY_LABELS = {
    "New Year's Day": _l("New Year's Day"),
    "Spring Festival": _l("Spring Festival"),
    "Tomb-sweeping Day": _l("Tomb-sweeping Day"),
    "Labour Day": _l("Labour Day"),
    "Dragon Boat Festival": _l("Dragon Boat Festival"),
    "National Day": _l("National Day"),
    "Mid-autumn Festival": _l("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _l("Victory Day (70th anniversary)"),
}


def _requested_year() -> int:
    """The ?year= argument when it is a plausible year, else the current year."""
    year = request.args.get("year", type=int)
    if year is None or not service.FIRST_YEAR <= year <= service.LAST_YEAR:
        return clock.today().year
    return year


def _requested_day() -> date | None:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None


def _own_unit() -> Unit | None:
    """Whose calendar the administrator keeps: the whole deployment's (None) when seated at the
    top of the unit tree, else their own bureau's (or city's), which applies below it."""
    scope = scope_unit(current_user)
    return None if scope.parent_id is None else scope


def _render_index(year: int, form: CalendarDayForm, status: int = 200):
    own = _own_unit()
    overrides = service.overrides_of_year(year, own)
    return render_template(
        "holidays/index.html",
        year=year,
        form=form,
        own_unit=own,
        own_unit_id=own.id if own is not None else None,
        overrides=overrides,
        default_is_workday={o.id: workdays.default_is_workday(o.day) for o in overrides},
        holiday_periods=workdays.holiday_periods(year),
        makeup_workdays=workdays.makeup_workdays(year),
        covered_years=(workdays.FIRST_COVERED_YEAR, workdays.LAST_COVERED_YEAR),
        warnings=workdays.calendar_warnings(clock.today()),
        holiday_labels=HOLIDAY_LABELS,
        action_form=EmptyForm(),
        notice_form=NoticeForm(formdata=None),
    ), status


@bp.route("/")
def index():
    """List a year's overrides and statutory days; ?day= pre-fills the form for that date."""
    require(current_user, "settings.manage")
    form = CalendarDayForm()
    day = _requested_day()
    year = _requested_year()
    if day is not None:
        year = day.year if service.FIRST_YEAR <= day.year <= service.LAST_YEAR else year
        existing = service.get_day(day, _own_unit())
        form.day.data = day
        if existing is not None:
            form.kind.data = "work" if existing.is_workday else "off"
            form.note.data = existing.note
        else:
            form.kind.data = "off" if workdays.default_is_workday(day) else "work"
    return _render_index(year, form)


@bp.route("/", methods=["POST"])
def save():
    require(current_user, "calendar.manage")
    form = CalendarDayForm()
    if form.validate_on_submit():
        with refusal_caught(form) as refusal:
            calendar_day = service.set_day(
                current_user, form.day.data, form.is_workday, form.note.data or "", _own_unit()
            )
        if not refusal:
            flash(
                _("%(day)s is now a working day.", day=calendar_day.day.isoformat())
                if calendar_day.is_workday
                else _("%(day)s is now a day off.", day=calendar_day.day.isoformat()),
                "success",
            )
            return redirect(url_for("holidays.index", year=calendar_day.day.year))
    day = form.day.data
    year = day.year if day and service.FIRST_YEAR <= day.year <= service.LAST_YEAR else None
    return _render_index(year or _requested_year(), form, 422)


@bp.route("/<int:calendar_day_id>/remove", methods=["POST"])
def remove(calendar_day_id: int):
    calendar_day = db.get_or_404(CalendarDay, calendar_day_id)
    require(current_user, "calendar.manage", calendar_day)
    year = calendar_day.day.year
    if EmptyForm().validate_on_submit():
        day = calendar_day.day.isoformat()
        service.remove_day(current_user, calendar_day)
        flash(_("The override for %(day)s was removed.", day=day), "success")
    return redirect(url_for("holidays.index", year=year))


@bp.route("/notice", methods=["POST"])
def notice():
    """Read a pasted State Council notice: show what it sets, then enter it once confirmed."""
    require(current_user, "calendar.manage")
    form = NoticeForm()
    parsed = None
    if form.validate_on_submit():
        try:
            parsed = parse_notice(form.text.data)
        except NoticeError as exc:
            form.text.errors.append(
                _("This is not a notice Duban can read: %(reason)s", reason=exc)
            )
    if parsed is not None and form.confirmed.data == "yes":
        with refusal_caught(form) as refusal:
            summary = service.apply_notice(current_user, parsed, _own_unit())
        if not refusal:
            flash(
                _(
                    "The holidays of %(year)d were entered: %(off)d days off, %(work)d make-up "
                    "working days (%(changed)d changed).",
                    year=parsed.year,
                    off=summary["days_off"],
                    work=summary["workdays"],
                    changed=summary["changed"],
                ),
                "success",
            )
            return redirect(url_for("holidays.index", year=parsed.year))
    rows = []
    if parsed is not None:
        own = _own_unit()
        own_id = own.id if own is not None else None
        overrides = {
            o.day: o
            for year in (parsed.year - 1, parsed.year)
            for o in service.overrides_of_year(year, own)
            if o.unit_id == own_id
        }
        rows = [
            {
                "day": day,
                "is_workday": is_workday,
                "name": name,
                "built_in": workdays.statutory_is_workday(day),
                "second": workdays.second_source_is_workday(day),
                "override": overrides.get(day),
            }
            for day, is_workday, name in parsed.days()
        ]
    status = 200 if parsed is not None and not parsed.problems() else 422
    return render_template(
        "holidays/notice_preview.html",
        form=form,
        notice=parsed,
        rows=rows,
        second_source=workdays.second_source_name(),
    ), status
