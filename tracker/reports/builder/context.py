"""What every part of the report draws on: the plan's tasks (without the excluded ones), their
occurrences, the records counted per task, the facts each part cites and the warnings."""

from __future__ import annotations

from collections import defaultdict

from .document import ReportWarning
from .facts import Fact
from .inputs import RecordInfo, ReportInput, TaskInfo


class BuildContext:
    """The state the parts share while one report is built."""

    def __init__(self, data: ReportInput):
        self.data = data
        self.year = data.year
        self.warnings: list[ReportWarning] = []
        self.tasks = [t for t in data.tasks if t.id not in data.excluded_task_ids]
        self.by_id = {t.id: t for t in self.tasks}
        self.top_tasks = [t for t in self.tasks if t.parent_id is None]
        self.occurrences: dict[int, list[TaskInfo]] = defaultdict(list)
        for task in self.tasks:
            if task.parent_id is not None:
                self.occurrences[task.parent_id].append(task)
        # records belong to the task they were entered on; an occurrence's count for its parent
        self.records_of: dict[int, list[RecordInfo]] = defaultdict(list)
        for record in data.records:
            task = self.by_id.get(record.task_id)
            if task is None:
                continue
            self.records_of[task.parent_id or task.id].append(record)
        self.indicators_of: dict[int, list] = defaultdict(list)
        for indicator in data.indicators:
            if indicator.task_id in self.by_id:
                self.indicators_of[indicator.task_id].append(indicator)
        self.facts: dict[str, list[Fact]] = defaultdict(list)

    @property
    def name(self) -> str:
        """How the report names its bureau in running text: the short name, else the full one."""
        return self.data.short_name or self.data.bureau

    @property
    def we(self) -> str:
        """How the report refers to its bureau: as set, else 我市 for a city, 我局 for a bureau."""
        if self.data.self_reference:
            return self.data.self_reference
        return "我市" if self.data.issuer_kind == "city" else "我局"

    def late_days(self, task: TaskInfo) -> int:
        finished = task.submitted_on or task.completed_on
        if task.due_date is None or finished is None:
            return 0
        return max(0, (finished - task.due_date).days)
