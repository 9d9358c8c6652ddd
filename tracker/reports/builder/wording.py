"""How the report names the kinds of things the ledger records: consultation categories,
inspections, the statutory steps of a major decision, study sessions."""

from __future__ import annotations

import re

CATEGORY_WORDS = {
    "litigation": "行政诉讼",
    "reconsideration": "行政复议",
    "petition": "信访",
    "document_drafting": "文件起草",
    "major_decision": "重大决策",
    "contract": "合同审查",
    "other": "其他法律事务",
}
INSPECTION_WORDS = {
    "random": "“双随机、一公开”抽查",
    "special": "专项检查",
    "joint": "联合抽查检查",
}
STEP_WORDS = {
    "public_participation": "公众参与",
    "expert_review": "专家论证",
    "risk_assessment": "风险评估",
    "legality_review": "合法性审查",
    "collective_discussion": "集体讨论决定",
}
#: How the report says a kind of session was held: (verb, name), e.g. 主持18次党组中心组学习会.
SESSION_WORDS = {
    "center_group": ("主持", "党组中心组学习会", "before"),
    "party_group_meeting": ("召开", "党组（扩大）会", "before"),
    "collective_study": ("参加", "机关集体学习", "after"),
    "seminar": ("组织", "交流研讨", "after"),
    "theme_day": ("开展", "主题党日和警示教育", "after"),
    "lecture": ("举办", "法治讲座", "before"),
    "training": ("组织", "法治专题培训", "after"),
}
SESSION_ORDER = list(SESSION_WORDS)


def session_phrase(kind: str, count: int) -> str:
    verb, name, position = SESSION_WORDS.get(kind, ("开展", "学习活动", "after"))
    return f"{verb}{count}次{name}" if position == "before" else f"{verb}{name}{count}次"


def decision_title(title: str) -> str:
    return re.sub(r"[（(]重大行政决策[)）]\s*$", "", title.strip())


#: How the report states each statutory indicator (keys of tracker.records.indicators):
#: its name, what the denominator counts, what the numerator counts, and the measure word.
INDICATOR_WORDS = {
    "reconsideration_correction_rate": (
        "行政复议纠错率",
        "审结行政复议案件",
        "被撤销、变更或确认违法",
        "件",
    ),
    "correction_completion_rate": ("纠错整改完成率", "被纠错的行政复议案件", "已整改", "件"),
    "litigation_loss_rate": ("行政诉讼败诉率", "审结行政诉讼案件", "败诉", "件"),
    "head_appearance_rate": ("负责人出庭应诉率", "开庭审理的行政诉讼案件", "负责人出庭应诉", "件"),
    "judicial_suggestion_reply_rate": ("司法建议反馈率", "收到司法建议", "已反馈", "件"),
    "document_review_rate": (
        "规范性文件合法性审查率",
        "公布规范性文件",
        "公布前经合法性审查",
        "份",
    ),
    "document_filing_rate": ("规范性文件备案率", "公布规范性文件", "报送备案", "份"),
    "decision_procedure_rate": (
        "重大行政决策法定程序履行率",
        "作出重大行政决策",
        "履行全部法定程序",
        "项",
    ),
    "certified_enforcement_rate": (
        "执法人员持证率",
        "办理行政执法案件",
        "均由持证执法人员办理",
        "件",
    ),
    "major_enforcement_review_rate": (
        "重大执法决定法制审核率",
        "作出重大执法决定",
        "决定前经法制审核",
        "件",
    ),
    "enforcement_publicity_rate": (
        "执法公示率",
        "办结行政执法案件",
        "事前、事中、事后均公示",
        "件",
    ),
    "full_process_record_rate": ("执法全过程记录率", "办理行政执法案件", "全过程记录", "件"),
    "case_file_pass_rate": ("案卷评查合格率", "评查行政执法案卷", "评为合格", "卷"),
    "pufa_duty_fulfilment_rate": ("普法责任清单落实率", "普法责任清单事项", "已开展普法活动", "项"),
    "law_report_good_rate": ("述法评议好、较好等次率", "参加述法评议", "评为好或较好", "人次"),
    "contract_review_rate": ("合同合法性审查率", "签订合同", "签订前经合法性审查", "份"),
    "report_receipt_rate": ("年度报告报送回执率", "报送年度报告", "取得回执", "次"),
    "report_published_on_time_rate": (
        "年度报告按时公开率",
        "公开年度报告",
        "于次年4月1日前公开",
        "次",
    ),
}
