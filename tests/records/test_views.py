"""Record pages: each kind's form keeps what was typed on bad input; ledgers, CSV, permissions."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_task
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service
from tracker.records.models import Record

#: kind -> (a bad submission, the field that must carry a message, a value that must be kept)
BAD_INPUT = {
    "document_review": (
        {"document_title": "关于低保的通知", "reviewed_on": "2026-13-40", "conclusion": "lawful"},
        "reviewed_on",
        "关于低保的通知",
    ),
    "certification": (
        {"holder_name": "张三", "certificate_number": "", "issued_on": "2026-05-01"},
        "certificate_number",
        "张三",
    ),
    "consultation": (
        {"consulted_on": "2026-05-01", "matter": "", "category": "other", "advice": "建议依法答复"},
        "matter",
        "建议依法答复",
    ),
    "inspection": (
        {
            "target_organisation": "忻州市慈善总会",
            "problem_count": "-3",
            "inspection_kind": "random",
        },
        "problem_count",
        "忻州市慈善总会",
    ),
    "decision": (
        {"decision_title": "", "decided_on": "2026-05-01"},
        "decision_title",
        "2026-05-01",
    ),
    "study_session": (
        {"session_kind": "seminar", "held_on": "", "topic": "学习宪法", "chaired_by_id": "0"},
        "held_on",
        "学习宪法",
    ),
    "metric": (
        {"name": "养老床位", "measure": "张", "value": "很多", "as_of": "2026-12-31"},
        "value",
        "养老床位",
    ),
}


@pytest.fixture
def task(org):
    plan = make_plan(org)
    task = make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    service.save_advisor(
        org.users.coordinator,
        org.bureau,
        None,
        firm="某律师事务所",
        person="李律师",
        contract_start=date(2026, 1, 1),
        contract_end=date(2026, 12, 31),
        fee=None,
    )
    db.session.commit()
    return task


@pytest.mark.parametrize("kind", sorted(BAD_INPUT))
def test_bad_input_redisplays_with_field_messages_and_keeps_input(org, auth, task, kind):
    data, field, kept = BAD_INPUT[kind]
    auth.login("chief-relief")
    url = f"/records/{kind}/new?task={task.id}"
    before = db.session.scalar(sa.select(sa.func.count(Record.id)))
    response = auth.post(url, data, token_from=url)
    assert response.status_code == 422
    assert (
        "is-invalid" in response.text.split(f'id="{field}"')[1][:400]
        or f'id="{field}"' in response.text
        and "invalid-feedback" in response.text
    )
    assert kept in response.text
    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == before


def test_create_record_through_the_form_and_see_it_in_the_ledger(org, auth, task):
    auth.login("chief-relief")
    url = f"/records/document_review/new?task={task.id}"
    response = auth.post(
        url,
        {
            "document_title": "关于进一步加强困难群众基本生活保障工作的实施意见",
            "drafting_unit": "社会救助科",
            "on_behalf_of": "代市政府起草",
            "reviewed_on": "2026-05-20",
            "conclusion": "lawful_after_revision",
            "published_on": "2026-06-01",
            "published_url": "https://www.example.gov.cn/zwgk/1",
            "is_filed": "y",
        },
        token_from=url,
    )
    assert response.status_code == 302
    record = db.session.scalars(sa.select(Record)).one()
    assert record.summary.startswith("关于进一步加强困难群众") and record.occurred_on == date(
        2026, 5, 20
    )
    ledger = auth.client.get("/records/document_review/?year=2026")
    assert "关于进一步加强困难群众" in ledger.text
    download = auth.client.get("/records/document_review/?year=2026&format=csv")
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert len(rows) == 2 and "代市政府起草" in rows[1]
    assert rows[1][-1] == ""  # an empty cell stays empty (not a lone apostrophe)
    index = auth.client.get("/records/?year=2026")
    assert 'data-count="document_review">1<' in index.text


def test_csv_cells_are_never_formulas(org, auth, task):
    service.create_record(
        org.users.chief,
        task,
        "metric",
        {
            "name": '=HYPERLINK("http://evil")',
            "measure": "元",
            "value": Decimal("1"),
            "as_of": date(2026, 1, 1),
            "baseline_value": None,
            "baseline_year": None,
        },
    )
    db.session.commit()
    auth.login("office")
    download = auth.client.get("/records/metric/?year=2026&format=csv")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[1][3] == '\'=HYPERLINK("http://evil")'


def test_another_units_chief_cannot_add_or_read_records(org, auth, task):
    record = service.create_record(
        org.users.chief,
        task,
        "metric",
        {
            "name": "低保标准",
            "measure": "元",
            "value": Decimal("4778"),
            "as_of": date(2026, 12, 31),
            "baseline_value": None,
            "baseline_year": None,
        },
    )
    db.session.commit()
    auth.login("chief-elderly")
    assert auth.client.get(f"/records/metric/new?task={task.id}").status_code == 403
    assert auth.client.get(f"/records/{record.id}").status_code == 403
    assert "低保标准" not in auth.client.get("/records/metric/?year=2026").text


def test_viewer_reads_but_cannot_edit(org, auth, task):
    record = service.create_record(
        org.users.chief,
        task,
        "metric",
        {
            "name": "低保标准",
            "measure": "元",
            "value": Decimal("4778"),
            "as_of": date(2026, 12, 31),
            "baseline_value": None,
            "baseline_year": None,
        },
    )
    db.session.commit()
    auth.login("viewer")
    assert auth.client.get(f"/records/{record.id}").status_code == 200
    assert auth.client.get(f"/records/{record.id}/edit").status_code == 403


def test_decision_steps_through_the_page(org, auth, task):
    from tracker.tasks import workflow

    workflow.transition(org.users.chief, task, "claim")
    decision = service.create_record(
        org.users.chief, task, "decision", {"decision_title": "调整低保标准"}
    )
    db.session.commit()
    auth.login("chief-relief")
    page = f"/records/{decision.id}"
    response = auth.post(
        f"/records/{decision.id}/steps/risk_assessment",
        {"risk_assessment-not_applicable_reason": "不涉及社会稳定风险"},
        token_from=page,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert "risk_assessment" not in db.session.get(Record, decision.id).open_steps
