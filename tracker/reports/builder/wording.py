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
