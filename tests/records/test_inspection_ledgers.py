"""The inspection ledgers (执法, 案卷评查, 普法, 述法, 合同审查, 报告报送与公开): validated forms
that keep what was typed, audited versioned writes, permissions, ledger pages, CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_record, make_task, record_fields
from tracker.audit.models import AuditEvent
from tracker.core.exceptions import ConflictError, DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service
from tracker.records.compliance_models import COMPLIANCE_MODELS, PufaActivity, PufaDuty
from tracker.records.models import Record

KINDS = list(COMPLIANCE_MODELS)


@pytest.fixture
def task(org):
    plan = make_plan(org)
    task = make_task(org, plan, title="落实行政执法三项制度，开展谁执法谁普法")
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return task


def as_form(data: dict) -> dict:
    form = {}
    for name, value in data.items():
        if isinstance(value, bool):
            if value:
                form[name] = "y"
        elif value is None:
            form[name] = ""
        else:
            form[name] = value.isoformat() if isinstance(value, date) else str(value)
    return form


#: One valid form per kind (as a user types it) and one mistake: (changes, field, typed text
#: that must be shown again).
FORMS = {
    "enforcement_case": (
        {
            "case_number": "忻民罚〔2026〕1号",
            "party": "忻州市康寿养老服务中心",
            "matter": "未按规定报送养老机构备案材料",
            "action_kind": "penalty",
            "opened_on": "2026-03-02",
            "decided_on": "2026-03-30",
            "decision": "警告",
            "is_officers_certified": "y",
            "is_major": "y",
            "legal_review_on": "2026-03-25",
        },
        {"decided_on": "2026-02-01"},
        "忻州市康寿养老服务中心",
    ),
    "case_file_review": (
        {
            "reviewed_case": "忻民罚〔2026〕1号",
            "reviewed_on": "2026-11-20",
            "score": "86",
            "pass_mark": "60",
        },
        {"score": "120"},
        "忻民罚〔2026〕1号",
    ),
    "pufa_duty": (
        {"item": "宣传《社会救助暂行办法》", "listed_on": "2026-03-01"},
        {"listed_on": "2026-13-01"},
        "宣传《社会救助暂行办法》",
    ),
    "pufa_activity": (
        {
            "held_on": "2026-12-04",
            "title": "国家宪法日宣传咨询",
            "activity_form": "street_consultation",
            "audience_count": "300",
            "duty_id": "0",
        },
        {"audience_count": "-5"},
        "国家宪法日宣传咨询",
    ),
    "law_report": (
        {
            "held_on": "2026-01-20",
            "forum": "annual_review",
            "speaker_id": "0",
            "speaker_name": "王局长",
            "topic": "履行推进法治建设第一责任人职责情况",
            "evaluation": "excellent",
            "evaluated_by": "市委依法治市办",
        },
        {"evaluated_by": ""},
        "履行推进法治建设第一责任人职责情况",
    ),
    "contract_review": (
        {
            "contract_title": "养老服务设施建设工程施工合同",
            "reviewed_on": "2026-04-08",
            "conclusion": "lawful",
            "signed_on": "2026-04-15",
        },
        {"conclusion": ""},
        "养老服务设施建设工程施工合同",
    ),
    "report_delivery": (
        {
            "delivery_kind": "submitted",
            "report_year": "2025",
            "recipient": "市委全面依法治市委员会办公室",
            "delivered_on": "2026-01-15",
            "receipt": "",
            "receipt_on": "2026-01-16",
        },
        {},
        "市委全面依法治市委员会办公室",
    ),
}


#: A free-text field of each kind, changed by the edit test.
TEXT_FIELD = {
    "enforcement_case": "matter",
    "case_file_review": "reviewed_case",
    "pufa_duty": "item",
    "pufa_activity": "title",
    "law_report": "topic",
    "contract_review": "contract_title",
    "report_delivery": "recipient",
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_saved_audited_and_versioned(org, task, kind):
    record = make_record(org.users.chief, task, kind)
    assert isinstance(record, COMPLIANCE_MODELS[kind]) and record.summary
    assert record.occurred_on is not None
    created = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "record.create")
    ).one()
    assert created.after["kind"] == kind
    version = record.version
    data = record_fields(kind)
    if kind == "pufa_duty":
        data["responsible_unit_id"] = org.relief.id
    first = TEXT_FIELD[kind]
    data[first] = data[first] + "（修订）"
    service.update_record(org.users.chief, record, data, expected_version=version)
    update = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "record.update")
    ).one()
    assert update.after[first].endswith("（修订）")
    with pytest.raises(ConflictError):
        service.update_record(org.users.chief, record, data, expected_version=version)
    service.void_record(org.users.coordinator, record, "重复录入")
    assert record.is_void


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("enforcement_case", {"decided_on": date(2026, 3, 1)}, "decided_on"),
        ("enforcement_case", {"published_on": date(2026, 4, 1)}, "decided_on"),
        ("enforcement_case", {"decision": "警告"}, "decided_on"),
        ("enforcement_case", {"action_kind": "arrest"}, "action_kind"),
        ("enforcement_case", {"legal_review_opinion": "同意"}, "legal_review_on"),
        ("case_file_review", {"score": Decimal("101")}, "score"),
        ("case_file_review", {"rectified_on": date(2026, 1, 1)}, "rectified_on"),
        ("pufa_activity", {"audience_count": -1}, "audience_count"),
        ("pufa_activity", {"activity_form": "rumour"}, "activity_form"),
        ("pufa_activity", {"duty_id": 999}, "duty_id"),
        ("law_report", {"speaker_name": ""}, "speaker_name"),
        ("law_report", {"evaluation": "excellent"}, "evaluated_by"),
        ("law_report", {"evaluation": "superb", "evaluated_by": "x"}, "evaluation"),
        ("contract_review", {"conclusion": ""}, "conclusion"),
        ("contract_review", {"reviewed_on": None}, "reviewed_on"),
        (
            "contract_review",
            {"reviewed_on": None, "conclusion": "", "signed_on": None},
            "received_on",
        ),
        ("report_delivery", {"receipt_on": date(2026, 1, 1)}, "receipt_on"),
        ("report_delivery", {"receipt_on": date(2026, 1, 20)}, "receipt"),
        ("report_delivery", {"delivered_on": date(2024, 6, 1)}, "delivered_on"),
        ("report_delivery", {"published_url": "ftp://x"}, "published_url"),
    ],
)
def test_inconsistent_input_is_refused_on_the_field(org, task, kind, changes, field):
    with pytest.raises(DomainError) as refused:
        make_record(org.users.chief, task, kind, **changes)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == 0


def test_pufa_duty_is_filed_under_the_responsible_unit_and_refuses_other_bureaus(org, task):
    duty = make_record(org.users.chief, task, "pufa_duty", responsible_unit_id=org.elderly.id)
    assert duty.unit_id == org.elderly.id and duty.responsible_unit.name == "养老服务科"
    with pytest.raises(DomainError) as refused:
        make_record(org.users.chief, task, "pufa_duty", responsible_unit_id=org.other_section.id)
    assert refused.value.field == "responsible_unit_id"
    activity = make_record(org.users.chief, task, "pufa_activity", duty_id=duty.id)
    db.session.expire_all()
    assert [a.id for a in db.session.get(PufaDuty, duty.id).activities] == [activity.id]


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_redisplays_with_what_was_typed(org, auth, task, kind):
    valid, mistake, typed = FORMS[kind]
    auth.login("chief-relief")
    url = f"/records/{kind}/new?task={task.id}"
    data = {**valid, **mistake} if mistake else {**valid}
    if kind == "pufa_duty":
        data["responsible_unit_id"] = str(org.relief.id)
    response = auth.post(url, data, token_from=url)
    assert response.status_code == 422, kind
    assert typed in response.text
    assert "is-invalid" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Record.id))) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_form_saves_and_shows_in_the_ledger_and_its_csv(org, auth, task, kind):
    valid, _mistake, typed = FORMS[kind]
    data = dict(valid)
    if kind == "pufa_duty":
        data["responsible_unit_id"] = str(org.relief.id)
    if kind == "report_delivery":
        data["receipt"] = "忻法办收〔2026〕3号"
    auth.login("chief-relief")
    url = f"/records/{kind}/new?task={task.id}"
    response = auth.post(url, data, token_from=url)
    assert response.status_code == 302, response.text[:2000]
    record = db.session.scalars(sa.select(Record)).one()
    page = auth.client.get(f"/records/{record.id}")
    assert page.status_code == 200 and typed in page.text
    ledger = auth.client.get(f"/records/{kind}/?year=2026&unit={org.relief.id}")
    assert ledger.status_code == 200 and typed in ledger.text
    download = auth.client.get(f"/records/{kind}/?year=2026&format=csv")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert len(rows) == 2 and any(typed in cell for cell in rows[1])
    edit = f"/records/{record.id}/edit"
    assert auth.client.get(edit).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("username", "may_add"),
    [
        ("chief-relief", True),  # the lead unit's chief
        ("staff-relief", True),  # the staff member the task is assigned to
        ("office", True),  # the legal office, for every unit
        ("chief-elderly", False),  # another unit's chief
        ("deputy", False),  # a leader reads only
        ("viewer", False),
    ],
)
def test_who_may_add_and_who_reads(org, auth, task, kind, username, may_add):
    record = make_record(org.users.chief, task, kind)
    db.session.commit()
    auth.login(username)
    new = auth.client.get(f"/records/{kind}/new?task={task.id}")
    edit = auth.client.get(f"/records/{record.id}/edit")
    assert (new.status_code, edit.status_code) == ((200, 200) if may_add else (403, 403))
    # leaders and viewers read everything; another unit's chief does not see this unit's case
    reads = may_add or username in ("deputy", "viewer")
    assert auth.client.get(f"/records/{record.id}").status_code == (200 if reads else 403)
    ledger = auth.client.get(f"/records/{kind}/?year=2026")
    assert ledger.status_code == 200
    assert (f'href="/records/{record.id}"' in ledger.text) == reads


def test_activity_form_offers_the_plans_list_items(org, auth, task):
    duty = make_record(org.users.chief, task, "pufa_duty", item="宣传《民法典》婚姻家庭编")
    db.session.commit()
    auth.login("chief-relief")
    page = auth.client.get(f"/records/pufa_activity/new?task={task.id}")
    assert f'value="{duty.id}"' in page.text and "宣传《民法典》婚姻家庭编" in page.text
    assert isinstance(duty, PufaDuty) and PufaActivity.__tablename__ == "pufa_activities"
