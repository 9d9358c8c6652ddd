"""The memory of Duban's gunicorn server, without the rest of `make bench`: start it as run.py
does (2 sync workers) on an existing dataset, log in, open the list and task pages a few dozen
times, and print each process's VmRSS (and PSS) and run.py's sum, `tree_rss_mb`.

    TRACKER_DATABASE_URL=sqlite:////tmp/b.sqlite TRACKER_INSTANCE_DIR=/tmp \\
        python scripts/bench/rss.py [--task ID] [-- extra gunicorn options, e.g. --preload]

The dataset comes from scripts/bench/dataset.py (its chief1 account logs in).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from run import ROOT, free_port, gunicorn, login, tree_rss_mb, wait_for


def status_kb(pid: int, field: str, name: str = "status") -> int:
    match = re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/{name}").read_text())
    return int(match.group(1)) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=int, default=5000, help="the task page to open")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("gunicorn", nargs="*", help="more gunicorn options (after --)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "TRACKER_SECRET_KEY": os.environ.get(
            "TRACKER_SECRET_KEY", "bench-secret-key-not-for-production-use-0123456789"
        ),
        "TRACKER_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),  # this checkout's tracker, whichever one the venv installed
    }
    port = free_port()
    server = gunicorn("wsgi:app", port, env, ROOT, args.gunicorn)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        cookie = login(base, "chief1", "bench-Passw0rd-7")
        pages = (f"{base}/", f"{base}/?light=red", f"{base}/tasks/{args.task}")

        def fetch(url: str) -> None:
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            with urllib.request.urlopen(request) as response:
                response.read()

        # four at a time, so that each worker serves every page (as under wrk), not only some
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(fetch, [url for _round in range(args.rounds) for url in pages]))
        time.sleep(0.5)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        for label, pid in [("master", server.pid)] + [("worker", int(p)) for p in children]:
            rss = status_kb(pid, "VmRSS") / 1024
            pss = status_kb(pid, "Pss", "smaps_rollup") / 1024
            print(f"{label:<8}{pid:>8}  RSS {rss:6.1f} MB  PSS {pss:6.1f} MB")
        print(f"tree_rss_mb {tree_rss_mb(server.pid):.1f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
