"""Score the plan importer on its corpus (tests/plans/importer/corpus): the share of expected
tasks found with the right title, the right lead/co units and the right deadline; with
`--unseen` on the batch of real plans gathered afterwards (tests/plans/importer/unseen).

    .venv/bin/python scripts/score_import.py [--unseen] [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.plans.importer.corpus_tools import (  # noqa: E402
    CORPUS,
    UNSEEN,
    Score,
    cases,
    score,
)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    folder = UNSEEN if "--unseen" in argv else CORPUS
    total = Score()
    crashes = 0
    header = ("tasks", "found", "title", "units", "date", "sect")
    print(f"{'document':<42} " + " ".join(f"{c:>5}" for c in header))
    for case in cases(folder):
        try:
            plan = case.parse()
        except Exception as error:  # noqa: BLE001 - a crash is a result to report, not to hide
            crashes += 1
            print(f"{case.name:<42} CRASH {type(error).__name__}: {error}")
            result = Score(expected_tasks=len(case.expected["tasks"]))
            total.add(result)
            continue
        result = score(case, plan)
        total.add(result)
        print(
            f"{case.name:<42} {result.expected_tasks:>5} {result.found_tasks:>5}"
            f" {result.percent('titles'):>5.0f}% {result.percent('units'):>5.0f}%"
            f" {result.percent('deadlines'):>5.0f}%"
            f" {result.sections_right:>2}/{result.sections_expected:<2}"
        )
        if verbose:
            for miss in result.misses:
                print("    " + miss)
    print("-" * 80)
    print(
        f"{'all':<42} {total.expected_tasks:>5} {total.found_tasks:>5}"
        f" {total.percent('titles'):>5.1f}% {total.percent('units'):>5.1f}%"
        f" {total.percent('deadlines'):>5.1f}%"
        f" {total.sections_right:>2}/{total.sections_expected:<2}"
    )
    precision = 100.0 * total.titles / total.found_tasks if total.found_tasks else 100.0
    print(
        f"titles {total.percent('titles'):.1f} %, units {total.percent('units'):.1f} %, "
        f"deadlines {total.percent('deadlines'):.1f} % of {total.expected_tasks} tasks; "
        f"precision {precision:.1f} %; sections {total.percent('sections_right'):.1f} %; "
        f"extra tasks {total.extra_tasks}; crashes {crashes}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
