"""The writes of the city level: 报送 a report, 退回修改 / 已接收 it, record its 公开; save a
version of the 考核 scheme, score the bureaus automatically, score a manual item by hand.
Every write is audited."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from tracker.accounts.queries import coordinators_of, users_in
from tracker.audit.service import log_event
from tracker.core import clock, storage
from tracker.core.exceptions import DomainError
from tracker.core.urls import link_to
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.inbox import notify
from tracker.reminders.notices import locale_of
from tracker.reports.queries import report_for_plan
from tracker.reports.render import render
from tracker.units.models import Unit
from tracker.upward import queries, scoring
from tracker.upward.models import AssessmentScheme, AssessmentScore, ReportSubmission

log = logging.getLogger(__name__)

#: The formats frozen at submission: the Word file people sign and the plain text.
FROZEN_FORMATS = ("docx", "md")


def _city_of_bureau(bureau: Unit) -> Unit:
    city = queries.city_of(bureau)
    if city is None or bureau.kind != "bureau":
        raise DomainError(gettext("This bureau belongs to no city: there is nobody to submit to."))
    return city


def report_plan(bureau: Unit, year: int) -> Plan | None:
    """The bureau's plan of `year` whose report is submitted (the first one published)."""
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.bureau_id == bureau.id, Plan.year == year, Plan.status != "draft")
        .order_by(Plan.id)
        .limit(1)
    )


def freeze_report(plan: Plan, today: date) -> list[dict]:
    """Render the plan's report in FROZEN_FORMATS and keep the bytes in the evidence store."""
    report = report_for_plan(plan, today=today)
    files = []
    for fmt in FROZEN_FORMATS:
        blob = storage.put(render(report, fmt))
        files.append(
            {
                "name": f"{plan.bureau.name}{plan.year}年度法治政府建设情况报告.{fmt}",
                "format": fmt,
                "sha256": blob.sha256,
                "size": blob.size,
            }
        )
    return files


def city_office_of(city: Unit) -> list:
    """The coordinators seated at the city node (the 依法治市办), not those of its bureaus."""
    return [u for u in users_in(city, role="coordinator") if u.unit_id == city.id]


def _tell(people, submission: ReportSubmission, texts) -> None:
    """An in-app notice about `submission` to each of `people`, in their language."""
    link = link_to("upward.submission", submission_id=submission.id)
    for person in people:
        with force_locale(locale_of(person)):
            title, body = texts()
        notify(person, "report_upward", title, body=body, link=link)


def submit(actor, bureau: Unit, year: int) -> ReportSubmission:
    """报送: send the year's report (as it stands today, frozen) to the city office; after
    退回修改, send the revision (same receipt, next round)."""
    city = _city_of_bureau(bureau)
    plan = report_plan(bureau, year)
    if plan is None:
        raise DomainError(
            gettext("There is no published plan of %(year)d to report on.", year=year)
        )
    today = clock.today()
    existing = queries.submission_of(bureau, year)
    if existing is not None and existing.status != "returned":
        raise DomainError(gettext("The report was already submitted."))
    files = freeze_report(plan, today)
    before = existing.to_audit() if existing is not None else None
    if existing is None:
        submission = ReportSubmission(
            bureau_id=bureau.id,
            city_id=city.id,
            year=year,
            receipt_serial=queries.next_receipt_serial(city.id, year),
            first_submitted_on=today,
        )
        db.session.add(submission)
    else:
        submission = existing
        submission.round += 1
    submission.status = "submitted"
    submission.submitted_on = today
    submission.submitted_by_id = getattr(actor, "id", None)
    submission.files = files
    db.session.flush()
    log_event(actor, "report.submit_upward", submission, before=before, after=submission.to_audit())
    _tell(
        city_office_of(city),
        submission,
        lambda: (
            gettext(
                "%(bureau)s submitted its annual report %(year)d",
                bureau=bureau.name,
                year=year,
            ),
            gettext("Receipt: %(number)s", number=submission.receipt_number),
        ),
    )
    log.info("report %s of bureau %s submitted (round %s)", year, bureau.id, submission.round)
    return submission


def review(actor, submission: ReportSubmission, *, accept: bool, note: str = "") -> None:
    """已接收, or 退回修改 with the notes the bureau revises by."""
    if submission.status != "submitted":
        raise DomainError(gettext("Only a report waiting for review can be accepted or returned."))
    note = (note or "").strip()
    if not accept and not note:
        raise DomainError(gettext("Say what is to be revised."))
    before = submission.to_audit()
    submission.status = "accepted" if accept else "returned"
    submission.review_note = note
    submission.reviewed_on = clock.today()
    submission.reviewed_by_id = getattr(actor, "id", None)
    db.session.flush()
    action = "report.accept_upward" if accept else "report.return_upward"
    log_event(actor, action, submission, before=before, after=submission.to_audit())
    _tell(
        coordinators_of(submission.bureau),
        submission,
        lambda: (
            gettext("The city office accepted your annual report %(year)d", year=submission.year)
            if accept
            else gettext(
                "The city office returned your annual report %(year)d for revision",
                year=submission.year,
            ),
            note,
        ),
    )


def record_publication(
    actor, submission: ReportSubmission, *, where: str, url: str, on: date
) -> None:
    """公开: where and when the bureau published its report, and the link."""
    if on > clock.today():
        raise DomainError(gettext("The publication date cannot be in the future."))
    if on < submission.first_submitted_on.replace(month=1, day=1):
        raise DomainError(gettext("The publication date is before the report's year ended."))
    before = submission.to_audit()
    submission.published_where = where.strip()
    submission.published_url = url.strip()
    submission.published_on = on
    db.session.flush()
    log_event(
        actor, "report.publish_upward", submission, before=before, after=submission.to_audit()
    )


# -- assessment ----------------------------------------------------------------------------------


def save_scheme(actor, city: Unit, year: int, title: str, indicators) -> AssessmentScheme:
    """Save the year's scheme as a new version (the older versions and their scores stay)."""
    try:
        clean = scoring.normalise(indicators, queries.statutory_keys())
    except scoring.SchemeError as error:
        raise DomainError(gettext("The scheme is not valid: %(why)s", why=str(error))) from None
    title = (title or "").strip()
    if not title:
        raise DomainError(gettext("The scheme needs a title."))
    current = queries.current_scheme(city, year)
    scheme = AssessmentScheme(
        city_id=city.id,
        year=year,
        version=(current.version + 1) if current else 1,
        title=title,
        indicators=clean,
        created_by_id=getattr(actor, "id", None),
        created_at=clock.now(),
    )
    db.session.add(scheme)
    db.session.flush()
    log_event(actor, "assessment.scheme_save", scheme, after=scheme.to_audit())
    return scheme


def _upsert(scheme, bureau_id: int, key: str, existing: dict) -> AssessmentScore:
    score = existing.get(key)
    if score is None:
        score = AssessmentScore(scheme_id=scheme.id, bureau_id=bureau_id, indicator=key)
        db.session.add(score)
    return score


def score_automatically(actor, scheme: AssessmentScheme) -> int:
    """Measure and score every automatic indicator for every bureau of the city (a handful of
    queries whatever the number of bureaus); manual scores are left alone. Returns how many
    scores changed."""
    bureaus = queries.bureaus_of(scheme.city)
    ids = [b.id for b in bureaus]
    today = clock.today()
    figures = queries.task_figures(ids, scheme.year, today)
    reports = queries.report_statuses(ids, scheme.year, today)
    keys = [i["indicator"] for i in scheme.indicators if i["kind"] == "statutory"]
    statutory = queries.statutory_figures(ids, scheme.year, today, keys) if keys else {}
    existing = queries.scores_of(scheme)
    changed = []
    for bureau_id in ids:
        for indicator in scheme.indicators:
            if indicator["kind"] not in scoring.AUTOMATIC_KINDS:
                continue
            measured, points = scoring.measure_and_score(
                indicator, figures[bureau_id], reports[bureau_id], statutory.get(bureau_id)
            )
            score = _upsert(scheme, bureau_id, indicator["key"], existing.get(bureau_id, {}))
            if score.id is not None and (score.measured, score.score) == (measured, points):
                continue
            score.measured, score.score = measured, points
            score.is_manual = False
            score.scored_at, score.scored_by_id = clock.now(), getattr(actor, "id", None)
            changed.append((bureau_id, indicator["key"], measured, points))
    db.session.flush()
    log_event(
        actor,
        "assessment.score_auto",
        scheme,
        after={"version": scheme.version, "changed": [list(c) for c in changed]},
    )
    return len(changed)


def score_by_hand(
    actor,
    scheme: AssessmentScheme,
    bureau: Unit,
    key: str,
    *,
    points: float,
    note: str,
    evidence: str,
) -> AssessmentScore:
    """Score a manual item of the scheme for one bureau, with a note and evidence."""
    indicator = next((i for i in scheme.indicators if i["key"] == key), None)
    if indicator is None or indicator["kind"] != "manual":
        raise DomainError(gettext("This indicator is not scored by hand."))
    if bureau.id not in {b.id for b in queries.bureaus_of(scheme.city)}:
        raise DomainError(gettext("This bureau is not assessed by this city."))
    if not 0 <= points <= float(indicator["weight"]):
        raise DomainError(
            gettext("The score must be between 0 and %(weight)s.", weight=indicator["weight"])
        )
    if not (note or "").strip():
        raise DomainError(gettext("Say why: a manual score needs a note."))
    existing = queries.scores_of(scheme).get(bureau.id, {})
    score = _upsert(scheme, bureau.id, key, existing)
    before = score.to_audit() if score.id is not None else None
    score.measured = None
    score.score = round(float(points), 2)
    score.is_manual = True
    score.note = note.strip()
    score.evidence = (evidence or "").strip()
    score.scored_at, score.scored_by_id = clock.now(), getattr(actor, "id", None)
    db.session.flush()
    log_event(actor, "assessment.score_manual", score, before=before, after=score.to_audit())
    return score
