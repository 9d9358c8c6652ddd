"""Commands for the unit tree."""

import json

import click
from flask.cli import AppGroup

from tracker.units.queries import roots, subtree

units_cli = AppGroup("units", help="Inspect the organisational tree.")


@units_cli.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(fmt: str):
    """List every unit as an indented tree (or a JSON array)."""
    units = [u for root in roots() for u in subtree(root)]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": u.id,
                        "name": u.name,
                        "kind": u.kind,
                        "parent_id": u.parent_id,
                        "is_active": u.is_active,
                        "aliases": u.alias_list,
                    }
                    for u in units
                ],
                ensure_ascii=False,
            )
        )
        return
    for unit in units:
        flag = "" if unit.is_active else "  (inactive)"
        click.echo(f"{'  ' * unit.depth}{unit.name} [{unit.kind}, id {unit.id}]{flag}")
