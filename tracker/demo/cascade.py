"""The city's own plan (市法治建设工作要点) cascaded to the bureaus: items 忻州市民政局 leads,
decomposed into tasks its current plan already has (linked), one item it has still to
decompose, and 忻州市交通运输局's request not to carry an item (申请不承担) waiting for the
依法治市办."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.cascade import service as cascade
from tracker.core import clock, workdays
from tracker.demo import plan_current
from tracker.demo.plans import _plan_exists, at
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.tasks import service as tasks
from tracker.tasks.models import Task
from tracker.units.models import Unit

TITLE_TEMPLATE = "{year}年全市法治建设工作要点"
DOCUMENT_NUMBER_TEMPLATE = "忻依法治办发〔{year}〕1号"
OTHER_BUREAU = "忻州市交通运输局"
DECLINE_REASON = "本局本年度无涉及养老服务设施布局的重大行政决策事项，建议由市民政局牵头落实。"

#: (number, title, text, [titles of 民政局's tasks it is decomposed into], the other bureau is
#: a co-unit). An item with no task titles waits to be decomposed (待分解).
ITEMS = (
    (
        "1.",
        "健全完善规范性文件制度体系",
        "各部门对照上位法健全完善配套性规范性文件，全面清理现行有效规范性文件并向社会公布目录。",
        ["对照上位法健全完善民政配套性规范性文件", "清理现行有效规范性文件并向社会公布目录"],
        False,
    ),
    (
        "2.",
        "严格规范公正文明执法",
        "全面落实行政执法责任制和公示制度，开展行政执法案卷评查。",
        ["完善行政执法岗位责任制度和公示制度", "开展行政执法案卷评查"],
        False,
    ),
    (
        "3.",
        "推进重大行政决策程序规范化",
        "重大行政决策严格履行公众参与、专家论证、风险评估、合法性审查和集体讨论决定程序。",
        ["对养老服务设施布局规划调整开展风险评估和专家论证"],
        True,
    ),
    (
        "4.",
        "加强社会组织登记管理和执法监管",
        "依法开展社会组织登记管理、年报公示和“双随机、一公开”抽查，查处违法违规行为。",
        [],
        False,
    ),
)


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _bureau(city: Unit, name: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.parent_id == city.id, Unit.name == name))


def load_city_plan(city: Unit, bureau: Unit) -> int:
    """The city's plan of this year with its items, published and decomposed as the module
    says; returns how many items were made (0 when the plan exists already)."""
    today = clock.today()
    title = TITLE_TEMPLATE.format(year=today.year)
    office = _user("city-office")
    bureau_plan = db.session.scalar(
        sa.select(Plan).where(
            Plan.bureau_id == bureau.id,
            Plan.title == plan_current.TITLE_TEMPLATE.format(year=today.year),
        )
    )
    if office is None or bureau_plan is None or _plan_exists(city, title):
        return 0
    other = _bureau(city, OTHER_BUREAU)
    drafted = min(date(today.year, 2, 10), today - timedelta(days=40))
    due = date(today.year, 12, 31)
    made: list[tuple[Task, list[str]]] = []
    with at(drafted, 9):
        plan = plans.create_plan(
            office,
            bureau=city,
            year=today.year,
            title=title,
            document_number=DOCUMENT_NUMBER_TEMPLATE.format(year=today.year),
        )
        for number, item_title, text, linked, with_other in ITEMS:
            item = tasks.create_task(
                office,
                plan,
                tasks.TaskData(
                    number=number,
                    title=item_title,
                    text=text,
                    lead_unit=bureau,
                    co_units=[other] if with_other and other is not None else [],
                    due_date=due,
                ),
            )
            made.append((item, linked))
    with at(workdays.add_workdays(drafted, 1), 15):
        plans.publish_plan(office, plan)
    coordinator = _user("office")
    by_title = {
        t.title: t
        for t in db.session.scalars(
            sa.select(Task).where(Task.plan_id == bureau_plan.id, Task.parent_id.is_(None))
        )
    }
    with at(workdays.add_workdays(drafted, 4), 10):
        for item, linked in made:
            for task_title in linked:
                task = by_title.get(task_title)
                if task is None:
                    continue
                if task.due_date is not None and task.due_date > item.due_date:
                    # a task running into next year: the office agreed to it
                    share = cascade.share_for(item, bureau)
                    cascade.consent(office, share, due=task.due_date, note="同意跨年度完成。")
                cascade.link_task(coordinator, task, item)
    declining = _user("jtys-office")
    if other is not None and declining is not None:
        with at(workdays.add_workdays(drafted, 6), 11):
            item = next(i for i, _linked in made if other in i.co_units)
            cascade.decline(declining, item, other, DECLINE_REASON)
    return len(made)
