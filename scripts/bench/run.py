"""Benchmark Duban against the floor app on the same data, in one run (`make bench`).

Builds the dataset (N tasks, default 100,000) in a fresh SQLite file (or, with --db postgresql,
a fresh PostgreSQL database `duban_bench` on 127.0.0.1), starts Duban and the floor app under
gunicorn (2 sync workers each), drives both with wrk on 127.0.0.1 (8 connections), times the
reminder sweep (first run and a rerun that writes nothing) and the plan's compliance workbook,
prints a table and one final JSON line, and stops everything it started.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def gunicorn(app: str, port: int, env: dict, chdir: Path, extra=()) -> subprocess.Popen:
    """The server as the benchmarks start it (2 sync workers); `extra`: more gunicorn options."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "--workers=2",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        f"--chdir={chdir}",
        "--log-level=warning",
        *extra,
        app,
    ]
    return subprocess.Popen(command, env=env, start_new_session=True)


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children (the gunicorn master and its workers), in MB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            total += int(match.group(1)) if match else 0
    return total / 1024


def login(base: str, username: str, password: str) -> str:
    """Log in through the form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": password, "next": ""}
    ).encode()
    opener.open(f"{base}/login", data=body)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(f"{base}/", headers={"Cookie": cookie})
    response = urllib.request.urlopen(check)
    if "/login" in response.geturl():
        raise SystemExit("benchmark login failed")
    return cookie


def wrk(url: str, seconds: int, connections: int = 8, cookie: str = "") -> dict:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout=30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        command + [url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(label: str) -> float:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", output)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=int(os.environ.get("N", 100_000)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SECONDS_PER", 10)))
    parser.add_argument("--reuse", action="store_true", help="keep an existing dataset file")
    parser.add_argument("--load-seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", 60)))
    parser.add_argument(
        "--db", choices=("sqlite", "postgresql"), default=os.environ.get("DB", "sqlite")
    )
    args = parser.parse_args()

    workdir = ROOT / "instance" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / f"bench-{args.tasks}.sqlite"
    today = date.today()
    if args.db == "postgresql":
        url = fresh_postgres("duban_bench")
        args.reuse = False
    else:
        url = f"sqlite:///{database}"
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_INSTANCE_DIR": str(workdir),
        "TRACKER_SECRET_KEY": "bench-secret-key-not-for-production-use-0123456789",
        "TRACKER_LOG_LEVEL": "WARNING",
        "BENCH_DB": str(database),
        "BENCH_PG": url.replace("postgresql+psycopg://", "postgresql://")
        if args.db == "postgresql"
        else "",
        "BENCH_TODAY": today.isoformat(),
    }
    figures: dict = {"tasks": args.tasks, "db": args.db}
    if not (args.reuse and database.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        started = time.monotonic()
        subprocess.run(
            [str(VENV_BIN / "tracker"), "db", "upgrade"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts/bench/dataset.py"),
                f"--tasks={args.tasks}",
                f"--today={today.isoformat()}",
            ],
            env=env,
            check=True,
            cwd=ROOT,
        )
        figures["build_s"] = round(time.monotonic() - started, 1)

    sys.path.insert(0, str(ROOT))
    from tracker.home.views import PER_PAGE

    env["BENCH_ROWS"] = str(PER_PAGE)
    per_unit = max(args.tasks // 10, 1)
    task_id, unit_id = per_unit // 2, 2
    duban_port, floor_port = free_port(), free_port()
    servers = [
        gunicorn("wsgi:app", duban_port, env, ROOT),
        gunicorn("floor_app:app", floor_port, env, ROOT / "scripts/bench"),
    ]
    try:
        duban, floor = f"http://127.0.0.1:{duban_port}", f"http://127.0.0.1:{floor_port}"
        wait_for(f"{duban}/healthz")
        wait_for(f"{floor}/t/1")
        cookie = login(duban, "chief1", "bench-Passw0rd-7")
        pages = {
            "list": (f"{duban}/", f"{floor}/list?unit={unit_id}"),
            "overdue": (f"{duban}/?light=red", f"{floor}/overdue?unit={unit_id}"),
            "show": (f"{duban}/tasks/{task_id}", f"{floor}/t/{task_id}"),
        }
        results = {}
        for name, (duban_url, floor_url) in pages.items():
            wrk(duban_url, 1, cookie=cookie)  # warm both workers' caches
            wrk(floor_url, 1)
            results[name] = (
                wrk(duban_url, args.seconds, cookie=cookie),
                wrk(floor_url, args.seconds),
            )
        single = wrk(f"{duban}/", args.seconds, connections=1, cookie=cookie)
        single_floor = wrk(f"{floor}/list?unit={unit_id}", args.seconds, connections=1)
        rss_duban, rss_floor = tree_rss_mb(servers[0].pid), tree_rss_mb(servers[1].pid)
        mixed = mixed_load(duban_port, args.load_seconds)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)

    figures.update(background_jobs(env, today, workdir))
    figures.update(mixed)

    print(
        f"\n{args.tasks} tasks ({args.db}), wrk 8 connections x {args.seconds} s,"
        " gunicorn 2 sync workers"
    )
    print(
        f"{'page':<10}{'Duban req/s':>12}{'p99 ms':>9}{'floor req/s':>13}{'p99 ms':>9}"
        f"{'ratio':>8}{'errors':>8}"
    )
    for name, (mine, theirs) in results.items():
        ratio = mine["rps"] / theirs["rps"]
        print(
            f"{name:<10}{mine['rps']:>12.1f}{mine['p99_ms']:>9.1f}{theirs['rps']:>13.1f}"
            f"{theirs['p99_ms']:>9.1f}{ratio:>8.2f}{mine['errors'] + theirs['errors']:>8}"
        )
        figures[f"{name}_ratio"] = round(ratio, 3)
        figures[f"{name}_rps"] = mine["rps"]
        figures[f"{name}_floor_rps"] = theirs["rps"]
        figures[f"{name}_p99_ms"] = mine["p99_ms"]
        figures[f"{name}_errors"] = mine["errors"]
    print(
        f"list, 1 connection, p50: Duban {single['p50_ms']:.1f} ms, "
        f"floor {single_floor['p50_ms']:.1f} ms"
    )
    print(f"RSS (master + 2 workers): Duban {rss_duban:.0f} MB, floor {rss_floor:.0f} MB")
    figures.update(
        list_p50_1conn_ms=single["p50_ms"],
        rss_mb=round(rss_duban),
        floor_rss_mb=round(rss_floor),
        rss_ratio=round(rss_duban / rss_floor, 2),
    )
    print(
        f"reminder sweep: first {figures['sweep_first_s']} s ({figures['sweep_notices']} notices,"
        f" {figures['sweep_first_mb']} MB), rerun {figures['sweep_rerun_s']} s;"
        f" compliance workbook: {figures['xlsx_s']} s, peak {figures['xlsx_peak_mb']} MB"
    )
    print(
        f"mixed load, 50 users (every account of the dataset, one page a second each) for "
        f"{args.load_seconds} s: p50 {figures['load_p50_ms']} ms, p95 {figures['load_p95_ms']} ms,"
        f" {figures['load_rps']} req/s, {figures['load_errors']} errors; before it, each page's"
        f" first views after start-up: p95 {figures['load_first_views_p95_ms']} ms,"
        f" slowest {figures['load_first_views_max_ms']} ms"
    )
    print(json.dumps(figures))


def fresh_postgres(name: str) -> str:
    """Drop and create the benchmark's own PostgreSQL database; return its URL."""
    base = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    import psycopg

    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def mixed_load(port: int, seconds: int) -> dict:
    """The dataset's 50 accounts at once (office, leaders, chiefs, staff), each opening its
    role's pages one second apart (scripts/bench/city.py's load generator)."""
    from city import PAGES, first_pass, load, percentile

    users = [("office", "office"), ("director", "leader"), ("deputy1", "leader")]
    users += [("deputy2", "leader")]
    users += [(f"chief{n}", "chief") for n in range(1, 11)]
    users += [(f"staff{n}", "staff") for n in range(1, 36)] + [("admin", "admin")]
    # first, every user opens each of its pages twice, all users at once (not in the timed
    # run): each worker computes once after start-up the figures it keeps between changes (a
    # bureau's dashboard, the office's list); those first views are reported apart
    first_views = first_pass(port, users, PAGES, "bench-Passw0rd-7")
    result = load(port, users, seconds, think=1.0, password="bench-Passw0rd-7")
    every = [t for values in result["timings"].values() for t in values]
    return {
        "load_first_views_p95_ms": round(percentile(first_views, 0.95)),
        "load_first_views_max_ms": round(max(first_views)),
        "load_users": len(users),
        "load_rps": round(len(every) / seconds, 1),
        "load_p50_ms": round(percentile(every, 0.5)),
        "load_p95_ms": round(percentile(every, 0.95)),
        "load_errors": sum(result["errors"].values()),
    }


def background_jobs(env: dict, today: date, workdir: Path) -> dict:
    """The reminder sweep and the compliance workbook, timed in-process (scripts/bench/jobs.py)
    on a working day near `today`."""
    from datetime import timedelta

    day = today
    while day.weekday() >= 5:
        day += timedelta(days=1)
    target = workdir / "bench-plan.xlsx"
    output = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/bench/jobs.py"),
            f"--day={day}",
            f"--workbook={target}",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    target.unlink(missing_ok=True)
    return json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
