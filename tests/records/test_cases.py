"""行政复议 and 行政应诉 ledgers: validation, audit, versioned edits, pages, CSV."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import make_plan, make_task
from tracker.audit.models import AuditEvent
from tracker.core.exceptions import ConflictError, DomainError
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.records import service
from tracker.records.models import Litigation, Reconsideration


def reconsideration(**changes) -> dict:
    data = {
        "case_number": "忻政复〔2026〕21号",
        "applicant": "李某某",
        "reconsideration_body": "忻州市人民政府",
        "contested_act": "政府信息公开申请答复",
        "received_on": date(2026, 4, 13),
        "answered_on": date(2026, 4, 23),
        "decided_on": date(2026, 6, 12),
        "outcome": "confirmed_unlawful",
        "correction": "重新作出答复。",
        "corrected_on": date(2026, 7, 10),
    }
    data.update(changes)
    return data


def litigation(**changes) -> dict:
    data = {
        "case_number": "（2026）晋0902行初35号",
        "plaintiff": "李某某",
        "court": "忻州市忻府区人民法院",
        "cause": "政府信息公开",
        "instance": "first",
        "served_on": date(2026, 6, 29),
        "hearing_on": date(2026, 8, 18),
        "further_hearings": "",
        "head_appeared": True,
        "head_name": "张志强",
        "judged_on": date(2026, 9, 25),
        "judgment": "confirmed_unlawful",
        "judicial_suggestion": "规范答复期限。",
        "suggestion_follow_up": "修订办理规程。",
        "suggestion_replied_on": date(2026, 10, 23),
    }
    data.update(changes)
    return data


@pytest.fixture
def task(org):
    plan = make_plan(org)
    task = make_task(org, plan, title="依法做好行政复议答复和行政应诉工作")
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    return task


def test_cases_are_saved_with_derived_status_and_audited(org, task):
    case = service.create_record(org.users.chief, task, "reconsideration", reconsideration())
    suit = service.create_record(org.users.chief, task, "litigation", litigation())
    assert isinstance(case, Reconsideration) and case.is_corrective and case.is_decided
    assert case.occurred_on == date(2026, 4, 13) and case.summary == "李某某：政府信息公开申请答复"
    assert isinstance(suit, Litigation) and suit.is_lost and suit.has_suggestion
    assert suit.summary == "李某某诉政府信息公开"
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "record.create")
    ).all()
    assert {e.after["kind"] for e in events} == {"reconsideration", "litigation"}
    assert any(e.after.get("head_name") == "张志强" for e in events)


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("reconsideration", {"answered_on": date(2026, 4, 1)}, "answered_on"),
        ("reconsideration", {"decided_on": None}, "decided_on"),
        ("reconsideration", {"outcome": ""}, "outcome"),
        ("reconsideration", {"outcome": "upheld"}, "correction"),
        ("reconsideration", {"outcome": "quashed"}, "outcome"),
        ("reconsideration", {"correction": "", "corrected_on": date(2026, 7, 1)}, "correction"),
        ("litigation", {"hearing_on": date(2026, 6, 1)}, "hearing_on"),
        ("litigation", {"hearing_on": None, "judged_on": None, "judgment": ""}, "hearing_on"),
        ("litigation", {"head_name": ""}, "head_name"),
        ("litigation", {"head_appeared": False}, "head_appeared"),
        ("litigation", {"judgment": ""}, "judgment"),
        ("litigation", {"judicial_suggestion": ""}, "judicial_suggestion"),
        ("litigation", {"instance": "supreme"}, "instance"),
    ],
)
def test_inconsistent_cases_are_refused_on_the_field(org, task, kind, changes, field):
    data = reconsideration(**changes) if kind == "reconsideration" else litigation(**changes)
    with pytest.raises(DomainError) as refused:
        service.create_record(org.users.chief, task, kind, data)
    assert refused.value.field == field


def test_edits_are_versioned_and_audited(org, task):
    case = service.create_record(
        org.users.chief,
        task,
        "reconsideration",
        reconsideration(decided_on=None, outcome="", correction="", corrected_on=None),
    )
    version = case.version
    service.update_record(
        org.users.chief,
        case,
        reconsideration(outcome="upheld", correction="", corrected_on=None),
        expected_version=version,
    )
    assert case.outcome == "upheld" and not case.is_corrective
    update = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "record.update")
    ).one()
    assert update.after["outcome"] == "upheld" and update.before["outcome"] == ""
    with pytest.raises(ConflictError):
        service.update_record(org.users.chief, case, reconsideration(), expected_version=version)


def test_bad_input_keeps_what_was_typed(org, auth, task):
    auth.login("chief-relief")
    url = f"/records/litigation/new?task={task.id}"
    response = auth.post(
        url,
        {
            "plaintiff": "王某某",
            "court": "忻州市忻府区人民法院",
            "cause": "撤销婚姻登记",
            "instance": "first",
            "served_on": "2026-10-12",
            "hearing_on": "2026-09-01",
            "judgment": "",
        },
        token_from=url,
    )
    assert response.status_code == 422
    assert "王某某" in response.text and "撤销婚姻登记" in response.text
    assert "开庭日期不能早于" in response.text or "hearing comes after" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Litigation.id))) == 0


def test_create_edit_and_read_the_ledger_with_indicators_and_csv(org, auth, task):
    auth.login("chief-relief")
    url = f"/records/reconsideration/new?task={task.id}"
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in reconsideration().items()}
    assert auth.post(url, data, token_from=url).status_code == 302
    case = db.session.scalars(sa.select(Reconsideration)).one()
    edit = f"/records/{case.id}/edit"
    page = auth.client.get(edit)
    assert page.status_code == 200 and "李某某" in page.text
    data.update(applicant="李某", version=str(case.version))
    assert auth.post(edit, data, token_from=edit).status_code == 302
    db.session.expire_all()
    assert db.session.get(Reconsideration, case.id).applicant == "李某"
    ledger = auth.client.get(f"/records/reconsideration/?year=2026&unit={org.relief.id}")
    assert ledger.status_code == 200
    row = ledger.text.split('id="indicator-reconsideration_correction_rate"')[1].split("</tr>")[0]
    assert "100.0%" in row and f"#{case.id}" in row
    download = auth.client.get("/records/reconsideration/?year=2026&format=csv")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert len(rows) == 2 and "忻政复〔2026〕21号" in rows[1]
    assert auth.client.get(f"/records/{case.id}").status_code == 200


def test_other_units_chief_cannot_add_cases(org, auth, task):
    auth.login("chief-elderly")
    assert auth.client.get(f"/records/litigation/new?task={task.id}").status_code == 403
