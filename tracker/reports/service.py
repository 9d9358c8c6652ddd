"""Report writes: the coordinator's revisions of a part, the signature, and the task of
submitting and publishing the year's report, added when the year's plan is published."""

from __future__ import annotations

import logging
import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.accounts.queries import chiefs_of, coordinators_of
from tracker.audit.service import log_event
from tracker.core import clock, workdays
from tracker.core.exceptions import ConflictError, DomainError
from tracker.core.input_guard import CONTROL_CHARACTERS
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports import queries
from tracker.reports.builder import PART_KEYS
from tracker.reports.models import ReportDraft, ReportRevision, ReportSettings
from tracker.tasks import service as tasks
from tracker.tasks.models import Task
from tracker.units.models import Unit

log = logging.getLogger(__name__)

#: Longest text a part may hold (the whole seed report is under 9,000 characters).
MAX_PART_LENGTH = 50_000
REPORT_TASK_TITLE = "报送并公开{year}年度法治政府建设情况报告"
REPORT_TASK_TEXT = (
    "按照《法治政府建设与责任落实督察工作规定》第二十五条，于每年第一季度向本级党委、政府和上一级"
    "政府有关部门报送上一年度法治政府建设情况报告，并于4月1日前通过报刊、网站等新闻媒体向社会公开。"
)


def ensure_draft(actor, plan: Plan) -> ReportDraft:
    """The plan's report draft, made (and audited) the first time something is saved to it."""
    draft = queries.draft_of(plan)
    if draft is None:
        draft = ReportDraft(plan=plan, plan_id=plan.id, updated_by_id=getattr(actor, "id", None))
        db.session.add(draft)
        db.session.flush()
        log_event(actor, "report.create", draft, after=draft.to_audit())
    return draft


def _check_part(part: str) -> None:
    if part not in PART_KEYS:
        raise DomainError(_("Unknown part of the report."))


def _check_current(draft: ReportDraft, part: str, expected_revision_id: int | None) -> None:
    """Refuse an edit made from a page that showed an older revision of the part."""
    current = draft.latest(part)
    current_id = current.id if current else 0
    if expected_revision_id is not None and expected_revision_id != current_id:
        who = current.author_name if current else _("someone else")
        when = clock.to_local(current.created_at).strftime("%Y-%m-%d %H:%M") if current else ""
        raise ConflictError(
            _(
                "This part was changed by %(who)s at %(when)s after you opened it. Your text is "
                "shown below: compare it with the current text, then save again.",
                who=who,
                when=when,
            )
        )


def _add_revision(actor, plan: Plan, part: str, text: str | None, note: str) -> ReportRevision:
    draft = ensure_draft(actor, plan)
    generated = queries.generated_report(plan).part(part)
    revision = ReportRevision(
        draft=draft,
        part=part,
        text=text,
        base_text=generated.plain_text() if generated else "",
        base_fingerprint=generated.fingerprint if generated else "",
        note=note,
        author_id=getattr(actor, "id", None),
        author_name=getattr(actor, "display_name", None) or getattr(actor, "username", ""),
        created_at=clock.now(),
    )
    db.session.add(revision)
    draft.updated_by_id = getattr(actor, "id", None)
    draft.updated_at = clock.now()
    db.session.flush()
    return revision


def save_part(
    actor,
    plan: Plan,
    part: str,
    text: str,
    *,
    note: str = "",
    expected_revision_id: int | None = None,
) -> ReportRevision | None:
    """Save the coordinator's text of one part as a new revision; None when nothing changed.

    The text replaces the generated one in every output until the part is returned to the
    generated text; the data's fingerprint is kept to tell when the data changed since."""
    _check_part(part)
    text = (text or "").replace("\r\n", "\n").strip()
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError(_("A note has at most 300 characters."), "note")
    if len(text) > MAX_PART_LENGTH:
        raise DomainError(_("A part has at most %(n)d characters.", n=MAX_PART_LENGTH), "text")
    draft = ensure_draft(actor, plan)
    _check_current(draft, part, expected_revision_id)
    current = draft.latest(part)
    if not text:
        if part == "other":  # an empty 五、 is left out of the report
            return reset_part(actor, plan, part, expected_revision_id=expected_revision_id)
        raise DomainError(
            _("Write the text of the part, or return it to the generated text."), "text"
        )
    current_text = current.text if current else None
    if current_text is None:
        generated = queries.generated_report(plan).part(part)
        if generated is not None and text == generated.plain_text():
            return None  # the generated text itself: nothing to keep
    elif text == current_text:
        return None
    revision = _add_revision(actor, plan, part, text, note)
    log_event(
        actor,
        "report.edit",
        draft,
        before={"part": part, "text": current_text},
        after={"part": part, "text": text, "note": note, "revision_id": revision.id},
    )
    log.info("report of plan %s: part %s edited (revision %s)", plan.id, part, revision.id)
    return revision


def reset_part(
    actor, plan: Plan, part: str, *, expected_revision_id: int | None = None
) -> ReportRevision | None:
    """Return a part to the text the data writes (kept as a revision, so it can be undone)."""
    _check_part(part)
    draft = ensure_draft(actor, plan)
    _check_current(draft, part, expected_revision_id)
    current = draft.latest(part)
    if current is None or current.text is None:
        return None
    revision = _add_revision(actor, plan, part, None, "")
    log_event(
        actor,
        "report.reset",
        draft,
        before={"part": part, "text": current.text},
        after={"part": part, "text": None, "revision_id": revision.id},
    )
    return revision


def restore_revision(actor, plan: Plan, revision: ReportRevision) -> ReportRevision | None:
    """Bring back an earlier revision's text as the newest revision."""
    if revision.draft.plan_id != plan.id:
        raise DomainError(_("That revision belongs to another report."))
    if revision.text is None:
        return reset_part(actor, plan, revision.part)
    current = revision.draft.latest(revision.part)
    if current is not None and current.text == revision.text:
        return None
    restored = _add_revision(
        actor,
        plan,
        revision.part,
        revision.text,
        _("Restored revision %(id)d", id=revision.id)[:300],
    )
    log_event(
        actor,
        "report.restore",
        revision.draft,
        before={"part": revision.part, "text": current.text if current else None},
        after={
            "part": revision.part,
            "text": revision.text,
            "restored_from": revision.id,
            "revision_id": restored.id,
        },
    )
    return restored


def save_signature(actor, plan: Plan, *, signatory: str, signed_on: date | None) -> ReportDraft:
    """Set who signs the report (发文机关署名) and its date (成文日期)."""
    signatory = (signatory or "").strip()
    if len(signatory) > 200:
        raise DomainError(_("At most 200 characters."), "signatory")
    if signed_on is not None and signed_on.year < plan.year:
        raise DomainError(
            _("The report cannot be dated before the year it reports on."), "signed_on"
        )
    draft = ensure_draft(actor, plan)
    before = draft.to_audit()
    draft.signatory = signatory
    draft.signed_on = signed_on
    draft.updated_by_id = getattr(actor, "id", None)
    draft.updated_at = clock.now()
    db.session.flush()
    after = draft.to_audit()
    if after != before:
        log_event(actor, "report.signature", draft, before=before, after=after)
    return draft


_SPACES = re.compile(r"\s+")
#: How a report may refer to its own bureau: 我局, 本局, 我委, 我办, 我区, 我市…
_SELF_REFERENCE = re.compile(r"[我本][\u4e00-\u9fff]{1,3}")


def save_report_settings(actor, bureau: Unit, **values: str) -> ReportSettings:
    """Set how `bureau`'s reports speak (see ReportSettings); empty values fall back to the
    defaults. Audited with before and after."""
    cleaned = {}
    for name in ReportSettings.FIELDS:
        value = values.get(name) or ""
        if CONTROL_CHARACTERS.search(value):
            raise DomainError(_("The text contains control characters; remove them."), name)
        value = _SPACES.sub(" ", value).strip()
        if len(value) > ReportSettings.LIMITS[name]:
            raise DomainError(_("At most %(n)d characters.", n=ReportSettings.LIMITS[name]), name)
        cleaned[name] = value
    if cleaned["self_reference"] and not _SELF_REFERENCE.fullmatch(cleaned["self_reference"]):
        raise DomainError(
            _("Two to four Chinese characters starting with 我 or 本, such as 我局 or 我委."),
            "self_reference",
        )
    # the builder adds the sentence's own punctuation: the opening's full stop, the colon
    cleaned["framing"] = cleaned["framing"].rstrip("。.，,；;、 ")
    cleaned["addressee"] = cleaned["addressee"].rstrip("：:。， ")
    settings = queries.report_settings_of(bureau)
    before = settings.to_audit() if settings is not None else None
    if settings is None:
        settings = ReportSettings(bureau_id=bureau.id)
        db.session.add(settings)
    for name, value in cleaned.items():
        setattr(settings, name, value)
    settings.updated_by_id = getattr(actor, "id", None)
    settings.updated_at = clock.now()
    db.session.flush()
    after = settings.to_audit()
    if after != before:
        log_event(actor, "report.settings", settings, before=before, after=after)
    return settings


# -- the reporting task ------------------------------------------------------------------------


def office_of(bureau: Unit, actor=None) -> Unit:
    """The bureau's legal office: the publishing coordinator's unit, else the unit of the
    bureau's first coordinator, else a unit named 办公室, else the bureau itself. A city's office
    (the 依法治市办) is seated at the city node itself, never in a bureau below it."""
    if bureau.kind == "city":
        return bureau
    unit = getattr(actor, "unit", None)
    if getattr(actor, "role", None) == "coordinator" and unit is not None:
        if bureau.contains(unit) and unit.id != bureau.id:
            return unit
    coordinator_unit = next(
        (u.unit for u in coordinators_of(bureau) if u.unit_id != bureau.id), None
    )
    if coordinator_unit is not None:
        return coordinator_unit
    named = db.session.scalar(
        sa.select(Unit).where(Unit.parent_id == bureau.id, Unit.name == "办公室").limit(1)
    )
    return named or bureau


def report_due_date(year: int) -> date:
    """The last working day of March of `year`: the report is published by 1 April."""
    return workdays.last_workday_on_or_before(date(year, 3, 31))


def report_task_ids():
    """A subquery of the ids of every reporting task (copying a plan leaves them out)."""
    return sa.select(ReportDraft.report_task_id).where(ReportDraft.report_task_id.is_not(None))


def create_report_task(actor, plan: Plan) -> Task | None:
    """On publishing `plan` (year Y): add the office's task "报送并公开{Y}年度法治政府建设情况报告",
    due on the last working day of March of Y+1, linked to this plan's report.

    The year's work ends with its report: the plan closes once the report is submitted and
    published (the task is done). Nothing is made when the plan's report already has a task that
    was not cancelled, or another plan of the bureau's year has one."""
    draft = ensure_draft(actor, plan)
    # one reporting task per bureau and year, even when the bureau publishes a second plan of
    # the same year (a 专项工作要点): the year has one report
    already = db.session.scalar(
        sa.select(Task.id)
        .join(ReportDraft, ReportDraft.report_task_id == Task.id)
        .join(Plan, Plan.id == ReportDraft.plan_id)
        .where(
            Plan.bureau_id == plan.bureau_id,
            Plan.year == plan.year,
            Task.status != "cancelled",
        )
        .limit(1)
    )
    if already is not None:
        return None
    office = office_of(plan.bureau, actor)
    is_office_coordinator = (
        isinstance(actor, User) and actor.role == "coordinator" and actor.unit_id == office.id
    )
    owner = actor if is_office_coordinator else None
    if owner is None:
        owner = next(iter(chiefs_of(office)), None)
    task = tasks.create_task(
        actor,
        plan,
        tasks.TaskData(
            title=REPORT_TASK_TITLE.format(year=plan.year),
            text=REPORT_TASK_TEXT,
            kind="general",
            lead_unit=office,
            owner=owner,
            due_date=report_due_date(plan.year + 1),
            deadline_text=f"{plan.year + 1}年3月31日前",
        ),
        within_plan_span=False,
    )
    before = draft.to_audit()
    draft.report_task = task
    draft.report_task_id = task.id
    db.session.flush()
    log_event(actor, "report.task", draft, before=before, after=draft.to_audit())
    return task
