"""A small city for the city-level tests: the 依法治市办 at the city node and three bureaus,
each with its office, a published plan of 2025 and tasks in several states."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from tests.conftest import FACTORY_ACTOR
from tests.factories import add_user
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks import service as tasks
from tracker.units.service import create_unit

#: When the plans are made: early 2025, Beijing time.
MADE_AT = datetime(2025, 1, 10, 9, 0)


def build_city(
    names=("甲市民政局", "甲市司法局", "甲市交通运输局"), *, with_plans=True, prefix="", year=2025
):
    city = create_unit(FACTORY_ACTOR, name=f"{prefix}甲市", kind="city")
    office = add_user(f"{prefix}city-office", "coordinator", city)
    leader = add_user(f"{prefix}city-leader", "leader", city)
    bureaus, coordinators, sections = [], [], []
    for index, name in enumerate(names):
        bureau = create_unit(FACTORY_ACTOR, name=name, kind="bureau", parent=city)
        section = create_unit(FACTORY_ACTOR, name="办公室", parent=bureau)
        coordinators.append(add_user(f"{prefix}b{index}-office", "coordinator", section))
        bureaus.append(bureau)
        sections.append(section)
    db.session.commit()
    if with_plans:
        with clock.frozen_at(MADE_AT.replace(year=year)):
            for bureau, coordinator, section in zip(bureaus, coordinators, sections, strict=True):
                plan = plans.create_plan(
                    coordinator, bureau=bureau, year=year, title=f"{year}年法治建设工作要点"
                )
                for n in range(4):
                    tasks.create_task(
                        coordinator,
                        plan,
                        tasks.TaskData(
                            title=f"任务{n + 1}", lead_unit=section, due_date=date(year, 6, 30)
                        ),
                    )
                plans.publish_plan(coordinator, plan)
        db.session.commit()
    return SimpleNamespace(
        city=city, office=office, leader=leader, bureaus=bureaus, coordinators=coordinators
    )


@pytest.fixture
def city(app):
    return build_city()
