"""The `tracker report` commands: write a plan's annual report, list its figures' sources."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.plans.cli import plan_for_reading
from tracker.reports.builder import number_text
from tracker.reports.queries import report_for_plan, statement_for_plan
from tracker.reports.render import render

report_cli = AppGroup("report", help="The annual rule-of-law report (法治政府建设情况报告).")

FORMATS = ("docx", "html", "pdf", "md")


def _write(path: Path, data: bytes) -> None:
    """Write next to `path` and move into place when complete: never half a file."""
    if str(path) == "-":
        click.echo(data, nl=False)  # bytes go to the binary stream as they are
        return
    directory = path.resolve().parent
    if not directory.is_dir():
        raise click.ClickException(f"no such directory: {directory}")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".report-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@report_cli.command("build")
@click.option("--plan", "plan_id", type=int, required=True, help="The plan's id.")
@click.option(
    "--statement",
    is_flag=True,
    help="The principal's 述法 report of the plan's year instead of the annual report.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="docx, html, pdf or md (default: from the output file's extension).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    required=True,
    help="The file to write ('-' for standard output).",
)
def build_command(plan_id: int, statement: bool, fmt: str | None, output: Path):
    """Write the plan's annual report, with the coordinator's edits, as the page downloads it."""
    if fmt is None:
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise click.UsageError(
                "give --format (docx, html, pdf or md) or an output file ending in one of them"
            )
    plan = plan_for_reading(plan_id)
    report = statement_for_plan(plan) if statement else report_for_plan(plan)
    _write(output, render(report, fmt))
    if str(output) != "-":
        figures = sum(1 for _ in report.figures())
        click.echo(
            f"{output}: {report.title} ({fmt}, {len(report.shown_parts)} parts, "
            f"{figures} figures with sources, {len(report.warnings)} warnings)"
        )


@report_cli.command("figures")
@click.option("--plan", "plan_id", type=int, required=True, help="The plan's id.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def figures_command(plan_id: int, fmt: str):
    """List every figure the report cites with the records, tasks and evidence behind it."""
    report = report_for_plan(plan_for_reading(plan_id))
    rows = [
        {
            "part": f.part,
            "section": f.section,
            "label": f.label,
            "value": number_text(f.value),
            "unit": f.unit,
            "baseline": number_text(f.baseline_value) if f.baseline_value is not None else None,
            "baseline_year": f.baseline_year,
            "sentence": f.text,
            "task_ids": f.task_ids,
            "record_ids": f.record_ids,
            "evidence_ids": f.evidence_ids,
        }
        for f in report.figures()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        records = ",".join(str(i) for i in row["record_ids"]) or "-"
        click.echo(f"{row['value']}{row['unit']}\t{row['label']}\trecords {records}")
    for warning in report.warnings:
        click.echo(f"warning: {warning.part_key} {warning.code} {warning.params or ''}".rstrip())
