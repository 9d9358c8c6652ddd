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


def verify_evidence(task: Task, office) -> None:
    """The legal office checks every pending piece of evidence of the task and its records."""
    targets = [task, *records_of_task(task)]
    for target in targets:
        for item in evidence_queries.evidence_for(target):
            if item.review_status == "pending":
                evidence.review(office, item, "verified", "材料真实完整。")
