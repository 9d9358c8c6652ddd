"""督办's part in the task page: how often the task was urged, its level and its notices."""

from __future__ import annotations

from tracker.core.signals import task_page, tasks_listed
from tracker.supervision import queries
from tracker.supervision.forms import UrgeForm
from tracker.supervision.service import level_label


@task_page.connect
def _supervision_panel(task) -> dict:
    urges = queries.urge_summary(task)
    level = queries.supervision_level(task, urges=urges.urges)
    return {
        "supervision": {
            "urges": urges,
            "level": level,
            "level_label": level_label(level),
            "notices": queries.notices_of_task(task),
            "urge_form": UrgeForm(),
        }
    }


@tasks_listed.connect
def _urge_counts_of_listed_tasks(tasks) -> None:
    """催办 counts of the plans whose tasks a list shows, read together when there are several."""
    queries.keep_urge_counts({task.plan_id for task in tasks})
