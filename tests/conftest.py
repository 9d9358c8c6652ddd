"""Shared fixtures: app, client, runner, db, an org of units and users per role, and login."""

from __future__ import annotations

import contextvars
import ipaddress
import os
import re
import socket
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner

from tracker import create_app
from tracker.audit.service import SystemActor
from tracker.extensions import db as _db

#: When set (CI sets it), every database test runs on this PostgreSQL database instead.
TEST_DATABASE_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
PASSWORD = "correct-horse-battery"
FACTORY_ACTOR = SystemActor(username="test-factory")

_postgres_schema_reset = False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail any connection that leaves this machine: Duban makes no network calls at run time."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                is_local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                is_local = host in {"localhost"}
            if not is_local:
                raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def _reset_postgres_schema(engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


def _truncate_postgres(engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


class IsolatedClient(FlaskClient):
    """A test client whose every request runs as in production: in its own app context (own `g`,
    own database session), not inside the app context the test itself holds open."""

    def open(self, *args, **kwargs):
        # End the test's own transaction first: on SQLite it would hold the write lock.
        _db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """Runs each command in its own app context and database session, as the console would."""

    def invoke(self, *args, **kwargs):
        _db.session.commit()
        return contextvars.Context().run(super().invoke, *args, **kwargs)


def make_config(tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "DEMO_MODE": False,
        "LOG_LEVEL": "WARNING",
        # assertions read English; tests/test_i18n.py checks the Chinese default explicitly
        "BABEL_DEFAULT_LOCALE": "en",
        # scrypt costs ~70 ms a hash; the tests create many users
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config(tmp_path):
    """Override settings for one test by updating this mapping before `app` is created."""
    return make_config(tmp_path)


@pytest.fixture
def app(app_config):
    global _postgres_schema_reset
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    application.test_cli_runner_class = IsolatedCliRunner
    with application.app_context():
        if TEST_DATABASE_URL and not _postgres_schema_reset:
            _reset_postgres_schema(_db.engine)
            _postgres_schema_reset = True
        _db.create_all()
        try:
            yield application
        finally:
            _db.session.remove()
            if TEST_DATABASE_URL:
                _truncate_postgres(_db.engine)
            _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- an organisation with one user per role ---------------------------------------------------


@pytest.fixture
def org(app):
    """A bureau with an office, two sections (one with a sub-unit), and one user per role
    (see tests/factories.py build_org)."""
    from tests.factories import build_org

    return build_org()


# -- logging in through the real login form -------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@dataclass
class Auth:
    client: object

    def login(self, username: str, password: str = PASSWORD, next_url: str | None = None):
        page = self.client.get("/login")
        data = {"username": username, "password": password, "csrf_token": csrf_from(page.text)}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post("/login", data=data)

    def csrf(self, url: str = "/account") -> str:
        return csrf_from(self.client.get(url).text)

    def post(self, url: str, data: dict | None = None, *, token_from: str = "/account", **kw):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf(token_from))
        return self.client.post(url, data=payload, **kw)

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))
