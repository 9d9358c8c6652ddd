"""Decomposing a higher-level plan (任务分解): the items that name our bureau, and our role.

The documents under decompose/ are real published plans (the source URL is on the first line of
each sidecar .json); which items concern the bureau was written by hand from the text.
"""

import json
from pathlib import Path

import pytest

from tracker.plans.importer import parse_text
from tracker.plans.importer.decompose import Bureau, guess_issuer, items_of

HERE = Path(__file__).parent / "decompose"
DOCUMENTS = sorted(p.stem for p in HERE.glob("*.txt"))


def _load(name: str):
    return (HERE / f"{name}.txt").read_text("utf-8"), json.loads(
        (HERE / f"{name}.json").read_text()
    )


def test_every_document_has_its_source_and_expectation():
    assert len(DOCUMENTS) >= 3
    for name in DOCUMENTS:
        first = (HERE / f"{name}.json").read_text().splitlines()[0]
        assert first.startswith('{"url": "http'), name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_kept_items_and_our_role_are_those_written_by_hand(name):
    text, expected = _load(name)
    parsed = parse_text(text)
    items = items_of(parsed, Bureau.of(expected["bureau"]))
    assert len(items) == expected["items"]
    kept = {item.number: item.role for item in items if item.role}
    assert kept == expected["expected"]
    assert guess_issuer(text) == expected["issuer"]
    assert parsed.document_number == expected["document_number"]


@pytest.mark.parametrize(
    ("name", "bureau", "expected"),
    [
        # the same county plan read by another body: 县司法局 is named, so it leads
        ("xiping_county_2020_rule_of_law", "西平县司法局", {"一、（一）": "lead"}),
        # a bureau the Shanghai plan never names: only the collective 市政府相关部门 concerns it
        (
            "shanghai_2016_rule_of_law_division",
            "上海市民政局",
            {"（一）1": "maybe", "（一）3": "maybe", "（一）4": "maybe", "（一）5": "maybe",
             "（一）6": "maybe", "（一）7": "maybe"},
        ),
        # the lead of the Xuancheng item is written short (市人社局): found through the alias
        ("xuancheng_city_2019_livelihood", ["宣城市人力资源和社会保障局", "市人社局"],
         {"一、1": "lead"}),
        # a body the Dongguan items do not name, and one named only in the second item
        ("dongguan_city_2021_employment", "东莞市民政局", {}),
        ("dongguan_city_2021_employment", ["东莞市残疾人联合会", "市残联"], {"（一）2": "lead"}),
    ],
)  # fmt: skip
def test_other_bureaus_find_their_own_items(name, bureau, expected):
    text, _ = _load(name)
    items = items_of(parse_text(text), Bureau.of(bureau))
    assert {item.number: item.role for item in items if item.role} == expected


def test_our_names_short_names_and_collectives():
    bureau = Bureau.of("忻州市民政局")
    for name in ("忻州市民政局", "市民政局", "民政局", "市民政部门"):
        assert bureau.is_us(name), name
    for name in ("县民政局", "市司法局", "忻州市民政局办公室", "省民政厅"):
        assert not bureau.is_us(name), name
    collectives = "市直各部门 市直各单位 市政府各部门 各有关部门 各成员单位 市直各有关单位"
    collectives += " 市政府相关部门 各级各部门 市级各部门（单位） 全市各有关部门"
    collectives += " 各市民政局 各级民政部门 各市（州）民政部门 市府直属各单位"
    for name in collectives.split():
        assert bureau.includes_us(name), name
    others = "县直各部门 各县（市、区）人民政府 各乡镇 区直有关单位 市司法局 各县民政局"
    others += " 各市司法局 全县各有关部门"
    for name in others.split():
        assert not bureau.includes_us(name), name
    assert bureau.role_in(["市司法局"], ["市民政局"]) == "assist"
    assert bureau.role_in(["市民政局", "市财政局"], []) == "lead"
    assert bureau.role_in(["市司法局"], ["市直各部门"]) == "maybe"
    assert bureau.role_in(["县民政局"], ["县直各部门"]) is None


def test_a_generic_short_name_does_not_stand_alone():
    # 忻州市人民政府办公室 → 市人民政府办公室, but 办公室 alone would be anyone's
    bureau = Bureau.of("忻州市政府办公室")
    assert bureau.is_us("市政府办公室")
    assert not bureau.is_us("办公室")
