"""Outlines that lost their line breaks (a web page flattened into one line, a PDF copy with page
numbers in the text) are split again where the next number of a sequence stands — and only there."""

from __future__ import annotations

from tracker.plans.importer.outline import OutlineState, split_glued
from tracker.plans.importer.parser import parse_text

#: the start of a real town plan published as one line (tests/plans/importer/unseen/u11…)
ONE_LINE = (
    "2023年依法治镇工作一、认真贯彻落实县依法治县2023年工作要点1、认真贯彻落实县依法治县工作。"
    "全镇各单位、各部门要认真比照相关考核指标和工作实际开展自查工作,查漏补缺。2、推动争创法治建设"
    "工作。发挥党委的领导核心作用。二、加强法治政府建设,制造良好政务环境1、健全镇行政效劳中心建设。"
    "在去年完成镇行政效劳中心建设的根底上,完善运作机制。"
)


def test_a_flattened_outline_is_split_at_each_next_number():
    pieces = split_glued(ONE_LINE, OutlineState())
    assert [piece[:6] for piece in pieces] == [
        "2023年依",
        "一、认真贯彻",
        "1、认真贯彻",
        "2、推动争创",
        "二、加强法治",
        "1、健全镇行",
    ]
    plan = parse_text(ONE_LINE)
    assert [s.title for s in plan.sections] == [
        "认真贯彻落实县依法治县2023年工作要点",
        "加强法治政府建设,制造良好政务环境",
    ]
    assert [t.title for t in plan.sections[0].tasks] == [
        "认真贯彻落实县依法治县工作",
        "推动争创法治建设工作",
    ]


def test_numbers_that_are_part_of_the_text_stay():
    state = OutlineState()
    text = (
        "全年完成1、2季度的自查任务，对照第3、4项指标逐项整改，"
        "共发现问题12个，整改率达到95.5%，二、三季度持续跟踪。"
    )
    assert split_glued(text, state) == [text]
    # a sequence that does not continue the outline is text too
    state = OutlineState()
    split_glued("一、加强组织领导", state)
    split_glued("（一）健全工作机制", state)
    sentence = (
        "按照文件要求，落实（三）项所列事项，确保各项工作按期完成，"
        "并于年底前报送完成情况和有关材料。"
    )
    assert split_glued(sentence, state) == [sentence]


def test_a_page_number_before_the_text_of_a_page_continues_the_sentence():
    text = (
        "一、压实法治政府建设第一责任人职责\n"
        "1.县政府常务会议定期研究法治工作或听取法治政府建设\n"
        "- 2 - 工作汇报,及时研究解决有关重大问题。\n"
    )
    (task,) = parse_text(text).sections[0].tasks
    assert (
        task.title
        == "县政府常务会议定期研究法治工作或听取法治政府建设工作汇报,及时研究解决有关重大问题"
    )


def test_a_quote_closed_by_the_double_prime_ends_before_the_full_stop():
    plan = parse_text("一、深化普法\n1、深化开展“法律进乡村〞活动。健全法律服务志愿者队伍。\n")
    assert plan.sections[0].tasks[0].title == "深化开展“法律进乡村〞活动"


def test_continuing_words_mark_a_continuous_task_only_where_a_plan_states_timing():
    from tracker.plans.importer.deadlines import parse_deadline

    described = (
        "继续优化政府组织结构，进一步理顺政府各部门职责关系。持续推进政府职能转变，完善经济调节、"
        "市场监管职能。健全部门、区域协调配合机制。"
    )
    assert parse_deadline(described, 2022).continuous is False
    stated = (
        "坚持和发展新时代“枫桥经验”，完善调解联动体系，持续推进矛盾纠纷多元化解。"
        "（责任单位：县司法局）"
    )
    assert parse_deadline(stated, 2022).continuous is True
    assert parse_deadline("局长办公会会前学法常态化。", 2022).continuous is True
