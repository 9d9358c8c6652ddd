"""A plan with nested sections, a principal duty, ledger records and evidence of every state,
made through the real services; and helpers to read exports back."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from tests.evidence import samples
from tests.factories import make_duty, make_plan, make_section, make_task, walk
from tracker.evidence import service as evidence
from tracker.evidence.models import Evidence
from tracker.plans import service as plans
from tracker.records import service as records
from tracker.tasks.models import Task

#: "Today" for lights and days overdue in these tests.
TODAY = date(2026, 7, 15)


@dataclass
class Work:
    plan: object
    review_task: Task
    study_task: Task
    duty: Task
    record: object
    report_a: Evidence
    report_b: Evidence
    seal: Evidence
    withdrawn: Evidence
    record_proof: Evidence


def document_review(**changes) -> dict:
    data = {
        "document_title": "关于进一步加强困难群众基本生活保障工作的实施意见",
        "drafting_unit": "社会救助科",
        "on_behalf_of": "代市政府起草",
        "received_on": date(2026, 3, 1),
        "reviewed_on": date(2026, 3, 10),
        "reviewer": "局办公室",
        "conclusion": "lawful",
        "opinion": "符合上位法规定。",
        "published_on": date(2026, 3, 20),
        "published_url": "https://www.example.gov.cn/doc/1",
        "is_filed": True,
        "filed_on": date(2026, 3, 25),
    }
    data.update(changes)
    return data


def add_file(org, target, name: str, content: bytes, actor=None) -> Evidence:
    return evidence.add_file(
        actor or org.users.chief, target, filename=name, stream=io.BytesIO(content)
    )


@pytest.fixture
def work(org, db) -> Work:
    plan = make_plan(org, year=2026)
    top = make_section(org, plan, "加强组织领导，推进法治建设", number="一")
    nested = make_section(org, plan, "健全体制机制，依法履行职能", number="一", parent=top)
    review_task = make_task(
        org,
        plan,
        "落实规范性文件合法性审查制度",
        section=nested,
        number="一是",
        kind="normative_review",
        co_units=[org.elderly],
        supervisor=org.users.leader,
        start_date=date(2026, 1, 1),
        due_date=date(2026, 6, 30),
        deadline_text="6月底前",
        target_count=5,
        target_measure="份",
    )
    study_task = make_task(
        org,
        plan,
        "开展法治宣传",
        section=top,
        number="二是",
        due_date=date(2026, 12, 31),
        start_date=date(2026, 1, 1),
    )
    duty = make_duty(org, plan, lead_unit=None, due_date=date(2026, 12, 20))
    plans.publish_plan(org.users.coordinator, plan)
    walk(org, review_task, "in_progress")
    walk(org, study_task, "in_progress")
    record = records.create_record(
        org.users.chief, review_task, "document_review", document_review()
    )
    report_a = add_file(org, review_task, "审查报告.pdf", samples.pdf())
    report_b = add_file(org, review_task, "审查报告.pdf", samples.pdf() + b"% second version\n")
    seal = add_file(org, review_task, "公章.png", samples.png())
    evidence.link_existing(org.users.chief, seal, study_task)  # one file proving two tasks
    record_proof = add_file(org, record, "合法性审查意见书.pdf", samples.pdf() + b"% opinion\n")
    withdrawn = add_file(org, study_task, "作废的材料.pdf", samples.pdf() + b"% withdrawn\n")
    evidence.withdraw(org.users.chief, withdrawn, "传错了")
    evidence.review(org.users.coordinator, report_a, "verified")
    evidence.review(org.users.coordinator, report_b, "rejected", "不清晰")
    db.session.commit()
    return Work(
        plan=plan,
        review_task=review_task,
        study_task=study_task,
        duty=duty,
        record=record,
        report_a=report_a,
        report_b=report_b,
        seal=seal,
        withdrawn=withdrawn,
        record_proof=record_proof,
    )


# -- reading exports back ----------------------------------------------------------------------

#: The manifest's columns, in order (their headers are in the export's language).
MANIFEST_KEYS = [
    "path",
    "sha256",
    "size",
    "task_id",
    "task",
    "record_id",
    "record",
    "evidence_id",
    "title",
    "uploaded_by",
    "uploaded_at",
    "review",
    "check",
]


def load_workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def text(cell) -> str | None:
    """A text cell's value as Excel shows it: openpyxl leaves the OOXML escapes `_xHHHH_` (how a
    cell stores control characters) undecoded in inline strings; Excel decodes them."""
    if cell.value is None or not isinstance(cell.value, str):
        return cell.value
    return unescape(cell.value)


def rows_by_header(sheet) -> list[dict]:
    """The sheet's data rows as {header: cell}."""
    rows = sheet.iter_rows()
    headers = [cell.value for cell in next(rows)]
    return [dict(zip(headers, row, strict=False)) for row in rows if any(c.value for c in row)]


def sheet_xml(data: bytes) -> dict[str, str]:
    """The raw XML of every worksheet in the workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }
