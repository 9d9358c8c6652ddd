"""What a 督办通知单 says, as plain data, for the print view and the Word document alike."""

from __future__ import annotations

from flask_babel import gettext

from tracker.core import clock
from tracker.supervision import queries
from tracker.supervision.models import SupervisionNotice
from tracker.supervision.service import level_label


def _requirement(task, issued_on) -> str:
    if task.due_date is not None and task.due_date < issued_on:
        return gettext(
            "The deadline %(date)s has passed: finish without delay and report progress with "
            "evidence to the legal office within three working days of receiving this notice.",
            date=task.due_date.isoformat(),
        )
    if task.due_date is not None:
        return gettext(
            "Finish by %(date)s and report progress with evidence to the legal office within "
            "three working days of receiving this notice.",
            date=task.due_date.isoformat(),
        )
    return gettext(
        "Report progress with evidence to the legal office within three working days of "
        "receiving this notice."
    )


def _deadline(task) -> str:
    if task.is_continuous:
        return gettext("Continuous")
    text = task.due_date.isoformat() if task.due_date else "—"
    if task.deadline_text:
        text += f"（{task.deadline_text}）"
    return text


def notice_sheet(notice: SupervisionNotice) -> dict:
    """Title, number, addressee, one block of fields per task, signature lines."""
    tasks = queries.notice_tasks(notice)
    issued_on = clock.to_local(notice.issued_at).date()
    items = []
    for task in tasks:
        items.append(
            {
                "task": task,
                "fields": [
                    (gettext("Supervised item"), f"{task.number} {task.title}".strip()),
                    (gettext("Requirement"), task.text or task.title),
                    (gettext("Deadline"), _deadline(task)),
                    (gettext("Lead unit"), task.lead_unit.name if task.lead_unit else "—"),
                    (
                        gettext("Co-units"),
                        "、".join(u.name for u in task.co_units) or "—",
                    ),
                    (gettext("Supervision level"), level_label(notice.level)),
                    (gettext("What is asked"), _requirement(task, issued_on)),
                ],
            }
        )
    addressee = notice.unit.name if notice.unit else notice.bureau.name
    return {
        "title": gettext("Supervision notice"),
        "number": notice.number,
        "issuing_office": notice.issuing_office,
        "addressee": addressee,
        "opening": gettext(
            "The following work of the rule-of-law plan is behind or needs attention. Please "
            "take it in hand as required below."
        ),
        "items": items,
        "closing": gettext("Please sign on receipt and return a copy to the legal office."),
        "signature_lines": [
            notice.issuing_office,
            f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
            gettext("Received by (signature): ____________  Date: ____________"),
        ],
        "issued_at": notice.issued_at,
        "level_label": level_label(notice.level),
    }
