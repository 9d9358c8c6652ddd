"""No input makes the importer crash: arbitrary text, outline-like fragments, arbitrary bytes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.plans.importer import UnreadableDocument, parse_bytes, parse_text
from tracker.plans.importer.preview import apply_edits, rows_from_plan, tree_from_rows

FRAGMENTS = st.sampled_from(
    [
        "一、", "（一）", "(二)", "1.", "2．", "（1）", "①", "一是", "二是", "第一，", "第二，",
        "牵头单位：", "配合单位：", "责任单位：", "完成时限：", "（", "）", "〔", "〕", "【", "】",
        "《", "》", "。", "；", "，", "、", "：", "\n", "\n\n", "\t", "|", "- 2 -", "2021年",
        "6月底前", "上半年", "第三季度", "年底前", "长期坚持", "每季度", "各县（市、区）人民政府",
        "市司法局", "牵头", "配合", "关于印发《计划》的通知", "2021年3月1日", "附件", "序号",
        "工作任务", "完成时限", "12", "3", " ", "\u3000", "x", "总体要求",
    ]
)  # fmt: skip
DOCUMENTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=6)), max_size=60).map("".join)
UNITS = [("市司法局", ["司法局"]), ("办公室", "法制科"), ("社会救助科", ["救助科"])]
SETTINGS = settings(
    max_examples=250, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


def _written_in(name: str, text: str) -> bool:
    position = 0
    for char in "".join(name.split()):
        position = text.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


@SETTINGS
@given(DOCUMENTS, st.sampled_from([None, UNITS]), st.integers(min_value=2000, max_value=2100))
def test_no_text_crashes_the_parser(text, units, year):
    plan = parse_text(text, year=year, units=units)
    data = plan.to_dict()
    assert data["year"] == year
    for task in plan.all_tasks():
        assert task.title is not None
        if task.due_date is not None:
            assert task.due_date.year >= 1990
        # never a unit that is not written in the text: its characters come from it in order
        # (white space, invisible characters and cell separators may have been dropped)
        for name in task.lead_units + task.co_units:
            assert _written_in(name, text) or name in dict(UNITS)


@SETTINGS
@given(DOCUMENTS)
def test_the_preview_round_trip_never_crashes(text):
    plan = parse_text(text, year=2021)
    rows = apply_edits(rows_from_plan(plan), 2021, UNITS)
    tree = tree_from_rows(rows)
    assert set(tree) == {"sections", "tasks"}


@settings(max_examples=150, deadline=None, database=None)
@given(st.binary(max_size=400), st.sampled_from(["plan.txt", "plan.docx", "plan", "plan.html"]))
def test_no_bytes_crash_the_reader(data, filename):
    try:
        parse_bytes(data, filename, year=2021).to_dict()
    except UnreadableDocument:
        pass
