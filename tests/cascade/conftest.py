"""A city with three bureaus (tests.upward's) and a published city plan whose items name them."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tests.upward.conftest import MADE_AT, build_city
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.plans.models import Plan
from tracker.tasks import service as tasks


def bureau_plan(bureau):
    return db.session.execute(db.select(Plan).filter_by(bureau_id=bureau.id)).scalar_one()


def build_cascade():
    city = build_city()
    b0, b1, b2 = city.bureaus
    with clock.frozen_at(MADE_AT):
        plan = plans.create_plan(
            city.office, bureau=city.city, year=2025, title="全市法治建设工作要点"
        )
        item = tasks.create_task(
            city.office,
            plan,
            tasks.TaskData(
                number="1.",
                title="推行行政执法三项制度",
                text="全面落实行政执法公示制度。",
                lead_unit=b0,
                co_units=[b1],
                due_date=date(2025, 9, 30),
            ),
        )
        other = tasks.create_task(
            city.office,
            plan,
            tasks.TaskData(
                number="2.", title="开展交通执法评查", lead_unit=b2, due_date=date(2025, 10, 31)
            ),
        )
        plans.publish_plan(city.office, plan)
    db.session.commit()
    return SimpleNamespace(**vars(city), plan=plan, item=item, other=other)


@pytest.fixture
def cascade(app):
    return build_cascade()
