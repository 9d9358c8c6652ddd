"""The floor: a hand-written Flask + sqlite3 (or psycopg) + Jinja page over the same rows Duban
lists.

No ORM, no login, no CSRF: what a bare page costs on this machine. The benchmark runs it beside
Duban under the same gunicorn settings (BENCH_DB names the SQLite file, or BENCH_PG the
PostgreSQL connection string; BENCH_TODAY the day).
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, abort, g, render_template_string, request

app = Flask(__name__)
DATABASE = os.environ.get("BENCH_DB", "instance/bench.sqlite")
POSTGRES = os.environ.get("BENCH_PG", "")
TODAY = os.environ.get("BENCH_TODAY", "")
ROWS = int(os.environ.get("BENCH_ROWS", "50"))

PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><h1>{{ title }}</h1><p>{{ total }}</p><table>
<tr><th>编号</th><th>任务</th><th>牵头单位</th><th>责任人</th><th>完成时限</th><th>状态</th></tr>
{% for row in rows %}<tr><td>{{ row.number }}</td><td><a href="/t/{{ row.id }}">{{ row.title }}</a>
</td><td>{{ row.unit }}</td><td>{{ row.owner or "" }}</td><td>{{ row.due_date }}</td>
<td>{{ row.status }}</td></tr>{% endfor %}</table></body></html>"""

TASK = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{{ t.title }}</title>
</head><body><h1>{{ t.number }} {{ t.title }}</h1><p>{{ t.text }}</p>
<dl><dt>牵头单位</dt><dd>{{ t.unit }}</dd><dt>责任人</dt><dd>{{ t.owner or "" }}</dd>
<dt>完成时限</dt><dd>{{ t.due_date }}</dd><dt>状态</dt><dd>{{ t.status }}</dd></dl>
<ul>{% for u in updates %}<li>{{ u.created_at }} {{ u.author_name }} {{ u.note }}</li>
{% endfor %}</ul></body></html>"""

OPEN = "('assigned', 'in_progress', 'submitted')"
SELECT = f"""SELECT t.id, t.number, t.title, t.due_date, t.status, u.name AS unit,
  o.display_name AS owner FROM tasks t JOIN units u ON u.id = t.lead_unit_id
  LEFT JOIN users o ON o.id = t.owner_id
  WHERE t.lead_unit_id = ? AND t.status IN {OPEN} %s ORDER BY t.due_date, t.id LIMIT ?"""
COUNT = f"SELECT count(*) FROM tasks t WHERE t.lead_unit_id = ? AND t.status IN {OPEN} %s"


class _Postgres:
    """psycopg with sqlite3's `?` placeholders and mapping rows, so the pages stay one code."""

    def __init__(self):
        import psycopg
        from psycopg.rows import dict_row

        self.connection = psycopg.connect(POSTGRES, row_factory=dict_row, autocommit=True)

    def execute(self, sql: str, params: tuple = ()):
        return self.connection.execute(sql.replace("?", "%s"), params)

    def close(self):
        self.connection.close()


def database():
    if "db" not in g:
        if POSTGRES:
            g.db = _Postgres()
        else:
            g.db = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True)
            g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close(_error):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def _list(extra: str, params: tuple, title: str):
    unit_id = request.args.get("unit", type=int, default=2)
    connection = database()
    counted = connection.execute(COUNT % extra, (unit_id, *params)).fetchone()
    total = counted["count"] if POSTGRES else counted[0]
    rows = connection.execute(SELECT % extra, (unit_id, *params, ROWS)).fetchall()
    return render_template_string(PAGE, title=title, rows=rows, total=total)


@app.route("/list")
def open_tasks():
    return _list("", (), "本科室在办任务")


@app.route("/overdue")
def overdue_tasks():
    return _list("AND t.due_date < ?", (TODAY,), "本科室逾期任务")


@app.route("/t/<int:task_id>")
def show(task_id: int):
    connection = database()
    task = connection.execute(
        """SELECT t.*, u.name AS unit, o.display_name AS owner FROM tasks t
        LEFT JOIN units u ON u.id = t.lead_unit_id LEFT JOIN users o ON o.id = t.owner_id
        WHERE t.id = ?""",
        (task_id,),
    ).fetchone()
    if task is None:
        abort(404)
    updates = connection.execute(
        "SELECT * FROM task_updates WHERE task_id = ? ORDER BY id DESC", (task_id,)
    ).fetchall()
    return render_template_string(TASK, t=task, updates=updates)
