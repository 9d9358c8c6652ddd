"""The demo's 2020 report as the legal office finished it: parts 二 and 四 in the seed's words
(the data of 2020 shows nothing missed, and Duban holds no 2021 plan), signed on 15 January 2021."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.core import clock
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reports import queries, service
from tracker.units.models import Unit

PLAN_TITLE = "2020年法治建设工作要点"
SHORTCOMINGS = (
    "2020年，我局全面落实市委、市政府关于推进依法行政、加快法治政府建设的总体部署和要求，着力以制度体系"
    "建设为基础，不断提高依法行政能力，在全面推进法治建设中取得了一定成效，但与省、市有关法治政府建设的"
    "总体工作要求和规划还有一定的差距，主要体现在：一是目前民政干部队伍不同程度地存在人员不足等问题，"
    "民政干部队伍整体素质仍需进一步加强。二是目前我局专业法律工作人员偏少，自身法律专家队伍建设需进一步"
    "加强。"
)
ARRANGEMENTS = "\n".join(
    [
        "（一）加强规范性文件的制定。完善民政政策法规体系，提高政策制度质量。围绕民政工作中心任务制订完善"
        "政策法规。对照国家和省、市出台的有关民政法律、法规、规范性文件，健全完善配套性文件。通过配套政策"
        "文件的制订出台，将国家、省、市的有关民政法律、法规、规范性文件落到实处。",
        "（二）强化法治建设业务人员培训。进一步加强执法人员的培训工作，使其熟练掌握相关法律知识、执法"
        "程序、案卷制作标准及方法，努力提高行政执法文书的制作运用能力，提高执法水平和办案质量，加强行政"
        "执法队伍管理，保障执法质量。",
        "（三）落实重大决策社会稳定风险评估机制。充分发挥专家咨询在重大决策中的积极作用，对专业性、技术性"
        "较强的决策事项，组织专家、专业机构进行论证。",
        "（四）做好行政执法责任制相关工作。进一步完善行政执法岗位责任制度、程序制度、公示制度、定期报告"
        "制度、案卷归档制度等行政执法责任配套制度，规范行政执法活动。同时，要建立完善行政执法案卷评查制度、"
        "评议考核制度、监督检查制度、责任追究制度等行政执法考核、监督及责任追究制度。",
    ]
)
SIGNED_ON = date(2021, 1, 15)


def _at(day: date, hour: int):
    moment = datetime.combine(day, time(hour), tzinfo=clock.local_timezone())
    return clock.frozen_at(min(moment, clock.now()))


def load_report_demo(bureau: Unit) -> int:
    """Write the 2020 report's edits and signature once; the number of changes made."""
    plan = db.session.scalar(
        sa.select(Plan).where(Plan.bureau_id == bureau.id, Plan.title == PLAN_TITLE)
    )
    office = db.session.scalar(sa.select(User).where(User.username == "office"))
    if plan is None or office is None:
        return 0
    draft = queries.draft_of(plan)  # made when the plan was published, with its reporting task
    if draft is not None and (queries.revisions_of(draft) or draft.signed_on):
        return 0
    with _at(date(2021, 1, 14), 15):
        service.save_part(
            office, plan, "shortcomings", SHORTCOMINGS, note="按局党组会议意见补充不足"
        )
        service.save_part(
            office, plan, "arrangements", ARRANGEMENTS, note="2021年工作要点尚未印发，先写主要安排"
        )
    with _at(SIGNED_ON, 9):
        service.save_signature(office, plan, signatory=bureau.name, signed_on=SIGNED_ON)
    return 3
