"""Small generated evidence files for the demo, attached and reviewed through the service."""

from __future__ import annotations

import io

from tracker.evidence import queries as evidence_queries
from tracker.evidence import service as evidence
from tracker.records.queries import records_of_task
from tracker.tasks.models import Task


def attach_evidence(task: Task, worker, text: str) -> None:
    """A short work summary as a UTF-8 text file (佐证材料), named after the task."""
    name = f"{task.title[:40]}工作情况说明.txt"
    body = f"{task.plan.bureau.name}\n{task.title}\n\n{text or task.text}\n"
    evidence.add_file(
        worker,
        task,
        filename=name,
        stream=io.BytesIO(body.encode("utf-8")),
        title=f"{task.title[:40]}工作情况说明",
    )


#: What the proof of each record kind is called in a bureau's files.
PROOF_NAMES = {
    "document_review": "合法性审查意见书",
    "certification": "行政执法证复印件",
    "consultation": "法律意见书",
    "inspection": "检查记录表",
    "decision": "重大行政决策程序材料",
    "study_session": "会议记录",
    "metric": "统计报表",
    "reconsideration": "行政复议答复书",
    "litigation": "行政应诉答辩状",
    "enforcement_case": "行政执法案卷",
    "case_file_review": "案卷评查表",
    "pufa_duty": "普法责任清单",
    "pufa_activity": "普法活动记录",
    "law_report": "述法报告及评议意见",
    "contract_review": "合同合法性审查意见书",
    "report_delivery": "报送回执及公开截图",
}


def attach_record_evidence(record, worker) -> None:
    """The record's proof as a small UTF-8 text file named as the bureau would name it."""
    name = f"{record.summary[:40]}{PROOF_NAMES[record.kind]}.txt"
    body = f"{record.task.plan.bureau.name}\n{PROOF_NAMES[record.kind]}\n\n{record.summary}\n"
    evidence.add_file(
        worker,
        record,
        filename=name,
        stream=io.BytesIO(body.encode("utf-8")),
        title=f"{record.summary[:40]}{PROOF_NAMES[record.kind]}",
    )


STEP_PROOF_NAMES = {
    "public_participation": "公开征求意见情况",
    "expert_review": "专家论证意见",
    "risk_assessment": "社会稳定风险评估报告",
    "legality_review": "合法性审查意见书",
    "collective_discussion": "党组会议纪要",
}


def attach_step_evidence(decision, worker, step: str):
    """The proof of one statutory step of a major decision, attached to the decision."""
    name = f"{decision.decision_title[:30]}{STEP_PROOF_NAMES[step]}.txt"
    body = f"{decision.decision_title}\n{STEP_PROOF_NAMES[step]}\n"
    return evidence.add_file(
        worker,
        decision,
        filename=name,
        stream=io.BytesIO(body.encode("utf-8")),
        title=f"{STEP_PROOF_NAMES[step]}",
    )


def verify_evidence(task: Task, office) -> None:
    """The legal office checks every pending piece of evidence of the task and its records."""
    targets = [task, *records_of_task(task)]
    for target in targets:
        for item in evidence_queries.evidence_for(target):
            if item.review_status == "pending":
                evidence.review(office, item, "verified", "材料真实完整。")
