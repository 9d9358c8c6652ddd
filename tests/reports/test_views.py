"""The report pages: who may see and edit, the preview's links to sources, editing a part with
its revisions, the signature, and the downloads."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from docx import Document

from tests.factories import form_data
from tracker.extensions import db
from tracker.reports import service
from tracker.reports.models import ReportRevision
from tracker.reports.queries import draft_of

VIEWERS = {"admin": 200, "coordinator": 200, "principal": 200, "leader": 200, "viewer": 200}
OTHERS = {"chief": 403, "staff": 403, "outsider": 403}


def login(auth, org, role):
    auth.login(getattr(org.users, role).username)


@pytest.mark.parametrize(("role", "status"), [*VIEWERS.items(), *OTHERS.items()])
def test_who_sees_the_report(org, finished, now, auth, role, status):
    login(auth, org, role)
    url = f"/plans/{finished.plan.id}/report"
    assert auth.client.get(url).status_code == status
    assert auth.client.get(f"{url}.md").status_code == status
    assert auth.client.get(f"{url}/print").status_code == status
    statement = f"/plans/{finished.plan.id}/statement.md"
    assert auth.client.get(statement).status_code == status


@pytest.mark.parametrize("role", ["admin", "principal", "leader", "viewer", "chief", "outsider"])
def test_only_the_coordinator_edits(org, finished, now, auth, role):
    login(auth, org, role)
    url = f"/plans/{finished.plan.id}/report"
    assert auth.client.get(f"{url}/parts/measures/edit").status_code == 403
    response = auth.post(f"{url}/parts/measures/edit", {"text": "改写", "revision": "0"})
    assert response.status_code == 403
    assert auth.post(f"{url}/signature", {"signatory": "某局"}).status_code == 403
    # the draft made on publishing is untouched: no revision, no signature
    draft = draft_of(finished.plan)
    db.session.refresh(draft)
    assert draft.revisions == [] and (draft.signatory, draft.signed_on) == ("", None)
    assert db.session.scalar(sa.select(sa.func.count(ReportRevision.id))) == 0


def test_the_preview_links_every_sentence_to_its_sources(org, finished, now, auth):
    login(auth, org, "viewer")
    page = auth.client.get(f"/plans/{finished.plan.id}/report").text
    assert "测试市民政局2025年度法治政府建设情况报告" in page
    assert "一、2025年推进法治政府建设的主要举措和成效" in page
    # the figure is a link to its entry in the sources, which names the task and the records
    assert 'class="report-figure" href="#source-' in page and ">3份</a>" in page
    assert f'href="/tasks/{finished.reviews.id}"' in page
    for record_id in finished.review_record_ids:
        assert f'href="/records/{record_id}"' in page
    assert "规范性文件合法性审查" in page
    # the viewer may not edit: no edit links
    assert "/parts/measures/edit" not in page
    # what to check before signing: part 二 and 四 wait for text
    assert "There is no plan for 2026 yet" in page


def test_the_plan_page_links_to_the_report(org, finished, now, auth):
    login(auth, org, "coordinator")
    assert (
        f'href="/plans/{finished.plan.id}/report"'
        in auth.client.get(f"/plans/{finished.plan.id}").text
    )
    auth.logout()
    login(auth, org, "chief")
    assert "/report" not in auth.client.get(f"/plans/{finished.plan.id}").text


def test_editing_a_part_through_the_page(org, finished, now, auth):
    login(auth, org, "coordinator")
    url = f"/plans/{finished.plan.id}/report/parts/shortcomings/edit"
    page = auth.client.get(url)
    assert page.status_code == 200
    data = form_data(page.text, None)
    assert "1项任务尚未完成" in data["text"] and data["revision"] == "0"
    data["text"] += "\n二是专业法律人员偏少，原因是编制不足。"
    data["note"] = "补充原因"
    response = auth.client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/plans/{finished.plan.id}/report#part-shortcomings"
    )
    shown = auth.client.get(f"/plans/{finished.plan.id}/report").text
    assert "二是<span" in shown and "专业法律人员偏少，原因是编制不足。" in shown
    assert "Edited by office" in shown
    edit_page = auth.client.get(url).text
    assert "补充原因" in edit_page and "in force" in edit_page

    # a second coordinator's page still shows revision 0: their save is refused, input kept
    stale = dict(data, text="另一个版本。", revision="0")
    conflict = auth.client.post(url, data=stale)
    assert conflict.status_code == 409
    assert "另一个版本。" in conflict.text and "after you opened it" in conflict.text


def test_returning_to_the_generated_text_and_restoring(org, finished, now, auth):
    first = service.save_part(org.users.coordinator, finished.plan, "opening", "开头一稿。")
    second = service.save_part(org.users.coordinator, finished.plan, "opening", "开头二稿。")
    db.session.commit()
    login(auth, org, "coordinator")
    url = f"/plans/{finished.plan.id}/report/parts/opening/edit"
    page = auth.client.get(url).text
    response = auth.client.post(
        f"/plans/{finished.plan.id}/report/parts/opening/reset",
        data=form_data(page, f"/plans/{finished.plan.id}/report/parts/opening/reset"),
    )
    assert response.status_code == 302
    assert "开头二稿。" not in auth.client.get(f"/plans/{finished.plan.id}/report").text
    page = auth.client.get(url).text
    restore = f"/plans/{finished.plan.id}/report/revisions/{first.id}/restore"
    assert auth.client.post(restore, data=form_data(page, restore)).status_code == 302
    assert "开头一稿。" in auth.client.get(f"/plans/{finished.plan.id}/report").text
    assert (
        second.id < db.session.query(ReportRevision).order_by(ReportRevision.id.desc()).first().id
    )


def test_the_signature_form(org, finished, now, auth):
    login(auth, org, "coordinator")
    url = f"/plans/{finished.plan.id}/report"
    page = auth.client.get(url).text
    data = form_data(page, f"{url}/signature")
    data.update(signatory="测试市民政局", signed_on="2024-12-01")
    refused = auth.client.post(f"{url}/signature", data=data)
    assert refused.status_code == 422
    assert "cannot be dated before the year it reports on" in refused.text
    data["signed_on"] = "2026-01-15"
    assert auth.client.post(f"{url}/signature", data=data).status_code == 302
    assert "2026年1月15日" in auth.client.get(url).text


def test_downloads(org, finished, now, auth):
    login(auth, org, "leader")
    url = f"/plans/{finished.plan.id}/report"
    name = quote("测试市民政局2025年度法治政府建设情况报告")
    docx = auth.client.get(f"{url}.docx")
    assert docx.status_code == 200
    assert docx.mimetype.endswith("wordprocessingml.document")
    assert f"filename*=UTF-8''{name}.docx" in docx.headers["Content-Disposition"]
    document = Document(io.BytesIO(docx.data))
    assert (
        document.paragraphs[0].text.replace("\n", "") == "测试市民政局2025年度法治政府建设情况报告"
    )
    markdown = auth.client.get(f"{url}.md")
    assert markdown.headers["Content-Type"] == "text/markdown; charset=utf-8"  # one charset
    assert markdown.data.decode().startswith("# 测试市民政局2025年度法治政府建设情况报告")
    html = auth.client.get(f"{url}.html")
    assert html.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment" in html.headers["Content-Disposition"] and b"@page" in html.data
    pdf = auth.client.get(f"{url}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert auth.client.get(f"{url}.exe").status_code == 404
    printable = auth.client.get(f"{url}/print")
    assert '<link rel="stylesheet" href="/static/css/report-print.css">' in printable.text
    assert "<style>" not in printable.text  # the strict CSP forbids inline styles


def test_unknown_plan_and_part(org, finished, now, auth):
    login(auth, org, "coordinator")
    assert auth.client.get("/plans/9999/report").status_code == 404
    assert (
        auth.client.get(f"/plans/{finished.plan.id}/report/parts/appendix/edit").status_code == 404
    )


def test_the_coordinator_writes_structural_notes_part_two_draws_on(org, finished, now, auth):
    from tracker.tasks.models import CauseStatement

    url = f"/plans/{finished.plan.id}/report"
    login(auth, org, "leader")
    assert (
        auth.post(f"{url}/notes", {"cause": "人员力量不足", "explanation": "x"}).status_code == 403
    )
    auth.logout()
    login(auth, org, "coordinator")
    page = auth.client.get(url).text
    assert "Structural notes for part 2" in page
    data = form_data(page, f"{url}/notes")
    bad = auth.client.post(f"{url}/notes", data=data | {"cause": "天气", "explanation": "x"})
    assert bad.status_code == 422 and "Choose a cause from the list." in bad.text
    note = {"cause": "专业人才缺乏", "explanation": "目前我局专业法律工作人员偏少。"}
    response = auth.client.post(f"{url}/notes", data=data | note)
    assert response.status_code == 302
    page = auth.client.get(url).text
    assert "目前我局专业法律工作人员偏少。" in page
    [saved] = db.session.scalars(sa.select(CauseStatement)).all()
    assert (saved.task_id, saved.occasion) == (None, "structural")
    delete = f"{url}/notes/{saved.id}/delete"
    assert auth.client.post(delete, data=form_data(page, delete)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(CauseStatement.id))) == 0


def test_the_coordinator_edits_the_bureaus_list_of_causes(org, finished, now, auth):
    from tracker.tasks.causes import cause_choices

    url = f"/plans/{finished.plan.id}/report"
    login(auth, org, "coordinator")
    page = auth.client.get(url).text
    assert "部门协调难度大" in page
    data = form_data(page, f"{url}/causes")
    response = auth.client.post(f"{url}/causes", data=data | {"labels": "人员力量不足\n疫情影响\n"})
    assert response.status_code == 302
    assert cause_choices(finished.plan.bureau) == ["人员力量不足", "疫情影响"]
    empty = auth.client.post(f"{url}/causes", data=data | {"labels": " \n"})
    assert empty.status_code == 422 and "Keep at least one cause." in empty.text


def test_the_principals_statement_report_downloads(org, finished, now, auth):
    login(auth, org, "leader")
    page = auth.client.get(f"/plans/{finished.plan.id}/report").text
    assert f"/plans/{finished.plan.id}/statement.docx" in page
    docx = auth.client.get(f"/plans/{finished.plan.id}/statement.docx")
    assert docx.status_code == 200
    title = "测试市民政局主要负责人2025年度述法报告"
    assert f"filename*=UTF-8''{quote(title)}.docx" in docx.headers["Content-Disposition"]
    document = Document(io.BytesIO(docx.data))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0].replace("\n", "") == title
    assert "一、带头尊法学法守法用法情况" in texts and "三、坚持依法决策情况" in texts
    pdf = auth.client.get(f"/plans/{finished.plan.id}/statement.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_the_statement_report_from_the_command_line(org, finished, now, runner, tmp_path):
    out = tmp_path / "statement.md"
    result = runner.invoke(
        args=["report", "build", "--plan", str(finished.plan.id), "--statement", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "主要负责人2025年度述法报告" in result.output
    assert out.read_text(encoding="utf-8").startswith("# 测试市民政局主要负责人2025年度述法报告")


def test_the_report_page_lists_a_bounded_number_of_sources_and_counts_the_rest(
    org, finished, now, auth, monkeypatch
):
    from tracker.reports import views

    monkeypatch.setattr(views, "SOURCES_LISTED", 1)
    auth.login(org.users.coordinator.username)
    page = auth.client.get(f"/plans/{finished.plan.id}/report").text
    more = [int(n) for n in re.findall(r'data-more-sources="(\d+)"', page)]
    assert more and all(n > 0 for n in more)
    assert f"/plans/{finished.plan.id}/export.xlsx" in page  # where the rest are listed
