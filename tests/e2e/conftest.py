"""Browser tests: a live Duban server in a thread, driven by Playwright in the system Chromium."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.e2e.demo_copy import DemoTemplates
from tracker.core.db import write_intent

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        pytest.skip("no system Chromium (Debian package `chromium`); browser tests skipped")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def app_config(app_config):
    app_config.update(BABEL_DEFAULT_LOCALE="zh_Hans_CN", DEMO_MODE=True)
    return app_config


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory):
    """The worker's demo templates (tests/e2e/demo_copy.py): the demo is loaded once per
    worker, settings and moment, and copied into each test's database."""
    templates = DemoTemplates(tmp_path_factory.mktemp("demo"))
    yield templates
    templates.close()


@pytest.fixture
def live_server(app, app_config, demo_templates):
    """Serve the app with the demo bureau loaded (a copy of the worker's template, exactly what
    a fresh load at this moment makes) on a free loopback port; yield its base URL."""
    demo_templates.install(app, app_config)
    # The test only reads while the browser writes: deferred transactions, never the write lock.
    write_intent.set(False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(browser):
    """Every context a test opens waits up to 60 s a step: `make test` runs two workers, each
    loading the demo and driving a browser, on CI's two cores; a real hang still fails."""
    open_context = browser.new_context

    def new_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        context.set_default_timeout(60_000)
        return context

    browser.new_context = new_context
    return browser
