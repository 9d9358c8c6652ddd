"""A bureau's report settings: the short name and self-reference the text uses, the guiding
clause of the opening, the addressee (主送机关) under the title and the default signature, set
once for every report of the bureau, audited, and refused with a message when malformed."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import FACTORY_ACTOR
from tests.factories import add_user, audit_actions, last_audit_id
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.reports import service
from tracker.reports.models import ReportSettings
from tracker.reports.queries import report_for_plan, report_settings_of
from tracker.reports.render_docx import render_docx
from tracker.reports.render_md import render_md
from tracker.units.service import create_unit

SETTINGS = {
    "short_name": "市民政局",
    "self_reference": "我局",
    "framing": "以习近平法治思想为指导，紧紧围绕市委、市政府决策部署。",
    "addressee": "市委全面依法治市委员会办公室：",
    "signatory": "测试市民政局（印）",
}


def test_settings_change_how_every_report_speaks(org, finished, now):
    before = report_for_plan(finished.plan)
    opening = before.opening.plain_text()
    assert opening.startswith("2025年，测试市民政局以")  # the full name by default
    assert before.addressee_line == "" and before.signatory == "测试市民政局"

    since = last_audit_id()
    service.save_report_settings(org.users.coordinator, org.bureau, **SETTINGS)
    db.session.commit()
    assert audit_actions(since) == ["report.settings"]

    report = report_for_plan(finished.plan)
    assert (
        report.title == "测试市民政局2025年度法治政府建设情况报告"
    )  # the title keeps the full name
    opening = report.opening.plain_text()
    # the year and short name before the bureau's own clause, its full stop added once
    assert opening.startswith(
        "2025年，市民政局以习近平法治思想为指导，紧紧围绕市委、市政府决策部署。"
    )
    assert opening.endswith("现将我局2025年度法治政府建设情况报告如下：")
    assert report.addressee_line == "市委全面依法治市委员会办公室："  # the typed colon not doubled
    assert report.signatory == "测试市民政局（印）"

    markdown = render_md(report).splitlines()
    assert markdown[:4] == [f"# {report.title}", "", "市委全面依法治市委员会办公室：", ""]


def test_a_self_reference_reaches_every_part_that_names_the_bureau(org, finished, now):
    service.save_report_settings(org.users.coordinator, org.bureau, self_reference="我委")
    report = report_for_plan(finished.plan)
    assert "现将我委2025年度" in report.opening.plain_text()
    shortcomings = report.part("shortcomings").plain_text()
    assert "2025年，我委法治政府建设工作取得了一定成效" in shortcomings
    assert "我局" not in shortcomings


def test_the_reports_own_signature_wins_over_the_default(org, finished, now):
    service.save_report_settings(org.users.coordinator, org.bureau, signatory="测试市民政局办公室")
    assert report_for_plan(finished.plan).signatory == "测试市民政局办公室"
    service.save_signature(org.users.coordinator, finished.plan, signatory="某某", signed_on=None)
    assert report_for_plan(finished.plan).signatory == "某某"


def test_empty_settings_fall_back_to_the_plan_and_the_name(org, finished, now):
    service.save_report_settings(org.users.coordinator, org.bureau, **SETTINGS)
    since = last_audit_id()
    service.save_report_settings(org.users.coordinator, org.bureau)
    assert audit_actions(since) == ["report.settings"]
    report = report_for_plan(finished.plan)
    assert report.opening.plain_text().startswith("2025年，测试市民政局以习近平新时代")
    assert report.addressee_line == "" and report.signatory == "测试市民政局"
    # saving what is already there writes nothing
    since = last_audit_id()
    service.save_report_settings(org.users.coordinator, org.bureau)
    assert audit_actions(since) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("self_reference", "局", "我"),
        ("self_reference", "咱们局", "我"),
        ("self_reference", "我的单位名", "4"),  # too long for a self-reference
        ("short_name", "市" * 61, "60"),
        ("addressee", "办公室\x00", "control"),
        ("framing", "以" * 501, "500"),
    ],
)
def test_malformed_settings_are_refused_and_nothing_is_saved(org, now, field, value, message):
    with pytest.raises(DomainError) as refused:
        service.save_report_settings(org.users.coordinator, org.bureau, **{field: value})
    assert refused.value.field == field
    assert message in str(refused.value)
    assert report_settings_of(org.bureau) is None


def test_the_docx_sets_the_addressee_flush_left_under_the_title(org, finished, now):
    service.save_report_settings(org.users.coordinator, org.bureau, **SETTINGS)
    document = Document(io.BytesIO(render_docx(report_for_plan(finished.plan))))
    texts = [p for p in document.paragraphs if p.text]
    assert texts[1].text == "市委全面依法治市委员会办公室："
    indent = texts[1]._p.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLine")) == "0"
    assert texts[2].text.startswith("2025年，市民政局")


def test_the_print_page_shows_the_addressee(org, finished, now, auth):
    service.save_report_settings(org.users.coordinator, org.bureau, **SETTINGS)
    db.session.commit()
    auth.login(org.users.coordinator.username)
    page = auth.client.get(f"/plans/{finished.plan.id}/report/print").text
    assert '<p class="gw-addressee">市委全面依法治市委员会办公室：</p>' in page
    assert page.index("gw-addressee") > page.index("gw-title")


def test_the_settings_page_saves_and_previews(org, finished, now, auth):
    auth.login(org.users.coordinator.username)
    page = auth.client.get("/report-settings")
    assert page.status_code == 200
    assert 'placeholder="测试市民政局"' in page.text  # the default, shown in grey
    response = auth.post("/report-settings", SETTINGS, token_from="/report-settings")
    assert response.status_code == 302
    settings = report_settings_of(org.bureau)
    assert (settings.short_name, settings.addressee) == ("市民政局", "市委全面依法治市委员会办公室")
    assert settings.updated_by_id == org.users.coordinator.id
    shown = auth.client.get("/report-settings").text
    assert "2025年，市民政局以习近平法治思想为指导" in shown  # the latest plan's opening


def test_a_refused_value_redisplays_the_form_with_its_input(org, finished, now, auth):
    auth.login(org.users.coordinator.username)
    data = {**SETTINGS, "self_reference": "咱局"}
    response = auth.post("/report-settings", data, token_from="/report-settings")
    assert response.status_code == 422
    assert "Two to four Chinese characters starting with 我 or 本" in response.text  # English here
    assert 'value="咱局"' in response.text
    assert 'value="市民政局"' in response.text  # the other fields are kept too
    assert report_settings_of(org.bureau) is None


@pytest.mark.parametrize("role", ["chief", "staff", "leader", "viewer"])
def test_only_the_legal_office_and_administrators_set_them(org, now, auth, role):
    auth.login(getattr(org.users, role).username)
    assert auth.client.get("/report-settings").status_code == 403
    response = auth.post("/report-settings", SETTINGS, token_from="/account")
    assert response.status_code == 403
    assert report_settings_of(org.bureau) is None


def test_each_bureau_sets_its_own(org, now, auth):
    other = create_unit(FACTORY_ACTOR, name="乙局", kind="bureau")
    add_user("yi-office", "coordinator", other)
    db.session.commit()
    auth.login("yi-office")
    response = auth.post("/report-settings", {"short_name": "乙"}, token_from="/report-settings")
    assert response.status_code == 302
    assert report_settings_of(other).short_name == "乙"
    assert report_settings_of(org.bureau) is None
    assert db.session.query(ReportSettings).count() == 1


def test_a_large_plans_preview_is_built_without_reading_its_tasks(
    org, finished, now, auth, monkeypatch
):
    """Over PREVIEW_TASKS tasks the preview leaves out the sentence counting them (and says so)
    instead of building the whole report: at 100,000 tasks that took 15 s on a settings form."""
    from tracker.reports import queries

    service.save_report_settings(FACTORY_ACTOR, org.bureau, **SETTINGS)
    db.session.commit()
    auth.login(org.users.coordinator.username)
    small = auth.client.get("/report-settings").text
    assert "重点任务" in small and "data-preview-without-tasks" not in small

    monkeypatch.setattr(queries, "PREVIEW_TASKS", 0)
    read = []
    monkeypatch.setattr(queries, "_tasks", lambda plan_id: read.append(plan_id) or [])
    large = auth.client.get("/report-settings").text
    assert read == []  # the tasks were never read
    assert "2025年，市民政局以习近平法治思想为指导" in large
    assert "重点任务" not in large and "data-preview-without-tasks" in large
