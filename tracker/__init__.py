"""Duban (督办): the application factory.

The register_* steps import the features inside the functions: any `import tracker.…` runs this
module first, and importing every feature here would load them all (and the database) even for
the pure packages (the plan importer, the report builder) and their tests.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask

from tracker.config import FIXED, load_config
from tracker.core import errors, i18n, input_guard, security, templating
from tracker.core.cli import LazyCommands, serve_command
from tracker.core.db import configure_engine
from tracker.core.i18n import select_locale, select_timezone
from tracker.core.logs import configure_logging, mask_access_logs
from tracker.core.transactions import App, wrap_commands
from tracker.extensions import babel, csrf, db, init_migrations, login_manager

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """The `templates` or `migrations` folder: inside the package when installed from a wheel
    (setup.py copies them there), else the checkout's top-level folder."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


def create_app(config: dict | None = None) -> Flask:
    """Create the Flask application; `config` overrides settings (tests pass a mapping)."""
    app = App(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder="static",
    )
    app.config.update(FIXED)
    app.config.update(load_config(config))
    if config:
        app.config.update(config)
    security.configure_https(app)
    # Werkzeug refuses a larger request body with 413 before any view reads it; the margin is
    # for the form's other fields, the evidence service holds the file itself to the limit.
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_MB"] * 1024 * 1024) + 64 * 1024
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    app.instance_path = app.config["INSTANCE_DIR"]
    configure_logging(app.config["LOG_LEVEL"], app.config.get("LOG_FORMAT", "text"))
    mask_access_logs()
    logging.getLogger("alembic").setLevel(logging.WARNING)

    register_extensions(app)
    register_input_guard(app)
    register_subscribers(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    # bound at first use (the `tracker` CLI binds it at once, for its `db` commands)
    init_migrations(app, str(resource_dir("migrations")), lazily=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    # features load when an app is made (see the module docstring)
    import tracker.models  # noqa: F401  (every model registered before first use)
    from tracker.accounts import sessions

    sessions.init_login_manager(login_manager)
    from tracker.api import auth

    auth.init_login_manager(login_manager)


def register_input_guard(app: Flask) -> None:
    """Bounded ids in paths and no control characters in input; before the blueprints (their
    rules use the converter) and before every other request hook (they read the input)."""
    input_guard.init_app(app)


def register_subscribers(app: Flask) -> None:
    """Connect each feature's receivers of core.signals (importing a module connects them,
    once per process)."""
    # features load when an app is made (see the module docstring)
    import tracker.accounts.subscribers  # noqa: F401
    import tracker.api.subscribers  # noqa: F401
    import tracker.audit.subscribers  # noqa: F401
    import tracker.cascade.subscribers  # noqa: F401
    import tracker.evidence.subscribers  # noqa: F401
    import tracker.holidays.subscribers  # noqa: F401
    import tracker.plans.subscribers  # noqa: F401
    import tracker.records.subscribers  # noqa: F401
    import tracker.reminders.subscribers  # noqa: F401
    import tracker.reports.subscribers  # noqa: F401
    import tracker.supervision.subscribers  # noqa: F401
    import tracker.tasks.subscribers  # noqa: F401
    import tracker.upward.subscribers  # noqa: F401


def register_blueprints(app: Flask) -> None:
    # features load when an app is made (see the module docstring)
    from tracker.accounts.views import bp as accounts_bp
    from tracker.api import openapi, views, views_ledger  # noqa: F401  (endpoints join api_bp)
    from tracker.api.http import bp as api_bp
    from tracker.api.views_tokens import tokens_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.cascade.views import bp as cascade_bp
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.evidence.batch_views import bp as evidence_batch_bp
    from tracker.evidence.views import bp as evidence_bp
    from tracker.exports.views import bp as exports_bp
    from tracker.holidays.views import bp as holidays_bp
    from tracker.home.views import bp as home_bp
    from tracker.ops.views import bp as ops_bp
    from tracker.plans.views import bp as plans_bp
    from tracker.records.views import bp as records_bp
    from tracker.reminders.views import admin_bp as reminders_admin_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.supervision.views import bp as supervision_bp
    from tracker.tasks.batch_views import bp as task_batch_bp
    from tracker.tasks.views import bp as tasks_bp
    from tracker.units.views import bp as units_bp
    from tracker.upward.views import bp as upward_bp

    for blueprint in (
        home_bp,
        accounts_bp,
        units_bp,
        audit_bp,
        holidays_bp,
        plans_bp,
        task_batch_bp,
        tasks_bp,
        records_bp,
        evidence_batch_bp,
        evidence_bp,
        exports_bp,
        reminders_bp,
        reminders_admin_bp,
        dashboard_bp,
        reports_bp,
        supervision_bp,
        upward_bp,
        cascade_bp,
        ops_bp,
        api_bp,
        tokens_bp,
    ):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    # features load when an app is made (see the module docstring)
    from tracker.accounts import sessions

    security.init_app(app)
    i18n.init_app(app)  # a reference set on the request, before anything can answer early
    sessions.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:
    templating.init_app(app)


def register_commands(app: Flask) -> None:
    """Duban's commands join `app.cli` when a command line first needs them (LazyCommands)."""
    commands = LazyCommands(_add_commands, name=app.cli.name)
    for name, command in app.cli.commands.items():  # any a blueprint brought
        commands.add_command(command, name)
    app.cli = commands


def _add_commands(cli: click.Group) -> None:
    from tracker.accounts.cli import users_cli
    from tracker.api.cli import tokens_cli
    from tracker.audit.cli import audit_cli
    from tracker.demo.cli import demo_cli
    from tracker.evidence.cli import evidence_cli
    from tracker.exports.cli import export_cli
    from tracker.holidays.cli import workdays_cli
    from tracker.ops.cli import backup_command, doctor_command, restore_command
    from tracker.plans.cli import plans_cli
    from tracker.reminders.cli import outbox_cli, reminders_cli
    from tracker.reports.cli import report_cli
    from tracker.scheduler import scheduler_command
    from tracker.tasks.cli import tasks_cli
    from tracker.units.cli import units_cli

    for group in (
        users_cli,
        units_cli,
        audit_cli,
        demo_cli,
        workdays_cli,
        plans_cli,
        tasks_cli,
        evidence_cli,
        export_cli,
        reminders_cli,
        outbox_cli,
        report_cli,
        tokens_cli,
    ):
        wrap_commands(group)
        cli.add_command(group)
    cli.add_command(serve_command)
    cli.add_command(scheduler_command)
    cli.add_command(doctor_command)
    cli.add_command(backup_command)
    cli.add_command(restore_command)
