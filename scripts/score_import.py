"""Score the plan importer on its corpus (tests/plans/importer/corpus): the share of expected
tasks found with the right title, the right lead/co units and the right deadline.

    .venv/bin/python scripts/score_import.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.plans.importer.corpus_tools import Score, cases, score  # noqa: E402


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    total = Score()
    header = ("tasks", "found", "title", "units", "date", "sect")
    print(f"{'document':<42} " + " ".join(f"{c:>5}" for c in header))
    for case in cases():
        result = score(case, case.parse())
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
    print(
        f"titles {total.percent('titles'):.1f} %, units {total.percent('units'):.1f} %, "
        f"deadlines {total.percent('deadlines'):.1f} % of {total.expected_tasks} tasks; "
        f"sections {total.percent('sections_right'):.1f} %; extra tasks {total.extra_tasks}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
