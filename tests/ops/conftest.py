"""Fixtures of the operations tests: a second, empty instance to restore into."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_DATABASE_URL, IsolatedCliRunner, make_config
from tracker import create_app


@pytest.fixture
def empty_instance(tmp_path):
    """A second application over an empty database and an empty evidence store (a new SQLite
    file, or a new PostgreSQL database on the backend under test)."""
    name = None
    if TEST_DATABASE_URL:
        name = f"duban_restore_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        url = (
            sa.engine.make_url(TEST_DATABASE_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{tmp_path / 'restored' / 'restored.sqlite3'}"
    application = create_app(
        make_config(
            tmp_path / "restored",
            SQLALCHEMY_DATABASE_URI=url,
            EVIDENCE_DIR=str(tmp_path / "restored" / "evidence"),
        )
    )
    application.test_cli_runner_class = IsolatedCliRunner
    try:
        yield application
    finally:
        with application.app_context():
            from tracker.extensions import db

            db.engine.dispose()
        if name:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()
