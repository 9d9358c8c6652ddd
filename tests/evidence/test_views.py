"""Evidence through the browser: uploads checked by content, safe downloads, permissions on
every route, and no row or file left behind by a refused or failed upload."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.conftest import Auth, csrf_from
from tests.evidence import samples
from tests.evidence.conftest import multipart, stored_files, upload
from tests.factories import count, make_task
from tracker.audit.models import AuditEvent
from tracker.core import storage
from tracker.evidence import service
from tracker.evidence.models import Evidence, EvidenceLink
from tracker.reminders.models import Notification

CHINESE_NAME = "关于规范性文件审查的报告.pdf"


@pytest.fixture
def chief(org, client):
    auth = Auth(client)
    auth.login("chief-relief")
    return auth


def post(auth, url, data, **kw):
    data = {"csrf_token": csrf_from(auth.client.get("/account").text), **data}
    return auth.client.post(url, data=data, **kw)


def follow(auth, response):
    """The page a POST redirected to (the isolated test client cannot follow redirects)."""
    assert response.status_code == 302, response.status_code
    return auth.client.get(response.headers["Location"])


def fetch(client, url):
    """GET a file completely and close it (file responses stream)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


# -- uploading -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "mime"), samples.ACCEPTED)
def test_every_accepted_type_uploads(org, task, chief, db, name, make, mime):
    response = upload(chief, task, name, make())
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/tasks/{task.id}")
    evidence = db.session.scalar(sa.select(Evidence))
    assert (evidence.original_name, evidence.content_type) == (name, mime)
    assert evidence.links[0].task_id == task.id
    assert "attached" in chief.client.get(response.headers["Location"]).text


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("报告.pdf", samples.elf, "its content is an executable program"),
        ("报告.docx", samples.windows_exe, "its content is an executable program"),
        ("报告.pdf", samples.html, "its content is a web page (HTML)"),
        ("空白.pdf", lambda: b"", "is empty"),
        ("setup.exe", samples.windows_exe, "are not accepted"),
    ],
)
def test_impostors_and_empty_files_are_refused_clearly(org, task, chief, app, name, make, message):
    response = follow(chief, upload(chief, task, name, make()))
    assert response.status_code == 200
    assert message in response.text
    assert count(Evidence) == 0 and count(EvidenceLink) == 0
    assert stored_files(app) == []


def test_no_file_chosen(org, task, chief):
    response = follow(chief, post(chief, "/evidence/upload", {"task": task.id}))
    assert "Choose a file to upload." in response.text
    assert count(Evidence) == 0


@pytest.fixture
def small_limit(app_config):
    app_config["MAX_UPLOAD_MB"] = 1
    return app_config


@pytest.mark.parametrize("extra", [1024 * 1024, 200 * 1024, 1])
def test_files_over_the_limit_get_a_413_page_naming_it(small_limit, org, task, chief, app, extra):
    content = samples.pdf() + b"0" * (1024 * 1024 - len(samples.pdf()) + extra)
    response = upload(chief, task, "大文件.pdf", content)
    assert response.status_code == 413
    assert "larger than the limit of 1 MB" in response.text
    assert "Traceback" not in response.text
    assert count(Evidence) == 0 and stored_files(app) == []


def test_a_file_of_exactly_the_limit_is_accepted(small_limit, org, task, chief, app):
    content = samples.pdf() + b"0" * (1024 * 1024 - len(samples.pdf()))
    assert upload(chief, task, "正好.pdf", content).status_code == 302
    assert count(Evidence) == 1


def test_the_413_answer_is_json_for_api_clients(small_limit, org, task, chief):
    response = chief.client.post(
        "/evidence/upload",
        **multipart(chief, {"task": task.id}, "a.pdf", b"%PDF-" + b"0" * 2 * 1024 * 1024),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    assert "1 MB" in response.get_json()["message"]


def test_path_parts_are_dropped_from_names(org, task, chief, db, app):
    upload(chief, task, "../../../etc/报告.pdf", samples.pdf())
    evidence = db.session.scalar(sa.select(Evidence))
    assert evidence.original_name == "报告.pdf"
    # the file itself lives under its hash, inside the store
    assert stored_files(app) == [f"{evidence.sha256[:2]}/{evidence.sha256[2:4]}/{evidence.sha256}"]


def test_a_300_character_name_is_kept_shortened_with_its_extension(org, task, chief, db):
    name = "关于" + "审" * 291 + "的报告.pdf"
    assert len(name) == 300
    assert upload(chief, task, name, samples.pdf()).status_code == 302
    evidence = db.session.scalar(sa.select(Evidence))
    assert len(evidence.original_name) == 255
    assert evidence.original_name.endswith(".pdf") and evidence.original_name.startswith("关于")


def test_the_same_file_twice_is_one_blob_and_one_row(org, task, chief, app):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    response = follow(chief, upload(chief, task, "副本.pdf", samples.pdf()))
    assert "is already attached here" in response.text
    assert count(Evidence) == 1 and len(stored_files(app)) == 1


class FailingCommit:
    """Make the commit that would save a just-written evidence file fail."""

    def __init__(self):
        self.calls = 0

    def __call__(self, session):
        if session.info.get("evidence_new_blobs"):
            self.calls += 1
            raise RuntimeError("database went away")


def test_no_orphan_file_when_the_commit_fails(org, task, chief, app):
    failing = FailingCommit()
    sa.event.listen(Session, "before_commit", failing)
    try:
        response = upload(chief, task, CHINESE_NAME, samples.pdf())
    finally:
        sa.event.remove(Session, "before_commit", failing)
    assert failing.calls == 1
    assert response.status_code == 500
    assert "Traceback" not in response.text and "database went away" not in response.text
    assert count(Evidence) == 0 and count(EvidenceLink) == 0
    assert stored_files(app) == []


def test_no_orphan_file_when_a_step_after_the_write_fails(org, task, chief, app, monkeypatch):
    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit chain locked")

    monkeypatch.setattr(service, "log_event", broken_audit)
    response = upload(chief, task, CHINESE_NAME, samples.pdf())
    assert response.status_code == 500
    assert count(Evidence) == 0 and stored_files(app) == []


def test_uploads_need_the_right_to_add_evidence(org, task, client, app):
    auth = Auth(client)
    auth.login("chief-elderly")
    assert upload(auth, task, CHINESE_NAME, samples.pdf()).status_code == 403
    assert count(Evidence) == 0 and stored_files(app) == []
    for data in ({}, {"task": task.id, "record": 1}, {"task": "x"}):
        assert post(auth, "/evidence/note", {**data, "text": "x"}).status_code == 400
    assert post(auth, "/evidence/note", {"task": 9999, "text": "x"}).status_code == 404


def test_links_and_notes_through_the_forms(org, task, chief, db):
    response = post(
        chief,
        "/evidence/link",
        {"task": task.id, "url": "https://www.gov.cn/zhengce/content_1.htm", "title": "公开文件"},
    )
    assert response.status_code == 302
    response = follow(
        chief, post(chief, "/evidence/link", {"task": task.id, "url": "javascript:alert(1)"})
    )
    assert "starting with http:// or https://" in response.text
    post(chief, "/evidence/note", {"task": task.id, "text": "原件存档室第3柜", "title": ""})
    kinds = db.session.scalars(sa.select(Evidence.kind).order_by(Evidence.id)).all()
    assert kinds == ["link", "note"]


def test_redirect_back_only_to_local_pages(org, task, chief):
    data = {"task": task.id, "text": "说明"}
    assert (
        post(chief, "/evidence/note", {**data, "next": "/plans/"}).headers["Location"] == "/plans/"
    )
    for unsafe in ("https://evil.example/", "//evil.example/"):
        location = post(chief, "/evidence/note", {**data, "next": unsafe}).headers["Location"]
        assert location.startswith(f"/tasks/{task.id}")


# -- downloading -----------------------------------------------------------------------------


def test_download_keeps_the_chinese_name_and_is_safe_to_open(org, task, chief, db):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    evidence = db.session.scalar(sa.select(Evidence))
    response = fetch(chief.client, f"/evidence/{evidence.id}/download")
    assert response.status_code == 200
    assert response.data == samples.pdf()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(CHINESE_NAME)}" in disposition
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_text_downloads_keep_their_encoding(org, task, chief, db):
    upload(chief, task, "说明.txt", samples.gb18030_text())
    evidence = db.session.scalar(sa.select(Evidence))
    response = fetch(chief.client, f"/evidence/{evidence.id}/download")
    assert response.headers["Content-Type"] == "text/plain; charset=gb18030"
    assert response.data.decode("gb18030") == samples.CHINESE_TEXT


def test_preview_shows_images_and_pdfs_in_the_page_and_nothing_else(org, task, chief, db):
    upload(chief, task, "现场照片.png", samples.png())
    upload(chief, task, CHINESE_NAME, samples.pdf())
    upload(chief, task, "方案.docx", samples.ooxml("docx"))
    image, pdf, word = db.session.scalars(sa.select(Evidence).order_by(Evidence.id)).all()
    for evidence, content_type, data in (
        (image, "image/png", samples.png()),
        (pdf, "application/pdf", samples.pdf()),
    ):
        response = fetch(chief.client, f"/evidence/{evidence.id}/preview")
        assert response.status_code == 200 and response.data == data
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Content-Disposition"].startswith("inline")
        # the file runs nothing and may be framed by Duban's own page only
        assert (
            response.headers["Content-Security-Policy"]
            == "default-src 'none'; frame-ancestors 'self'"
        )
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert chief.client.get(f"/evidence/{word.id}/preview").status_code == 404
    # the download is never framed
    download = fetch(chief.client, f"/evidence/{pdf.id}/download")
    assert download.headers["Content-Security-Policy"] == "default-src 'none'"
    assert download.headers["X-Frame-Options"] == "DENY"
    # the task page offers both previews in the page, loaded only when opened
    page = chief.client.get(f"/tasks/{task.id}").text
    assert re.search(
        rf'<iframe class="evidence-preview-frame[^"]*" data-src="/evidence/{pdf.id}/preview"', page
    )
    assert re.search(
        rf'<img class="evidence-preview-image[^"]*" data-src="/evidence/{image.id}/preview"', page
    )
    assert f"/evidence/{word.id}/preview" not in page


def test_another_units_chief_cannot_read_even_by_guessing_ids(org, task, chief, client, db, app):
    upload(chief, task, "现场照片.png", samples.png())
    post(chief, "/evidence/note", {"task": task.id, "text": "内部说明"})
    ids = db.session.scalars(sa.select(Evidence.id)).all()
    chief.logout()
    other = Auth(app.test_client())
    other.login("chief-elderly")
    denials = count(AuditEvent, AuditEvent.outcome == "denied")
    for evidence_id in ids:
        for view in ("download", "preview"):
            response = other.client.get(f"/evidence/{evidence_id}/{view}")
            assert response.status_code == 403, (evidence_id, view)
            assert "PNG" not in response.text
    assert count(AuditEvent, AuditEvent.outcome == "denied") == denials + 2 * len(ids)
    assert other.client.get("/evidence/99999/download").status_code == 404
    # nor attach them to a task of the own unit to read them from there
    own = make_task(org, task.plan, title="养老", lead_unit=org.elderly, owner=None)
    db.session.commit()
    response = post(other, "/evidence/link-existing", {"task": own.id, "evidence_id": ids[0]})
    assert response.status_code == 403
    assert count(EvidenceLink) == 2


def test_readers_of_the_task_may_download(org, task, chief, app, db):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    evidence_id = db.session.scalar(sa.select(Evidence.id))
    for username in ("office", "viewer", "deputy", "staff-relief"):
        auth = Auth(app.test_client())
        auth.login(username)
        assert fetch(auth.client, f"/evidence/{evidence_id}/download").status_code == 200, username
    outsider = Auth(app.test_client())
    outsider.login("outsider")  # a coordinator of another bureau
    assert outsider.client.get(f"/evidence/{evidence_id}/download").status_code == 403


def test_a_missing_blob_is_a_404_not_a_crash(org, task, chief, db):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    evidence = db.session.scalar(sa.select(Evidence))
    storage.blob_path(evidence.sha256).unlink()
    assert fetch(chief.client, f"/evidence/{evidence.id}/download").status_code == 404


# -- linking, withdrawing, replacing, reviewing ----------------------------------------------


def test_link_existing_evidence_to_another_task(org, task, chief, db):
    other = make_task(org, task.plan, title="另一项任务")
    db.session.commit()
    upload(chief, task, CHINESE_NAME, samples.pdf())
    evidence_id = db.session.scalar(sa.select(Evidence.id))
    page = chief.client.get(f"/tasks/{other.id}").text
    # the choices are not drawn with the page: the panel asks for them when they are opened
    assert "Attach existing evidence" in page and CHINESE_NAME not in page
    assert f'hx-get="/evidence/attachable?task={other.id}"' in page
    choices = chief.client.get(
        f"/evidence/attachable?task={other.id}", headers={"HX-Request": "true"}
    )
    assert choices.status_code == 200 and CHINESE_NAME in choices.text
    assert "<html" not in choices.text and 'action="/evidence/link-existing"' in choices.text
    assert CHINESE_NAME in chief.client.get(f"/evidence/attachable?task={other.id}").text
    response = post(
        chief, "/evidence/link-existing", {"task": other.id, "evidence_id": evidence_id}
    )
    assert response.status_code == 302
    assert count(Evidence) == 1 and count(EvidenceLink) == 2
    again = follow(
        chief,
        post(chief, "/evidence/link-existing", {"task": other.id, "evidence_id": evidence_id}),
    )
    assert "already attached here" in again.text


def test_the_choices_to_attach_are_asked_with_the_right_to_add(org, task, chief, app, db):
    post(chief, "/evidence/note", {"task": task.id, "text": "内部说明"})
    other = make_task(org, task.plan, title="另一项任务")
    db.session.commit()
    url = f"/evidence/attachable?task={other.id}"
    assert "内部说明" in chief.client.get(url).text
    assert "no other evidence" in chief.client.get(f"/evidence/attachable?task={task.id}").text
    for username in ("chief-elderly", "viewer", "deputy"):
        auth = Auth(app.test_client())
        auth.login(username)
        assert auth.client.get(url).status_code == 403, username
    assert chief.client.get("/evidence/attachable").status_code == 400
    assert chief.client.get(f"/evidence/attachable?task={other.id}&record=1").status_code == 400
    assert chief.client.get("/evidence/attachable?task=99999").status_code == 404


def test_withdraw_hides_but_keeps(org, task, chief, db, app):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    evidence = db.session.scalar(sa.select(Evidence))
    elderly = Auth(app.test_client())
    elderly.login("chief-elderly")
    assert post(elderly, f"/evidence/{evidence.id}/withdraw", {"reason": "x"}).status_code == 403
    response = follow(chief, post(chief, f"/evidence/{evidence.id}/withdraw", {"reason": ""}))
    assert "Reason: This field is required." in response.text
    post(chief, f"/evidence/{evidence.id}/withdraw", {"reason": "传错了"})
    db.session.expire_all()
    assert evidence.is_withdrawn and count(Evidence) == 1
    assert len(stored_files(app)) == 1
    page = chief.client.get(f"/tasks/{task.id}").text
    assert CHINESE_NAME not in page
    page = chief.client.get(f"/tasks/{task.id}?evidence=all").text
    assert CHINESE_NAME in page and "传错了" in page


def test_supersede_through_the_form(org, task, chief, db):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    old = db.session.scalar(sa.select(Evidence))
    response = chief.client.post(
        f"/evidence/{old.id}/supersede",
        **multipart(chief, {}, "报告v2.pdf", samples.pdf() + b"%v2\n"),
    )
    response = follow(chief, response)
    assert "New version “报告v2.pdf” uploaded." in response.text
    db.session.expire_all()
    assert old.superseded_by is not None and old.superseded_by.original_name == "报告v2.pdf"
    response = chief.client.post(
        f"/evidence/{old.superseded_by.id}/supersede",
        **multipart(chief, {}, "报告v3.pdf", samples.elf()),
    )
    response = follow(chief, response)
    assert "executable program" in response.text and count(Evidence) == 2


def test_review_is_for_the_legal_office(org, task, chief, app, db):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    evidence = db.session.scalar(sa.select(Evidence))
    assert (
        post(chief, f"/evidence/{evidence.id}/review", {"verdict": "verified"}).status_code == 403
    )
    office = Auth(app.test_client())
    office.login("office")
    page = office.client.get(f"/tasks/{task.id}").text
    assert f"/evidence/{evidence.id}/review" in page
    response = follow(
        office, post(office, f"/evidence/{evidence.id}/review", {"verdict": "rejected", "note": ""})
    )
    assert "Give the reason for rejecting it" in response.text
    post(office, f"/evidence/{evidence.id}/review", {"verdict": "rejected", "note": "缺盖章页"})
    db.session.expire_all()
    assert evidence.review_status == "rejected"
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "evidence_rejected")
    )
    assert notice.recipient_id == org.users.chief.id and notice.body == "缺盖章页"
    page = chief.client.get(f"/tasks/{task.id}").text
    assert "Rejected because:" in page and "缺盖章页" in page


# -- the panel -------------------------------------------------------------------------------


def test_the_panel_lists_evidence_and_offers_the_forms(org, task, chief, db):
    upload(chief, task, "现场照片.png", samples.png())
    post(chief, "/evidence/link", {"task": task.id, "url": "https://www.gov.cn/a", "title": "公开"})
    page = chief.client.get(f"/tasks/{task.id}").text
    # the forms to add are drawn when opened (htmx), not with every page
    for kind, action in (("file", "upload"), ("link", "link"), ("note", "note")):
        url = f"/evidence/add/{kind}?task={task.id}"
        assert f'hx-get="{url}"' in page and f'action="/evidence/{action}"' not in page
        form = chief.client.get(url, headers={"HX-Request": "true"})
        assert form.status_code == 200 and "<html" not in form.text
        assert f'action="/evidence/{action}"' in form.text and 'name="csrf_token"' in form.text
        assert f'name="task" value="{task.id}"' in form.text
        assert f'value="/tasks/{task.id}#ev-task{task.id}"' in form.text  # back to the panel
        assert "<html" in chief.client.get(url).text  # without htmx, a page of its own
    upload_form = chief.client.get(f"/evidence/add/file?task={task.id}").text
    assert 'enctype="multipart/form-data"' in upload_form and 'accept=".pdf,' in upload_form
    assert "现场照片" in page and "/preview" in page and "Awaiting review" in page
    assert 'href="https://www.gov.cn/a"' in page and 'rel="noopener noreferrer nofollow"' in page
    assert "<script>" not in page.split('id="ev-task')[1] and "style=" not in page


def test_readers_see_the_panel_without_forms(org, task, chief, app):
    upload(chief, task, CHINESE_NAME, samples.pdf())
    viewer = Auth(app.test_client())
    viewer.login("viewer")
    page = viewer.client.get(f"/tasks/{task.id}").text
    assert CHINESE_NAME in page
    assert "/evidence/add/" not in page and "/withdraw" not in page
    assert viewer.client.get(f"/evidence/add/file?task={task.id}").status_code == 403


def test_the_forms_to_add_are_asked_with_the_right_to_add(org, task, record, chief, app, db):
    """Each form to add evidence answers only those who may add to that task or record, and
    only while its plan is open; a bad or missing target is refused, not a 500."""
    assert chief.client.get(f"/evidence/add/note?record={record.id}").status_code == 200
    for username in ("chief-elderly", "viewer", "deputy"):
        auth = Auth(app.test_client())
        auth.login(username)
        assert auth.client.get(f"/evidence/add/note?task={task.id}").status_code == 403, username
    assert chief.client.get("/evidence/add/note").status_code == 400
    assert chief.client.get(f"/evidence/add/note?task={task.id}&record=1").status_code == 400
    assert chief.client.get("/evidence/add/note?task=x%00").status_code == 400
    assert chief.client.get("/evidence/add/note?task=99999").status_code == 404
    assert chief.client.get(f"/evidence/add/video?task={task.id}").status_code == 404
    task.plan.status = "closed"
    db.session.commit()
    assert chief.client.get(f"/evidence/add/note?task={task.id}").status_code == 409


def test_evidence_on_a_record(org, task, record, chief, db):
    assert upload(chief, record, CHINESE_NAME, samples.pdf()).status_code == 302
    link = db.session.scalar(sa.select(EvidenceLink))
    assert link.record_id == record.id and link.task_id is None
    evidence_id = link.evidence_id
    assert fetch(chief.client, f"/evidence/{evidence_id}/download").status_code == 200


def test_a_refused_link_keeps_what_was_typed(org, auth):
    """A bad address is refused with a message; the panel offers the typed values again."""
    from tests.factories import make_plan
    from tracker.extensions import db
    from tracker.plans import service as plans

    plan = make_plan(org)
    task = make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    auth.login("chief-relief")
    page = f"/tasks/{task.id}"
    response = auth.post(
        "/evidence/link",
        {"task": task.id, "url": "ftp://内网/文件", "title": "内网共享目录", "next": page},
        token_from=page,
    )
    assert response.status_code == 302
    again = auth.client.get(page).text
    assert 'value="内网共享目录"' in again and "ftp://内网/文件" in again
    assert "collapse show" in again
    assert "内网共享目录" not in auth.client.get(page).text  # offered once, not forever


def test_the_timeline_shows_evidence_added_reviewed_and_withdrawn_by_name(org, task, chief, db):
    org.users.chief.display_name = "王晓燕"
    org.users.coordinator.display_name = "李建国"
    db.session.commit()
    assert upload(chief, task, "低保核查台账.pdf", samples.pdf()).status_code == 302
    post(chief, "/evidence/note", {"task": task.id, "text": "原件存档室第3柜", "title": "原件去向"})
    first, note = db.session.scalars(sa.select(Evidence).order_by(Evidence.id)).all()
    service.review(org.users.coordinator, first, "rejected", "缺少签字页")
    service.withdraw(org.users.chief, note, "重复上传")
    db.session.commit()
    page = chief.client.get(f"/tasks/{task.id}").text
    timeline = page[
        page.index('class="timeline') : page.index("</ul>", page.index('class="timeline'))
    ]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", timeline))
    assert "Evidence added “低保核查台账" in text
    assert "Evidence rejected" in text and "缺少签字页" in text and "李建国" in text
    assert "Evidence withdrawn “原件去向” 重复上传" in text
    assert "王晓燕 Evidence withdrawn" in text and "王晓燕 Evidence added" in text
    assert "李建国 Created" in text  # edits name the person, not the account "office"
