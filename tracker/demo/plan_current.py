"""This year's plan, built from the seed report's part 四 (its four arrangements), with dates
relative to today so the demo shows every light: done, in progress, overdue, due soon.

Due dates: ("workdays", n) = n working days from today (negative: past); ("days", n) =
calendar days from today; ("date", "MM-DD") = that day of the plan year.
"""

from tracker.demo import inspection

TITLE_TEMPLATE = "{year}年法治建设工作要点"
DOCUMENT_NUMBER_TEMPLATE = "忻民发〔{year}〕5号"
#: The task whose ledger holds this year's 行政复议 and 行政应诉 cases.
CASES_TASK_TITLE = "依法做好行政复议答复和行政应诉工作"

#: (number, title, [task]), task = dict(number, title, text, lead, co, kind, due, status,
#: owner (username) or None, recurrence, target (count, measure, achieved) or None, progress)
SECTIONS = [
    (
        "（一）",
        "加强规范性文件的制定",
        [
            dict(
                number="1.",
                title="对照上位法健全完善民政配套性规范性文件",
                text="完善民政政策法规体系，提高政策制度质量。围绕民政工作中心任务制订完善政策法规。"
                "对照国家和省、市出台的有关民政法律、法规、规范性文件，健全完善配套性文件。",
                lead="办公室",
                co=["社会救助科", "养老服务科"],
                kind="normative_review",
                due=("days", 40),
                status="in_progress",
                progress=60,
            ),
            dict(
                number="2.",
                title="规范性文件合法性审查情况按季度报送",
                text="对代市委、市政府起草和本局制发的规范性文件逐件开展合法性审查，每季度末报送审查"
                "台账。",
                lead="办公室",
                co=[],
                kind="normative_review",
                due=("date", "12-31"),
                status="assigned",
                recurrence="quarterly",
            ),
            dict(
                number="3.",
                title="清理现行有效规范性文件并向社会公布目录",
                text="对现行有效的规范性文件进行全面清理，6月底前向社会公布继续有效、修改和废止的文件"
                "目录。",
                lead="办公室",
                co=[],
                kind="normative_review",
                due=("date", "06-30"),
                status="done",
                result="完成现行有效规范性文件全面清理，向社会公布继续有效文件目录。",
            ),
        ],
    ),
    (
        "（二）",
        "强化法治建设业务人员培训",
        [
            dict(
                number="1.",
                title="组织行政执法人员专题培训",
                text="进一步加强执法人员的培训工作，使其熟练掌握相关法律知识、执法程序、案卷制作标准及"
                "方法。全年组织专题培训不少于4次。",
                lead="办公室",
                co=["社会救助科", "社会事务科"],
                kind="study",
                due=("days", 25),
                status="in_progress",
                target=(4, "次", 3),
                progress=75,
            ),
            dict(
                number="2.",
                title="组织执法人员参加执法资格考试并申领执法证",
                text="组织新入职及转岗的执法人员参加行政执法资格考试，考试合格后申领执法证，确保持证"
                "上岗。",
                lead="社会救助科",
                co=["办公室"],
                kind="enforcement_cert",
                due=("workdays", -8),
                status="in_progress",
                owner="staff-jiuzhu",
                progress=40,
            ),
            dict(
                number="3.",
                title="开展行政执法文书制作评比",
                text="努力提高行政执法文书的制作运用能力，开展执法文书制作评比，提高执法水平和办案"
                "质量。",
                lead="社会事务科",
                co=[],
                kind="general",
                due=("workdays", 3),
                # applied for completion: the legal office's 待我审核 queue has more than one
                status="submitted",
                progress=100,
                result="组织开展执法文书制作评比，评选优秀执法文书10份并在全局通报。",
            ),
        ],
    ),
    (
        "（三）",
        "落实重大决策社会稳定风险评估机制",
        [
            dict(
                number="1.",
                title="对养老服务设施布局规划调整开展风险评估和专家论证",
                text="对专业性、技术性较强的决策事项，组织专家、专业机构进行论证；对养老服务设施布局"
                "规划调整开展社会稳定风险评估。",
                lead="养老服务科",
                co=["办公室", "计划财务科"],
                kind="major_decision",
                due=("workdays", -3),
                status="in_progress",
                progress=70,
            ),
            dict(
                number="2.",
                title="建立重大决策专家咨询论证名录",
                text="充分发挥专家咨询在重大决策中的积极作用，建立覆盖社会救助、养老、儿童福利等领域的"
                "专家咨询论证名录。",
                lead="办公室",
                co=[],
                kind="major_decision",
                due=("workdays", 2),
                status="assigned",
            ),
        ],
    ),
    (
        "（四）",
        "做好行政执法责任制相关工作",
        [
            dict(
                number="1.",
                title="完善行政执法岗位责任制度和公示制度",
                text="进一步完善行政执法岗位责任制度、程序制度、公示制度、定期报告制度、案卷归档制度等"
                "行政执法责任配套制度，规范行政执法活动。",
                lead="办公室",
                co=[],
                kind="general",
                due=("date", "05-31"),
                status="done",
                result="修订完善行政执法岗位责任、公示、定期报告和案卷归档等配套制度，在门户网站公示。",
            ),
            dict(
                number="2.",
                title="开展行政执法案卷评查",
                text="建立完善行政执法案卷评查制度、评议考核制度、监督检查制度、责任追究制度，组织开展"
                "年度案卷评查。",
                lead="办公室",
                co=["社会组织管理科"],
                kind="inspection",
                due=("days", 20),
                status="in_progress",
                progress=30,
            ),
            dict(
                number="3.",
                title="开展社会组织“双随机、一公开”抽查",
                text="每半年对登记的社会组织开展一次“双随机、一公开”抽查，抽查结果向社会公开，问题限期"
                "整改。",
                lead="社会组织管理科",
                co=["办公室"],
                kind="inspection",
                due=("date", "12-31"),
                status="assigned",
                recurrence="half-yearly",
            ),
            dict(
                number="4.",
                title="完成社会组织年报公示工作",
                text="完成全市社会组织年度报告公示工作，牵头组织市有关部门联合抽查检查。",
                lead="社会组织管理科",
                co=[],
                kind="inspection",
                due=("workdays", 4),
                status="submitted",
                progress=100,
                result="完成全市社会组织年报公示，联合有关部门开展抽查检查。",
            ),
            dict(
                number="5.",
                title=CASES_TASK_TITLE,
                text="依法办理行政复议答复和行政应诉案件，落实负责人出庭应诉制度，对复议纠错和败诉案件"
                "逐案整改，及时反馈司法建议。",
                lead="办公室",
                co=[],
                kind="general",
                due=("date", "12-31"),
                status="in_progress",
                progress=70,
            ),
            dict(
                number="6.",
                title=inspection.ENFORCEMENT_TASK_TITLE,
                text="行政执法决定依法公示，执法全过程文字和音像记录，重大执法决定作出前由局办公室进行"
                "法制审核，执法人员持证上岗、亮证执法。",
                lead="办公室",
                co=["养老服务科", "社会组织管理科"],
                kind="general",
                due=("date", "12-31"),
                status="in_progress",
                progress=75,
            ),
            dict(
                number="7.",
                title=inspection.PUFA_TASK_TITLE,
                text="制定“谁执法谁普法”责任清单，明确各科室普法事项、对象和措施，结合民法典宣传月、"
                "国际社工日、敬老月、国家宪法日开展普法活动。",
                lead="办公室",
                co=["社会救助科", "养老服务科", "社会事务科", "社会组织管理科"],
                kind="general",
                due=("date", "12-31"),
                status="in_progress",
                progress=80,
            ),
            dict(
                number="8.",
                title=inspection.LAW_REPORT_TASK_TITLE,
                text="党政主要负责人向市委全面依法治市委员会述法，班子成员在年度考核中述法，接受评议。",
                lead="办公室",
                co=["局领导"],
                kind="general",
                due=("date", "12-31"),
                status="in_progress",
                progress=50,
            ),
            dict(
                number="9.",
                title=inspection.CONTRACT_TASK_TITLE,
                text="以本局名义签订的合同签订前一律经局办公室合法性审查，重大合同听取法律顾问意见。",
                lead="办公室",
                co=[],
                kind="general",
                due=("date", "12-31"),
                status="in_progress",
                progress=80,
            ),
        ],
    ),
]

#: Principal-leader duties for this year: (title, text, target (count, measure, achieved), due)
PRINCIPAL_DUTIES = [
    (
        "主持党组中心组学法",
        "主持党组中心组学法，全年不少于12次。",
        (12, "次", 10),
        ("date", "12-31"),
    ),
    (
        "专题研究法治工作",
        "主持召开党组会专题研究法治政府建设工作，全年不少于4次。",
        (4, "次", 3),
        ("date", "12-31"),
    ),
    ("年度述法", "在年终述职中报告履行推进法治建设第一责任人职责情况。", None, ("date", "12-31")),
]
