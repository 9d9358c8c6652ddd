"""The `tracker` console script: Flask's CLI over create_app plus Duban's own commands."""

import os

from flask.cli import FlaskGroup

from tracker import create_app


def _create_app():
    # Commands print their own results; routine log lines would only clutter them.
    os.environ.setdefault("TRACKER_LOG_LEVEL", "WARNING")

    return create_app()


main = FlaskGroup(create_app=_create_app, help="Duban (督办) — manage and run the tracker.")
