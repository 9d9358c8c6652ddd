"""Migrations: one head; an empty database upgrades to head, matches the models, and downgrades."""

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tests.conftest import TEST_DATABASE_URL, make_config
from tracker import create_app
from tracker.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_single_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database on the backend under test."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"duban_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield (
            sa.engine.make_url(TEST_DATABASE_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_empty_database_upgrades_to_head_matching_the_models(tmp_path, empty_database_url):
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        # the append-only triggers came with the migration
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (id, occurred_at, action, outcome, prev_hash, hash) "
                    "VALUES (1, CURRENT_TIMESTAMP, 'x', 'success', 'p', 'h')"
                )
            )
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM audit_events"))
        replace = (
            "TRUNCATE audit_events"
            if db.engine.dialect.name == "postgresql"
            else "INSERT OR REPLACE INTO audit_events SELECT * FROM audit_events"
        )
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text(replace))
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()
