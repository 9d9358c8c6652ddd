"""Compare two .xlsx workbooks cell by cell (values, and each cell's number format): sheet names
and order, every row of every sheet. Exits 1 and names the first differences when they differ.

    python scripts/bench/xlsx_diff.py before.xlsx after.xlsx [--ignore "About!B6"]
"""

from __future__ import annotations

import argparse
import sys
from itertools import zip_longest


def compare(left_path: str, right_path: str, ignore: set[str] = frozenset(), limit: int = 20):
    """The differences between the two workbooks (at most `limit`), and the cells compared."""
    from openpyxl import load_workbook

    left = load_workbook(left_path, read_only=True)
    right = load_workbook(right_path, read_only=True)
    problems: list[str] = []
    cells = 0
    if left.sheetnames != right.sheetnames:
        problems.append(f"sheets differ: {left.sheetnames} != {right.sheetnames}")
        return problems, cells
    for name in left.sheetnames:
        a_rows, b_rows = left[name].iter_rows(), right[name].iter_rows()
        for a, b in zip_longest(a_rows, b_rows):
            a_cells = {
                c.coordinate: (c.value, c.number_format) for c in a or () if c.value is not None
            }
            b_cells = {
                c.coordinate: (c.value, c.number_format) for c in b or () if c.value is not None
            }
            cells += len(a_cells)
            for ref in sorted(a_cells.keys() | b_cells.keys()):
                if f"{name}!{ref}" in ignore:
                    continue
                if a_cells.get(ref) != b_cells.get(ref):
                    problems.append(f"{name}!{ref}: {a_cells.get(ref)!r} != {b_cells.get(ref)!r}")
                    if len(problems) >= limit:
                        return problems, cells
    return problems, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left")
    parser.add_argument("right")
    parser.add_argument("--ignore", action="append", default=[], help='a cell, e.g. "About!B6"')
    args = parser.parse_args()
    problems, cells = compare(args.left, args.right, set(args.ignore))
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"identical: {cells} cells")


if __name__ == "__main__":
    main()
