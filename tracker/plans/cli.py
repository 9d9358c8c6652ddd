"""The `tracker plans` commands."""

import json
import os

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.audit.service import cli_actor
from tracker.core.db import begin_read
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans import import_service
from tracker.plans.importer import UnreadableDocument, document_text, parse_bytes
from tracker.plans.importer.decompose import Bureau, filter_tree, guess_issuer
from tracker.plans.models import Plan
from tracker.units.queries import find_by_name

plans_cli = AppGroup("plans", help="Work plans (工作要点).")


def plan_for_reading(plan_id: int) -> Plan:
    """Load a plan in a read-only transaction, for commands that only read (reports, exports):
    they never take SQLite's write lock, so people keep working while they run."""
    begin_read(db.session)
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"no plan with id {plan_id}")
    return plan


@plans_cli.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def list_command(fmt: str):
    """List every plan with its year and status."""
    plans = db.session.scalars(sa.select(Plan).order_by(Plan.year.desc(), Plan.id)).all()
    rows = [
        {
            "id": p.id,
            "year": p.year,
            "title": p.title,
            "status": p.status,
            "bureau": p.bureau.name,
            "document_number": p.document_number,
        }
        for p in plans
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['year']}  {row['status']:<7} {row['title']}")


# -- import ----------------------------------------------------------------------------------------


def _outline_lines(parsed) -> list[str]:
    """A plain-text view of a parsed plan for `--dry-run` without `--format json`."""
    lines = [
        f"title: {parsed.title or '-'}",
        f"year: {parsed.year}",
        f"document number: {parsed.document_number or '-'}",
    ]

    def describe(task, indent: str) -> None:
        due = (
            task.due_date.isoformat()
            if task.due_date
            else ("continuous" if task.continuous else "-")
        )
        units = "、".join(task.lead_units) or "-"
        if task.co_units:
            units += " / " + "、".join(task.co_units)
        lines.append(f"{indent}{task.number} {task.title} [{units}] [{due}]")
        for child in task.children:
            describe(child, indent + "  ")

    def walk(sections, indent: str) -> None:
        for section in sections:
            lines.append(f"{indent}{section.number} {section.title}".rstrip())
            for task in section.tasks:
                describe(task, indent + "  - ")
            walk(section.sections, indent + "  ")

    for task in parsed.tasks:
        describe(task, "- ")
    walk(parsed.sections, "")
    lines.extend(f"warning: {w}" for w in parsed.warnings)
    return lines


@plans_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--bureau", "bureau_name", required=True, help="The bureau the plan belongs to.")
@click.option("--year", type=int, required=True, help="The plan year (dates like 6月底前 use it).")
@click.option("--title", default=None, help="Plan title (default: the document's own title).")
@click.option("--dry-run", is_flag=True, help="Only show what would be imported; write nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--decompose-for",
    "decompose_for",
    default=None,
    metavar="NAME",
    help="The document is a higher level's plan (任务分解): keep only the items that name NAME "
    "(e.g. 忻州市民政局; short names and collectives such as 市直各部门 count), with the upper "
    "plan's item number and our role.",
)
def import_command(file, bureau_name, year, title, dry_run, fmt, decompose_for):
    """Import a plan document (.docx or text) as a draft plan; print the new plan's id.

    With --dry-run --format json it prints the parsed outline (the import contract) instead;
    with --decompose-for only the items that concern the bureau, each with `upper_number`,
    `upper_role` (lead, assist, maybe) and `upper_units`, and the upper plan as `source`.
    """

    def fail(message: str) -> None:
        raise click.ClickException(message)

    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        fail(f"cannot read {file}: {error.strerror or error}")
    bureau = find_by_name(bureau_name)
    if bureau is None or bureau.kind != "bureau":
        fail(f"no bureau named {bureau_name!r} (see `tracker units list`)")
    if not 2000 <= year <= 2100:
        fail("the year must be between 2000 and 2100")
    upper = (
        Bureau.of([decompose_for, *import_service.owner_names(bureau)]) if decompose_for else None
    )
    try:
        parsed = parse_bytes(
            data,
            file,
            year=year,
            # an upper plan's unit names are bodies (市民政局): read them as written
            units=None if upper else import_service.unit_list(bureau),
            owner=None if upper else import_service.owner_names(bureau),
        )
    except UnreadableDocument as error:
        fail(f"cannot import {file}: {error}")
    if upper is not None:
        _import_decomposed(parsed, data, file, bureau, upper, year, title, dry_run, fmt)
        return
    if dry_run:
        if fmt == "json":
            click.echo(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
        else:
            for line in _outline_lines(parsed):
                click.echo(line)
        return
    plan_title = title or parsed.title
    if not plan_title:
        # no title line in the document: the file's name is the next best thing
        plan_title = os.path.splitext(os.path.basename(file))[0].strip() or f"{year}"
        click.echo(f"warning: no title found in the document; using {plan_title!r}", err=True)
    tree = parsed.to_dict()
    try:
        plan = import_service.import_plan(
            cli_actor(),
            bureau=bureau,
            year=year,
            title=plan_title,
            tree=tree,
            document_number=parsed.document_number or "",
            source_text=document_text(data, file),
            warnings=[str(w) for w in parsed.warnings],
        )
    except DomainError as error:
        fail(error.message)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "id": plan.id,
                    "title": plan.title,
                    "year": plan.year,
                    "tasks": import_service.count_tasks(tree),
                    "warnings": [str(w) for w in parsed.warnings],
                },
                ensure_ascii=False,
            )
        )
        return
    click.echo(plan.id)
    click.echo(
        f"created draft plan {plan.id}: {plan.title} "
        f"({import_service.count_tasks(tree)} tasks); review it, then publish",
        err=True,
    )
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)


def _import_decomposed(parsed, data, file, bureau, upper, year, title, dry_run, fmt) -> None:
    """`tracker plans import --decompose-for NAME`: the items of a higher level's plan that
    concern the bureau become a draft plan whose source is the upper plan."""
    tree = filter_tree(parsed.to_dict(), upper)
    source_text = document_text(data, file)
    source = {
        "decompose_for": upper.name,
        "issuer": guess_issuer(source_text),
        "title": parsed.title or "",
        "document_number": parsed.document_number or "",
    }
    kept = import_service.count_tasks(tree)
    if dry_run:
        if fmt == "json":
            click.echo(json.dumps({**tree, "source": source}, ensure_ascii=False, indent=2))
        else:
            click.echo(
                f"upper plan: {source['issuer']} {source['title']} {source['document_number']}"
            )
            for task in _walk_tasks(tree):
                click.echo(f"{task['upper_number']} [{task['upper_role']}] {task['title']}")
            click.echo(f"{kept} of {len(list(parsed.all_tasks()))} items concern {upper.name}")
        return
    if kept == 0:
        raise click.ClickException(f"no item of the document names {upper.name}")
    try:
        plan = import_service.import_plan(
            cli_actor(),
            bureau=bureau,
            year=year,
            title=title or f"{parsed.title or os.path.basename(file)}（任务分解）",
            tree=tree,
            source_text=source_text,
            warnings=[str(w) for w in parsed.warnings],
            source=source,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if fmt == "json":
        click.echo(
            json.dumps({"id": plan.id, "title": plan.title, "tasks": kept}, ensure_ascii=False)
        )
        return
    click.echo(plan.id)
    click.echo(f"created draft plan {plan.id}: {plan.title} ({kept} tasks)", err=True)


def _walk_tasks(tree: dict):
    yield from tree.get("tasks", [])
    for section in tree.get("sections", []):
        yield from _walk_tasks(section)
