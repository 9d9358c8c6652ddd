"""`tracker serve` — what `make run` starts — really answers HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

COMMAND = [sys.executable, "-c", "from tracker.cli import main; main()", "serve", "--port"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_healthz(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "TRACKER_INSTANCE_DIR": str(tmp_path),
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen([*COMMAND, str(port)], env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                    assert json.load(reply) == {"status": "ok", "database": "ok"}
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"tracker serve did not come up: {log.read_text()}")
                time.sleep(0.2)  # waiting for another process to start listening
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_server_entry_point_keeps_its_startup_objects_out_of_full_collections(tmp_path):
    """A worker's ~150,000 startup objects made each full collection cost a list request 47 ms
    at 100,000 tasks (the list's 99th percentile); wsgi.py, which gunicorn loads, freezes them."""
    env = {
        **os.environ,
        "TRACKER_INSTANCE_DIR": str(tmp_path),
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.sqlite3'}",
        "TRACKER_LOG_LEVEL": "WARNING",
    }
    probe = (
        "import gc, wsgi; gc.collect();"
        "print(gc.get_freeze_count(), len(gc.get_objects()), wsgi.app.name)"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    frozen, walked, name = done.stdout.split()
    assert name == "tracker"
    assert int(frozen) > 50_000
    assert int(walked) < 10_000
