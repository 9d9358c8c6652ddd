"""Load the demo bureau idempotently: create what is missing, never duplicate."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa

from tracker.accounts.models import User
from tracker.accounts.passwords import verify_password
from tracker.accounts.service import create_user
from tracker.audit.service import SystemActor
from tracker.core import clock
from tracker.demo import city_upward, data
from tracker.demo.cascade import load_city_plan
from tracker.demo.city import demo_unit, load_city, load_city_bureaus
from tracker.demo.plans import Directory, load_current_plan, load_plan_2020, load_plan_2021
from tracker.demo.reminders import load_reminders
from tracker.demo.supervision import load_supervision
from tracker.extensions import db
from tracker.reports.demo import load_report_demo, load_report_settings
from tracker.units.models import Unit

log = logging.getLogger(__name__)

DEMO_ACTOR = SystemActor(username="demo-loader")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n

    def summary(self) -> str:
        if not self.created:
            return "demo data already present; nothing created"
        return "demo data loaded: " + ", ".join(f"{n} {k}" for k, n in self.created.items())


def database_is_new() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0


def load_bureau(report: LoadReport, city: Unit | None = None) -> Unit:
    """The bureau, its sections and the demo accounts. A new bureau goes under `city`; one
    that a demo of an earlier version made at the root of the tree stays where it is."""
    bureau = db.session.scalar(
        sa.select(Unit).where(Unit.name == data.BUREAU, Unit.kind == "bureau")
    ) or demo_unit(data.BUREAU, city, "bureau", "市民政局,民政局", report)
    units = {data.BUREAU: bureau}
    for name, kind, aliases in data.UNITS:
        units[name] = demo_unit(name, bureau, kind, aliases, report)
    existing = set(db.session.scalars(sa.select(User.username)))
    for username, role, unit_name, display_name, title, is_principal in data.USERS:
        if username in existing:
            continue
        create_user(
            DEMO_ACTOR,
            username=username,
            display_name=display_name,
            role=role,
            unit=units[unit_name],
            password=data.DEMO_PASSWORD,
            title=title,
            email=f"{username}@{data.EMAIL_DOMAIN}",
            is_principal=is_principal,
        )
        report.add("users")
    return bureau


def _force_password_change() -> int:
    """Mark every account that still has the demo's published password must-change-password
    (the bureau's, the city office's and the other bureaus' accounts alike)."""
    users = list(db.session.scalars(sa.select(User)))
    marked = [u for u in users if verify_password(u.password_hash, data.DEMO_PASSWORD)]
    for user in marked:
        user.must_change_password = True
    return len(marked)


def load_demo(*, force_password_change: bool = False) -> LoadReport:
    """Create every missing piece of the demo; later features add their steps here.
    With `force_password_change` (production) every demo account must change its password
    at first login."""
    report = LoadReport()
    city = load_city()
    bureau = load_bureau(report, city)
    db.session.flush()
    directory = Directory(bureau)
    if load_plan_2020(directory):
        report.add("plans")
    if load_plan_2021(directory):
        report.add("plans")
    if load_current_plan(directory):
        report.add("plans")
    db.session.flush()
    others = load_city_bureaus(city)
    db.session.flush()
    items = load_city_plan(city, bureau)
    if items:
        report.add("city plan items", items)
    reminders = load_reminders(bureau)
    if reminders:
        report.add("reminders", reminders)
    urges = load_supervision(bureau, directory.users["office"])
    if urges:
        report.add("urges", urges)
    report_edits = load_report_demo(bureau)
    settings = load_report_settings(bureau, others)
    if settings:
        report.add("report settings", settings)
    if report_edits:
        report.add("report edits", report_edits)
    # last year's reports, then those of the seed's year (民政局's was sent on 15 January 2021)
    for year in (clock.today().year - 1, 2020):
        made = city_upward.load(city, [bureau, *others], clock.now(), year=year)
        if made["submissions"]:
            report.add("reports submitted to the city", made["submissions"])
    if force_password_change:
        _force_password_change()
    log.info("%s", report.summary())
    return report
