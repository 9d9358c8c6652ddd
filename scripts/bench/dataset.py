"""Build the benchmark dataset in Duban's own schema through bulk inserts (deterministic).

10 units under one bureau, N tasks split evenly between them (60 % open), due dates spread over
a year centred on `today`, 50 users. Run against an empty database at head:

    python scripts/bench/dataset.py --tasks 100000 --today 2026-12-04
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

UNITS = 10
USERS = 50
SECTIONS = 10
PASSWORD = "bench-Passw0rd-7"  # noqa: S105 - a throwaway account on a throwaway database
CHUNK = 5000
OPEN_STATUSES = ("assigned", "in_progress", "submitted")


def build(engine: sa.Engine, tasks: int, today: date, *, seed: int = 7) -> dict:
    """Insert the dataset; return the ids the benchmark needs (chief, task, unit)."""
    from werkzeug.security import generate_password_hash

    from tracker.accounts.models import User
    from tracker.plans.models import Plan, Section
    from tracker.tasks import versions
    from tracker.tasks.models import Task, task_co_units
    from tracker.units.models import Unit

    rng = random.Random(seed)
    now = datetime.now(UTC)
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with engine.begin() as connection:
        connection.execute(
            sa.insert(Unit.__table__),
            [
                {
                    "id": 1,
                    "name": "基准测试局",
                    "aliases": "",
                    "kind": "bureau",
                    "parent_id": None,
                    "path": "/1/",
                    "bureau_id": 1,
                    "sort_order": 0,
                    "is_active": True,
                    "created_at": now,
                }
            ]
            + [
                {
                    "id": 1 + n,
                    "name": f"第{n}科",
                    "aliases": "",
                    "kind": "section",
                    "parent_id": 1,
                    "path": f"/1/{1 + n}/",
                    "bureau_id": 1,
                    "sort_order": n,
                    "is_active": True,
                    "created_at": now,
                }
                for n in range(1, UNITS + 1)
            ],
        )
        unit_ids = list(range(2, UNITS + 2))
        # 50 users: admin, coordinator, principal leader, 2 leaders, a chief per unit, staff.
        users = [("admin", "admin", 1, False), ("office", "coordinator", 1, False)]
        users += [("director", "leader", 1, True), ("deputy1", "leader", 1, False)]
        users += [("deputy2", "leader", 1, False)]
        users += [(f"chief{n}", "chief", unit_ids[n - 1], False) for n in range(1, UNITS + 1)]
        staff_count = USERS - len(users)
        users += [
            (f"staff{n}", "staff", unit_ids[(n - 1) % UNITS], False)
            for n in range(1, staff_count + 1)
        ]
        connection.execute(
            sa.insert(User.__table__),
            [
                {
                    "id": index,
                    "username": username,
                    "display_name": username,
                    "title": "",
                    "email": f"{username}@bench.invalid",
                    "role": role,
                    "is_principal": principal,
                    "unit_id": unit_id,
                    "password_hash": password_hash,
                    "password_changed_at": now,
                    "is_disabled": False,
                    "locale": None,
                    "is_email_enabled": True,
                    "digest_time": "morning",
                    "failed_login_count": 0,
                    "created_at": now,
                }
                for index, (username, role, unit_id, principal) in enumerate(users, start=1)
            ],
        )
        staff_by_unit = {unit_id: [] for unit_id in unit_ids}
        for index, (_username, role, unit_id, _principal) in enumerate(users, start=1):
            if role == "staff":
                staff_by_unit[unit_id].append(index)
        leader_ids = [3, 4, 5]
        connection.execute(
            sa.insert(Plan.__table__),
            [
                {
                    "id": 1,
                    "bureau_id": 1,
                    "year": today.year,
                    "title": f"{today.year}年法治建设工作要点（基准测试）",
                    "document_number": "",
                    "status": "active",
                    "published_at": now,
                    "published_by_id": 2,
                    "created_at": now,
                }
            ],
        )
        connection.execute(
            sa.insert(Section.__table__),
            [
                {
                    "id": n,
                    "plan_id": 1,
                    "parent_id": None,
                    "number": f"{n}、",
                    "title": f"第{n}部分",
                    "position": n,
                    "created_at": now,
                }
                for n in range(1, SECTIONS + 1)
            ],
        )
        per_unit = max(tasks // UNITS, 1)
        rows, co_rows = [], []
        for task_id in range(1, tasks + 1):
            unit_id = unit_ids[min((task_id - 1) // per_unit, UNITS - 1)]
            due = today + timedelta(days=rng.randint(-182, 182))
            start = due - timedelta(days=rng.randint(30, 240))
            is_open = rng.random() < 0.6
            closed = ("done", "done", "cancelled")
            status = rng.choice(OPEN_STATUSES) if is_open else rng.choice(closed)
            submitted_on = None
            if status == "submitted":
                submitted_on = due + timedelta(days=rng.randint(-20, 10))
            owners = staff_by_unit[unit_id]
            rows.append(
                {
                    "id": task_id,
                    "plan_id": 1,
                    "section_id": 1 + task_id % SECTIONS,
                    "parent_id": None,
                    "number": f"{task_id}.",
                    "title": f"推进第{task_id}项依法行政工作",
                    "text": f"第{task_id}项：落实法治建设责任，按期报送进展和佐证材料。",
                    "kind": "general",
                    "lead_unit_id": unit_id,
                    "owner_id": owners[task_id % len(owners)] if owners else None,
                    "supervisor_id": leader_ids[task_id % len(leader_ids)],
                    "start_date": start,
                    "due_date": due,
                    "is_continuous": False,
                    "deadline_text": "",
                    "recurrence": "none",
                    "period_label": "",
                    "target_count": None,
                    "target_measure": "",
                    "achieved_count": None,
                    "is_principal_duty": False,
                    "result_statement": "",
                    "progress": 100 if status == "done" else rng.randint(0, 90),
                    "status": status,
                    "position": task_id,
                    "submitted_on": submitted_on,
                    "completed_at": now if status == "done" else None,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "updated_by_id": 2,
                }
            )
            if rng.random() < 0.2:
                other = rng.choice([u for u in unit_ids if u != unit_id])
                co_rows.append({"task_id": task_id, "unit_id": other})
            if len(rows) >= CHUNK:
                connection.execute(sa.insert(Task.__table__), rows)
                rows = []
        if rows:
            connection.execute(sa.insert(Task.__table__), rows)
        for start_index in range(0, len(co_rows), CHUNK):
            connection.execute(sa.insert(task_co_units), co_rows[start_index : start_index + CHUNK])
    with engine.begin() as connection:  # written past the ORM: the figures' version tokens
        scopes = connection.execute(
            sa.select(Unit.__table__.c.id).where(Unit.__table__.c.kind.in_(("bureau", "city")))
        ).scalars()
        versions.replace(connection, [versions.EVERYWHERE, *scopes])
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in ("units", "users", "plans", "sections", "tasks"):
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            connection.execute(sa.text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    return {
        "chief": "chief1",
        "password": PASSWORD,
        "unit_id": unit_ids[0],
        "task_id": per_unit // 2,
        "today": today.isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()
    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    with app.app_context():
        started = time.monotonic()
        info = build(db.engine, args.tasks, args.today)
        print(f"built {args.tasks} tasks in {time.monotonic() - started:.1f} s: {info}")


if __name__ == "__main__":
    main()
