"""The compliance workbook of one plan, alone in its own process (the application's start-up is
not counted in the time; the peak is the process's own, start-up included). Prints one JSON line.

    python scripts/bench/workbook.py --workbook /tmp/plan.xlsx [--plan 1] [--now 2026-12-04T09:00]

`--now` freezes the clock (the About sheet's "Exported at" and every status then depend on the
data alone), so two runs on the same database write the same cells.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import datetime
from pathlib import Path


def peak_mb() -> int:
    """This process's peak resident memory (VmHWM), in MB. Not getrusage's ru_maxrss: Linux
    keeps that across execve, so a process started by one that had grown reported its parent's
    peak (the workbook started by jobs.py after a PostgreSQL sweep: 152 MB, the sweep's, for an
    export that peaks at 143 MB)."""
    status = Path("/proc/self/status").read_text()
    return round(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", required=True)
    parser.add_argument("--plan", type=int, default=1)
    parser.add_argument("--now", type=datetime.fromisoformat, default=None)
    parser.add_argument("--locale", default=None)
    args = parser.parse_args()
    import contextlib

    from flask_babel import force_locale

    from tracker import create_app
    from tracker.core import clock
    from tracker.exports.xlsx import write_plan_workbook
    from tracker.extensions import db
    from tracker.plans.models import Plan

    app = create_app()
    figures = {}
    frozen = clock.frozen_at(args.now) if args.now else contextlib.nullcontext()
    with app.app_context(), frozen, force_locale(args.locale or app.config["BABEL_DEFAULT_LOCALE"]):
        before = peak_mb()
        started = time.monotonic()
        with open(args.workbook, "wb") as out:
            summary = write_plan_workbook(db.session.get(Plan, args.plan), out, exported_by="bench")
        figures["xlsx_s"] = round(time.monotonic() - started, 2)
        figures["start_mb"] = before
        figures["xlsx_peak_mb"] = peak_mb()
        figures["tasks"] = summary.tasks
        figures["failures"] = summary.failures
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
