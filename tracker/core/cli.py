"""The `tracker serve` command: the web server as `make run` starts it."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Serve Duban for local use (threaded development server; use gunicorn in production)."""
    app = current_app._get_current_object()
    logging.getLogger().setLevel(logging.INFO)
    click.echo(f"Duban is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    app.run(host=host, port=port, threaded=True, use_reloader=False, debug=False)
