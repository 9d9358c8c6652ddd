"""The `tracker tasks` commands."""

import json
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.lights import LIGHTS, LightPolicy, light_rank_sql, light_sql
from tracker.tasks.models import Task
from tracker.tasks.queries import involves_units_under
from tracker.units.queries import find_by_name

tasks_cli = AppGroup("tasks", help="Tasks of the plans.")


def task_json(task: Task, light: str) -> dict:
    return {
        "id": task.id,
        "plan_id": task.plan_id,
        "number": task.number,
        "title": task.title,
        "section": task.section.title if task.section else None,
        "kind": task.kind,
        "lead_unit": task.lead_unit.name if task.lead_unit else None,
        "co_units": [u.name for u in task.co_units],
        "owner": task.owner.display_name if task.owner else None,
        "supervisor": task.supervisor.display_name if task.supervisor else None,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "is_continuous": task.is_continuous,
        "status": task.status,
        "light": light,
        "progress": task.progress,
        "is_principal_duty": task.is_principal_duty,
        "parent_id": task.parent_id,
    }


@tasks_cli.command("list")
@click.option("--plan", "plan_id", type=int, help="Only this plan (id).")
@click.option("--unit", "unit_name", help="Only tasks led or co-handled by this unit.")
@click.option("--light", type=click.Choice(LIGHTS), help="Only tasks with this light.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(plan_id, unit_name, light, fmt):
    """List tasks with their light, overdue first (a JSON array with --format json)."""
    policy = LightPolicy.current()
    light_expression = light_sql(policy)
    query = sa.select(Task, light_expression).options(
        selectinload(Task.lead_unit),
        selectinload(Task.co_units),
        selectinload(Task.owner),
        selectinload(Task.supervisor),
        selectinload(Task.section),
    )
    if plan_id is not None:
        if db.session.get(Plan, plan_id) is None:
            click.echo(f"Error: no plan with id {plan_id}", err=True)
            sys.exit(1)
        query = query.where(Task.plan_id == plan_id)
    if unit_name:
        unit = find_by_name(unit_name)
        if unit is None:
            click.echo(f"Error: no unit named {unit_name!r}", err=True)
            sys.exit(1)
        query = query.where(involves_units_under(unit.path))
    if light:
        query = query.where(light_expression == light)
    query = query.order_by(
        light_rank_sql(light_expression), Task.due_date.is_(None), Task.due_date, Task.id
    )
    rows = [task_json(task, task_light) for task, task_light in db.session.execute(query)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(
            f"{row['id']:>5} {row['light']:<6} {row['due_date'] or '长期':<10} "
            f"{row['status']:<11} {row['lead_unit'] or '':<10} {row['title']}"
        )
