"""The demo's 2020 report as the legal office finished it: the structural notes part 二 is
written from (the data of 2020 shows nothing missed) and the signature of 15 January 2021. Every
part is the generator's own; part 四 comes from the 2021 plan (tracker.demo.plan2021)."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.accounts.queries import coordinators_of
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports import queries, service
from tracker.tasks import causes
from tracker.units.models import Unit

PLAN_TITLE = "2020年法治建设工作要点"
#: The coordinator's structural notes on the year (the seed's 不足: too few staff, too few legal
#: professionals): every 2020 task was done on time, so part 二 is written from these.
STRUCTURAL_NOTES = [
    (
        "人员力量不足",
        "目前民政干部队伍不同程度地存在人员不足等问题，民政干部队伍整体素质仍需进一步加强。",
    ),
    ("专业人才缺乏", "目前我局专业法律工作人员偏少，自身法律专家队伍建设需进一步加强。"),
]
SIGNED_ON = date(2021, 1, 15)
#: How 忻州市民政局's reports speak, as the seed's does: "2020年,市民政局以……现将我局2020年度法治
#: 政府建设情况报告如下", signed with the full name, no addressee line. Its guiding clause stays
#: the plan's own (each year's preamble names that year's guidance).
SETTINGS = {"short_name": "市民政局", "self_reference": "我局", "signatory": "忻州市民政局"}
#: The other bureaus of the city address their reports to the 依法治市办 they submit them to.
CITY_OFFICE = "市委全面依法治市委员会办公室"


def _at(day: date, hour: int):
    moment = datetime.combine(day, time(hour), tzinfo=clock.local_timezone())
    return clock.frozen_at(min(moment, clock.now()))


def load_report_demo(bureau: Unit) -> int:
    """Write the 2020 report's structural notes and signature once; the number of changes."""
    plan = db.session.scalar(
        sa.select(Plan).where(Plan.bureau_id == bureau.id, Plan.title == PLAN_TITLE)
    )
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    if plan is None or office is None:
        return 0
    draft = queries.draft_of(plan)  # made when the plan was published, with its reporting task
    if draft is not None and draft.signed_on:
        return 0
    with _at(date(2021, 1, 14), 15):
        for cause, explanation in STRUCTURAL_NOTES:
            causes.state_structural_note(office, plan, causes.CauseInput(cause, explanation))
    with _at(SIGNED_ON, 9):
        service.save_signature(office, plan, signatory=bureau.name, signed_on=SIGNED_ON)
    return len(STRUCTURAL_NOTES) + 1


def load_report_settings(bureau: Unit, others: list[Unit]) -> int:
    """The demo bureaus' report settings, set once by each legal office; the number set."""
    written = 0
    with _at(date(2021, 1, 4), 10):
        for unit in [bureau, *others]:
            office = next(iter(coordinators_of(unit)), None)
            if office is None or queries.report_settings_of(unit) is not None:
                continue
            if unit is bureau:
                values = SETTINGS
            else:  # the first alias is the short name the city uses: 市司法局
                short = next(iter(unit.alias_list), "")
                values = {"short_name": short, "addressee": CITY_OFFICE}
            service.save_report_settings(office, unit, **values)
            written += 1
    return written
