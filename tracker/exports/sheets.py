"""The data sheets of a plan's compliance workbook: tasks, timeline, causes of delay, evidence and
report sources, each written row by row from chunked queries (tracker.exports.queries). The
ledger sheets are in ledger_sheets."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.core.spreadsheets import (
    AUTO,
    DATE,
    DATETIME,
    FLAG,
    INT,
    LONG,
    PERCENT,
    TEXT,
    Column,
    Sheet,
    WorkbookWriter,
    label,
    labeller,
)
from tracker.evidence.models import Evidence
from tracker.exports import queries
from tracker.plans.models import Plan
from tracker.tasks.labels import ACTION_LABELS, CAUSE_OCCASION_LABELS, KIND_LABELS, STATUS_LABELS
from tracker.tasks.lights import LIGHT_LABELS, LightPolicy


def _task_columns() -> list[Column]:
    return [
        Column(_("Task ID"), INT),
        Column(_("Plan section"), TEXT, 30),
        Column(_("Number"), TEXT, 8),
        Column(_("Title"), LONG, 45),
        Column(_("Requirement"), LONG, 60),
        Column(_("Period"), TEXT, 12),
        Column(_("Kind"), TEXT),
        Column(_("Lead unit"), TEXT, 14),
        Column(_("Co-units"), TEXT, 20),
        Column(_("Owner"), TEXT, 12),
        Column(_("Supervisor"), TEXT, 12),
        Column(_("Principal duty"), FLAG),
        Column(_("Deadline as written"), TEXT, 14),
        Column(_("Due date"), DATE),
        Column(_("Status"), TEXT, 12),
        Column(_("Light"), TEXT, 12),
        Column(_("Completed at"), DATETIME),
        Column(_("Working days overdue"), INT),
        Column(_("Working days late when finished"), INT),
        Column(_("Progress"), PERCENT),
        Column(_("Target"), INT),
        Column(_("Achieved"), INT),
        Column(_("Measure"), TEXT, 8),
        Column(_("Result statement"), LONG, 60),
        Column(_("Evidence"), INT),
        Column(_("Verified evidence"), INT),
        Column(_("Evidence files"), LONG, 40),
        Column(_("Upper plan item"), TEXT, 10),
        Column(_("Role in the upper plan"), TEXT, 10),
    ]


def _role_labels() -> dict[str, str]:
    return {"lead": _("we lead"), "assist": _("we assist"), "maybe": _("may concern us"), "": ""}


@dataclass
class UnitTally:
    """One lead unit's tasks as the Tasks sheet lists them, for the per-unit summary."""

    tasks: int = 0
    done: int = 0
    on_time: int = 0
    finished_late: int = 0
    overdue: int = 0
    evidence_pending: int = 0

    def add(self, row: queries.TaskRow) -> None:
        self.tasks += 1
        if row.status == "done":
            self.done += 1
            if row.days_late:
                self.finished_late += 1
            else:
                self.on_time += 1
        if row.days_overdue:
            self.overdue += 1
        self.evidence_pending += row.evidence_count - row.verified_count


def write_unit_summary(writer: WorkbookWriter, tallies: dict[str, UnitTally]) -> Sheet:
    """Per lead unit, the tasks of the Tasks sheet: done, on time, late, overdue, evidence
    awaiting review — statuses as of the workbook's date."""
    sheet = writer.sheet(
        _("Summary by unit"),
        [
            Column(_("Lead unit"), TEXT, 16),
            Column(_("Number of tasks"), INT),
            Column(_("Done"), INT),
            Column(_("Done on time"), INT),
            Column(_("Done late"), INT),
            Column(_("Overdue and not done"), INT),
            Column(_("Evidence awaiting review"), INT),
        ],
    )
    for unit, tally in tallies.items():
        sheet.append(
            [
                unit or _("No lead unit"),
                tally.tasks,
                tally.done,
                tally.on_time,
                tally.finished_late,
                tally.overdue,
                tally.evidence_pending,
            ]
        )
    sheet.close()
    return sheet


def write_tasks(
    writer: WorkbookWriter,
    plan: Plan,
    policy: LightPolicy,
    chunk_size: int,
    tallies: dict[str, UnitTally] | None = None,
) -> Sheet:
    """The Tasks sheet; each row is also counted in `tallies` (by lead unit) when given."""
    sections = queries.plan_sections(plan)
    sources = queries.upper_sources(plan)
    roles = _role_labels()
    # each label translated once, not once a row
    kind_of, light_of = labeller(KIND_LABELS), labeller(LIGHT_LABELS)
    status_of = labeller(STATUS_LABELS)
    finished_late: dict[str, str] = {}
    task_ref = _("task %(id)d")
    sheet = writer.sheet(_("Tasks"), _task_columns())
    for row in queries.task_rows(plan, policy, chunk_size=chunk_size):
        if tallies is not None:
            tally = tallies.get(row.lead_unit)
            if tally is None:
                tally = tallies[row.lead_unit] = UnitTally()
            tally.add(row)
        section = sections.get(row.section_id) if row.section_id else None
        upper_number, upper_role = sources.get(row.id, ("", ""))
        status = status_of(row.status)
        if row.days_late:
            # 逾期办结 in the status column, as on the task page and in the lists
            if status not in finished_late:
                finished_late[status] = _("%(status)s (finished late)", status=status)
            status = finished_late[status]
        sheet.append(
            [
                row.id,
                section.heading if section else "",
                row.number,
                row.title,
                row.text,
                row.period_label,
                kind_of(row.kind),
                row.lead_unit,
                row.co_units,
                row.owner,
                row.supervisor,
                row.is_principal_duty,
                row.deadline_text,
                row.due_date,
                status,
                light_of(row.light),
                row.completed_at,
                row.days_overdue,
                row.days_late,
                row.progress,
                row.target_count,
                row.achieved_count,
                row.target_measure,
                row.result_statement,
                row.evidence_count,
                row.verified_count,
                row.evidence_names,
                upper_number,
                roles.get(upper_role, ""),
            ],
            ref=task_ref % {"id": row.id},
        )
    sheet.close()
    return sheet


def write_updates(writer: WorkbookWriter, plan: Plan, chunk_size: int) -> Sheet:
    sheet = writer.sheet(
        _("Updates"),
        [
            Column(_("Update ID"), INT),
            Column(_("Time"), DATETIME),
            Column(_("Task ID"), INT),
            Column(_("Number"), TEXT, 8),
            Column(_("Task"), LONG, 40),
            Column(_("Action"), TEXT, 14),
            Column(_("By"), TEXT, 12),
            Column(_("Note"), LONG, 60),
            Column(_("Progress"), PERCENT),
            Column(_("Status before"), TEXT, 12),
            Column(_("Status after"), TEXT, 12),
        ],
    )
    for row in queries.update_rows(plan, chunk_size=chunk_size):
        sheet.append(
            [
                row.id,
                row.created_at,
                row.task_id,
                row.task_number,
                row.task_title,
                label(ACTION_LABELS, row.kind),
                row.author_name,
                row.note,
                row.progress,
                label(STATUS_LABELS, row.status_from),
                label(STATUS_LABELS, row.status_to),
            ],
            ref=_("update %(id)d", id=row.id),
        )
    sheet.close()
    return sheet


def write_causes(writer: WorkbookWriter, plan: Plan) -> Sheet:
    """Why work fell behind, as units (and the coordinator, for the year) stated it."""
    sheet = writer.sheet(
        _("Causes of delay"),
        [
            Column(_("Cause ID"), INT),
            Column(_("Time"), DATETIME),
            Column(_("Task ID"), INT),
            Column(_("Number"), TEXT, 8),
            Column(_("Task"), LONG, 40),
            Column(_("Occasion"), TEXT, 14),
            Column(_("Cause"), TEXT, 14),
            Column(_("What held the work up"), LONG, 50),
            Column(_("Remedy"), LONG, 50),
            Column(_("By"), TEXT, 12),
        ],
    )
    for row in queries.cause_rows(plan):
        sheet.append(
            [
                row.id,
                row.created_at,
                row.task_id,
                row.task_number or "",
                row.task_title or "",
                label(CAUSE_OCCASION_LABELS, row.occasion),
                row.cause,
                row.explanation,
                row.remedy,
                row.author_name,
            ],
            ref=_("cause %(id)d", id=row.id),
        )
    sheet.close()
    return sheet


def evidence_state(evidence: Evidence) -> str:
    if evidence.is_withdrawn:
        return _("Withdrawn")
    if evidence.is_superseded:
        return _("Replaced by evidence %(id)d", id=evidence.superseded_by_id)
    return _("Current")


def evidence_kind_label(kind: str) -> str:
    return {"file": _("File"), "link": _("Link"), "note": _("Note")}.get(kind, kind)


def review_label(status: str) -> str:
    return {
        "pending": _("Pending review"),
        "verified": _("Verified"),
        "rejected": _("Rejected"),
    }.get(status, status)


def _linked_to(evidence: Evidence) -> tuple[str, str, str, str, str]:
    """(description, task ids, record ids, task numbers, task titles) of what the evidence
    proves; a record's task is the task the evidence proves through it."""
    described, task_ids, record_ids, tasks = [], [], [], {}
    for link in evidence.links:
        if link.task_id is not None and link.task is not None:
            task_ids.append(link.task_id)
            tasks[link.task_id] = link.task
            name = " ".join(p for p in (link.task.number, link.task.title) if p)
            described.append(f"{_('task %(id)d', id=link.task_id)} {name}")
        elif link.record is not None:
            record_ids.append(link.record_id)
            if link.record.task is not None:
                tasks[link.record.task_id] = link.record.task
            described.append(f"{_('record %(id)d', id=link.record_id)} {link.record.summary}")
    return (
        "；".join(d.strip() for d in described),
        queries.ids_text(task_ids),
        queries.ids_text(record_ids),
        "；".join(task.number or _("task %(id)d", id=task.id) for task in tasks.values()),
        "；".join(task.title for task in tasks.values()),
    )


def write_evidence(writer: WorkbookWriter, plan: Plan, chunk_size: int) -> Sheet:
    sheet = writer.sheet(
        _("Evidence"),
        [
            Column(_("Evidence ID"), INT),
            Column(_("Task number"), TEXT, 10),
            Column(_("Task title"), LONG, 40),
            Column(_("Kind"), TEXT, 8),
            Column(_("Title"), TEXT, 30),
            Column(_("File name"), TEXT, 30),
            Column(_("SHA-256 checksum"), TEXT, 66),
            Column(_("Size (bytes)"), INT, 12),
            Column(_("Content type"), TEXT, 16),
            Column(_("Link"), TEXT, 30),
            Column(_("Note"), LONG, 40),
            Column(_("Uploaded by"), TEXT, 12),
            Column(_("Uploaded at"), DATETIME),
            Column(_("Review"), TEXT, 12),
            Column(_("Reviewed by"), TEXT, 12),
            Column(_("Reviewed at"), DATETIME),
            Column(_("Review note"), LONG, 30),
            Column(_("State"), TEXT, 14),
            Column(_("Proves"), LONG, 40),
            Column(_("Task IDs"), TEXT, 10),
            Column(_("Record IDs"), TEXT, 10),
        ],
    )
    for evidence in queries.evidence_of_plan(plan, chunk_size=chunk_size):
        proves, task_ids, record_ids, task_numbers, task_titles = _linked_to(evidence)
        sheet.append(
            [
                evidence.id,
                task_numbers,
                task_titles,
                evidence_kind_label(evidence.kind),
                evidence.title,
                evidence.original_name,
                evidence.sha256,
                evidence.size,
                evidence.content_type,
                evidence.url,
                evidence.note_text,
                evidence.uploaded_by.display_name if evidence.uploaded_by else "",
                evidence.uploaded_at,
                review_label(evidence.review_status),
                evidence.reviewed_by.display_name if evidence.reviewed_by else "",
                evidence.reviewed_at,
                evidence.review_note,
                evidence_state(evidence),
                proves,
                task_ids,
                record_ids,
            ],
            ref=_("evidence %(id)d", id=evidence.id),
        )
    sheet.close()
    return sheet


def write_report_sources(writer: WorkbookWriter, figures: tuple[list, str | None]) -> Sheet:
    """The report's figures and where they come from (`figures`: report_figures of the plan)."""
    sheet = writer.sheet(
        _("Report sources"),
        [
            Column(_("Part"), TEXT, 24),
            Column(_("Report section"), TEXT, 24),
            Column(_("Figure"), TEXT, 24),
            Column(_("Value"), AUTO),
            Column(_("Measure"), TEXT, 8),
            Column(_("Baseline value"), AUTO),
            Column(_("Baseline year"), INT),
            Column(_("Sentence"), LONG, 60),
            Column(_("Task IDs"), TEXT, 14),
            Column(_("Record IDs"), TEXT, 14),
            Column(_("Evidence IDs"), TEXT, 14),
        ],
    )
    figures, problem = figures
    for number, figure in enumerate(figures, start=1):
        sheet.append(
            [
                figure.part,
                getattr(figure, "section", ""),
                figure.label,
                figure.value,
                getattr(figure, "unit", ""),
                getattr(figure, "baseline_value", None),
                getattr(figure, "baseline_year", None),
                figure.text,
                queries.ids_text(figure.task_ids),
                queries.ids_text(figure.record_ids),
                queries.ids_text(figure.evidence_ids),
            ],
            ref=_("figure %(n)d", n=number),
        )
    if problem:
        sheet.append(["", "", _("Report not available"), None, "", None, None, problem, "", "", ""])
        sheet.failure = problem
    sheet.close()
    return sheet
