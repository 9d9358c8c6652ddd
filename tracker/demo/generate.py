"""A synthetic city for load tests and sizing: `tracker demo generate --bureaus N
--tasks-per-bureau M`.

Each generated bureau (named after a real kind of municipal department or county, under the
city node) has the units a bureau has (局领导, 办公室 and five sections), `users_per_bureau`
accounts (office, principal, a chief per section, staff), and a published plan of the current
year whose tasks are the city plan's items (tracker/demo/city.py ITEMS) spread over the sections,
with due dates over the year, statuses as a year's work leaves them, and one co-unit for one task
in five. Deterministic for a given seed.

Units go through the units service (audited one by one: they are few); accounts, plans, sections
and tasks are bulk inserts, recorded by one audit event per bureau (`demo.generate`), which is
what makes 50 × 2,000 tasks take seconds instead of minutes. Every account's password is the
demo password.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.audit.service import log_event
from tracker.core import clock
from tracker.demo import data
from tracker.demo.city import CITY, ITEMS, demo_unit, load_city
from tracker.demo.city_upward import DEMO_ACTOR
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.tasks import versions
from tracker.tasks.models import Task, task_co_units
from tracker.units.models import Unit

#: Departments and counties of a prefecture-level city, in the order they are generated; past
#: the list, names repeat with a number (第2组…).
BUREAU_NAMES = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "财政局",
    "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "水利局", "农业农村局",
    "商务局", "文化和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
    "国有资产监督管理委员会", "体育局", "统计局", "医疗保障局", "林业局", "行政审批服务管理局",
    "能源局", "乡村振兴局", "信访局", "城市管理局", "人民防空办公室", "地方金融监督管理局",
    "机关事务管理局", "民族宗教事务局", "粮食和物资储备局", "忻府区", "原平市", "定襄县",
    "五台县", "代县", "繁峙县", "宁武县", "静乐县", "神池县", "五寨县", "岢岚县", "河曲县",
    "保德县", "偏关县",
)  # fmt: skip
SECTIONS = ("法规科", "执法监督科", "政策研究科", "综合业务科", "行政审批科")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红海峰丹晓东"
CHUNK = 2000


@dataclass
class GenerateReport:
    bureaus: list[str] = field(default_factory=list)
    units: int = 0
    users: int = 0
    tasks: int = 0

    def summary(self) -> str:
        return (
            f"generated {len(self.bureaus)} bureaus under {CITY}: {self.units} units, "
            f"{self.users} accounts (password {data.DEMO_PASSWORD}), {self.tasks} tasks"
        )


def _bureau_names(city: Unit, count: int) -> list[str]:
    """`count` names of bureaus the city does not have yet."""
    taken = set(db.session.scalars(sa.select(Unit.name).where(Unit.parent_id == city.id)))
    names, round_ = [], 1
    while len(names) < count:
        for base in BUREAU_NAMES:
            name = f"{CITY}{base}" if not base.endswith(("区", "县", "市")) else base
            if round_ > 1:
                name = f"{name}（第{round_}组）"
            if name not in taken:
                names.append(name)
                taken.add(name)
            if len(names) == count:
                break
        round_ += 1
    return names


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _users(bureau: Unit, units: list[Unit], count: int, rng, password_hash: str) -> list[dict]:
    """Office, principal, a chief per section, then staff spread over the sections."""
    leaders, office, *sections = units
    now = clock.now()
    prefix = f"g{bureau.id}"
    people = [("office", "coordinator", office, "办公室主任", False)]
    people.append(("director", "leader", leaders, "党组书记、局长", True))
    people += [
        (f"chief{n}", "chief", unit, f"{unit.name}科长", False)
        for n, unit in enumerate(sections, 1)
    ]
    staff = max(count - len(people), 0)
    people += [
        (f"staff{n}", "staff", sections[(n - 1) % len(sections)], "科员", False)
        for n in range(1, staff + 1)
    ]
    return [
        {
            "username": f"{prefix}-{name}",
            "display_name": _person(rng),
            "title": title,
            "email": f"{prefix}-{name}@{data.EMAIL_DOMAIN}",
            "role": role,
            "is_principal": principal,
            "unit_id": unit.id,
            "password_hash": password_hash,
            "password_changed_at": now,
            "created_at": now,
        }
        for name, role, unit, title, principal in people[:count]
    ]


def _tasks(plan_id: int, sections: dict[str, int], units: list[Unit], count: int, today, rng):
    """`count` tasks: the city's items in turn, each given to a section, due over the year."""
    items = [(number, item) for number, _title, entries in ITEMS for item in entries]
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    now = clock.now()
    rows = []
    for position in range(1, count + 1):
        number, (title, text, _lead, kind, _due) = items[(position - 1) % len(items)]
        lead = units[2 + (position - 1) % (len(units) - 2)]
        due = year_start + timedelta(days=rng.randint(60, 364))
        start = max(year_start, due - timedelta(days=rng.randint(30, 200)))
        if due < today:
            status = rng.choices(("done", "in_progress", "submitted"), (8, 1, 1))[0]
        else:
            status = rng.choices(("assigned", "in_progress", "submitted", "done"), (2, 5, 1, 2))[0]
        round_ = (position - 1) // len(items) + 1
        rows.append(
            {
                "plan_id": plan_id,
                "section_id": sections[number],
                "number": f"{position}.",
                "title": title if round_ == 1 else f"{title}（{lead.name}第{round_}项）",
                "text": text,
                "kind": kind,
                "lead_unit_id": lead.id,
                "start_date": start,
                "due_date": min(due, year_end),
                "progress": 100 if status == "done" else rng.randint(0, 90),
                "status": status,
                "position": position,
                "submitted_on": due - timedelta(days=rng.randint(0, 10))
                if status in ("submitted", "done")
                else None,
                "completed_at": now if status == "done" else None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def generate(bureaus: int, tasks_per_bureau: int, users_per_bureau: int = 50, *, seed: int = 7):
    """Add `bureaus` generated bureaus under the demo city (made when missing). Flushes; the
    caller commits."""
    rng = random.Random(seed)
    today = clock.today()
    report = GenerateReport()
    city = load_city()  # the city node and its office's accounts (city-office, city-leader)
    password_hash = hash_password(data.DEMO_PASSWORD)
    for name in _bureau_names(city, bureaus):
        bureau = demo_unit(name, city, "bureau", "")
        units = [demo_unit("局领导", bureau, "section", "局领导班子,局党组")]
        units += [demo_unit("办公室", bureau, "section", "局办公室")]
        units += [demo_unit(section, bureau, "section", "") for section in SECTIONS]
        report.units += 1 + len(units)
        people = _users(bureau, units, users_per_bureau, rng, password_hash)
        db.session.execute(sa.insert(User.__table__), people)
        office_id = db.session.scalar(
            sa.select(User.id).where(User.username == people[0]["username"])
        )
        plan_id = db.session.execute(
            sa.insert(Plan.__table__).returning(Plan.__table__.c.id),
            {
                "bureau_id": bureau.id,
                "year": today.year,
                "title": f"{name}{today.year}年法治建设工作要点",
                "document_number": "",
                "status": "active",
                "published_at": clock.now(),
                "published_by_id": office_id,
                "created_at": clock.now(),
            },
        ).scalar_one()
        sections = {}
        for position, (number, title, _entries) in enumerate(ITEMS, 1):
            sections[number] = db.session.execute(
                sa.insert(Section.__table__).returning(Section.__table__.c.id),
                {"plan_id": plan_id, "number": f"{number}、", "title": title,
                 "position": position, "created_at": clock.now()},
            ).scalar_one()  # fmt: skip
        rows = _tasks(plan_id, sections, units, tasks_per_bureau, today, rng)
        for start in range(0, len(rows), CHUNK):
            db.session.execute(sa.insert(Task.__table__), rows[start : start + CHUNK])
        task_ids = db.session.scalars(sa.select(Task.id).where(Task.plan_id == plan_id)).all()
        leads = dict(
            db.session.execute(
                sa.select(Task.id, Task.lead_unit_id).where(Task.plan_id == plan_id)
            ).all()
        )
        co_rows = [
            {"task_id": task_id, "unit_id": units[1].id}
            for task_id in task_ids
            if rng.random() < 0.2 and leads[task_id] != units[1].id
        ]
        for start in range(0, len(co_rows), CHUNK):
            db.session.execute(sa.insert(task_co_units), co_rows[start : start + CHUNK])
        # written past the ORM: the bureau's figures get their version token here
        versions.replace(db.session.connection(), [bureau.id])
        log_event(
            DEMO_ACTOR,
            "demo.generate",
            bureau,
            after={"users": len(people), "plan_id": plan_id, "tasks": len(rows)},
        )
        report.bureaus.append(name)
        report.users += len(people)
        report.tasks += len(rows)
    db.session.flush()
    return report
