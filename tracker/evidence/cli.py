"""The `tracker evidence` commands."""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from tracker.core import storage
from tracker.evidence.models import Evidence
from tracker.extensions import db

evidence_cli = AppGroup("evidence", help="Evidence files and their store.")


def check_store() -> dict:
    """Compare the store with the database: files missing, altered or without any row."""
    rows: dict[str, list[int]] = defaultdict(list)
    for evidence_id, sha256 in db.session.execute(
        sa.select(Evidence.id, Evidence.sha256)
        .where(Evidence.kind == "file", Evidence.sha256.is_not(None))
        .order_by(Evidence.id)
    ):
        rows[sha256].append(evidence_id)
    stored = dict(storage.iter_blobs())
    report = {"checked": 0, "missing": [], "altered": [], "orphaned": []}
    for sha256, evidence_ids in sorted(rows.items()):
        path = stored.get(sha256)
        if path is None:
            report["missing"].append({"sha256": sha256, "evidence_ids": evidence_ids})
            continue
        report["checked"] += 1
        actual = storage.hash_file(path)
        if actual != sha256:
            report["altered"].append(
                {
                    "sha256": sha256,
                    "actual": actual,
                    "evidence_ids": evidence_ids,
                    "path": str(path),
                }
            )
    for sha256, path in sorted(stored.items()):
        if sha256 not in rows:
            report["orphaned"].append({"sha256": sha256, "path": str(path)})
    return report


@evidence_cli.command("check")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check_command(fmt):
    """Re-hash every stored evidence file; report missing, altered and orphaned files.

    Prints OK <n> files when all is well; otherwise one line per problem and a summary, and
    exits with status 1.
    """
    report = check_store()
    problems = len(report["missing"]) + len(report["altered"]) + len(report["orphaned"])
    if fmt == "json":
        click.echo(json.dumps({**report, "ok": problems == 0}, ensure_ascii=False, indent=2))
    else:
        for item in report["missing"]:
            ids = ", ".join(str(i) for i in item["evidence_ids"])
            click.echo(f"MISSING  {item['sha256']} (evidence {ids})")
        for item in report["altered"]:
            ids = ", ".join(str(i) for i in item["evidence_ids"])
            click.echo(f"ALTERED  {item['sha256']} now hashes to {item['actual']} (evidence {ids})")
        for item in report["orphaned"]:
            click.echo(f"ORPHANED {item['sha256']} {item['path']}")
        if problems:
            click.echo(
                f"{problems} problems: {len(report['missing'])} missing, "
                f"{len(report['altered'])} altered, {len(report['orphaned'])} orphaned "
                f"({report['checked']} files checked)"
            )
        else:
            click.echo(f"OK {report['checked']} files")
    if problems:
        sys.exit(1)
