"""The city at scale (`make bench-city`): N generated bureaus × M tasks on PostgreSQL, served by
gunicorn with 4 workers, under U concurrent users for S seconds; then the morning reminder sweep
over every bureau (first run, then a rerun that must write nothing). Prints a table per page and
one final JSON line; stops everything it started.

    python scripts/bench/city.py --bureaus 50 --tasks-per-bureau 2000 --users 50 --seconds 60

Each virtual user has its own session and keep-alive connection (the city office's coordinator
and leader at several desks, then a different account per user: bureaus' offices and chiefs),
opening its role's pages in turn; `--think` seconds pass
between two pages of one user (1 s by default, a brisk reader; 0 makes it a saturation test).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, VENV_BIN, free_port, fresh_postgres, tree_rss_mb, wait_for  # noqa: E402

PASSWORD = "duban-demo"  # noqa: S105 - the demo's published password, on a throwaway database

PAGES = {
    "city": ["/", "/dashboard", "/city/reports", "/plans/", "/cascade/requests"],
    "cityleader": ["/", "/dashboard", "/dashboard/ranking", "/city/assessment"],  # "/": login
    "leader": ["/", "/dashboard", "/duties", "/briefing"],
    "staff": ["/", "/?light=red", "/notifications/"],
    "admin": ["/admin/users", "/admin/outbox", "/"],
    "office": ["/", "/dashboard", "/plans/", "/review", "/?light=red"],
    "chief": ["/", "/?light=red", "/notifications/", "/?status=assigned"],
}


class Client:
    """One logged-in user on one keep-alive connection."""

    def __init__(self, port: int, username: str, password: str = PASSWORD):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        page = self.get("/login")[1]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"csrf_token": token, "username": username, "password": password}
        )
        status, _ = self.request("POST", "/login", body)
        if status != 302:
            raise SystemExit(f"login of {username} failed ({status})")

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)


def in_app(env: dict, body: str) -> str:
    """Run `body` in a fresh process inside the application's context (the application's
    start-up is not timed by the caller's figures); return what it printed."""
    lines = ["from tracker import create_app", "from tracker.extensions import db"]
    lines += ["app = create_app()", "with app.app_context():"]
    lines += ["    " + line for line in body.splitlines()]
    return subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


#: Sessions of the city office's two accounts among the users (people of the 依法治市办 at
#: their desks at once): enough views of each city page for its p95 to be a percentile.
CITY_SESSIONS = (("city-office", "city"),) * 3 + (("city-leader", "cityleader"),) * 2


def accounts(env: dict, users: int) -> list[tuple[str, str]]:
    """(username, kind): the city office's sessions first, then bureaus' offices and chiefs in
    turn."""
    output = in_app(
        env,
        "import sqlalchemy as sa\n"
        "from tracker.accounts.models import User\n"
        "rows = db.session.execute(sa.select(User.username, User.role)"
        ".where(User.username.like('g%-office') | User.username.like('g%-chief%'))"
        ".order_by(User.id)).all()\n"
        "print('\\n'.join(f'{u} {r}' for u, r in rows))\n",
    ).split()
    pairs = list(zip(output[::2], output[1::2], strict=True))
    offices = [(u, "office") for u, r in pairs if r == "coordinator"]
    chiefs = [(u, "chief") for u, r in pairs if r == "chief"]
    chosen = list(CITY_SESSIONS)
    while len(chosen) < users and (offices or chiefs):
        if offices:
            chosen.append(offices.pop(0))
        if chiefs and len(chosen) < users:
            chosen.append(chiefs.pop(0))
        if chiefs and len(chosen) < users:
            chosen.append(chiefs.pop(0))
    return chosen[:users]


def load(
    port: int,
    users: list[tuple[str, str]],
    seconds: int,
    think: float = 0,
    password: str = PASSWORD,
) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    clients = [Client(port, username, password) for username, _kind in users]
    deadline = time.monotonic() + seconds

    def work(client: Client, kind: str, offset: int) -> None:
        pages = PAGES[kind]
        index = offset
        while time.monotonic() < deadline:
            path = pages[index % len(pages)]
            index += 1
            started = time.monotonic()
            try:
                status, _ = client.get(path)
            except (OSError, http.client.HTTPException):
                status = 0
                client.connection.close()
            elapsed = (time.monotonic() - started) * 1000
            with lock:
                key = f"{kind} {path}"
                timings[key].append(elapsed)
                if status != 200:
                    errors[key] += 1
            if think:
                time.sleep(think)

    threads = [
        threading.Thread(target=work, args=(client, kind, n))
        for n, (client, (_u, kind)) in enumerate(zip(clients, users, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"timings": timings, "errors": errors}


def first_pass(
    port: int, users: list[tuple[str, str]], pages: dict, password: str, visits: int = 2
) -> list:
    """Each user opens each of its pages `visits` times, all users at once; the times (ms)."""
    times: list[float] = []
    lock = threading.Lock()

    def visit(username: str, kind: str) -> None:
        client = Client(port, username, password)
        for path in pages[kind] * visits:
            started = time.monotonic()
            client.get(path)
            with lock:
                times.append((time.monotonic() - started) * 1000)

    threads = [threading.Thread(target=visit, args=user) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def sweep(env: dict, day: date) -> dict:
    output = in_app(
        env,
        "import json, sys, time\n"
        "sys.path.insert(0, 'scripts/bench')\n"
        "from workbook import peak_mb\n"
        "from datetime import datetime\n"
        "from tracker.reminders.sweep import run_reminders\n"
        f"now = datetime.fromisoformat('{day.isoformat()}T09:00:00+08:00')\n"
        "t = time.monotonic(); first = run_reminders(now); db.session.commit()\n"
        "first_s = time.monotonic() - t\n"
        "t = time.monotonic(); again = run_reminders(now); db.session.commit()\n"
        "print(json.dumps({'sweep_first_s': round(first_s, 2),"
        " 'sweep_notices': first.notifications,"
        " 'sweep_rerun_s': round(time.monotonic() - t, 2),"
        " 'sweep_rerun_notices': again.notifications,"
        " 'sweep_peak_mb': peak_mb()}))\n",
    )
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bureaus", type=int, default=int(os.environ.get("BUREAUS", 50)))
    parser.add_argument("--tasks-per-bureau", type=int, default=2000)
    parser.add_argument("--users-per-bureau", type=int, default=50)
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between two pages")
    args = parser.parse_args()

    url = fresh_postgres("duban_bench_city")
    workdir = ROOT / "instance" / "bench-city"
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_INSTANCE_DIR": str(workdir),
        "TRACKER_SECRET_KEY": "bench-secret-key-not-for-production-use-0123456789",
        "TRACKER_LOG_LEVEL": "WARNING",
    }
    tracker = str(VENV_BIN / "tracker")
    figures: dict = {
        "bureaus": args.bureaus,
        "tasks": args.bureaus * args.tasks_per_bureau,
        "users": args.bureaus * args.users_per_bureau,
        "concurrent": args.users,
        "workers": args.workers,
        "think_s": args.think,
    }
    started = time.monotonic()
    subprocess.run([tracker, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [tracker, "demo", "generate", f"--bureaus={args.bureaus}",
         f"--tasks-per-bureau={args.tasks_per_bureau}",
         f"--users-per-bureau={args.users_per_bureau}"],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    figures["build_s"] = round(time.monotonic() - started, 1)
    users = accounts(env, args.users)
    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), f"--workers={args.workers}", "--worker-class=sync",
         f"--bind=127.0.0.1:{port}", "--timeout=120", f"--chdir={ROOT}",
         "--log-level=warning", "wsgi:app"],
        env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        # every user opens each of its pages three times per worker, all at once (not timed
        # below): each worker computes the figures it keeps between changes once after start-up,
        # and a request goes to whichever worker accepts it first (with one visit per worker, a
        # worker missed a city page one time in three and its first view fell in the minute);
        # those first views are reported apart
        first_views = first_pass(port, users, PAGES, PASSWORD, visits=3 * args.workers)
        figures["first_views_p95_ms"] = round(percentile(first_views, 0.95))
        figures["first_views_max_ms"] = round(max(first_views))
        result = load(port, users, args.seconds, args.think)
        figures["rss_mb"] = round(tree_rss_mb(server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    day = date.today()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    figures.update(sweep(env, day))

    timings, errors = result["timings"], result["errors"]
    every = [t for values in timings.values() for t in values]
    print(
        f"\n{args.bureaus} bureaus × {args.tasks_per_bureau} tasks, "
        f"{figures['users']} accounts; {args.users} users × {args.seconds} s "
        f"({args.think} s between pages), "
        f"gunicorn {args.workers} workers, PostgreSQL"
    )
    print(f"{'page':<32}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for key in sorted(timings):
        values = timings[key]
        print(
            f"{key:<32}{len(values):>9}{statistics.median(values):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}{errors[key]:>8}"
        )
        figures[f"p95_ms {key}"] = round(percentile(values, 0.95))
    figures["load_requests"] = len(every)
    figures["load_rps"] = round(len(every) / args.seconds, 1)
    figures["load_p50_ms"] = round(statistics.median(every))
    figures["load_p95_ms"] = round(percentile(every, 0.95))
    figures["load_errors"] = sum(errors.values())
    print(
        f"all pages: {figures['load_rps']} req/s, p50 {figures['load_p50_ms']} ms, "
        f"p95 {figures['load_p95_ms']} ms; RSS {figures['rss_mb']} MB; before it, first views"
        f" after start-up: p95 {figures['first_views_p95_ms']} ms,"
        f" slowest {figures['first_views_max_ms']} ms"
    )
    print(
        f"morning sweep: first {figures['sweep_first_s']} s ({figures['sweep_notices']} notices,"
        f" {figures['sweep_peak_mb']} MB), rerun {figures['sweep_rerun_s']} s"
        f" ({figures['sweep_rerun_notices']} notices)"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
