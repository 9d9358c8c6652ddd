"""The background work at the benchmark's size, timed in-process as the scheduler runs it (the
application's start-up is not counted): the reminder sweep at 09:00 of `--day`, first run then a
rerun that writes nothing, and the compliance workbook of plan 1 — in a process of its own
(scripts/bench/workbook.py), so its peak is the export's, not what the sweep left. Prints one
JSON line.

    python scripts/bench/jobs.py --day 2026-12-04 --workbook /tmp/plan.xlsx
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from workbook import peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", required=True)
    parser.add_argument("--workbook", required=True)
    args = parser.parse_args()
    from tracker import create_app
    from tracker.extensions import db
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
        figures["sweep_first_mb"] = peak_mb()
        started = time.monotonic()
        again = run_reminders(now)
        db.session.commit()
        figures["sweep_rerun_s"] = round(time.monotonic() - started, 2)
        assert again.notifications == 0, "a rerun wrote notices"
    # the workbook in its own process: its time (start-up not counted) and its own peak
    workbook = Path(__file__).with_name("workbook.py")
    output = subprocess.run(
        [sys.executable, str(workbook), "--workbook", args.workbook],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    export = json.loads(output.strip().splitlines()[-1])
    figures["xlsx_s"] = export["xlsx_s"]
    figures["xlsx_peak_mb"] = export["xlsx_peak_mb"]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
