"""The `tracker serve` command: the web server as `make run` starts it; and the application's
command group, whose commands load when a command line first asks for them."""

import logging
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from tracker.core.memory import freeze_startup_objects, return_freed_memory


class LazyCommands(AppGroup):
    """The application's `app.cli`: `load` adds the commands the first time a command line (the
    `tracker` script, a test's CLI runner) looks one up or lists them. A web worker never does,
    so it does not import the command modules (the demo data, backups, the scheduler: make
    bench counts each worker's memory)."""

    def __init__(self, load: Callable[[AppGroup], None], **attrs):
        super().__init__(**attrs)
        self._load = load

    def _loaded(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            load(self)

    def get_command(self, ctx: click.Context, cmd_name: str):
        self._loaded()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context):
        self._loaded()
        return super().list_commands(ctx)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Serve Duban for local use (threaded server; use gunicorn in production)."""
    app = current_app._get_current_object()
    logging.getLogger().setLevel(logging.INFO)
    click.echo(f"Duban is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    return_freed_memory(app)
    freeze_startup_objects()
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
