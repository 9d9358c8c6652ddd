"""Benchmark the compliance workbook: time and peak memory for plans of growing size.

    .venv/bin/python scripts/bench_export.py [--sizes 1000 5000] [--updates 4] [--files 200]

Each size gets a fresh SQLite database (in a temporary folder) with one plan of that many tasks,
each with `--updates` timeline entries, a ledger record and a piece of evidence, inserted in
bulk. The workbook is written twice: once timed, once under tracemalloc for the peak of Python
memory, then once more without the Report sources sheet (the annual report is built whole, in
memory, by tracker.reports). With the rows streamed, that peak stays flat as the plan grows. With
`--files`, the evidence archive of that many 256 KiB files is measured the same way.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.accounts.models import User  # noqa: E402
from tracker.core import storage  # noqa: E402
from tracker.evidence.models import Evidence, EvidenceLink  # noqa: E402
from tracker.exports import sources  # noqa: E402
from tracker.exports.archive import stream_evidence_archive  # noqa: E402
from tracker.exports.xlsx import write_plan_workbook  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.plans.models import Plan, Section  # noqa: E402
from tracker.records.models import DocumentReview, Record  # noqa: E402
from tracker.tasks.lights import LightPolicy  # noqa: E402
from tracker.tasks.models import Task, TaskUpdate  # noqa: E402
from tracker.units.models import Unit  # noqa: E402

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)


def make_app(folder: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
            "INSTANCE_DIR": str(folder / "instance"),
            "EVIDENCE_DIR": str(folder / "evidence"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "LOG_LEVEL": "WARNING",
            "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        }
    )


def populate(tasks: int, updates: int, files: int, file_size: int) -> Plan:
    """One plan of `tasks` tasks in 20 sections, inserted in bulk (not through the services:
    what is measured is the export)."""
    bureau = Unit(name="基准市民政局", kind="bureau", path="/1/", created_at=NOW)
    db.session.add(bureau)
    db.session.flush()
    bureau.bureau_id = bureau.id
    section_unit = Unit(
        name="办公室", kind="section", parent_id=bureau.id, bureau_id=bureau.id, created_at=NOW
    )
    db.session.add(section_unit)
    db.session.flush()
    section_unit.path = f"/{bureau.id}/{section_unit.id}/"
    user = User(
        username="bench",
        display_name="王晓燕",
        role="coordinator",
        unit_id=section_unit.id,
        password_hash="x",
        created_at=NOW,
        password_changed_at=NOW,
    )
    plan = Plan(
        bureau_id=bureau.id, year=2026, title="基准工作要点", status="active", created_at=NOW
    )
    db.session.add_all([user, plan])
    db.session.flush()
    sections = [
        Section(plan_id=plan.id, number=str(n + 1), title=f"第{n + 1}部分", position=n * 10)
        for n in range(20)
    ]
    db.session.add_all(sections)
    db.session.flush()
    text = "依法行政，" * 40  # 200 characters of result statement per task
    db.session.execute(
        sa.insert(Task),
        [
            {
                "plan_id": plan.id,
                "section_id": sections[i % 20].id,
                "number": f"{i + 1}.",
                "title": f"第{i + 1}项任务：落实规范性文件合法性审查制度",
                "text": text,
                "kind": "normative_review",
                "lead_unit_id": section_unit.id,
                "owner_id": user.id,
                "due_date": date(2026, 1, 1) + timedelta(days=i % 365),
                "start_date": date(2026, 1, 1),
                "status": "in_progress",
                "progress": i % 100,
                "position": i,
                "result_statement": text,
                "created_at": NOW,
                "updated_at": NOW,
                "version": 1,
            }
            for i in range(tasks)
        ],
    )
    task_ids = list(db.session.scalars(sa.select(Task.id).order_by(Task.id)))
    db.session.execute(
        sa.insert(TaskUpdate),
        [
            {
                "task_id": task_id,
                "kind": "progress",
                "author_id": user.id,
                "author_name": user.display_name,
                "note": f"第{n + 1}次进展：" + "已完成审查工作。" * 5,
                "progress": n * 20,
                "created_at": NOW + timedelta(minutes=n),
            }
            for task_id in task_ids
            for n in range(updates)
        ],
    )
    for task_id in task_ids:
        review = DocumentReview(
            task_id=task_id,
            unit_id=section_unit.id,
            document_title="关于进一步加强困难群众基本生活保障工作的实施意见",
            reviewed_on=date(2026, 3, 10),
            occurred_on=date(2026, 3, 10),
            summary="关于进一步加强困难群众基本生活保障工作的实施意见",
            conclusion="lawful",
            created_at=NOW,
            updated_at=NOW,
        )
        db.session.add(review)
    db.session.flush()
    record_ids = list(db.session.scalars(sa.select(Record.id).order_by(Record.id)))
    blob = storage.put(os.urandom(file_size))
    for index, (task_id, record_id) in enumerate(zip(task_ids, record_ids, strict=True)):
        is_file = index < files
        sha256 = blob.sha256 if is_file else None
        if is_file and index:
            content = hashlib.sha256(str(index).encode()).digest() * (file_size // 32)
            sha256 = storage.put(content).sha256
        evidence = Evidence(
            kind="file" if is_file else "note",
            title=f"佐证材料{index + 1}",
            original_name="审查意见书.pdf" if is_file else "",
            size=file_size if is_file else None,
            sha256=sha256,
            content_type="application/pdf" if is_file else "",
            note_text="" if is_file else "已在门户网站公开。",
            uploaded_by_id=user.id,
            uploaded_at=NOW,
            review_status="verified",
        )
        db.session.add(evidence)
        db.session.flush()
        db.session.add_all(
            [
                EvidenceLink(evidence_id=evidence.id, task_id=task_id, created_at=NOW),
                EvidenceLink(evidence_id=evidence.id, record_id=record_id, created_at=NOW),
            ]
        )
    db.session.commit()
    return plan


def measure(work) -> tuple[float, int]:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        work()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--updates", type=int, default=4, help="timeline entries per task")
    parser.add_argument("--files", type=int, default=0, help="evidence files for the archive")
    parser.add_argument("--file-kib", type=int, default=256)
    args = parser.parse_args()
    print(
        f"{'tasks':>7} {'rows':>8} {'xlsx MiB':>9} {'seconds':>8} {'peak MiB':>9}"
        f" {'peak MiB without report sources':>32}"
    )
    archive_lines = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(Path(folder))
            with app.app_context():
                db.create_all()
                plan = populate(size, args.updates, min(args.files, size), args.file_kib * 1024)
                target = Path(folder) / "export.xlsx"
                policy = LightPolicy(date(2026, 7, 1))
                summary = None

                def write(plan=plan, target=target, policy=policy):
                    nonlocal summary
                    summary = write_plan_workbook(
                        plan, str(target), exported_by="bench", policy=policy
                    )

                seconds, peak = measure(write)
                rows = sum(summary.rows.values())
                # the annual report is built whole (tracker.reports); the rest streams
                real_builder = sources._builder
                sources._builder = lambda: None
                try:
                    _seconds, own_peak = measure(write)
                finally:
                    sources._builder = real_builder
                print(
                    f"{size:>7} {rows:>8} {target.stat().st_size / 2**20:>9.1f} "
                    f"{seconds:>8.2f} {peak / 2**20:>9.1f} {own_peak / 2**20:>32.1f}"
                )
                if args.files:

                    def archive(plan=plan):
                        for _piece in stream_evidence_archive(plan):
                            pass

                    seconds, peak = measure(archive)
                    files = min(args.files, size)
                    archive_lines.append(
                        f"{files:>7} {files * args.file_kib / 1024:>9.1f} "
                        f"{seconds:>8.2f} {peak / 2**20:>9.1f}"
                    )
                db.session.remove()
                db.engine.dispose()
    if archive_lines:
        print(f"\n{'files':>7} {'zip MiB':>9} {'seconds':>8} {'peak MiB':>9}")
        print("\n".join(archive_lines))


if __name__ == "__main__":
    main()
