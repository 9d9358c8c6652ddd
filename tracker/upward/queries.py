"""What the city office reads: the bureaus under a city, each one's report status, the tasks
figures the assessment scores, the scores. Every per-bureau figure is one grouped query for all
bureaus together (no query per bureau)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.core import clock, workdays
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records import indicators as statutory
from tracker.records.models import MODELS, Record
from tracker.records.queries import ledger_options
from tracker.reports.models import ReportDraft
from tracker.reports.service import report_task_ids
from tracker.tasks.models import OPEN_STATUSES, Task
from tracker.units.models import Unit
from tracker.upward.models import AssessmentScheme, AssessmentScore, ReportSubmission


def city_of(unit: Unit | None) -> Unit | None:
    """The nearest unit of kind "city" at or above `unit` (one query on the path's ids)."""
    if unit is None:
        return None
    if unit.kind == "city":
        return unit
    return db.session.scalar(
        sa.select(Unit)
        .where(Unit.id.in_(unit.ancestor_ids), Unit.kind == "city")
        .order_by(sa.func.length(Unit.path).desc())
        .limit(1)
    )


def bureaus_of(city: Unit) -> list[Unit]:
    """The active bureaus in the city's subtree, in tree order."""
    return list(
        db.session.scalars(
            sa.select(Unit)
            .where(
                Unit.kind == "bureau",
                Unit.is_active.is_(True),
                Unit.path.startswith(city.path),
                Unit.id != city.id,
            )
            .order_by(Unit.sort_order, Unit.id)
        )
    )


def report_deadline(year: int) -> date:
    """The statutory deadline of year's report: 31 March of the next year, moved back to the
    last working day when it falls on a rest day (the reporting task uses the same rule)."""
    return workdays.last_workday_on_or_before(date(year + 1, 3, 31))


def submissions_by_bureau(bureau_ids: list[int], year: int) -> dict[int, ReportSubmission]:
    if not bureau_ids:
        return {}
    rows = db.session.scalars(
        sa.select(ReportSubmission).where(
            ReportSubmission.bureau_id.in_(bureau_ids), ReportSubmission.year == year
        )
    )
    return {row.bureau_id: row for row in rows}


def submission_of(bureau: Unit, year: int) -> ReportSubmission | None:
    return submissions_by_bureau([bureau.id], year).get(bureau.id)


def next_receipt_serial(city_id: int, year: int) -> int:
    last = db.session.scalar(
        sa.select(sa.func.max(ReportSubmission.receipt_serial)).where(
            ReportSubmission.city_id == city_id, ReportSubmission.year == year
        )
    )
    return (last or 0) + 1


@dataclass(frozen=True)
class ReportStatus:
    """Where a bureau's report stands: not_submitted, submitted, returned, accepted; `late`
    when first sent after the deadline (or not sent and the deadline has passed); `published`
    once its publication is recorded."""

    state: str
    late: bool
    published: bool
    submission: ReportSubmission | None


def status_of(submission: ReportSubmission | None, year: int, today: date) -> ReportStatus:
    deadline = report_deadline(year)
    if submission is None:
        return ReportStatus("not_submitted", today > deadline, False, None)
    return ReportStatus(
        submission.status,
        submission.first_submitted_on > deadline,
        submission.published_on is not None,
        submission,
    )


def report_statuses(
    bureau_ids: list[int], year: int, today: date | None = None
) -> dict[int, ReportStatus]:
    """Each bureau's report status (one query)."""
    today = today or clock.today()
    found = submissions_by_bureau(bureau_ids, year)
    return {bid: status_of(found.get(bid), year, today) for bid in bureau_ids}


def published_submissions(city: Unit, year: int) -> list[ReportSubmission]:
    """The reports of the city's bureaus whose publication is recorded: the public list."""
    return list(
        db.session.scalars(
            sa.select(ReportSubmission)
            .join(Unit, Unit.id == ReportSubmission.bureau_id)
            .where(
                ReportSubmission.city_id == city.id,
                ReportSubmission.year == year,
                ReportSubmission.published_on.is_not(None),
            )
            .order_by(Unit.sort_order, Unit.id)
        )
    )


# -- assessment ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFigures:
    total: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0


def task_figures(bureau_ids: list[int], year: int, today: date) -> dict[int, TaskFigures]:
    """Per bureau, over the tasks of its published plans of `year` (not cancelled): how many,
    how many done, done by their due date, open past their due date. The reporting task is
    left out: the report counts through its own indicator (report_on_time). One grouped query."""
    if not bureau_ids:
        return {}
    done = Task.status == "done"
    on_time = sa.and_(
        done,
        sa.or_(
            Task.due_date.is_(None),
            Task.submitted_on.is_(None),
            Task.submitted_on <= Task.due_date,
        ),
    )
    overdue = sa.and_(Task.status.in_(OPEN_STATUSES), Task.due_date < today)

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    rows = db.session.execute(
        sa.select(
            Plan.bureau_id,
            sa.func.count(Task.id),
            count_if(done),
            count_if(on_time),
            count_if(overdue),
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.bureau_id.in_(bureau_ids),
            Plan.year == year,
            Plan.status != "draft",
            Task.status.not_in(("draft", "cancelled")),
            Task.id.not_in(report_task_ids()),
        )
        .group_by(Plan.bureau_id)
    )
    figures = {bid: TaskFigures() for bid in bureau_ids}
    for bureau_id, total, n_done, n_on_time, n_overdue in rows:
        figures[bureau_id] = TaskFigures(int(total), int(n_done), int(n_on_time), int(n_overdue))
    return figures


def statutory_figures(
    bureau_ids: list[int], year: int, today: date, keys
) -> dict[int, dict[str, statutory.Figure]]:
    """Per bureau, the statutory indicators named by `keys` over the ledgers of its plans of
    `year` (judged at the year's end, or today during the year): one query per record kind
    for all bureaus (and its loader options), not one per bureau."""
    wanted = [i for i in statutory.INDICATORS if i.key in set(keys)]
    as_of = statutory.as_of_for_year(year, today)
    result: dict[int, dict[str, statutory.Figure]] = {bid: {} for bid in bureau_ids}
    for kind in dict.fromkeys(i.kind for i in wanted):
        rows = db.session.execute(
            sa.select(MODELS[kind], Plan.bureau_id)
            .join(Task, Task.id == Record.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(
                Plan.bureau_id.in_(bureau_ids),
                Plan.year == year,
                Record.is_void.is_(False),
            )
            .options(*ledger_options(kind))
            .order_by(Record.occurred_on, Record.id)
        )
        by_bureau: dict[int, list] = defaultdict(list)
        for record, bureau_id in rows:
            by_bureau[bureau_id].append(record)
        for bureau_id in bureau_ids:
            for indicator in (i for i in wanted if i.kind == kind):
                result[bureau_id][indicator.key] = statutory.compute(
                    indicator, by_bureau[bureau_id], as_of
                )
    return result


def statutory_keys() -> tuple[str, ...]:
    return tuple(i.key for i in statutory.INDICATORS)


def schemes_of(city: Unit, year: int) -> list[AssessmentScheme]:
    """Every version of the city's scheme for the year, newest first."""
    return list(
        db.session.scalars(
            sa.select(AssessmentScheme)
            .where(AssessmentScheme.city_id == city.id, AssessmentScheme.year == year)
            .order_by(AssessmentScheme.version.desc())
        )
    )


def current_scheme(city: Unit, year: int) -> AssessmentScheme | None:
    schemes = schemes_of(city, year)
    return schemes[0] if schemes else None


def scores_of(scheme: AssessmentScheme) -> dict[int, dict[str, AssessmentScore]]:
    """bureau id → indicator key → score, for one scheme version (one query)."""
    result: dict[int, dict[str, AssessmentScore]] = {}
    for score in db.session.scalars(
        sa.select(AssessmentScore).where(AssessmentScore.scheme_id == scheme.id)
    ):
        result.setdefault(score.bureau_id, {})[score.indicator] = score
    return result


def totals_by_bureau(bureau_ids: list[int], year: int) -> dict[int, float | None]:
    """Each bureau's total score under the newest scheme version of its city's year that has
    scores (one query); None where nothing is scored."""
    if not bureau_ids:
        return {}
    newest = (
        sa.select(
            AssessmentScore.bureau_id.label("bureau_id"),
            sa.func.max(AssessmentScore.scheme_id).label("scheme_id"),
        )
        .join(AssessmentScheme, AssessmentScheme.id == AssessmentScore.scheme_id)
        .where(AssessmentScore.bureau_id.in_(bureau_ids), AssessmentScheme.year == year)
        .group_by(AssessmentScore.bureau_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(AssessmentScore.bureau_id, sa.func.sum(AssessmentScore.score))
        .join(
            newest,
            sa.and_(
                newest.c.bureau_id == AssessmentScore.bureau_id,
                newest.c.scheme_id == AssessmentScore.scheme_id,
            ),
        )
        .group_by(AssessmentScore.bureau_id)
    )
    totals: dict[int, float | None] = dict.fromkeys(bureau_ids)
    for bureau_id, total in rows:
        totals[bureau_id] = round(float(total), 2)
    return totals


def city_columns(bureau_ids: list[int], year: int, today: date | None = None) -> dict[int, dict]:
    """For the city dashboard: each bureau's {"report": ReportStatus, "score": total or None},
    in two queries whatever the number of bureaus."""
    statuses = report_statuses(bureau_ids, year, today)
    totals = totals_by_bureau(bureau_ids, year)
    return {bid: {"report": statuses[bid], "score": totals[bid]} for bid in bureau_ids}


@dataclass
class RankRow:
    bureau: Unit
    scores: dict[str, AssessmentScore]
    total: float
    rank: int = 0


def ranking(scheme: AssessmentScheme) -> list[RankRow]:
    """通报: the city's bureaus by total score under `scheme`, highest first; equal totals share
    a rank (1, 2, 2, 4)."""
    scores = scores_of(scheme)
    rows = [
        RankRow(
            b, scores.get(b.id, {}), round(sum(s.score for s in scores.get(b.id, {}).values()), 2)
        )
        for b in bureaus_of(scheme.city)
    ]
    rows.sort(key=lambda r: (-r.total, r.bureau.sort_order, r.bureau.id))
    for index, row in enumerate(rows):
        previous = rows[index - 1] if index else None
        row.rank = previous.rank if previous and previous.total == row.total else index + 1
    return rows


def reporting_tasks_settled():
    """A select of the ids of the reporting tasks whose report has reached the city office
    (submitted and waiting for review, or accepted): the reminder sweep leaves them alone."""
    return (
        sa.select(ReportDraft.report_task_id)
        .join(Plan, Plan.id == ReportDraft.plan_id)
        .join(
            ReportSubmission,
            sa.and_(
                ReportSubmission.bureau_id == Plan.bureau_id,
                ReportSubmission.year == Plan.year,
            ),
        )
        .where(
            ReportDraft.report_task_id.is_not(None),
            ReportSubmission.status.in_(("submitted", "accepted")),
        )
    )


def city_report_sentences(city: Unit, year: int, today: date) -> list[str]:
    """The sentences a city's annual report of `year` gives about its bureaus."""
    bureaus = bureaus_of(city)
    if not bureaus:
        return []
    ids = [b.id for b in bureaus]
    figures = task_figures(ids, year, today).values()
    total, done = sum(f.total for f in figures), sum(f.done for f in figures)
    sentences = []
    if total:
        sentences.append(
            f"全市{len(ids)}个部门年度法治建设工作要点共确定重点任务{total}项，年内办结{done}项。"
        )
    reports = [s for s in report_statuses(ids, year - 1, today).values() if s.submission]
    if reports:
        on_time = sum(1 for s in reports if not s.late)
        published = sum(1 for s in reports if s.published)
        sentences.append(
            f"{len(reports)}个部门向依法治市办报送了{year - 1}年度法治政府建设情况报告，"
            f"其中按时报送{on_time}个，已向社会公开{published}份。"
        )
    return sentences
