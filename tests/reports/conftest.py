"""A finished 2025 plan of the test bureau with ledger records, for the report's service, view
and command tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.factories import make_duty, make_plan, make_section, make_task
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service as records
from tracker.records.models import Record
from tracker.tasks import workflow

#: 2026-01-20 10:00 in Shanghai: the report on 2025 is being written.
NOW = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)


def review_data(n: int) -> dict:
    return {
        "document_title": f"规范性文件{n}",
        "drafting_unit": "测试市民政局",
        "on_behalf_of": "",
        "received_on": None,
        "reviewed_on": date(2025, 3, n),
        "reviewer": "办公室",
        "conclusion": "lawful",
        "opinion": "",
        "published_on": date(2025, 4, n),
        "published_url": "",
        "is_filed": False,
        "filed_on": None,
    }


def session_data(n: int, chair) -> dict:
    return {
        "session_kind": "center_group",
        "held_on": date(2025, n, 10),
        "topic": "学习法律法规",
        "chaired_by_id": chair.id,
        "chaired_by_name": "",
        "attendees": "",
        "attendee_count": 9,
    }


def build_finished_plan(org) -> SimpleNamespace:
    """The 2025 plan: a section with a done legality-review task (3 reviews), an open task, and
    a principal duty with 4 center-group sessions; published in January, worked through."""
    with clock.frozen_at(datetime(2025, 1, 10, 2, tzinfo=UTC)):
        plan = make_plan(
            org, year=2025, title="2025年法治建设工作要点", document_number="测民发〔2025〕1号"
        )
        section = make_section(org, plan, "健全体制机制，依法履行职能", "（一）")
        reviews = make_task(
            org,
            plan,
            title="落实规范性文件合法性审查制度",
            section=section,
            number="一是",
            kind="normative_review",
            lead_unit=org.office,
            owner=org.users.coordinator,
            due_date=date(2025, 11, 30),
            target_count=3,
            target_measure="份",
        )
        late = make_task(
            org, plan, title="清理现行有效规范性文件", section=section, due_date=date(2025, 6, 30)
        )
        duty = make_duty(
            org,
            plan,
            title="主持党组中心组学习会",
            due_date=date(2025, 12, 31),
            target_count=4,
            target_measure="次",
        )
        plans.publish_plan(org.users.coordinator, plan)
    with clock.frozen_at(datetime(2025, 6, 2, 2, tzinfo=UTC)):
        workflow.transition(org.users.coordinator, reviews, "claim")
        for n in (1, 2, 3):
            records.create_record(org.users.coordinator, reviews, "document_review", review_data(n))
        workflow.transition(org.users.principal, duty, "claim")
        for n in (2, 4, 6, 8):
            records.create_record(
                org.users.principal, duty, "study_session", session_data(n, org.users.principal)
            )
        workflow.transition(org.users.chief, late, "claim")
    with clock.frozen_at(datetime(2025, 11, 20, 2, tzinfo=UTC)):
        workflow.transition(
            org.users.coordinator,
            reviews,
            "submit",
            result_statement="对3份规范性文件进行了合法性审查，均通过网络公开。",
        )
        workflow.transition(org.users.coordinator, reviews, "accept")
        workflow.transition(
            org.users.principal, duty, "submit", result_statement="年内主持4次党组中心组学习会。"
        )
        workflow.transition(org.users.coordinator, duty, "accept")
    db.session.commit()
    review_record_ids = sorted(
        db.session.scalars(sa.select(Record.id).where(Record.task_id == reviews.id))
    )
    return SimpleNamespace(
        plan=plan,
        section=section,
        reviews=reviews,
        late=late,
        duty=duty,
        review_record_ids=review_record_ids,
    )


@pytest.fixture
def finished(org):
    return build_finished_plan(org)


@pytest.fixture
def now():
    with clock.frozen_at(NOW):
        yield NOW
