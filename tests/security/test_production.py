"""Production safety: no demo accounts by accident, a real secret, HTTPS-only cookies and HSTS,
log lines nobody can forge, and secret addresses kept out of the request logs."""

import io
import json
import logging
import threading
import urllib.request

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.accounts.models import User
from tracker.config import ConfigError
from tracker.core.logs import TEXT_FORMAT, JsonFormatter, SafeFormatter, mask_access_logs
from tracker.extensions import db

FORGED = "2026-03-02 09:00:00,000 INFO tracker.audit.service: audit auth.login by admin (success)"
HOSTILE_NAME = f"mallory\n{FORGED}\x1b[2K\r"


# -- the demo in production -----------------------------------------------------------------------


def test_demo_load_refuses_in_production_without_the_flag(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "--i-know-this-is-production" in lines[0]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.slow
def test_demo_accounts_loaded_in_production_must_change_their_password(app, runner, auth, client):
    from tracker.demo import data

    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo", "load", "--i-know-this-is-production"])
    assert result.exit_code == 0, result.output
    users = list(db.session.scalars(sa.select(User)))
    # the bureau's accounts, the city office's and the other bureaus' (city demo)
    assert {row[0] for row in data.USERS} | {"city-office", "city-leader"} <= {
        u.username for u in users
    }
    assert all(user.must_change_password for user in users)
    assert auth.login("admin", data.DEMO_PASSWORD).status_code == 302
    # whatever page is asked for, the password change page comes first
    for path in ("/", "/admin/users", "/plans/"):
        page = client.get(path)
        assert page.status_code == 302 and page.headers["Location"].endswith("/account")
    changed = auth.post(
        "/account",
        {
            "current_password": data.DEMO_PASSWORD,
            "password": "a-new-password-for-admin-2026",
            "confirm": "a-new-password-for-admin-2026",
        },
    )
    assert changed.status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_an_account_flagged_must_change_cannot_use_anything_else(org, auth, client):
    user = db.session.scalar(sa.select(User).where(User.username == "deputy"))
    user.must_change_password = True
    db.session.commit()
    assert auth.login("deputy").status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/account")
    assert client.get("/account").status_code == 200
    token = auth.csrf()
    posted = client.post("/tasks/1/progress", data={"csrf_token": token, "note": "x"})
    assert posted.status_code == 302 and posted.headers["Location"].endswith("/account")
    auth.post(
        "/account",
        {
            "current_password": PASSWORD,
            "password": "brand-new-pass-77",
            "confirm": "brand-new-pass-77",
        },
    )
    assert client.get("/").status_code == 200


# -- the secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    ["x" * 48, "abcd" * 10, "0123456789abcdef" * 3, "abcdefghijklmnopqrstuvwxyz0123456789"],
)
def test_a_long_but_guessable_secret_key_is_refused_in_one_line(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("TRACKER_SECRET_KEY", secret)
    with pytest.raises(ConfigError) as refused:
        create_app()
    message = str(refused.value)
    assert "TRACKER_SECRET_KEY" in message and "\n" not in message
    assert secret not in message  # the key itself is never printed


# -- HTTPS: HSTS and the __Host- cookie -----------------------------------------------------------


@pytest.fixture
def https_config(app_config):
    app_config["BASE_URL"] = "https://duban.bureau.example"
    return app_config


def test_https_site_sends_hsts_and_a_host_only_secure_cookie(https_config, app, org, auth, client):
    page = client.get("/login", base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-duban_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_http_site_keeps_the_plain_cookie_and_no_hsts(app, client):
    page = client.get("/login")
    assert "Strict-Transport-Security" not in page.headers
    assert page.headers["Set-Cookie"].startswith("duban_session=")


# -- log lines cannot be forged ---------------------------------------------------------------


@pytest.fixture
def captured_log():
    """The root logger's output through the application's own formatters (text and JSON)."""
    text, js = io.StringIO(), io.StringIO()
    handlers = [logging.StreamHandler(text), logging.StreamHandler(js)]
    handlers[0].setFormatter(SafeFormatter(TEXT_FORMAT))
    handlers[1].setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
    yield text, js
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(old_level)


def test_a_newline_and_esc_in_a_login_name_cannot_forge_a_log_line(org, client, auth, captured_log):
    text, js = captured_log
    auth.client.get("/login")
    client.post(
        "/login",
        data={"username": HOSTILE_NAME, "password": "x", "csrf_token": auth.csrf("/login")},
    )
    # the audit logger writes the typed name; directly too, as any code might
    logging.getLogger("tracker.audit.service").info(
        "audit %s by %s (%s)", "auth.login_failed", HOSTILE_NAME, "failure"
    )
    for line in text.getvalue().splitlines():
        assert not line.startswith(FORGED[:20]), line
        assert "\x1b" not in line and "\r" not in line
    assert "mallory\\n2026-03-02" in text.getvalue() and "\\x1b[2K" in text.getvalue()
    for line in js.getvalue().splitlines():
        record = json.loads(line)  # one object per line, none forged
        assert "\x1b" not in record["message"] and "\n" not in record["message"]


# -- the calendar token stays out of request logs -----------------------------------------------


def test_the_calendar_token_is_masked_in_the_request_log(app, org, auth, client, captured_log):
    from tracker.exports import service as exports_service

    text, js = captured_log
    user = db.session.scalar(sa.select(User).where(User.username == "office"))
    _feed, token = exports_service.create_feed(user)
    db.session.commit()
    mask_access_logs()
    # a real development server (werkzeug) answering a calendar program
    server = make_server("127.0.0.1", 0, app, threaded=False)
    worker = threading.Thread(target=server.handle_request)
    worker.start()
    with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/calendar/{token}.ics") as r:
        assert r.status == 200
    worker.join(10)
    server.server_close()
    logged = text.getvalue() + js.getvalue()
    assert "/calendar/***.ics" in logged
    assert token not in logged
