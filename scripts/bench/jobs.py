"""The background work at the benchmark's size, timed in-process as the scheduler runs it (the
application's start-up is not counted): the reminder sweep at 09:00 of `--day`, first run then a
rerun that writes nothing, and the compliance workbook of plan 1. Prints one JSON line.

    python scripts/bench/jobs.py --day 2026-12-04 --workbook /tmp/plan.xlsx
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import datetime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", required=True)
    parser.add_argument("--workbook", required=True)
    args = parser.parse_args()
    from tracker import create_app
    from tracker.exports.xlsx import write_plan_workbook
    from tracker.extensions import db
    from tracker.plans.models import Plan
    from tracker.reminders.sweep import run_reminders

    app = create_app()
    figures = {}
    with app.app_context():
        now = datetime.fromisoformat(f"{args.day}T09:00:00+08:00")
        started = time.monotonic()
        first = run_reminders(now)
        db.session.commit()
        figures["sweep_first_s"] = round(time.monotonic() - started, 2)
        figures["sweep_notices"] = first.notifications
        figures["sweep_first_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        started = time.monotonic()
        again = run_reminders(now)
        db.session.commit()
        figures["sweep_rerun_s"] = round(time.monotonic() - started, 2)
        assert again.notifications == 0, "a rerun wrote notices"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        with open(args.workbook, "wb") as out:
            write_plan_workbook(db.session.get(Plan, 1), out, exported_by="bench")
        figures["xlsx_s"] = round(time.monotonic() - started, 2)
        # peak of the whole process (the export adds to what the sweep left)
        figures["xlsx_peak_mb"] = round(
            max(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
