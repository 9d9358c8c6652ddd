"""Shared fixtures: app, client, runner, db, an org of units and users per role, and login."""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import os
import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tracker import create_app
from tracker.audit.service import SystemActor
from tracker.core import clock
from tracker.extensions import db as _db

#: When set (CI sets it), every database test runs on this PostgreSQL database instead.
TEST_DATABASE_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
#: The pytest-xdist worker this process is ("gw0", "gw1"…), when the suite runs in parallel.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_database(url: str, worker: str) -> str:
    """Parallel workers cannot share one PostgreSQL database (each empties it after every test):
    each worker gets its own, named after the given one and created here when missing; it is
    dropped again when the worker's session ends (`pytest_sessionfinish`)."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
            ).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


if TEST_DATABASE_URL and XDIST_WORKER:
    _BASE_DATABASE_URL = TEST_DATABASE_URL
    TEST_DATABASE_URL = _worker_database(TEST_DATABASE_URL, XDIST_WORKER)


def pytest_sessionfinish(session, exitstatus):
    if TEST_DATABASE_URL and XDIST_WORKER:
        admin = sa.create_engine(_BASE_DATABASE_URL, isolation_level="AUTOCOMMIT")
        name = sa.engine.make_url(TEST_DATABASE_URL).database
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.dispose()


PASSWORD = "correct-horse-battery"
FACTORY_ACTOR = SystemActor(username="test-factory")


@pytest.fixture(autouse=True)
def _fresh_kept_figures():
    """Figures kept between requests (tracker.tasks.versions) start empty in every test."""
    from tracker.tasks import versions

    versions.store.clear()
    yield
    versions.store.clear()


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


# -- the database: its schema built once per session ----------------------------------------------

#: The session's schema: its directory (from `_schema_home`), built on the first app's demand.
_schema_directory: Path | None = None
_sqlite_template: Path | None = None
_postgres_schema_built = False


@pytest.fixture(scope="session", autouse=True)
def _schema_home(tmp_path_factory):
    global _schema_directory
    _schema_directory = tmp_path_factory.mktemp("schema")


def _build_schema() -> None:
    """Create every table once per session: in a template SQLite file that each test copies, or
    in the PostgreSQL test database (dropped and recreated first), whose rows each test's
    teardown deletes again."""
    global _sqlite_template, _postgres_schema_built
    directory = _schema_directory
    assert directory is not None, "the session fixture _schema_home has not run"
    template = directory / "template.sqlite3"
    uri = TEST_DATABASE_URL or f"sqlite:///{template}"
    application = create_app(make_config(directory, SQLALCHEMY_DATABASE_URI=uri))
    with application.app_context():
        if TEST_DATABASE_URL:
            with _db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        _db.create_all()
        _db.engine.dispose()  # the last connection checkpoints the WAL into the file
    if TEST_DATABASE_URL:
        _postgres_schema_built = True
    else:
        _sqlite_template = template


def _install_schema(uri: str) -> bool:
    """Give the database at `uri` the schema before an app opens it; False when this database
    is not one the template covers (the caller then runs create_all, as before)."""
    url = sa.engine.make_url(uri)
    if TEST_DATABASE_URL and uri == TEST_DATABASE_URL:
        if not _postgres_schema_built:
            _build_schema()
        return True
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    target = Path(url.database)
    if target.exists() or not target.parent.is_dir():
        return False
    if _sqlite_template is None:
        _build_schema()
    shutil.copyfile(_sqlite_template, target)
    return True


def _empty_postgres(engine) -> None:
    """Delete what the test left in the shared PostgreSQL tables and restart the sequences it
    used, so the next test starts empty with ids from 1. Only tables that have rows are touched:
    deleting a few rows costs a tenth of truncating every table (measured: ~0.05 s against
    ~0.5 s a test). audit_events refuses DELETE and TRUNCATE (append-only triggers): the
    cleanup runs with `session_replication_role = replica`, which suspends user triggers for
    this transaction only (the test database's superuser may; the application's role may not)."""
    tables = [table.name for table in _db.metadata.sorted_tables]
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    with engine.begin() as connection:
        written = set(connection.exec_driver_sql(probe).scalars())
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += ['TRUNCATE "audit_events"'] if "audit_events" in written else []
        statements += [
            f'DELETE FROM "{t}"' for t in reversed(tables) if t in written and t != "audit_events"
        ]
        statements.append(
            "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))"
            "::regclass, 1, false) FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
        connection.exec_driver_sql("; ".join(statements))


@contextlib.contextmanager
def database_app(config: dict) -> Iterator[Flask]:
    """An app (the production factory, this test's config) inside its app context, on a database
    that has the schema and no rows; afterwards the database is left empty again."""
    installed = _install_schema(config["SQLALCHEMY_DATABASE_URI"])
    application = create_app(config)
    application.test_client_class = IsolatedClient
    application.test_cli_runner_class = IsolatedCliRunner
    with application.app_context():
        if not installed:
            _db.create_all()
        try:
            yield application
        finally:
            _db.session.remove()
            if TEST_DATABASE_URL and config["SQLALCHEMY_DATABASE_URI"] == TEST_DATABASE_URL:
                _empty_postgres(_db.engine)
            _db.engine.dispose()


@pytest.fixture
def app(app_config):
    with database_app(app_config) as application:
        yield application


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


# -- time ----------------------------------------------------------------------------------------


class FrozenClock:
    """The app's clock (tracker.core.clock, which every "now" in Duban reads, login sessions
    included) stopped at `moment`, and moved on only by the test: ::

        with FrozenClock(T0) as frozen:
            ...
            frozen.shift(timedelta(minutes=29))

    (A clock that never moves is just `clock.frozen_at(moment)`.) Tests never sleep."""

    def __init__(self, moment: datetime):
        self._start = moment
        self._block: contextlib.AbstractContextManager | None = None
        self.now: datetime | None = None

    def move_to(self, moment: datetime) -> datetime:
        if self._block is not None:
            self._block.__exit__(None, None, None)
        self._block = clock.frozen_at(moment)
        self.now = self._block.__enter__()
        return self.now

    def shift(self, delta: timedelta) -> datetime:
        return self.move_to(self.now + delta)

    def __enter__(self) -> FrozenClock:
        self.move_to(self._start)
        return self

    def __exit__(self, *exc) -> None:
        self._block.__exit__(*exc)
        self._block = None
