"""Demo of the city level's reports upward and assessment: last year's reports of the city's
bureaus submitted to the 依法治市办 (one late, one returned for revision then accepted, the others
accepted), their publication with links, a 考核 scheme for the year with weights, automatic
scores from the bureaus' data and the manual item scored by hand, so the 通报 ranks them.

Call `load(city, bureaus, now)` once the city, its bureaus, their users and plans exist (the
city demo does). Idempotent: a bureau whose report is already submitted, a year that already
has a scheme, are left as they are.

Consistent with the seed: 忻州市民政局's 2020 report is dated and sent on 15 January 2021; for
that year its submission carries that date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from tracker.accounts.queries import coordinators_of
from tracker.audit.service import SystemActor
from tracker.core import clock, workdays
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.units.models import Unit
from tracker.upward import queries, service
from tracker.upward.models import ReportSubmission

DEMO_ACTOR = SystemActor(username="demo-loader")
SEED_BUREAU = "忻州市民政局"
#: The seed: the 2020 report of 忻州市民政局 is dated, and was sent, on 15 January 2021.
SEED_REPORT = (2020, date(2021, 1, 15))

SCHEME_TITLE = "{year}年度法治政府建设考核方案"
SCHEME = [
    {"key": "completion", "name": "年度任务完成率", "kind": "completion_rate", "weight": 35},
    {"key": "on_time", "name": "按时完成率", "kind": "on_time_rate", "weight": 20},
    {"key": "overdue", "name": "逾期任务扣分", "kind": "overdue_deduction", "weight": 10,
     "per_item": 1},
    {"key": "report", "name": "年度报告按时报送并公开", "kind": "report_on_time", "weight": 15,
     "late_share": 0.4},
    {"key": "inspection", "name": "法治督察检查", "kind": "manual", "weight": 20},
]  # fmt: skip
#: The 督察 score, by position in the list of bureaus (cycled), with its note and evidence.
INSPECTION = (
    (18.5, "督察检查：制度健全，台账规范。", "依法治市办督察反馈意见"),
    (16.0, "督察检查：行政执法案卷评查发现问题2项，已整改。", "案卷评查通报"),
    (17.0, "督察检查：重大行政决策程序材料齐全，合法性审查意见留存完整。", "督察检查记录"),
    (14.5, "督察检查：普法责任清单未及时更新，已督促整改。", "督察反馈意见"),
    (15.5, "督察检查：法律顾问参与决策记录不完整。", "督察检查记录"),
)
RETURN_NOTE = "请补充行政复议、行政诉讼案件数据，并按统一格式列明存在的不足和原因。"


def demo_year(now: datetime, bureaus: list[Unit] = ()) -> int:
    """The year whose reports the demo shows: the latest past year in which most of the bureaus
    have a published plan (the demo bureau's history may stop before last year); without any,
    last year once its reports are all in (mid April), before that the year before."""
    today = clock.to_local(now).date() if now.tzinfo else now.date()
    if bureaus:
        covered = sa.func.count(sa.distinct(Plan.bureau_id))
        best = db.session.execute(
            sa.select(Plan.year, covered)
            .where(
                Plan.bureau_id.in_([b.id for b in bureaus]),
                Plan.status != "draft",
                Plan.year < today.year,
            )
            .group_by(Plan.year)
            .order_by(covered.desc(), Plan.year.desc())
            .limit(1)
        ).first()
        if best is not None:
            return best.year
    return today.year - 1 if today >= date(today.year, 4, 15) else today.year - 2


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=clock.local_timezone())


def _coordinator(unit: Unit):
    """A bureau's coordinator; for the city, a coordinator seated at the city node itself (the
    依法治市办), never one of a bureau below it. The loader itself when there is none."""
    people = coordinators_of(unit) if unit.kind == "bureau" else service.city_office_of(unit)
    return people[0] if people else DEMO_ACTOR


def _publish(office, submission, day: date) -> None:
    with clock.frozen_at(_at(day, 16)):
        service.record_publication(
            office,
            submission,
            where="部门门户网站“法治政府建设”专栏",
            url=f"https://xxgk.example.gov.cn/bureau{submission.bureau_id}/fzzf{submission.year}.html",
            on=day,
        )


def _submit_reports(city: Unit, bureaus: list[Unit], year: int) -> int:
    office = _coordinator(city)
    deadline = queries.report_deadline(year)
    made = 0
    for index, bureau in enumerate(bureaus):
        if (
            queries.submission_of(bureau, year) is not None
            or service.report_plan(bureau, year) is None
        ):
            continue
        coordinator = _coordinator(bureau)
        late = index == 1 and bureau.name != SEED_BUREAU
        returned = index == 2 and bureau.name != SEED_BUREAU
        if bureau.name == SEED_BUREAU and year == SEED_REPORT[0]:
            sent = SEED_REPORT[1]
        elif late:
            sent = workdays.add_workdays(deadline, 3)
        else:
            sent = workdays.add_workdays(deadline, -(4 + index % 5))
        with clock.frozen_at(_at(sent)):
            submission = service.submit(coordinator, bureau, year)
        if returned:
            with clock.frozen_at(_at(workdays.add_workdays(sent, 1), 15)):
                service.review(office, submission, accept=False, note=RETURN_NOTE)
            sent = workdays.add_workdays(sent, 3)
            with clock.frozen_at(_at(sent)):
                service.submit(coordinator, bureau, year)
        accepted_on = workdays.add_workdays(sent, 1)
        with clock.frozen_at(_at(accepted_on, 11)):
            service.review(office, submission, accept=True, note="")
        if not late:  # the late one has not published yet
            _publish(coordinator, submission, workdays.add_workdays(accepted_on, 2))
        made += 1
    return made


def _assess(city: Unit, bureaus: list[Unit], year: int, now: datetime) -> bool:
    if queries.current_scheme(city, year) is not None:
        return False
    office = _coordinator(city)
    scored_at = min(now, _at(date(year + 1, 4, 20), 9))
    with clock.frozen_at(scored_at - timedelta(days=30)):
        scheme = service.save_scheme(office, city, year, SCHEME_TITLE.format(year=year), SCHEME)
    with clock.frozen_at(scored_at):
        service.score_automatically(office, scheme)
        assessed = {b.id for b in queries.bureaus_of(city)}
        for index, bureau in enumerate(b for b in bureaus if b.id in assessed):
            points, note, evidence = INSPECTION[index % len(INSPECTION)]
            service.score_by_hand(
                office, scheme, bureau, "inspection", points=points, note=note, evidence=evidence
            )
    return True


def load(city: Unit, bureaus: list[Unit], now: datetime, *, year: int | None = None) -> dict:
    """Submit, review and publish `year`'s reports (default: `demo_year(now, bureaus)`) of
    the bureaus that have a published plan of that year, and score them under a new scheme.
    Returns what was made."""
    year = year or demo_year(now, bureaus)
    made = {"submissions": _submit_reports(city, bureaus, year)}
    made["schemes"] = int(_assess(city, bureaus, year, now))
    db.session.flush()
    made["year"] = year
    made["published"] = db.session.scalar(
        sa.select(sa.func.count(ReportSubmission.id)).where(
            ReportSubmission.city_id == city.id,
            ReportSubmission.year == year,
            ReportSubmission.published_on.is_not(None),
        )
    )
    return made
