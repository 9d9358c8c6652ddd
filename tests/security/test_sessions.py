"""Sessions: nothing typed is lost when the session ends under a form, it comes back only to the
person who typed it, and refused input never swells the session cookie."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, FrozenClock, count, csrf_from
from tests.factories import form_data, make_plan, make_task, walk
from tracker.core import clock
from tracker.core.drafts import FormDraft
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks.models import Task, TaskUpdate

PUBLISHED = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)
NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
#: 5,000 characters that do not compress (the session cookie is zlib-compressed)
VARIED = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(5000))
NOTE = "已完成3个乡镇低保对象入户核查，发现问题12条，均已整改"


@pytest.fixture
def task(org):
    with clock.frozen_at(PUBLISHED):
        plan = make_plan(org)
        task = make_task(org, plan, title="开展低保专项治理", due_date=date(2026, 9, 30))
        plans.publish_plan(org.users.coordinator, plan)
    with clock.frozen_at(NOW):
        walk(org, task, "in_progress")
    db.session.commit()
    return task


def login_with(client, username: str, login_url: str):
    """Log in through the login page the app redirected to (its next and draft fields)."""
    page = client.get(login_url)
    data = form_data(page.text, "/login") | {"username": username, "password": PASSWORD}
    assert data["csrf_token"] == csrf_from(page.text)
    return client.post("/login", data=data)


def expire_and_post(client, auth, task, frozen, *, referrer: bool = True):
    auth.login("staff-relief")
    url = f"/tasks/{task.id}"
    data = form_data(client.get(url).text, f"{url}/progress") | {"progress": "45", "note": NOTE}
    frozen.shift(timedelta(minutes=31))  # past the 30-minute idle timeout
    headers = {"Referer": f"http://localhost{url}"} if referrer else {}
    return client.post(f"{url}/progress", data=data, headers=headers)


@pytest.mark.parametrize("referrer", [True, False])
def test_a_note_posted_after_the_session_expired_comes_back_after_login(
    org, auth, client, task, referrer
):
    with FrozenClock(NOW) as frozen:
        refused = expire_and_post(client, auth, task, frozen, referrer=referrer)
        assert refused.status_code == 302
        login_url = refused.headers["Location"]
        query = parse_qs(urlsplit(login_url).query)
        assert query["next"] == [f"/tasks/{task.id}"]  # the page, not the POST-only address
        assert query["draft"]
        assert count(FormDraft) == 1
        assert NOTE not in login_url  # the text stays on the server
        logged_in = login_with(client, "staff-relief", login_url)
        assert logged_in.status_code == 302
        assert logged_in.headers["Location"] == f"/tasks/{task.id}"
        page = client.get(logged_in.headers["Location"])
    assert page.status_code == 200  # not 405
    kept = form_data(page.text, f"/tasks/{task.id}/progress")
    assert kept["note"] == NOTE and kept["progress"] == "45"
    assert "filled in again" in page.text
    # nothing was saved behind the person's back, and the draft is used up
    db.session.expire_all()
    assert db.session.get(Task, task.id).progress != 45
    assert not db.session.scalar(sa.select(TaskUpdate.id).where(TaskUpdate.note == NOTE))
    assert count(FormDraft) == 0
    again = client.get(f"/tasks/{task.id}")
    assert NOTE not in again.text


def test_another_user_cannot_claim_the_draft(org, auth, client, task):
    with FrozenClock(NOW) as frozen:
        refused = expire_and_post(client, auth, task, frozen)
        login_url = refused.headers["Location"]
        # someone else opens the same login link (shared screen, forwarded link)
        other = login_with(client, "chief-relief", login_url)
        assert other.status_code == 302
        page = client.get(other.headers["Location"])
        assert page.status_code == 200
        assert NOTE not in page.text
        # the draft is still there for the person who typed it
        assert count(FormDraft) == 1
        auth.logout()
        mine = login_with(client, "staff-relief", login_url)
        assert NOTE in client.get(mine.headers["Location"]).text


def test_a_draft_is_not_given_back_after_an_hour(org, auth, client, task):
    with FrozenClock(NOW) as frozen:
        refused = expire_and_post(client, auth, task, frozen)
        frozen.shift(timedelta(minutes=61))
        landed = login_with(client, "staff-relief", refused.headers["Location"])
        assert NOTE not in client.get(landed.headers["Location"]).text


def test_an_anonymous_post_keeps_nothing(org, client, task):
    client.get("/login")
    token = csrf_from(client.get("/login").text)
    response = client.post(
        f"/tasks/{task.id}/progress", data={"csrf_token": token, "progress": "1", "note": NOTE}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(FormDraft) == 0


# -- refused evidence forms keep their text on the server, not in the cookie -----------------


@pytest.mark.parametrize(
    "route,fields",
    [
        ("/evidence/link", {"url": "", "title": VARIED}),
        ("/evidence/note", {"title": VARIED[:290], "text": VARIED + "记"}),
    ],
)
def test_a_refused_evidence_form_does_not_swell_the_cookie(org, auth, client, task, route, fields):
    with clock.frozen_at(NOW):
        auth.login("staff-relief")
        url = f"/tasks/{task.id}"
        token = csrf_from(client.get(url).text)
        before = len(client.get_cookie("duban_session").value)
        data = {"csrf_token": token, "task": str(task.id), "next": url} | fields
        refused = client.post(route, data=data)
        assert refused.status_code == 302
        after = len(client.get_cookie("duban_session").value)
        assert after < before + 1000  # the draft's id and the error messages, not ~20 KB
        page = client.get(url)
    assert page.status_code == 200
    shown = fields.get("title") or ""
    assert shown[:300] in page.text  # offered again in the open form
    assert count(FormDraft) == 1
