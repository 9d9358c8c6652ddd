"""The import graph of tracker/: no module imports itself back through others, and no two
features import each other. (Layers and purity are import-linter contracts, pyproject.toml.)"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

#: Plans and tasks are one aggregate: a task lives in a plan (tasks → plans.models), and the plan
#: page, publishing, copying and importing a plan work on its tasks (plans → tasks).
ONE_AGGREGATE = {("tracker.plans", "tracker.tasks")}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # every import counts, at module level or inside a function; TYPE_CHECKING ones do not run
    return grimp.build_graph("tracker", cache_dir=None, exclude_type_checking_imports=True)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without recursion)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_import_graph_has_no_cycles(graph):
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    made = grimp.ImportGraph()
    for importer, imported in (("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")):
        made.add_import(importer=importer, imported=imported)
    assert cycles(made) == [["a.x", "a.y", "a.z"]]


def test_no_two_features_import_each_other(graph):
    packages = sorted(m for m in graph.find_children("tracker") if graph.find_children(m))
    imports = {
        (importer, imported)
        for importer in packages
        for imported in packages
        if importer != imported
        and graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)
    }
    mutual = {tuple(sorted(pair)) for pair in imports if pair[::-1] in imports}
    assert sorted(mutual - ONE_AGGREGATE) == []


def test_the_contracts_name_every_feature(graph):
    """A new feature package is layered and kept out of core like the others."""
    contracts = {
        c["id"]: c
        for c in tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"][
            "contracts"
        ]
    }
    features = {
        m for m in graph.find_children("tracker") if graph.find_children(m) and m != "tracker.core"
    }
    assert features - set(contracts["feature-layers"]["containers"]) == set()
    assert features - set(contracts["core-independent"]["forbidden_modules"]) == set()


def test_a_web_worker_does_not_load_what_only_exports_and_admin_pages_use():
    """Each web worker's memory counts against the floor's (make bench): packages used by one
    page or one export (or only by the API: pydantic) are imported where they are used, not by
    the application."""
    import os
    import subprocess
    import sys

    heavy = ("holidays", "icalendar", "docx", "openpyxl", "weasyprint", "pydantic")
    heavy += ("tracker.demo", "tracker.scheduler")  # the commands (tracker.core.cli.LazyCommands)
    heavy += ("magic", "filetype")  # uploads (tracker.evidence.filetypes)
    heavy += ("tracker.exports.xlsx", "tracker.exports.archive")  # the exports
    heavy += ("tracker.plans.importer",)  # plan import, and the aliases check of a saved unit
    code = (
        "import sys; from tracker import create_app; create_app(); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    env = {"TRACKER_DATABASE_URL": "sqlite://", "TRACKER_SECRET_KEY": "x" * 40}
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    ).stdout.strip()
    assert loaded == "", f"imported at start-up: {loaded}"
