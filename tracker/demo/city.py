"""The city above the demo bureau: 忻州市 with its 依法治市办 (the city office, seated at the city
node), 忻州市民政局 as the seed describes it, and four more bureaus of the city with generated
but plausible plans, so that the city's list of reports, its assessment and its ranking compare
real figures.

The other bureaus' plans carry the items every bureau's 法治政府建设 plan has (the 法治政府建设
实施纲要's headings); how far each bureau got differs, so the ranking is not a tie. Their 2020
plans are closed like 民政局's, so the city's reports of 2020 (the seed's year) can be compared;
their current plans run this year with dates relative to today, as 民政局's does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.accounts.service import create_user
from tracker.core import clock, workdays
from tracker.demo import data
from tracker.demo.city_upward import DEMO_ACTOR
from tracker.demo.plans import _plan_exists, _work_through, at
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.reports.service import REPORT_TASK_TITLE
from tracker.tasks import service as tasks
from tracker.tasks import workflow
from tracker.tasks.causes import CauseInput
from tracker.tasks.models import Task
from tracker.units.models import Unit
from tracker.units.service import create_unit

CITY = "忻州市"
CITY_ALIASES = "忻州,市委全面依法治市委员会办公室,依法治市办"

#: (username, role, display name, position): the 依法治市办, seated at the city node.
CITY_USERS = [
    ("city-office", "coordinator", "高文斌", "市委依法治市办秘书科科长"),
    ("city-leader", "leader", "侯建军", "市委依法治市办主任"),
]


@dataclass(frozen=True)
class OtherBureau:
    name: str
    aliases: str
    short: str  # for usernames and document numbers
    doc_prefix: str
    sections: tuple[tuple[str, str], ...]  # (name, aliases); the first is the legal office
    people: tuple[str, str, str, str]  # coordinator, principal, chiefs of sections 2 and 3
    #: How far the bureau got: the share of this year's tasks done, and how many items of a
    #: past year it finished late (both drive the ranking).
    done_share: float
    late_items: int


OTHER_BUREAUS = (
    OtherBureau(
        "忻州市司法局",
        "市司法局,司法局",
        "sfj",
        "忻司发",
        (
            ("办公室", "局办公室,法制科"),
            ("行政执法协调监督科", "执法监督科"),
            ("普法与依法治理科", "普法科,依法治理科"),
            ("行政复议与应诉科", "复议应诉科"),
        ),
        ("刘志刚", "王海峰", "段丽君", "乔振宇"),
        0.75,
        0,
    ),
    OtherBureau(
        "忻州市生态环境局",
        "市生态环境局,生态环境局",
        "sthj",
        "忻环发",
        (
            ("办公室", "局办公室,法规科"),
            ("生态环境执法科", "执法科"),
            ("法规与标准科", "法规标准科"),
            ("环境影响评价与排放管理科", "环评科"),
        ),
        ("赵建平", "郭永红", "白晓东", "田秀英"),
        0.5,
        1,
    ),
    OtherBureau(
        "忻州市市场监督管理局",
        "市市场监管局,市场监管局",
        "scjg",
        "忻市监发",
        (
            ("办公室", "局办公室"),
            ("法规科", "政策法规科"),
            ("执法稽查科", "稽查科"),
            ("信用监督管理科", "信用科"),
        ),
        ("牛晓鹏", "贾志强", "武雪梅", "康立新"),
        0.6,
        2,
    ),
    OtherBureau(
        "忻州市交通运输局",
        "市交通运输局,交通局",
        "jtys",
        "忻交发",
        (
            ("办公室", "局办公室,法制科"),
            ("运输管理科", "运管科"),
            ("综合行政执法队", "执法队"),
            ("规划建设科", "规划科"),
        ),
        ("薛建华", "韩卫东", "任玉兰", "阎国庆"),
        0.35,
        3,
    ),
)

#: (section number, section title, [(task title, text, lead section index, kind, due MM-DD)])
ITEMS = (
    (
        "一",
        "深入学习宣传贯彻习近平法治思想",
        [
            (
                "局党组理论学习中心组集体学法",
                "全年安排党组理论学习中心组集体学法不少于4次，学习习近平法治思想和新颁布的法律法规。",
                0,
                "study",
                "11-30",
            ),
            (
                "开展领导干部应知应会法律法规考试",
                "组织局机关和下属单位领导干部参加应知应会党内法规和国家法律法规考试。",
                0,
                "study",
                "10-31",
            ),
        ],
    ),
    (
        "二",
        "依法全面履行职能",
        [
            (
                "动态调整权责清单并向社会公布",
                "按照机构改革后的职能对权责清单进行动态调整，在门户网站公布。",
                0,
                "general",
                "06-30",
            ),
            (
                "规范性文件合法性审核全覆盖",
                "本部门制发的行政规范性文件在提交集体审议前全部经过合法性审核，并按规定报备。",
                0,
                "normative_review",
                "12-15",
            ),
        ],
    ),
    (
        "三",
        "严格规范公正文明执法",
        [
            (
                "全面落实行政执法三项制度",
                "落实行政执法公示、执法全过程记录、重大执法决定法制审核制度，按时公示执法信息。",
                1,
                "enforcement_cert",
                "09-30",
            ),
            (
                "开展行政执法案卷评查",
                "组织开展年度行政执法案卷评查，对发现的问题督促整改。",
                1,
                "inspection",
                "11-15",
            ),
            (
                "组织执法人员参加执法资格考试和专业培训",
                "执法人员全部持证上岗，全年组织专业法律知识培训不少于40学时。",
                1,
                "enforcement_cert",
                "08-31",
            ),
        ],
    ),
    (
        "四",
        "健全依法决策机制和普法责任制",
        [
            (
                "重大行政决策履行法定程序",
                "重大行政决策严格履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。",
                0,
                "major_decision",
                "12-20",
            ),
            (
                "落实“谁执法谁普法”普法责任制",
                "制定年度普法责任清单，结合“宪法宣传周”等节点开展法治宣传活动。",
                2,
                "publicity",
                "12-04",
            ),
            (
                "发挥法律顾问作用",
                "法律顾问参与重大决策、合同审查和信访、诉讼案件处理，建立工作台账。",
                0,
                "legal_counsel",
                "12-25",
            ),
        ],
    ),
)


LATE_CAUSE = CauseInput(
    cause="部门协调难度大",
    explanation="需会同多个科室和下属单位共同完成，材料汇总晚于计划。",
    remedy="建立周调度机制，明确各环节完成时限。",
)


def demo_unit(name: str, parent: Unit | None, kind: str, aliases: str, report=None) -> Unit:
    """The demo's unit of that name under `parent`, made when missing (counted in `report`, a
    service.LoadReport, when one is given)."""
    query = sa.select(Unit).where(Unit.name == name)
    query = query.where(Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id)
    unit = db.session.scalar(query)
    if unit is None:
        unit = create_unit(DEMO_ACTOR, name=name, kind=kind, parent=parent, aliases=aliases)
        if report is not None:
            report.add("units")
    return unit


def _user(username: str, role: str, unit: Unit, name: str, title: str, **extra) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = create_user(
            DEMO_ACTOR,
            username=username,
            display_name=name,
            role=role,
            unit=unit,
            password=data.DEMO_PASSWORD,
            title=title,
            email=f"{username}@{data.EMAIL_DOMAIN}",
            **extra,
        )
    return user


def load_city() -> Unit:
    """The city node and its office's two accounts (before the bureau goes under it)."""
    city = demo_unit(CITY, None, "city", CITY_ALIASES)
    for username, role, name, title in CITY_USERS:
        _user(username, role, city, name, title)
    return city


@dataclass
class People:
    office: User
    principal: User
    chiefs: dict[int, User]  # unit id → its chief
    units: list[Unit]


def _bureau(city: Unit, spec: OtherBureau) -> tuple[Unit, People]:
    bureau = demo_unit(spec.name, city, "bureau", spec.aliases)
    units = [demo_unit("局领导", bureau, "section", "局领导班子,局党组")]
    units += [demo_unit(name, bureau, "section", aliases) for name, aliases in spec.sections]
    office_name, principal_name, *chief_names = spec.people
    office = _user(f"{spec.short}-office", "coordinator", units[1], office_name, "办公室主任")
    principal = _user(
        f"{spec.short}-director", "leader", units[0], principal_name, "党组书记、局长",
        is_principal=True,
    )  # fmt: skip
    chiefs = {
        unit.id: _user(f"{spec.short}-chief{n}", "chief", unit, name, f"{unit.name}负责人")
        for n, (unit, name) in enumerate(zip(units[2:4], chief_names, strict=True), 1)
    }
    return bureau, People(office, principal, chiefs, units)


def _worker(people: People, lead: Unit) -> User:
    return people.chiefs.get(lead.id, people.office)


def _create_plan(spec: OtherBureau, bureau: Unit, people: People, year: int, drafted: date):
    with at(drafted, 9):
        plan = plans.create_plan(
            people.office,
            bureau=bureau,
            year=year,
            title=f"{year}年法治政府建设工作要点",
            document_number=f"{spec.doc_prefix}〔{year}〕3号",
        )
        for number, title, items in ITEMS:
            section = plans.save_section(
                people.office, plan, None, number=f"{number}、", title=title, parent=None
            )
            for index, (task_title, text, lead_index, kind, due) in enumerate(items, 1):
                lead = people.units[lead_index + 1]
                tasks.create_task(
                    people.office,
                    plan,
                    tasks.TaskData(
                        section=section,
                        number=f"{index}.",
                        title=task_title,
                        text=text,
                        kind=kind,
                        lead_unit=lead,
                        co_units=[],
                        owner=_worker(people, lead),
                        supervisor=people.principal,
                        due_date=date.fromisoformat(f"{year}-{due}"),
                    ),
                )
    with at(workdays.add_workdays(drafted, 2), 15):
        plans.publish_plan(people.office, plan)
    return plan


def _plan_tasks(plan: Plan) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task)
            .where(Task.plan_id == plan.id, Task.parent_id.is_(None))
            .order_by(Task.id)
        )
    )


def _load_closed(spec: OtherBureau, bureau: Unit, people: People, year: int) -> None:
    """A closed plan of a past year: every item done, `late_items` of them after their
    deadline, and the annual report sent upward in January of the next year."""
    if _plan_exists(bureau, f"{year}年法治政府建设工作要点"):
        return
    plan = _create_plan(spec, bureau, people, year, workdays.add_workdays(date(year, 2, 20), 0))
    report_title = REPORT_TASK_TITLE.format(year=year)
    late = spec.late_items
    for task in _plan_tasks(plan):
        if task.title == report_title:
            _work_through(
                task,
                people.office,
                people.office,
                claimed=date(year + 1, 1, 4),
                submitted=workdays.add_workdays(date(year + 1, 1, 15), late),
                accepted=workdays.add_workdays(date(year + 1, 1, 18), late),
                result=f"形成{bureau.name}{year}年度法治政府建设情况报告，经局党组会议审议后报送并公开。",
            )
            continue
        is_late = late > 0
        late -= int(is_late)
        finished = (
            workdays.add_workdays(task.due_date, 6) if is_late else task.due_date - timedelta(3)
        )
        _work_through(
            task,
            _worker(people, task.lead_unit),
            people.office,
            claimed=workdays.add_workdays(date(year, 3, 2), 0),
            submitted=workdays.add_workdays(finished, -1),
            accepted=finished,
            result=f"{task.title}工作已按要点要求完成，相关材料已归档。",
            cause=LATE_CAUSE if is_late else None,
        )
    with at(workdays.add_workdays(date(year + 1, 2, 1), 0), 11):
        plans.close_plan(people.office, plan)


def _load_current(spec: OtherBureau, bureau: Unit, people: People, today: date) -> None:
    """This year's plan: the first `done_share` of the items (by deadline) done, the others
    under way or not yet claimed; what is past its deadline and not done is overdue."""
    title = f"{today.year}年法治政府建设工作要点"
    if _plan_exists(bureau, title):
        return
    drafted = min(date(today.year, 2, 20), today - timedelta(days=30))
    plan = _create_plan(spec, bureau, people, today.year, drafted)
    items = [t for t in _plan_tasks(plan) if not t.title.startswith("报送并公开")]
    items.sort(key=lambda t: t.due_date)
    done = round(len(items) * spec.done_share)
    claimed = workdays.add_workdays(drafted, 5)
    for index, task in enumerate(items):
        worker = _worker(people, task.lead_unit)
        if index < done:
            finished = min(task.due_date, today - timedelta(days=2))
            _work_through(
                task,
                worker,
                people.office,
                claimed=claimed,
                submitted=workdays.add_workdays(finished, -2),
                accepted=finished,
                result=f"{task.title}已完成，形成工作台账和总结材料。",
            )
        elif index % 3 != 2:
            with at(claimed, 9, 30):
                workflow.transition(worker, task, "claim", note="已签收，按计划推进。")
            with at(today - timedelta(days=5), 16):
                workflow.add_progress(
                    worker,
                    task,
                    note="正在推进，已完成方案制定和部分工作。",
                    progress=40 + 10 * (index % 4),
                    expected_version=task.version,
                )


def load_city_bureaus(city: Unit) -> list[Unit]:
    """The city's other bureaus with their people and plans; returns them."""
    today = clock.today()
    bureaus = []
    for spec in OTHER_BUREAUS:
        bureau, people = _bureau(city, spec)
        db.session.flush()
        # closed plans of the seed's year and of last year (whose reports the city office
        # receives this year)
        for year in sorted({2020, today.year - 1}):
            _load_closed(spec, bureau, people, year)
        _load_current(spec, bureau, people, today)
        bureaus.append(bureau)
    return bureaus
