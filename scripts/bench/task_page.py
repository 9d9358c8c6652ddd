"""The task page in-process: statements per request, CPU and wall time per request, and
optionally a profile (issue H7). Run against a database built by dataset.py:

    PYTHONPATH=. python scripts/bench/task_page.py --requests 200 [--profile cumulative]

with TRACKER_DATABASE_URL, TRACKER_INSTANCE_DIR and TRACKER_SECRET_KEY set as for the server.
Logs in as the benchmark's chief (chief1) and asks for the benchmark's task, as `make bench`.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import time

import sqlalchemy as sa

PASSWORD = "bench-Passw0rd-7"  # noqa: S105 - the throwaway account of dataset.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--task", type=int, default=5000, help="dataset.py's task for 100,000")
    parser.add_argument("--user", default="chief1")
    parser.add_argument("--profile", choices=("cumulative", "tottime"), default=None)
    parser.add_argument("--statements", action="store_true", help="print each statement")
    args = parser.parse_args()

    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    data = {"csrf_token": token.group(1), "username": args.user, "password": PASSWORD}
    if client.post("/login", data={**data, "next": ""}).status_code not in (302, 303):
        raise SystemExit("login failed")
    url = f"/tasks/{args.task}"
    for _ in range(20):  # warm up: templates compiled, statements cached
        assert client.get(url).status_code == 200
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    sa.event.remove(engine, "before_cursor_execute", count)
    print(f"{url} as {args.user}: {len(statements)} statements")
    if args.statements:
        for statement in statements:
            print("  ", " ".join(statement.split())[:160])
    for _ in range(args.rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.requests):
            client.get(url)
        wall = (time.perf_counter() - wall) / args.requests * 1000
        cpu = (time.process_time() - cpu) / args.requests * 1000
        print(f"{cpu:.2f} ms CPU, {wall:.2f} ms wall per request")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(url)
        profile.disable()
        pstats.Stats(profile).sort_stats(args.profile).print_stats(60)


if __name__ == "__main__":
    main()
