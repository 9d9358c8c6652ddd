"""The demo's inspection ledgers: the 2020 普法 list and activities and the 2020 report's 报送
and 公开 as the seed tells them (its report of 15 January 2021, submitted to the city's
rule-of-law office and the justice bureau and published on the bureau's website), and this
year's enforcement cases, file reviews, 普法, 述法 and contract reviews, dated within the plan
year and entered only once their date has passed. Data, not UI text: in Chinese."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tracker.extensions import db
from tracker.units.models import Unit

#: This year's tasks that keep these ledgers (plan_current.py).
ENFORCEMENT_TASK_TITLE = "落实行政执法公示、全过程记录和重大执法决定法制审核制度"
FILE_REVIEW_TASK_TITLE = "开展行政执法案卷评查"
PUFA_TASK_TITLE = "落实“谁执法谁普法”普法责任制"
LAW_REPORT_TASK_TITLE = "推进领导干部述法"
CONTRACT_TASK_TITLE = "做好合同合法性审查"

#: 谁执法谁普法 list items: (item, laws, audience, measures, responsible unit).
PUFA_DUTIES = [
    (
        "社会救助政策法规宣传",
        "《社会救助暂行办法》《山西省最低生活保障审批管理办法》",
        "城乡低保、特困供养对象及基层经办人员",
        "依托民政服务窗口发放明白纸，结合入户核查面对面讲解政策。",
        "社会救助科",
    ),
    (
        "养老服务法律法规宣传",
        "《中华人民共和国老年人权益保障法》《养老机构管理办法》",
        "老年人及其家属、养老机构从业人员",
        "结合养老机构安全检查和“敬老月”开展宣传。",
        "养老服务科",
    ),
    (
        "婚姻殡葬法律法规宣传",
        "《中华人民共和国民法典》婚姻家庭编、《婚姻登记条例》《殡葬管理条例》",
        "婚姻登记当事人、城乡居民",
        "在婚姻登记窗口设置普法专区，推行文明节俭治丧。",
        "社会事务科",
    ),
    (
        "社会组织登记管理法规宣传",
        "《社会团体登记管理条例》《民办非企业单位登记管理暂行条例》",
        "社会组织负责人、从业人员",
        "结合年报公示和“双随机、一公开”抽查开展普法。",
        "社会组织管理科",
    ),
    (
        "村（居）民委员会组织法宣传",
        "《中华人民共和国村民委员会组织法》《中华人民共和国城市居民委员会组织法》",
        "村（社区）“两委”成员、城乡居民",
        "深化法律进社区、进乡村活动，指导修订村规民约、居民公约。",
        "基层政权建设和社区治理科",
    ),
]
#: 2020 activities the seed names (宪法日, 国际社工日, the 五进 activities): (date, title, form,
#: place, item index); the seed states no audience figures, so none are given.
PUFA_ACTIVITIES_2020 = [
    (date(2020, 3, 17), "“国际社工日”扫黑除恶法治宣传", "outreach", "忻府区各社区活动中心", 3),
    (date(2020, 6, 12), "社会救助政策法规“进乡村”宣传", "outreach", "驻村帮扶村", 0),
    (date(2020, 10, 23), "“敬老月”老年人权益保障法宣传", "exhibition", "市老年公寓", 1),
    (date(2020, 12, 4), "国家宪法日暨全国法制宣传日宣传咨询", "street_consultation", "市区广场", 2),
    (date(2020, 12, 10), "民政政策法规网络普法", "online", "局门户网站、微信公众号", 4),
]

REPORT_2020 = date(2021, 1, 15)
#: The 2020 report's 报送 and 公开 (plan2020.REPORT_RESULT): (kind, recipient, receipt).
REPORT_DELIVERIES_2020 = [
    ("submitted", "市委全面依法治市委员会办公室", "市委依法治市办签收"),
    ("submitted", "忻州市司法局", "市司法局签收"),
    ("published", "忻州市民政局门户网站", ""),
]


def _unit(name: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.name == name))


def pufa_duties(year: int) -> list[dict]:
    return [
        {
            "item": item,
            "laws": laws,
            "audience": audience,
            "measures": measures,
            "responsible_unit_id": _unit(unit).id,
            "listed_on": date(year, 3, 2),
        }
        for item, laws, audience, measures, unit in PUFA_DUTIES
    ]


def pufa_activities_2020(duty_ids: list[int]) -> list[dict]:
    return [
        {
            "held_on": day,
            "title": title,
            "activity_form": form,
            "location": place,
            "audience_count": None,
            "duty_id": duty_ids[index],
        }
        for day, title, form, place, index in PUFA_ACTIVITIES_2020
    ]


def report_deliveries_2020() -> list[dict]:
    return [
        {
            "delivery_kind": kind,
            "report_year": 2020,
            "recipient": recipient,
            "delivered_on": REPORT_2020,
            "receipt": receipt,
            "receipt_on": REPORT_2020 if receipt else None,
            "published_url": "",
        }
        for kind, recipient, receipt in REPORT_DELIVERIES_2020
    ]


# -- this year ------------------------------------------------------------------------------------


def _dated(entries: list[dict], year: int, today: date, first: str) -> list[dict]:
    """Entries whose `first` date has passed, later dates (and what they bring) dropped while
    they are still ahead; (month, day) tuples become dates of `year`."""
    kept = []
    for entry in entries:
        data = {k: date(year, *v) if isinstance(v, tuple) else v for k, v in entry.items()}
        if data[first] >= today:
            continue
        for name, brings in LATER.items():
            if data.get(name) is not None and data[name] >= today:
                data[name] = None
                for other, empty in brings.items():
                    data[other] = empty
        kept.append(data)
    return kept


#: Later dates and the fields that come with them.
LATER = {
    "decided_on": {"decision": "", "published_on": None},
    "published_on": {},
    "legal_review_on": {"legal_reviewer": "", "legal_review_opinion": ""},
    "signed_on": {},
    "rectified_on": {},
}


def _case(number, party, matter, kind, opened, decided, decision, **more) -> dict:
    return {
        "case_number": number,
        "party": party,
        "matter": matter,
        "action_kind": kind,
        "officers": more.get("officers", "郑斌（14090020004）、杨帆（14090020005）"),
        "is_officers_certified": True,
        "opened_on": opened,
        "decided_on": decided,
        "decision": decision,
        "is_pre_publicized": True,
        "is_id_shown": True,
        "published_on": more.get("published_on"),
        "is_fully_recorded": more.get("recorded", True),
        "is_major": more.get("major", False),
        "legal_review_on": more.get("review_on"),
        "legal_reviewer": "王晓燕" if more.get("review_on") else "",
        "legal_review_opinion": more.get("opinion", ""),
    }


def enforcement_cases(year: int, today: date) -> list[dict]:
    """The penalty the 康寿 reconsideration and lawsuit contest (cases.py), the 撤销登记 the
    association's reconsideration contests, and the year's other cases."""
    entries = [
        _case(
            f"忻民罚〔{year}〕1号",
            "忻州市康寿养老服务中心",
            "未按规定报送养老机构备案材料",
            "penalty",
            (1, 13),
            (2, 20),
            "警告",
            published_on=(2, 26),
        ),
        _case(
            f"忻民罚〔{year}〕2号",
            "忻州市某职业技能培训学校",
            "未按规定参加年度检查",
            "penalty",
            (4, 7),
            (5, 15),
            "警告，责令限期改正",
            published_on=(5, 21),
        ),
        _case(
            f"忻民罚〔{year}〕3号",
            "忻州市某文化交流协会",
            "连续两年未参加年度检查，撤销登记",
            "penalty",
            (6, 16),
            (9, 5),
            "撤销社会团体登记",
            published_on=(9, 11),
            major=True,
            review_on=(8, 28),
            opinion="事实清楚，证据确凿，程序合法，适用依据正确，同意作出撤销登记决定。",
        ),
        _case(
            f"忻民检〔{year}〕7号",
            "忻州市颐和老年公寓",
            "养老机构消防和服务安全检查",
            "inspection",
            (7, 8),
            (7, 8),
            "责令限期整改安全隐患",
            published_on=(7, 15),
            recorded=False,
        ),
        _case(
            f"忻民罚〔{year}〕4号",
            "忻州市某公益服务中心",
            "涂改、出租登记证书",
            "penalty",
            (10, 20),
            (12, 8),
            "罚款",
            major=True,
            review_on=(11, 28),
        ),
    ]
    return _dated(entries, year, today, "opened_on")


def file_reviews(year: int, today: date) -> list[dict]:
    entries = [
        (f"忻民罚〔{year}〕1号 未按规定报送养老机构备案材料", (11, 10), Decimal("92"), ""),
        (
            f"忻民罚〔{year}〕2号 未按规定参加年度检查",
            (11, 12),
            Decimal("78"),
            "询问笔录未记载告知事项，送达回证签收日期缺失。",
        ),
        (
            f"忻民检〔{year}〕7号 养老机构消防和服务安全检查",
            (11, 13),
            Decimal("56"),
            "缺少现场检查音像记录，整改复查意见未归档。",
        ),
    ]
    rows = [
        {
            "reviewed_case": case,
            "reviewed_on": day,
            "reviewers": "王晓燕、法律顾问赵律师",
            "score": score,
            "pass_mark": Decimal("60"),
            "problems": problems,
            "rectified_on": None,
        }
        for case, day, score, problems in entries
    ]
    return _dated(rows, year, today, "reviewed_on")


def pufa_activities(year: int, today: date, duty_ids: list[int]) -> list[dict]:
    entries = [
        ((1, 16), "“民法典宣传月”婚姻家庭编宣传", "street_consultation", "市婚姻登记处", 260, 2),
        ((3, 17), "“国际社工日”社会工作法规宣传", "outreach", "忻府区秀容街道各社区", 180, 3),
        ((5, 28), "社会救助政策“进乡村”宣讲", "lecture", "忻府区豆罗镇", 140, 0),
        ((6, 26), "社会组织负责人法规培训", "training", "市民政局会议室", 86, 3),
        ((10, 16), "“敬老月”老年人权益保障法宣传", "exhibition", "市老年公寓", 320, 1),
        ((12, 4), "国家宪法日宣传咨询", "street_consultation", "市区和平广场", 450, 2),
    ]
    rows = [
        {
            "held_on": day,
            "title": title,
            "activity_form": form,
            "location": place,
            "audience_count": people,
            "duty_id": duty_ids[index],
        }
        for day, title, form, place, people, index in entries
    ]
    return _dated(rows, year, today, "held_on")


def law_reports(year: int, today: date, director_id: int | None, deputy_id: int | None):
    entries = [
        {
            "held_on": (1, 22),
            "forum": "superior_review",
            "speaker_id": director_id,
            "speaker_name": "",
            "speaker_title": "党组书记、局长",
            "topic": f"{year - 1}年度履行推进法治建设第一责任人职责情况",
            "evaluated_by": "市委全面依法治市委员会办公室",
            "evaluation": "excellent",
            "comments": "述法内容全面，第一责任人职责落实到位；专业法律人员偏少的问题需持续解决。",
        },
        {
            "held_on": (1, 29),
            "forum": "annual_review",
            "speaker_id": deputy_id,
            "speaker_name": "",
            "speaker_title": "党组成员、副局长",
            "topic": f"{year - 1}年度分管领域依法行政和行政应诉工作情况",
            "evaluated_by": "局党组",
            "evaluation": "good",
            "comments": "负责人出庭应诉落实较好，执法案卷规范化需加强。",
        },
    ]
    return _dated(entries, year, today, "held_on")


def contract_reviews(year: int, today: date) -> list[dict]:
    entries = [
        ("法律顾问服务合同", "山西晋北律师事务所", "60000", "办公室", (1, 3), (1, 5), (1, 8)),
        (
            "政府购买社会救助经办服务合同",
            "忻州市某社会工作服务中心",
            "380000",
            "社会救助科",
            (3, 2),
            (3, 6),
            (3, 16),
        ),
        (
            "市老年公寓适老化改造工程施工合同",
            "山西某建筑工程有限公司",
            "1260000",
            "养老服务科",
            (5, 11),
            (5, 18),
            (6, 2),
        ),
        (
            "困难群众救助信息系统运维服务合同",
            "忻州市某信息技术有限公司",
            "96000",
            "社会救助科",
            (11, 12),
            (11, 18),
            (11, 30),
        ),
    ]
    rows = [
        {
            "contract_title": title,
            "counterparty": party,
            "amount": Decimal(amount),
            "drafting_unit": unit,
            "received_on": received,
            "reviewed_on": reviewed,
            "reviewer": "王晓燕",
            "conclusion": "lawful_after_revision" if "工程" in title else "lawful",
            "opinion": "建议明确工程款支付节点和违约责任条款。" if "工程" in title else "",
            "signed_on": signed,
        }
        for title, party, amount, unit, received, reviewed, signed in entries
    ]
    kept = []
    for row in _dated(rows, year, today, "received_on"):
        if row["reviewed_on"] is not None and row["reviewed_on"] >= today:
            row.update(reviewed_on=None, conclusion="", opinion="", reviewer="")
        kept.append(row)
    return kept
