"""The demo city, loaded once per worker and copied into each browser test's database.

`load_demo()` builds several bureaus, their plans, tasks, evidence files and users (each password
hashed): ~13 s, most of a browser test's time. The first test that needs the demo on a given
moment loads it as before and keeps what it made as a template; every later test on that moment
gets a copy of the template instead, in its own empty database:

- SQLite: the template is the database file itself (checkpointed), copied over the test's file;
- PostgreSQL: each worker has one test database whose rows every test's teardown deletes
  (tests/conftest.py); the template is a copy of the demo's tables in a schema of its own in that
  database, inserted back into the emptied tables (triggers off, as the teardown does it) with
  the sequences set where the load left them.

The evidence files the demo stores under EVIDENCE_DIR are copied with it. The copies share the
template's version tokens (data_versions), which a fresh load would draw anew: the figures kept
against them are per process and emptied around every test (`_fresh_kept_figures` in
tests/conftest.py), so no test meets figures another one computed.

What the demo makes depends on the moment it is loaded (dates relative to today, timestamps of
now) and on the app's settings (the language its texts are written in, the secret key chaining
the audit log). A template is kept per setting and per moment: the frozen moment when the test
froze the clock, or otherwise the bureau's date, a template on the real clock being reloaded
when it is older than `LIVE_MAX_AGE` (as if the demo had been loaded a little earlier).
"""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from tracker.core import clock
from tracker.demo.service import load_demo
from tracker.extensions import db

#: How long a template loaded on the real (running) clock serves later tests.
LIVE_MAX_AGE = timedelta(minutes=10)
#: Settings that name this test's own files, not what the demo contains.
PER_TEST_SETTINGS = frozenset({"SQLALCHEMY_DATABASE_URI", "INSTANCE_DIR", "EVIDENCE_DIR"})


@dataclass
class Template:
    #: SQLite: the template database file; PostgreSQL: the schema holding the tables' copies.
    where: str
    evidence: Path
    made_at: datetime
    #: PostgreSQL: the tables with rows, in dependency order, and the sequences' last values.
    tables: list[str] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    #: Rows per table right after the load (what every copy must have too).
    counts: dict[str, int] = field(default_factory=dict)


def table_counts() -> dict[str, int]:
    """Rows per table of the current app's database (one statement)."""
    tables = [table.name for table in db.metadata.sorted_tables]
    query = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in tables)
    with db.engine.connect() as connection:
        return dict(connection.exec_driver_sql(query).all())


def _sqlite_path(app: Flask) -> Path:
    return Path(sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


def _is_postgres(app: Flask) -> bool:
    return sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite"


class DemoTemplates:
    """The worker's templates of the demo, one per (settings, moment); see the module's doc."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.templates: dict[tuple, Template] = {}
        self.loads = self.copies = 0
        self._names = itertools.count(1)
        self._postgres_schemas: list[tuple[str, str]] = []  # (database URL, schema)

    # -- which template ---------------------------------------------------------------------

    def key(self, app_config: dict) -> tuple:
        """What the demo's contents depend on: the app's settings and the moment of loading."""
        settings = tuple(
            sorted((k, repr(v)) for k, v in app_config.items() if k not in PER_TEST_SETTINGS)
        )
        frozen = clock._frozen  # the moment a test froze the clock at, None on the real clock
        moment = ("frozen", frozen) if frozen is not None else ("live", clock.today())
        return settings, moment

    def current(self, app_config: dict) -> Template | None:
        """The template for this test's settings and moment, if there is a usable one."""
        key = self.key(app_config)
        template = self.templates.get(key)
        if template is None:
            return None
        if key[1][0] == "live" and datetime.now(UTC) - template.made_at > LIVE_MAX_AGE:
            return None
        return template

    # -- giving a test the demo -------------------------------------------------------------

    def install(self, app: Flask, app_config: dict) -> bool:
        """Give the app's empty database (and evidence directory) the demo: a copy of the
        template when there is one, else a fresh load that becomes the template. True when
        it was a copy."""
        template = self.current(app_config)
        if template is not None:
            self._restore(app, template)
            self.copies += 1
            return True
        load_demo()
        db.session.commit()
        self.templates[self.key(app_config)] = self._save(app)
        self.loads += 1
        return False

    def _save(self, app: Flask) -> Template:
        name = f"demo_{next(self._names)}"
        evidence = self.directory / f"{name}-evidence"
        source = Path(app.config["EVIDENCE_DIR"])
        if source.is_dir():
            shutil.copytree(source, evidence)
        else:
            evidence.mkdir()
        template = Template(
            where="", evidence=evidence, made_at=datetime.now(UTC), counts=table_counts()
        )
        if _is_postgres(app):
            self._save_postgres(app, name, template)
        else:
            db.session.remove()
            db.engine.dispose()  # the last connection checkpoints the WAL into the file
            database = _sqlite_path(app)
            assert not database.with_name(database.name + "-wal").exists()
            template.where = str(self.directory / f"{name}.sqlite3")
            shutil.copyfile(database, template.where)
        return template

    def _save_postgres(self, app: Flask, name: str, template: Template) -> None:
        tables = [table.name for table in db.metadata.sorted_tables]
        template.where = name
        template.tables = [t for t in tables if template.counts[t]]
        statements = [f'DROP SCHEMA IF EXISTS "{name}" CASCADE', f'CREATE SCHEMA "{name}"']
        statements += [f'CREATE TABLE "{name}"."{t}" AS TABLE "{t}"' for t in template.tables]
        with db.engine.begin() as connection:
            connection.exec_driver_sql("; ".join(statements))
            template.sequences = dict(
                connection.exec_driver_sql(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                    "last_value FROM pg_sequences "
                    "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                ).all()
            )
        self._postgres_schemas.append((app.config["SQLALCHEMY_DATABASE_URI"], name))

    def _restore(self, app: Flask, template: Template) -> None:
        if _is_postgres(app):
            self._restore_postgres(template)
        else:
            db.session.remove()
            db.engine.dispose()
            database = _sqlite_path(app)
            for suffix in ("-wal", "-shm"):
                database.with_name(database.name + suffix).unlink(missing_ok=True)
            shutil.copyfile(template.where, database)
        shutil.copytree(template.evidence, app.config["EVIDENCE_DIR"], dirs_exist_ok=True)

    def _restore_postgres(self, template: Template) -> None:
        """Insert the template's rows into the (empty) tables. With `session_replication_role =
        replica` no trigger runs, foreign-key checks included: the rows are those the load
        committed, whole. audit_events' append-only triggers refuse nothing on INSERT anyway."""
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [
            f'INSERT INTO "{t}" SELECT * FROM "{template.where}"."{t}"' for t in template.tables
        ]
        if template.sequences:
            values = ", ".join(f"('{name}', {value})" for name, value in template.sequences.items())
            statements.append(
                "SELECT setval(name::regclass, value, true) "
                f"FROM (VALUES {values}) AS s(name, value)"
            )
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("; ".join(statements))

    def close(self) -> None:
        """Drop the PostgreSQL template schemas (the SQLite files go with pytest's tmp dir)."""
        for url, schema in self._postgres_schemas:
            engine = sa.create_engine(url)
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            except sa.exc.OperationalError:
                pass  # the worker's database is already gone (dropped at its session's end)
            finally:
                engine.dispose()
        self._postgres_schemas.clear()
