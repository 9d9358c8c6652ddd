"""The `tracker export` commands: a plan's compliance workbook and its evidence archive."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from tracker.audit.service import cli_actor
from tracker.core import storage
from tracker.core.db import begin_write
from tracker.exports import service
from tracker.exports.archive import ArchiveResult, stream_evidence_archive
from tracker.exports.xlsx import write_plan_workbook
from tracker.extensions import db
from tracker.plans.cli import plan_for_reading
from tracker.plans.models import Plan

export_cli = AppGroup("export", help="The compliance export of a plan (for the inspector).")

plan_option = click.option("--plan", "plan_id", type=int, required=True, help="The plan's id.")
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    required=True,
    help="The file to write ('-' for standard output).",
)
locale_option = click.option(
    "--locale",
    type=click.Choice(["zh_Hans_CN", "en"]),
    default=None,
    help="Language of headings and labels (default: the deployment's).",
)


@contextlib.contextmanager
def _output(path: Path):
    """Write to a temporary file beside `path` and put it in place only when complete, so a
    failed export never leaves half a file under the name asked for."""
    if str(path) == "-":
        yield click.get_binary_stream("stdout")
        return
    directory = path.resolve().parent
    if not directory.is_dir():
        raise click.ClickException(f"folder does not exist: {directory}")
    try:
        fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise click.ClickException(f"cannot write to {directory}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _record(actor, plan_id: int, kind: str, details: dict) -> None:
    begin_write(db.session)
    service.record_export(actor, db.session.get(Plan, plan_id), kind, details)


def _locale(locale: str | None) -> str:
    return locale or current_app.config["BABEL_DEFAULT_LOCALE"]


@export_cli.command("xlsx")
@plan_option
@output_option
@locale_option
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge every status (lights, overdue, certificates) at this date (YYYY-MM-DD); "
    "default: the plan year's last day once it is over, else today.",
)
def xlsx_command(plan_id: int, output: Path, locale: str | None, as_of: datetime | None):
    """Write the plan's compliance workbook (.xlsx): tasks, timeline, ledger records, evidence
    and the annual report's sources."""
    plan = plan_for_reading(plan_id)
    actor = cli_actor()
    with force_locale(_locale(locale)), _output(output) as handle:
        summary = write_plan_workbook(
            plan, handle, exported_by=actor.username, as_of=as_of.date() if as_of else None
        )
    if str(output) != "-":
        details = {
            "format": "xlsx",
            "as_of": as_of.date().isoformat() if as_of else None,
            "tasks": summary.tasks,
            "rows": summary.rows,
            "cells_cut": summary.warnings,
            "failures": summary.failures,
            "size": output.stat().st_size,
            "sha256": storage.hash_file(output),
            "file": str(output.resolve()),
        }
    else:
        details = {"format": "xlsx", "tasks": summary.tasks, "file": "-"}
    _record(actor, plan_id, "xlsx", details)
    if str(output) != "-":
        rows = sum(summary.rows.values())
        click.echo(
            f"wrote {output}: {summary.tasks} tasks, {rows} rows on {len(summary.rows)} sheets, "
            f"{summary.warnings} cells cut (see the Warnings sheet)"
        )
    if summary.failures:
        name, reason = next(iter(summary.failures.items()))
        raise click.ClickException(f"the sheet {name!r} is incomplete: {reason}")


@export_cli.command("evidence")
@plan_option
@output_option
@locale_option
def evidence_command(plan_id: int, output: Path, locale: str | None):
    """Write the plan's evidence archive (.zip): a folder per section and task, the files under
    their original names, manifest.csv and SHA256SUMS."""
    plan = plan_for_reading(plan_id)
    actor = cli_actor()
    result = ArchiveResult()
    with force_locale(_locale(locale)), _output(output) as handle:
        for block in stream_evidence_archive(plan, result=result):
            handle.write(block)
    _record(
        actor,
        plan_id,
        "evidence",
        {
            "format": "zip",
            "files": result.files,
            "bytes": result.bytes,
            "missing": result.missing,
            "altered": result.altered,
            "file": str(output.resolve()) if str(output) != "-" else "-",
        },
    )
    if str(output) != "-":
        click.echo(f"wrote {output}: {result.files} files, {result.bytes} bytes")
    problems = []
    if result.missing:
        problems.append(f"{len(result.missing)} missing from the store")
    if result.altered:
        problems.append(f"{len(result.altered)} no longer match their hash")
    if problems:
        raise click.ClickException(
            "evidence archive written, but " + " and ".join(problems) + " (see README.txt)"
        )
