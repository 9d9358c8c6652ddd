"""The `tracker serve` command: the web server as `make run` starts it."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Serve Duban for local use (threaded server; use gunicorn in production)."""
    app = current_app._get_current_object()
    logging.getLogger().setLevel(logging.INFO)
    click.echo(f"Duban is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
