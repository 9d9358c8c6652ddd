"""The demo's 行政复议 and 行政应诉 cases: the two of 2020 the legal advisor was consulted on
(records2020.CONSULTATIONS), and this year's so far, dated within the plan year."""

from __future__ import annotations

from datetime import date

CITY_GOVERNMENT = "忻州市人民政府"
COURT = "忻州市忻府区人民法院"
DEPUTY = "张志强"

#: The 2020 reconsideration the advisor was consulted on on 21 April.
RECONSIDERATIONS_2020 = [
    {
        "case_number": "忻政复〔2020〕17号",
        "applicant": "郭某某",
        "reconsideration_body": CITY_GOVERNMENT,
        "contested_act": "对低保待遇申诉作出的处理意见",
        "received_on": date(2020, 4, 14),
        "answered_on": date(2020, 4, 24),
        "decided_on": date(2020, 6, 5),
        "outcome": "upheld",
        "correction": "",
        "corrected_on": None,
    },
]
#: The 2020 lawsuit the advisor was consulted on on 10 December; judged the next year.
LITIGATIONS_2020 = [
    {
        "case_number": "（2020）晋0902行初58号",
        "plaintiff": "刘某某",
        "court": COURT,
        "cause": "婚姻登记行政确认",
        "instance": "first",
        "served_on": date(2020, 12, 3),
        "hearing_on": date(2020, 12, 24),
        "further_hearings": "",
        "head_appeared": True,
        "head_name": DEPUTY,
        "judged_on": None,
        "judgment": "",
        "judicial_suggestion": "",
        "suggestion_follow_up": "",
        "suggestion_replied_on": None,
    },
]


def reconsiderations(year: int) -> list[dict]:
    """This year's reconsideration cases, stage dates as (month, day)."""
    return [
        {
            "case_number": f"忻政复〔{year}〕9号",
            "applicant": "忻州市康寿养老服务中心",
            "reconsideration_body": CITY_GOVERNMENT,
            "contested_act": "未按规定报送养老机构备案材料的行政处罚决定（警告）",
            "received_on": (3, 9),
            "answered_on": (3, 19),
            "decided_on": (5, 8),
            "outcome": "upheld",
            "correction": "",
            "corrected_on": None,
        },
        {
            "case_number": f"忻政复〔{year}〕21号",
            "applicant": "李某某",
            "reconsideration_body": CITY_GOVERNMENT,
            "contested_act": "政府信息公开申请答复",
            "received_on": (4, 13),
            "answered_on": (4, 23),
            "decided_on": (6, 12),
            "outcome": "confirmed_unlawful",
            "correction": "重新作出答复；修订政府信息公开申请办理规程，明确登记、承办、审核时限。",
            "corrected_on": (7, 10),
        },
        {
            "case_number": f"忻政复〔{year}〕33号",
            "applicant": "赵某某",
            "reconsideration_body": CITY_GOVERNMENT,
            "contested_act": "信访事项处理意见",
            "received_on": (6, 2),
            "answered_on": (6, 12),
            "decided_on": (7, 20),
            "outcome": "rejected",
            "correction": "",
            "corrected_on": None,
        },
        {
            "case_number": f"忻政复〔{year}〕47号",
            "applicant": "忻州市某文化交流协会",
            "reconsideration_body": CITY_GOVERNMENT,
            "contested_act": "撤销社会团体登记的决定",
            "received_on": (9, 22),
            "answered_on": (10, 9),
            "decided_on": None,
            "outcome": "",
            "correction": "",
            "corrected_on": None,
        },
    ]


def litigations(year: int) -> list[dict]:
    """This year's lawsuits, stage dates as (month, day)."""
    return [
        {
            "case_number": f"（{year}）晋0902行初21号",
            "plaintiff": "忻州市康寿养老服务中心",
            "court": COURT,
            "cause": "民政行政处罚",
            "instance": "first",
            "served_on": (5, 26),
            "hearing_on": (7, 14),
            "further_hearings": "",
            "head_appeared": True,
            "head_name": DEPUTY,
            "judged_on": (8, 28),
            "judgment": "claim_rejected",
            "judicial_suggestion": "",
            "suggestion_follow_up": "",
            "suggestion_replied_on": None,
        },
        {
            "case_number": f"（{year}）晋0902行初35号",
            "plaintiff": "李某某",
            "court": COURT,
            "cause": "政府信息公开",
            "instance": "first",
            "served_on": (6, 29),
            "hearing_on": (8, 18),
            "further_hearings": "",
            "head_appeared": False,
            "head_name": "",
            "judged_on": (9, 25),
            "judgment": "confirmed_unlawful",
            "judicial_suggestion": "建议规范政府信息公开申请的登记和答复期限管理。",
            "suggestion_follow_up": "修订政府信息公开申请办理规程，建立答复期限提醒台账，"
            "书面回复法院。",
            "suggestion_replied_on": (10, 23),
        },
        {
            "case_number": f"（{year}）晋0902行初52号",
            "plaintiff": "王某某",
            "court": COURT,
            "cause": "撤销婚姻登记",
            "instance": "first",
            "served_on": (10, 12),
            "hearing_on": (11, 10),
            "further_hearings": "",
            "head_appeared": True,
            "head_name": DEPUTY,
            "judged_on": None,
            "judgment": "",
            "judicial_suggestion": "",
            "suggestion_follow_up": "",
            "suggestion_replied_on": None,
        },
    ]


#: Fields that depend on a stage having happened: (stage date field, fields it brings).
STAGES = {
    "answered_on": (),
    "decided_on": ("outcome",),
    "corrected_on": ("correction",),
    "hearing_on": ("head_appeared", "head_name", "further_hearings"),
    "judged_on": ("judgment", "judicial_suggestion"),
    "suggestion_replied_on": ("suggestion_follow_up",),
}
EMPTY = {"head_appeared": False}


def as_of(case: dict, year: int, today: date) -> dict | None:
    """The case as the ledger held it on `today`: None if not yet received, later stages
    (and what they bring) left empty until their date has passed."""
    data = {}
    for name, value in case.items():
        data[name] = date(year, *value) if isinstance(value, tuple) else value
    first = data.get("received_on") or data.get("served_on")
    if first >= today:
        return None
    for stage, brings in STAGES.items():
        if stage in data and data[stage] is not None and data[stage] >= today:
            data[stage] = None
            for name in brings:
                data[name] = EMPTY.get(name, "")
    return data
