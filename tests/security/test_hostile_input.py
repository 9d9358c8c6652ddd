"""Hostile bytes in every parameter of every route: a clear 4xx, never a 5xx.

The walk is generated from the URL map, so a new route is attacked the day it is added.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import Auth
from tests.factories import count, make_plan, make_section, make_task, task_in_status
from tracker.plans.models import Plan

#: Values for `<int:…>` path parts: beyond PostgreSQL's integer, beyond int64, negative, zero.
HOSTILE_INTS = ["0", "2147483648", "9223372036854775808", "99999999999999999999", "-1"]
#: Values for string path parts (already percent-encoded for the URL).
HOSTILE_STRINGS = [
    "%00",
    "a%00b",
    "%1B%5B31m",
    "..%2F..%2Fetc%2Fpasswd",
    "%E2%80%AE" * 3,
    "x" * 600,
]
#: Query strings every GET route receives in turn.
HOSTILE_QUERIES = [
    "page=99999999999999999999",
    "page=%C2%B2&plan=%EF%BC%92",
    "page=-3",
    "page=%00",
    "year=99999&plan=2147483648&unit=-1",
    "bureau=9223372036854775808",
    "q=%00%01&status=%FF%FE",
    "light=%1B&show=all%0D%0ASet-Cookie:x=1",
    "next=%2F%2Fevil.example&section=%00",
]
#: Form bodies every POST route receives in turn (with a valid CSRF token): control characters,
#: numbers out of every range, malformed dates, absurd lengths.
FIELDS = (
    "title text note name number year version progress due_date start_date result_statement "
    "target_count achieved_count owner_id lead_unit_id section_id parent_id kind recurrence "
    "reason verdict url username password email day is_workday sort_order aliases revision "
    "signatory signed_on done_on deadline_text document_number evidence_id id do digest_time"
).split()
HOSTILE_FORMS = [
    dict.fromkeys(FIELDS, "a\x00b"),
    dict.fromkeys(FIELDS, "99999999999999999999"),
    dict.fromkeys(FIELDS, "²"),
    dict.fromkeys(FIELDS, "-2147483649"),
    dict.fromkeys(FIELDS, "9999-99-99"),
    dict.fromkeys(FIELDS, "2026-02-30"),
    dict.fromkeys(FIELDS, "1e309"),
    dict.fromkeys(FIELDS, "‮" + "长" * 20000),
    dict.fromkeys(FIELDS, ""),
]

PART = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def _options(args: str) -> list[str]:
    return [option.strip().strip("'\"") for option in args.split(",")]


def urls_of(rule, ids: dict[str, int]) -> tuple[list[str], list[str]]:
    """The rule's URLs with sensible values (one per choice of an `any` part), and the URLs with
    one part at a time replaced by hostile values."""
    parts = list(PART.finditer(rule.rule))

    def build(replacements: dict[str, str]) -> str:
        def value(match):
            name = match["name"]
            if name in replacements:
                return replacements[name]
            if match["converter"] == "any":
                return _options(match["args"])[0]
            if match["converter"] == "int":
                return str(ids.get(name, 1))
            return "x"

        return PART.sub(value, rule.rule)

    sensible = [build({})]
    for match in parts:
        if match["converter"] == "any":
            sensible.extend(build({match["name"]: o}) for o in _options(match["args"])[1:])
    hostile = []
    for match in parts:
        if match["converter"] != "any":
            values = HOSTILE_INTS if match["converter"] == "int" else HOSTILE_STRINGS
            hostile.extend(build({match["name"]: value}) for value in values)
    return sensible, hostile


@pytest.fixture
def world(org, db):
    """Something behind every kind of id, so hostile input reaches the views' code."""
    plan = make_plan(org)
    section = make_section(org, plan, "一、加强制度建设", "一、")
    make_task(org, plan, section=section)
    db.session.commit()
    done = task_in_status(org, "in_progress", year=2025)
    db.session.commit()
    return {"plan_id": plan.id, "section_id": section.id, "task_id": done.id}


#: Endpoints the walk leaves alone: logging out would end the walk itself.
SKIPPED = {"static", "accounts.logout"}


def _walk(app, client, ids, methods) -> list[str]:
    failures = []
    auth = Auth(client)

    def get(url):
        response = client.get(url, buffered=True)  # streamed bodies end inside the request
        status = response.status_code
        response.close()
        if status >= 500:
            failures.append(f"GET {url[:160]} → {status}")

    def post(url, form):
        response = client.post(url, data={**form, "csrf_token": auth.csrf()}, buffered=True)
        status = response.status_code
        response.close()
        if status >= 500:
            failures.append(f"POST {url[:160]} {next(iter(form.values()), '')[:12]!r} → {status}")

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED or rule.rule.startswith("/_test"):
            continue
        sensible, hostile = urls_of(rule, ids)
        if "GET" in rule.methods and "GET" in methods:
            for url in sensible:
                get(url)
                if not url.endswith(".pdf"):  # each PDF takes a second to typeset
                    for query in HOSTILE_QUERIES:
                        get(f"{url}?{query}")
            for url in hostile:
                get(url)
        if "POST" in rule.methods and "POST" in methods:
            for url in sensible:
                for form in HOSTILE_FORMS:
                    post(url, form)
            for url in hostile:
                post(url, {})
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("username", ["office", "chief-relief"])
def test_no_route_answers_5xx_to_hostile_input(app, client, world, username):
    Auth(client).login(username)
    failures = _walk(app, client, world, {"GET", "POST"})
    assert failures == []


def test_anonymous_hostile_input_is_refused_cleanly(app, client, world):
    failures = _walk(app, client, world, {"GET"})
    assert failures == []
    login = client.post("/login", data={"username": "adm\x00in", "password": "x"})
    assert login.status_code == 400


def test_control_characters_are_refused_with_a_readable_message(app, client, org, auth):
    auth.login("office")
    page = client.get("/plans/?q=%00")
    assert page.status_code == 400
    assert "control characters" in page.text
    token = auth.csrf()
    posted = client.post(
        "/plans/new", data={"csrf_token": token, "year": "2026", "title": "要点\x00"}
    )
    assert posted.status_code == 400
    assert "cannot be saved" in posted.text
    assert count(Plan) == 0


def test_tabs_and_line_breaks_in_text_are_welcome(app, client, org, auth):
    auth.login("office")
    token = auth.csrf()
    posted = client.post(
        "/plans/new",
        data={"csrf_token": token, "year": "2026", "title": "2026年\t法治建设工作要点\r\n"},
    )
    assert posted.status_code in (302, 422)


def test_ids_beyond_the_database_range_are_missing_pages(app, client, org, auth):
    auth.login("office")
    for url in ("/tasks/2147483648", "/tasks/9223372036854775808", "/plans/99999999999999999999"):
        assert client.get(url).status_code == 404
    assert client.get("/tasks/2147483647").status_code == 404
    assert client.get("/notifications/?page=99999999999999999999").status_code == 400
