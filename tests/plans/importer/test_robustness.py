"""The importer never crashes on real text: every regex group the code reads exists, and real
plan paragraphs (the corpus, the unseen batch and the seed report) mutated, spliced and truncated
are read without an internal error. An item that still fails is kept as text and flagged."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracker.plans.importer as importer_package
from tracker.plans.importer import deadlines, parse_text
from tracker.plans.importer.interpret import Interpreter
from tracker.plans.importer.preview import apply_edits, rows_from_plan, tree_from_rows
from tracker.plans.importer.units import UnitMatcher

PACKAGE = Path(importer_package.__file__).parent
HERE = Path(__file__).parent
SEED = HERE.parents[2].parent / "shared" / "seed"


# -- regex groups ---------------------------------------------------------------------------------


def _patterns() -> list[re.Pattern]:
    """Every compiled pattern the importer modules hold (module level, in lists and tuples)."""
    import importlib

    found: list[re.Pattern] = []

    def collect(value, depth=0):
        if isinstance(value, re.Pattern):
            found.append(value)
        elif isinstance(value, list | tuple) and depth < 3:
            for item in value:
                collect(item, depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for item in value.values():
                collect(item, depth + 1)

    for path in sorted(PACKAGE.glob("*.py")):
        module = importlib.import_module(f"tracker.plans.importer.{path.stem}")
        for value in vars(module).values():
            collect(value)
    return found


def _group_names_read() -> set[tuple[str, str]]:
    """(module, name) of every group read by name: m.group("x"), groups["x"], groups.get("x")."""
    names = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("group", "get", "start", "end", "span")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                receiver = ast.unparse(node.func.value)
                if node.func.attr == "get" and "groups" not in receiver:
                    continue
                names.add((path.stem, node.args[0].value))
            elif (
                isinstance(node, ast.Subscript)
                and "groups" in ast.unparse(node.value)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                names.add((path.stem, node.slice.value))
    return names


def test_every_pattern_compiles_and_every_group_read_exists():
    patterns = _patterns()
    assert len(patterns) > 30
    defined = {name for pattern in patterns for name in pattern.groupindex}
    missing = {(module, name) for module, name in _group_names_read() if name not in defined}
    assert not missing, f"groups read but defined by no pattern: {sorted(missing)}"


@pytest.mark.parametrize("kind", sorted(deadlines.REQUIRED_GROUPS))
def test_each_deadline_pattern_has_the_groups_its_kind_reads(kind):
    patterns = [p for p, k in deadlines._COMPILED if k == kind]
    assert patterns
    for pattern in patterns:
        missing = deadlines.REQUIRED_GROUPS[kind] - set(pattern.groupindex)
        # a group the kind reads with .get() may be absent; required ones may not
        dated = kind in ("day", "month", "quarter", "half")
        optional = {"year", "suffix", "part"} if dated else set()
        assert not (missing - optional), (kind, pattern.pattern, missing)


def test_a_year_with_qian_and_no_lead_word_is_a_deadline_not_a_crash():
    plan = parse_text("一、清理\n1．2025年前完成全面清理。\n2．确保2026年前建成。", year=2024)
    tasks = list(plan.all_tasks())
    assert [t.due_date.isoformat() for t in tasks] == ["2025-12-31", "2026-12-31"]
    assert not any(t.unparsed for t in tasks)


def test_an_item_that_fails_is_kept_as_text_and_flagged(monkeypatch):
    def broken(*args, **kwargs):
        raise IndexError("no such group")

    monkeypatch.setattr("tracker.plans.importer.interpret.parse_deadline", broken)
    plan = parse_text("一、任务\n1．做好工作。（牵头单位：办公室）\n2．做好另一项工作。", year=2024)
    tasks = list(plan.all_tasks())
    assert [t.title for t in tasks] == ["做好工作", "做好另一项工作"]
    assert tasks[0].text == "做好工作。（牵头单位：办公室）"
    assert all(t.unparsed for t in tasks)
    assert all(t.to_dict()["unparsed"] for t in tasks)
    assert any(w.code == "unparsed" for w in plan.warnings)
    assert plan.sections[0].title == "任务"


# -- fuzzing with real text ---------------------------------------------------------------------


def _real_paragraphs() -> list[str]:
    texts = []
    for folder in (HERE / "corpus", HERE / "unseen"):
        for path in sorted(folder.glob("*.txt")):
            data = path.read_bytes()
            try:
                texts.append(data.decode("utf-8"))
            except UnicodeDecodeError:
                texts.append(data.decode("gb18030"))
    texts.extend(p.read_text("utf-8") for p in sorted(SEED.glob("*.txt")))
    paragraphs = [line for text in texts for line in text.splitlines() if line.strip()]
    assert len(paragraphs) > 300
    return paragraphs


PARAGRAPHS = _real_paragraphs()
UNITS = [
    ("办公室", ["局办公室", "法制办公室", "法制科"]),
    ("社会救助科", ["救助科"]),
    ("市司法局", ["司法局"]),
    ("政策法规科", ["法规科"]),
]

paragraph = st.sampled_from(PARAGRAPHS)


@st.composite
def mutated(draw) -> str:
    text = draw(paragraph)
    how = draw(st.sampled_from(["keep", "truncate", "splice", "cut", "insert", "repeat"]))
    if how == "keep" or not text:
        return text
    a = draw(st.integers(0, len(text)))
    if how == "truncate":
        return text[:a]
    if how == "splice":
        other = draw(paragraph)
        return text[:a] + other[draw(st.integers(0, len(other))) :]
    if how == "cut":
        b = draw(st.integers(a, len(text)))
        return text[:a] + text[b:]
    if how == "insert":
        piece = draw(
            st.sampled_from(
                [
                    "（",
                    "）",
                    "〔",
                    "】",
                    "《",
                    "》",
                    "：",
                    "\t",
                    "2025年前",
                    "6月底前",
                    "一是",
                    "（牵头单位：",
                    "；配合单位：",
                    "\n",
                    "1．",
                    "（一）",
                    "每季度",
                    "定期",
                ]
            )  # fmt: skip
        )
        return text[:a] + piece + text[a:]
    return text[:a] * 2 + text[a:]


DOCUMENT = st.lists(mutated(), min_size=1, max_size=25).map("\n".join)
SETTINGS = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@SETTINGS
@given(DOCUMENT, st.sampled_from([None, UNITS]), st.integers(min_value=2015, max_value=2030))
def test_real_paragraphs_mutated_never_crash_nor_degrade(text, units, year):
    plan = parse_text(text, year=year, units=units, owner="忻州市民政局")
    plan.to_dict()
    # the guard keeps users safe; here any item it had to catch is a bug to fix
    assert not [t.text for t in plan.all_tasks() if t.unparsed]


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(DOCUMENT)
def test_real_paragraphs_survive_the_preview_round_trip(text):
    plan = parse_text(text, year=2021)
    rows = apply_edits(rows_from_plan(plan), 2021, UNITS)
    assert set(tree_from_rows(rows)) == {"sections", "tasks"}


def test_the_interpreter_guard_covers_every_entry_point():
    interpreter = Interpreter(2024, UnitMatcher(UNITS))
    for name in ("safe_node", "safe_table", "safe_shared_context", "unparsed"):
        assert callable(getattr(interpreter, name))


# -- the frame and the preview --------------------------------------------------------------------

PLAN = (
    "某局2020年法治建设工作要点\n一、加强领导\n"
    "1．调整领导小组。（牵头单位：办公室）\n2．开展学法活动。\n"
)


@pytest.mark.parametrize(
    "signature",
    [
        "忻州市民政局",
        "忻州市民政局\n2020年3月1日",
        "忻州市民政局　2020年3月1日",
        "忻州市民政局\n2020.3.1",
        "中共忻州市民政局党组\n忻州市民政局\n2020年3月1日",
        "忻州市民政局\n二〇二〇年三月一日\n抄送：市委办公室。\n"
        "忻州市民政局办公室　2020年3月2日印发",
    ],
)
def test_signature_blocks_after_the_last_item_are_never_task_text(signature):
    plan = parse_text(PLAN + signature, year=2020)
    last = list(plan.all_tasks())[-1]
    assert last.text == "开展学法活动。"
    assert "忻州市民政局" in " ".join(s.text for s in plan.skipped)


def test_typed_wording_is_dated_and_unchanged_wording_keeps_a_hand_set_date():
    from tracker.plans.importer.preview import reread_deadline

    plan = parse_text(PLAN, year=2020)
    first, second = rows_from_plan(plan)[1:3]
    second.deadline_text = "6月底前"
    reread_deadline(second, 2020)
    assert second.due_date == "2020-06-30" and second.deadline_parsed == "6月底前"
    second.due_date = "2020-07-15"  # set by hand afterwards
    reread_deadline(second, 2020)
    assert second.due_date == "2020-07-15"
    first.deadline_text = "长期坚持"
    reread_deadline(first, 2020)
    assert first.continuous and first.due_date == ""
