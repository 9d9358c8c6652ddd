"""Every route is closed to anonymous visitors except the few public ones."""

import re

from tests.conftest import count
from tracker.accounts.sessions import PUBLIC_ENDPOINTS
from tracker.audit.models import AuditEvent


def concrete_urls(app):
    """(endpoint, url, methods) for every rule, with placeholder arguments filled in."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = rule.rule
        for converter in re.findall(r"<([^>]+)>", rule.rule):
            if converter.startswith("any("):
                value = converter[4 : converter.index(")")].split(",")[0].strip()
            else:
                value = "1"
            url = url.replace(f"<{converter}>", value)
        yield rule.endpoint, url, rule.methods


def test_public_endpoints_are_few_and_known():
    assert PUBLIC_ENDPOINTS == {
        "accounts.login",
        "accounts.set_language",
        "home.healthz",
        "static",
        "exports.calendar_feed",  # calendar programs: the secret address is the credential
        "upward.public_reports",  # what the bureaus published themselves, for the public
    }


def test_anonymous_visitors_are_sent_to_login_everywhere_else(org, app, client):
    checked = 0
    for endpoint, url, methods in concrete_urls(app):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        if url.startswith("/api/"):
            # the API answers machines: 401 with a problem document, never a login page
            for method in methods & {"GET", "POST", "PATCH"}:
                response = client.open(url, method=method)
                assert response.status_code == 401, url
                assert response.mimetype == "application/problem+json", url
            checked += 1
            continue
        if "GET" in methods:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
            checked += 1
        if "POST" in methods:
            events = count(AuditEvent)
            token = client.get("/login").text.split('name="csrf_token" type="hidden" value="')[1]
            response = client.post(url, data={"csrf_token": token.split('"')[0]})
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
            assert count(AuditEvent) == events, url
            checked += 1
    assert checked >= 10


def test_language_switch_works_anonymously(org, client):
    page = client.get("/login")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/language", data={"csrf_token": token, "locale": "zh_Hans_CN", "next": "/login"}
    )
    assert response.status_code == 302
    assert "登录" in client.get("/login").text
