"""The `tracker` console script: Flask's CLI over create_app plus Duban's own commands."""

import os

import click
from flask.cli import FlaskGroup

from tracker import create_app
from tracker.config import ConfigError
from tracker.extensions import init_migrations


def _create_app():
    # Commands print their own results; routine log lines would only clutter them.
    os.environ.setdefault("TRACKER_LOG_LEVEL", "WARNING")

    try:
        app = create_app()
    except ConfigError as error:  # one clear line, not a traceback
        raise click.ClickException(str(error)) from None
    init_migrations(app)  # the `db` commands (upgrade, current, …)
    return app


main = FlaskGroup(create_app=_create_app, help="Duban (督办) — manage and run the tracker.")
