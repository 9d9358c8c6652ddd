"""The importer piece by piece: the seed's outline, outline levels, inline enumerations, frames
(notices, page markers, web chrome, signatures), units and their matching, deadlines, readers."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tracker.plans.importer import (
    UnitMatcher,
    UnreadableDocument,
    decode_text,
    extract_annotation,
    parse_bytes,
    parse_deadline,
    parse_text,
    read_blocks,
    split_units,
)

CORPUS = Path(__file__).parent / "corpus"
SEED = (CORPUS / "10_xinzhou_civil_affairs_2020_seed.txt").read_text("utf-8")


def tasks_of(plan):
    return list(plan.all_tasks())


# -- the seed ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return parse_text(SEED, year=2021)


def test_seed_part_four_yields_four_tasks(seed):
    part = seed.sections[3]
    assert part.number == "四" and part.title == "2021年推进法治政府建设的主要安排"
    assert part.sections == []
    assert [(t.number, t.title) for t in part.tasks] == [
        ("（一）", "加强规范性文件的制定"),
        ("（二）", "强化法治建设业务人员培训"),
        ("（三）", "落实重大决策社会稳定风险评估机制"),
        ("（四）", "做好行政执法责任制相关工作"),
    ]
    assert part.tasks[0].text.startswith("加强规范性文件的制定。完善民政政策法规体系")


def test_seed_part_one_yields_six_sections_with_every_item_a_task(seed):
    part = seed.sections[0]
    assert part.number == "一" and part.tasks == []
    assert [s.title for s in part.sections] == [
        "加强组织领导,推进法治建设",
        "健全体制机制,依法履行职能",
        "立足民政职能,开展法治宣传",
        "结合民政实际,加强基层民主自治",
        "结合民政职能,推进扫黑除恶专项斗争",
        "强化社会治理,促进和谐稳定",
    ]
    numbers = [[t.number for t in s.tasks] for s in part.sections]
    assert numbers == [
        ["一是", "二是", "三是"],
        ["一是", "二是", "三是"],
        ["一是", "二是", "三是"],
        ["一是", "二是", "三是", "四是"],
        ["一是", "二是", "三是", "四是"],
        ["一是", "二是", "三是", "四是", "五是"],
    ]
    second = part.sections[1].tasks[2]
    assert second.title == "持续提升依法行政能力"
    assert second.text.endswith("目前,我局行政执法人员领证人数为5人。")


def test_seed_frame_and_the_other_parts(seed):
    assert seed.title is None and seed.document_number is None and seed.year == 2021
    weaknesses, duties = seed.sections[1], seed.sections[2]
    # 一是…二是… inside one paragraph: sibling tasks; the lead-in is not a task
    assert [t.number for t in weaknesses.tasks] == ["一是", "二是"]
    assert (
        weaknesses.tasks[1].title == "目前我局专业法律工作人员偏少,自身法律专家队伍建设需进一步加强"
    )
    assert len(duties.tasks) == 1 and duties.tasks[0].title.startswith("出台《党政主要负责人")
    texts = " ".join(t.text for t in tasks_of(seed))
    # the introduction, the signature and the web chrome are kept out of the tasks
    assert "现将我局2020年度" not in texts and "忻州市民政局\n" not in texts
    assert "扫一扫" not in texts and "2021年1月15日" not in texts
    assert {s.reason for s in seed.skipped} >= {"intro", "signature"}
    # never a unit or a date the text does not give
    assert all(not t.lead_units and not t.co_units for t in tasks_of(seed))
    dated = {t.title[:10]: t.due_date for t in tasks_of(seed) if t.due_date}
    assert dated == {
        "围绕公共服务,专项社": date(2021, 12, 31),
        "出台《党政主要负责人": date(2021, 12, 31),
    }


def test_seed_in_gb18030_reads_the_same(seed):
    again = parse_bytes(SEED.encode("gb18030"), "seed.txt", year=2021)
    assert again.to_dict() == seed.to_dict()


# -- outline -------------------------------------------------------------------------------------


def test_all_five_levels_and_ascii_or_full_width_punctuation():
    text = (
        "一、第一部分\n(一)第一节\n1.第一条\n（1）第一款。\n①第一项。\n②第二项。\n"
        "（2）第二款。\n2．第二条。\n（二）第二节。\n二、第二部分\n1、单独条目。"
    )
    plan = parse_text(text, year=2024)
    first = plan.sections[0]
    assert first.number == "一" and first.sections[0].number == "（一）"
    clause = first.sections[0].sections[0]
    assert clause.number == "1." and clause.title == "第一条"
    task = clause.tasks[0]
    assert task.number == "（1）" and [c.number for c in task.children] == ["①", "②"]
    assert clause.tasks[1].number == "（2）"
    assert [t.title for t in first.sections[0].tasks] == ["第二条"]
    assert [t.title for t in first.tasks] == ["第二节"]
    assert plan.sections[1].tasks[0].number == "1."


def test_missing_levels_and_continuous_numbering():
    plan = parse_text(
        "一、加强领导\n1．任务一。\n2．任务二。\n二、依法决策\n3．任务三。", year=2024
    )
    assert [[t.number for t in s.tasks] for s in plan.sections] == [["1.", "2."], ["3."]]


def test_heading_and_body_on_one_line():
    plan = parse_text(
        "一、组织保障\n（一）加强组织领导。各单位要高度重视。一是成立领导小组；二是明确责任分工。\n"
        "（二）强化督查。定期开展督查检查。",
        year=2024,
    )
    section = plan.sections[0]
    assert section.sections[0].title == "加强组织领导"
    assert [t.title for t in section.sections[0].tasks] == ["成立领导小组", "明确责任分工"]
    assert section.tasks[0].title == "强化督查"
    assert section.tasks[0].text == "强化督查。定期开展督查检查。"


def test_di_yi_enumerations_but_not_di_yi_ze_ren_ren():
    plan = parse_text(
        "一、重点工作\n（一）抓学习。第一，组织专题学习；第二，开展培训。\n"
        "（二）压实第一责任人职责，第一季度前完成述法。",
        year=2024,
    )
    section = plan.sections[0]
    assert [t.number for t in section.sections[0].tasks] == ["第一", "第二"]
    task = section.tasks[0]
    assert task.title == "压实第一责任人职责，第一季度前完成述法"
    assert task.due_date == date(2024, 3, 31)


def test_preamble_sections_are_left_out_with_a_warning():
    plan = parse_text(
        "一、总体要求\n（一）指导思想。以习近平法治思想为指导。\n（二）工作目标。到2025年基本建成。\n"
        "二、主要任务\n（一）完善制度。年底前出台。\n三、保障措施\n（一）加强领导。",
        year=2024,
    )
    assert [s.title for s in plan.sections] == ["主要任务", "保障措施"]
    assert any("总体要求" in str(w) for w in plan.warnings)
    assert any(s.reason == "preamble" for s in plan.skipped)


def test_units_stated_once_for_a_group_apply_to_each_item():
    plan = parse_text(
        "一、学法\n（一）健全制度。第一，每季度学法一次；第二，开展考试。（责任科室：人事科、法规科）",
        year=2024,
    )
    tasks = plan.sections[0].sections[0].tasks
    assert [t.lead_units for t in tasks] == [["人事科", "法规科"]] * 2
    assert tasks[0].recurrence == "quarterly"


# -- frame ---------------------------------------------------------------------------------------


def test_notice_wrapper_title_number_and_signatures():
    text = (CORPUS / "01_jinzhong_city_2021_notice.txt").read_text("utf-8")
    plan = parse_text(text, year=2021)
    assert plan.title == "晋中市2021年法治政府建设工作要点"
    assert plan.document_number == "市政办发〔2021〕18号"
    reasons = {s.reason for s in plan.skipped}
    assert {"notice", "intro", "imprint"} <= reasons
    texts = " ".join(t.text for t in tasks_of(plan))
    assert "现印发给你们" not in texts and "抄送" not in texts


def test_a_sentence_broken_by_a_page_marker_is_joined():
    plan = parse_text(
        "一、任务\n1．开展规范性文件清理工作，\n\n- 2 -\n\n清理结果向社会公布。\n"
        "2．下一项。\n— 3 —\n",
        year=2021,
    )
    first = plan.sections[0].tasks[0]
    assert first.text == "开展规范性文件清理工作，清理结果向社会公布。"
    assert len(plan.sections[0].tasks) == 2
    assert "3" not in plan.sections[0].tasks[1].text


def test_web_chrome_is_dropped_and_metadata_read():
    text = (CORPUS / "02_yicheng_county_2022_web.txt").read_text("utf-8")
    plan = parse_text(text, year=2022)
    assert plan.title == "翼城县2022年法治政府建设工作要点"
    assert plan.document_number == "翼政办发〔2022〕21号"
    texts = " ".join(t.text for t in tasks_of(plan))
    for chrome in ("首页", "打印本页", "扫一扫", "ICP", "上一篇"):
        assert chrome not in texts


def test_hard_wrapped_pdf_text_is_rejoined():
    text = (CORPUS / "06_ordos_city_2024_pdf_wrapped.txt").read_text("utf-8")
    plan = parse_text(text, year=2024)
    task = plan.sections[1].tasks[0]
    assert "2025年底前实现重点事项全覆盖。" in task.text
    assert (
        plan.sections[2]
        .tasks[0]
        .text.startswith(
            "开展行政执法质量提升行动。组织开展行政执法案卷评查，对评查发现的问题限期整改，9月底前完成年度案卷集中评查，"
        )
    )


# -- units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        (
            "做好工作。（牵头单位：市司法局；配合单位：市委组织部、市委党校）",
            ["市司法局"],
            ["市委组织部", "市委党校"],
        ),
        (
            "做好工作。牵头单位：市司法局；责任单位：各县（市、区）人民政府",
            ["市司法局"],
            ["各县（市、区）人民政府"],
        ),
        ("做好工作。（责任单位：县司法局，县直各部门）", ["县司法局", "县直各部门"], []),
        ("做好工作〔市司法局、市发展改革委〕。", ["市司法局", "市发展改革委"], []),
        ("做好工作（市司法局牵头，市直有关部门按职责分工负责）。", ["市司法局"], ["市直有关部门"]),
        ("做好工作（省司法厅牵头，省有关部门配合）", ["省司法厅"], ["省有关部门"]),
        ("做好工作。（协办单位：区法院）（牵头单位：区司法局）", ["区司法局"], ["区法院"]),
        (
            "做好工作。（责任单位：市委宣传部（牵头）、市司法局、市教育局）",
            ["市委宣传部"],
            ["市司法局", "市教育局"],
        ),
        (
            "做好工作。（责任单位：各区、县级市政府，市直各单位）",
            ["各区、县级市政府", "市直各单位"],
            [],
        ),
        ("做好工作。（责任单位：各市、县（市、区）人民政府）", ["各市、县（市、区）人民政府"], []),
        ("做好工作。（责任单位：市市场监管局等有关部门）", ["市市场监管局"], []),
        ("纳入党委（党组）理论学习中心组学习内容。", [], []),
        ("推进乡镇（街道）综合执法（含乡镇）。", [], []),
    ],
)
def test_units_of_an_item(text, lead, co):
    assert extract_annotation(text).resolve() == (lead, co)


def test_unit_lists_keep_collective_names_whole():
    assert split_units("各县（市、区）人民政府、市直各部门") == [
        "各县（市、区）人民政府",
        "市直各部门",
    ]
    assert split_units("各区、县级市政府") == ["各区、县级市政府"]
    assert split_units("各市、县、区政府，省直各部门") == ["各市、县、区政府", "省直各部门"]
    assert split_units("各县区、市直各部门") == ["各县区", "市直各部门"]
    assert split_units("市司法局\n市公安局") == ["市司法局", "市公安局"]


def test_a_line_break_or_space_beside_a_written_separator_adds_none():
    """A list broken after its 、 (or a space beside one) is one separator, not two, and a break
    inside brackets joins a wrapped name: a 、 the text does not have never enters a name (found
    by the property test: "（一）牵头单位：（一、\r0" gave the unit "（一、、0")."""
    assert split_units("市司法局、\n市公安局") == ["市司法局", "市公安局"]
    assert split_units("市司法局\n、市公安局") == ["市司法局", "市公安局"]
    assert split_units("（一、\n0") == ["（一、0"]
    assert split_units("市司法局、 市公安局 市民政局") == ["市司法局", "市公安局", "市民政局"]
    # inside brackets a break is a wrapped line of one name, closed or not
    assert split_units("各县（市、\n区）人民政府、市直各部门") == [
        "各县（市、区）人民政府",
        "市直各部门",
    ]
    assert split_units("各县（市\n区）人民政府") == ["各县（市区）人民政府"]
    assert split_units("（一、000\n一、") == ["（一、000一"]
    (task,) = parse_text("（一）牵头单位：（一、\r0", year=2021).all_tasks()
    assert task.lead_units == ["（一、0"]


def test_first_listed_unit_leads_when_the_plan_says_so():
    text = "排在第一位的为牵头单位。\n一、任务\n1．做好工作。（责任单位：市司法局、市公安局）"
    task = parse_text(text, year=2024).sections[0].tasks[0]
    assert (task.lead_units, task.co_units) == (["市司法局"], ["市公安局"])


def test_the_rule_written_beside_the_first_unit_list_applies_and_is_no_part_of_a_name():
    # a county's division (u17): the rule in brackets after the first unit, 下同 for the rest
    text = (
        "一、经济指标\n1.全县生产总值增长7.5%左右。责任单位：县发改局（首位单位为牵头单位，下同）、"
        "县财政局、县税务局\n2.城镇居民人均可支配收入增长7%。责任单位：县人力社保局、县统计局"
    )
    first, second = parse_text(text, year=2022).sections[0].tasks
    assert (first.lead_units, first.co_units) == (["县发改局"], ["县财政局", "县税务局"])
    assert (second.lead_units, second.co_units) == (["县人力社保局"], ["县统计局"])


def test_small_form_numbers_and_ratio_colons_read_as_full_width_marks():
    # a province's plan (u20) numbered its items 1﹒ 2﹒ (U+FE52); some write 牵头单位∶ (U+2236)
    text = (
        "一、确保完成全年主要预期目标\n1﹒全省生产总值增长7%以上。\n牵头责任单位∶省发展改革委。\n"
        "2﹒社会消费品零售总额增长9%左右。\n牵头责任单位﹕省商务厅。"
    )
    first, second = parse_text(text, year=2022).sections[0].tasks
    assert (first.title, first.lead_units) == ("全省生产总值增长7%以上", ["省发展改革委"])
    assert (second.title, second.lead_units) == ("社会消费品零售总额增长9%左右", ["省商务厅"])


def test_matching_exact_alias_abbreviation_and_unmatched():
    matcher = UnitMatcher(
        [
            ("办公室", []),
            ("社会救助科", ["救助科"]),
            ("忻州市发展和改革委员会", []),
            ("市场监督管理局", "市场局,监管局"),
        ]
    )
    assert matcher.match("办公室") == "办公室"
    assert matcher.match("局办公室") == "办公室"
    assert matcher.match("救助科") == "社会救助科"
    assert matcher.match("市发展改革委") == "忻州市发展和改革委员会"
    assert matcher.match("发改委") == "忻州市发展和改革委员会"
    assert matcher.match("市场监管局") == "市场监督管理局"
    assert matcher.match("儿童福利科") is None
    assert matcher.match("各科室") is None


def test_unmatched_units_are_kept_and_flagged():
    plan = parse_text(
        "一、任务\n1．开展检查。（牵头单位：救助科；配合单位：儿童福利科）",
        year=2024,
        units=[("社会救助科", ["救助科"]), ("办公室", [])],
    )
    task = plan.sections[0].tasks[0]
    assert task.lead_units == ["社会救助科"]
    assert task.co_units == ["儿童福利科"] and task.unmatched_units == ["儿童福利科"]
    assert any("儿童福利科" in str(w) for w in plan.warnings)


# -- deadlines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "due", "phrase"),
    [
        ("2021年6月底前完成", date(2021, 6, 30), "2021年6月底前"),
        ("6月底前完成", date(2024, 6, 30), "6月底前"),
        ("2021年6月30日前", date(2021, 6, 30), "2021年6月30日前"),
        ("上半年完成", date(2024, 6, 30), "上半年"),
        ("第三季度完成", date(2024, 9, 30), "第三季度"),
        ("年底前完成", date(2024, 12, 31), "年底前"),
        ("年内完成", date(2024, 12, 31), "年内"),
        ("到2025年基本建成", date(2025, 12, 31), "到2025年"),
        ("2022年3月前完成", date(2022, 3, 31), "2022年3月前"),
        ("2012~2015年完成", date(2015, 12, 31), "2012~2015年"),
        ("2012－2015年完成", date(2015, 12, 31), "2012－2015年"),
        ("6月底前完成初稿，12月底前正式出台", date(2024, 12, 31), "12月底前"),
        ("下半年", date(2024, 12, 31), "下半年"),
        ("次年3月底前报送", date(2025, 3, 31), "次年3月底前"),
    ],
)
def test_deadline_phrases(text, due, phrase):
    deadline = parse_deadline(text, 2024)
    assert (deadline.due_date, deadline.text) == (due, phrase)
    assert not deadline.continuous


@pytest.mark.parametrize(
    "text",
    [
        "从2015年的2286元提高到2020年的4778元",
        "自2021年1月1日起施行",
        "审查意见在5个工作日内出具",
        "落实《法治政府建设实施纲要（2021—2025年）》",
        "三年内完成",
        "2020年以来的规范性文件",
    ],
)
def test_dates_that_are_not_deadlines(text):
    assert parse_deadline(text, 2024).due_date is None


@pytest.mark.parametrize(
    ("text", "continuous", "recurrence"),
    [
        ("长期坚持", True, None),
        ("持续推进矛盾纠纷多元化解", True, None),
        ("常态化开展应急演练", True, None),
        ("每月通报一次", False, "monthly"),
        ("每季度开展一次评查", False, "quarterly"),
        ("每半年报告一次", False, "half-yearly"),
        ("每年向社会公开", False, "yearly"),
        ("定期开展督查", False, None),  # 定期 names no period: a note, not a schedule
        ("定期报告制度", False, None),
        ("每季度定期通报", False, "quarterly"),
        ("常态化开展演练，上半年完成修订", False, None),
    ],
)
def test_continuous_and_recurring(text, continuous, recurrence):
    deadline = parse_deadline(text, 2024)
    assert deadline.continuous is continuous
    assert deadline.recurrence == recurrence


def test_a_labelled_deadline_wins_over_dates_in_the_text():
    deadline = parse_deadline(
        "上半年公布目录。（完成时限：2021年6月30日前）", 2021, labelled="2021年6月30日前"
    )
    assert deadline.due_date == date(2021, 6, 30) and deadline.text == "2021年6月30日前"
    assert parse_deadline("x", 2023, labelled="11月份").due_date == date(2023, 11, 30)
    assert parse_deadline("x", 2023, labelled="长期").continuous
    assert parse_deadline("x", 2022, labelled="2022年全年").due_date == date(2022, 12, 31)
    assert parse_deadline("x", 2022, labelled="2022年春节前").due_date is None


# -- readers -------------------------------------------------------------------------------------


def test_text_encodings():
    assert decode_text("牵头单位".encode()) == "牵头单位"
    assert decode_text("牵头单位".encode("gb18030")) == "牵头单位"
    assert decode_text("\ufeff牵头单位".encode()) == "牵头单位"
    assert decode_text("牵头单位".encode("utf-16")) == "牵头单位"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "plan.txt"),
        (b"%PDF-1.4", "plan.pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "plan.doc"),
        (b"PK\x03\x04garbage", "plan.docx"),
        (b"\x00\x01\x02\x00" * 50, "plan.txt"),
    ],
)
def test_unreadable_input(data, name):
    with pytest.raises(UnreadableDocument):
        read_blocks(data, name)


def _numbered_docx() -> bytes:
    """A .docx whose 一、 and （一） are Word's automatic numbering, not text."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.append(
        parse_xml(
            f'<w:abstractNum {ns} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(parse_xml(f'<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text, level):
        paragraph = document.add_paragraph(text)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(
            parse_xml(f'<w:numPr {ns}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    document.add_paragraph("某局2024年法治建设工作要点")
    numbered("加强组织领导", 0)
    numbered("健全领导小组。年底前完成。（责任科室：办公室）", 1)
    numbered("落实第一责任人职责。（责任科室：办公室）", 1)
    numbered("推进依法行政", 0)
    numbered("严格合法性审查。（责任科室：法规科，长期坚持）", 1)
    table = document.add_table(rows=2, cols=3)
    for c, value in enumerate(["序号", "工作任务", "责任科室"]):
        table.cell(0, c).text = value
    for c, value in enumerate(["1", "开展执法案卷评查。", "法规科"]):
        table.cell(1, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_automatic_numbering_and_tables_in_document_order():
    data = _numbered_docx()
    blocks = read_blocks(data, "plan.docx")
    assert blocks[1:4] == [
        "一、加强组织领导",
        "（一）健全领导小组。年底前完成。（责任科室：办公室）",
        "（二）落实第一责任人职责。（责任科室：办公室）",
    ]
    assert blocks[4] == "二、推进依法行政"
    plan = parse_bytes(data, "plan.docx", year=2024)
    assert plan.title == "某局2024年法治建设工作要点"
    first, second = plan.sections
    assert [t.number for t in first.tasks] == ["（一）", "（二）"]
    assert first.tasks[0].due_date == date(2024, 12, 31)
    assert second.tasks[0].continuous
    # the table after （一） belongs to the section: its row is a task there
    assert [t.title for t in second.tasks] == ["严格合法性审查", "开展执法案卷评查"]
    assert second.tasks[1].lead_units == ["法规科"]


def test_the_result_is_exactly_the_contract():
    data = parse_text(
        "一、任务\n1．做好工作。（牵头单位：办公室；完成时限：6月底前）", year=2024
    ).to_dict()
    assert data == {
        "title": None,
        "year": 2024,
        "document_number": None,
        "sections": [
            {
                "number": "一",
                "title": "任务",
                "sections": [],
                "tasks": [
                    {
                        "number": "1.",
                        "title": "做好工作",
                        "text": "做好工作。（牵头单位：办公室；完成时限：6月底前）",
                        "lead_units": ["办公室"],
                        "co_units": [],
                        "unmatched_units": [],
                        "external_units": [],
                        "due_date": "2024-06-30",
                        "deadline_text": "6月底前",
                        "continuous": False,
                        "recurrence": None,
                        "children": [],
                        "unparsed": False,
                    }
                ],
            }
        ],
        "tasks": [],
        "warnings": [],
    }


def test_wechat_article_chrome_and_related_links_are_dropped():
    text = (CORPUS / "16_wechat_bureau_2022_fullwidth.txt").read_text("utf-8")
    plan = parse_text(text, year=2022)
    last = plan.sections[-1].tasks[-1]
    assert last.text.endswith("（牵头：办公室）")
    assert not any(
        "关注" in s.text or "原创" in s.text for s in plan.skipped if s.reason == "intro"
    )


def test_a_title_on_two_lines_and_an_annexed_table_naming_a_heading():
    plan = parse_text(
        "某市2021年法治政府建设\n工作要点\n一、加强组织领导\n（一）坚持党的领导\n"
        "坚持党的领导，年底前召开专题会议。（责任单位：市委依法治市办）\n"
        "健全推进机制。（责任单位：市司法局；完成时限：6月底前）\n"
        "（二）压实责任\n落实第一责任人职责。\n附表：重点任务分工表\n"
        "序号\t工作任务\t牵头单位\t完成时限\n1\t压实责任\t市委依法治市办\t年底前\n",
        year=2021,
    )
    assert plan.title == "某市2021年法治政府建设工作要点"
    section = plan.sections[0]
    # unnumbered paragraphs that each name their units are tasks of their own
    assert [t.lead_units for t in section.sections[0].tasks] == [["市委依法治市办"], ["市司法局"]]
    duty = section.tasks[0]
    assert duty.title == "压实责任" and duty.lead_units == ["市委依法治市办"]
    assert duty.due_date == date(2021, 12, 31)
    assert not any(s.title == "重点任务分工表" for s in plan.sections)


def test_another_bodys_office_is_not_the_bureaus_own():
    matcher = UnitMatcher([("办公室", []), ("法规科", [])], owner="忻州市民政局")
    assert matcher.match("忻州市民政局办公室") == "办公室"
    assert matcher.match("市民政局办公室") == "办公室"
    assert matcher.match("市政府办公室") is None
    assert matcher.match("市司法局办公室") is None


XINZHOU = [
    ("办公室", ["局办公室", "法制办公室", "法制科"]),
    ("社会救助科", ["救助科"]),
    ("区划地名科", ["区划科"]),
    ("社会组织管理科", ["社管科", "社会组织管理局"]),
]


@pytest.mark.parametrize(
    ("written", "internal", "external"),
    [
        ("市法制办", None, True),  # the city's legal-affairs office, not our 法制办公室
        ("市政府法制办", None, True),
        ("县政府办公室", None, True),
        ("省司法厅", None, True),
        ("各县（市、区）", None, True),
        ("市直各部门", None, True),
        ("市场监管局", None, True),
        ("法制办", "办公室", False),  # no other level named: our own abbreviation
        ("局办公室", "办公室", False),
        ("忻州市民政局办公室", "办公室", False),
        ("市民政局办公室", "办公室", False),
        ("区划科", "区划地名科", False),  # 区划 is a word, not 区 + body
        ("社管局", "社会组织管理科", False),
        ("市民政局", None, False),  # the bureau itself: neither a unit nor outside
    ],
)
def test_names_of_another_level_are_external_never_an_internal_unit(written, internal, external):
    matcher = UnitMatcher(XINZHOU, "忻州市民政局")
    assert matcher.match(written) == internal
    assert matcher.is_external(written) is external


def test_external_units_are_kept_as_written_and_listed():
    plan = parse_text(
        "一、任务\n1．清理规范性文件。（市法制办牵头，局办公室、县政府办公室配合）",
        year=2024,
        units=XINZHOU,
        owner="忻州市民政局",
    )
    task = plan.sections[0].tasks[0]
    assert task.lead_units == ["市法制办"]
    assert task.co_units == ["办公室", "县政府办公室"]
    assert task.external_units == ["市法制办", "县政府办公室"]
    assert task.to_dict()["external_units"] == ["市法制办", "县政府办公室"]


def test_role_words_after_a_unit_list_are_dropped():
    plan = parse_text(
        "一、任务\n1．做好工作。\n责任单位：县司法局、各有关部门，乡镇人民政府按职责分工分别负责。",
        year=2020,
    )
    assert plan.sections[0].tasks[0].lead_units == ["县司法局", "各有关部门", "乡镇人民政府"]
