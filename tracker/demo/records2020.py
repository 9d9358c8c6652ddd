"""The 2020 ledger as the seed report states it. Data in Chinese, as the bureau keeps it."""

from datetime import date

#: Five documents drafted on behalf of the city committee and government, all published online.
DOCUMENT_REVIEWS = [
    ("关于推进养老服务发展的实施意见", date(2020, 3, 16), date(2020, 4, 2)),
    ("关于支持社区居家养老服务发展的意见", date(2020, 5, 11), date(2020, 5, 27)),
    (
        "忻州市住宅小区配置养老服务用房和设施建设、移交管理的意见",
        date(2020, 6, 22),
        date(2020, 7, 10),
    ),
    ("关于加快推进全市殡葬综合改革促进殡葬事业发展的意见", date(2020, 8, 17), date(2020, 9, 3)),
    ("关于进一步加强困难群众基本生活保障工作的实施意见", date(2020, 10, 12), date(2020, 10, 28)),
]

#: Five enforcement officers holding certificates (holder, number, field, issued).
CERTIFICATIONS = [
    ("王晓燕", "14090020001", "民政综合执法", date(2018, 6, 20)),
    ("刘红梅", "14090020002", "社会救助", date(2018, 6, 20)),
    ("孙明", "14090020003", "殡葬管理", date(2019, 7, 5)),
    ("郑斌", "14090020004", "社会组织管理", date(2020, 8, 28)),
    ("杨帆", "14090020005", "社会救助", date(2020, 8, 28)),
]

ADVISOR = ("山西晋北律师事务所", "赵律师", date(2020, 1, 1), date(2020, 12, 31), 60000)
#: (date, matter, category, advice)
CONSULTATIONS = [
    (
        date(2020, 3, 9),
        "养老服务发展实施意见起草中的法律问题",
        "document_drafting",
        "建议明确运营补贴的适用条件和退出机制。",
    ),
    (
        date(2020, 4, 21),
        "一起低保待遇行政复议案件的答复",
        "reconsideration",
        "建议补充入户调查记录，按期提交答复书。",
    ),
    (
        date(2020, 6, 15),
        "社会组织登记撤销的程序合法性",
        "major_decision",
        "应履行告知和听证程序后再作决定。",
    ),
    (date(2020, 9, 8), "养老机构运营委托协议审查", "contract", "建议增加服务质量考核和违约条款。"),
    (
        date(2020, 11, 17),
        "群众信访反映殡葬收费问题的处理",
        "petition",
        "依照收费目录逐项核实后书面答复。",
    ),
    (
        date(2020, 12, 10),
        "一起婚姻登记行政诉讼案件应诉",
        "litigation",
        "建议依法出庭应诉并准备登记档案。",
    ),
]

#: Joint spot checks of social organisations (target, done, problems, rectified).
INSPECTIONS = [
    ("忻州市养老服务业协会", date(2020, 6, 18), 2, date(2020, 7, 20)),
    ("忻州市慈善总会", date(2020, 7, 9), 0, None),
    ("忻州市社会工作协会", date(2020, 9, 24), 1, date(2020, 10, 23)),
    ("忻州市殡葬协会", date(2020, 10, 29), 3, date(2020, 12, 1)),
]

DECISION = (
    "关于推进养老服务发展的实施意见（重大行政决策）",
    date(2020, 4, 15),
    {
        "public_participation": (date(2020, 3, 2), "网上公开征求意见15日，收到意见23条。"),
        "expert_review": (date(2020, 3, 18), "组织养老、财政、规划领域专家论证。"),
        "risk_assessment": (date(2020, 3, 25), "开展社会稳定风险评估，风险等级为低。"),
        "legality_review": (date(2020, 4, 2), "经局办公室合法性审查，合法。"),
        "collective_discussion": (date(2020, 4, 15), "经局党组会议集体讨论通过。"),
    },
)

#: (task title prefix, session kind, count, topic)
STUDY_SESSIONS = {
    "主持党组中心组学习会": (
        "center_group",
        "党组中心组学习：习近平新时代中国特色社会主义思想和法律法规",
    ),
    "召开党组（扩大）会": ("party_group_meeting", "党组（扩大）会议：传达学习重要讲话和部署"),
    "参加机关集体学习": ("collective_study", "机关集体学习"),
    "组织交流研讨": ("seminar", "交流研讨：依法行政与民政工作"),
    "开展主题党日和警示教育": ("theme_day", "主题党日和警示教育"),
}

#: (task number in section 六, name, measure, value, baseline value, baseline year): every figure
#: the seed's part （六） cites, so each number of the report is backed by a ledger entry.
METRICS = {
    "一是": [
        ("最低生活保障标准", "元", 4778, 2286, 2015),
        ("特殊困难群众保障水平在低保标准基础上提高比例", "%", 6, None, None),
        ("保障特殊困难人群", "人", 153654, None, None),
        ("农村低保保障人数", "人", 185990, None, None),
        ("特殊困难人群占农村低保比例", "%", 82.61, None, None),
        ("建档立卡贫困人口纳入农村低保", "人", 113433, None, None),
        ("建档立卡贫困人口纳入特困供养", "人", 14856, None, None),
        ("兜底保障人口占建档立卡人口总规模比例", "%", 27.73, None, None),
    ],
    "二是": [
        ("纳入保障的孤儿", "人", 525, None, None),
        ("纳入保障的事实无人抚养儿童", "人", 614, None, None),
        ("社会散居孤儿每人每月基本生活费", "元", 1000, None, None),
        ("集中供养孤儿每人每月基本生活费", "元", 1500, None, None),
        ("特困供养人员", "人", 23517, None, None),
        ("有集中供养意愿并实现集中供养的特困人员", "人", 1085, None, None),
        ("分散供养特困人员供养费", "元", 6217, None, None),
        ("集中供养特困人员供养费", "元", 7787, None, None),
        ("发放福彩圆梦助学金的孤儿", "人", 97, None, None),
        ("享受补贴的经济困难高龄老年人", "人", 25548, None, None),
        ("享受补贴的失能老年人", "人", 2949, None, None),
        ("享受生活补贴的困难残疾人", "人", 33276, None, None),
        ("享受护理补贴的重度残疾人", "人", 31158, None, None),
        ("启动价格补贴", "次", 9, None, None),
        ("实施临时救助", "人次", 13756, None, None),
        ("下达困难群众救助补助金", "亿元", 15, None, None),
    ],
    "三是": [
        ("争取养老服务资金", "万元", 3323, None, None),
        ("推动建设的康养小镇", "个", 3, None, None),
        ("城镇社区养老幸福工程项目", "个", 2, None, None),
        ("农村老年人日间照料中心", "个", 535, None, None),
        ("城市社区养老服务设施", "个", 65, None, None),
        ("养老床位", "张", 20295, None, None),
        ("每千名老人拥有床位", "张", 35.19, None, None),
    ],
    "四是": [
        ("完成行政村合并", "个", 506, None, None),
        ("行政村总数", "个", 2702, 4888, 2019),
        ("行政村撤并率", "%", 44.7, None, None),
        ("完成乡镇行政区划调整", "个", 10, None, None),
        ("乡级行政区划调整事项审核申报涉及县", "县", 14, None, None),
        ("完成乡级行政区划调整事项审核申报", "件", 35, None, None),
        ("完成社会组织年报公示", "家", 796, None, None),
        ("打击非法社会组织", "个", 23, None, None),
        ("培育社区社会组织", "个", 1865, None, None),
        ("社会组织建立党支部", "个", 498, None, None),
        ("派驻党建指导员的社会组织", "个", 117, None, None),
        ("推荐省级乡村治理服务示范社区和善治示范村", "个", 62, None, None),
    ],
}
