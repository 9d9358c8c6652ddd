"""The workbook's sheet of legal-advisor contracts (法律顾问): term, fee and the plan year's
consultations, so an inspector needs no join to the Consultations sheet."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.core.spreadsheets import DATE, INT, NUMBER, TEXT, Column, Sheet, WorkbookWriter
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.records.models import Consultation, LegalAdvisor, Record
from tracker.tasks.models import Task


def write_advisors(writer: WorkbookWriter, plan: Plan) -> Sheet:
    """Every contract of the plan's bureau whose term overlaps the plan year."""
    sheet = writer.sheet(
        _("Legal advisor contracts"),
        [
            Column(_("Contract ID"), INT),
            Column(_("Law firm"), TEXT, 24),
            Column(_("Lawyer"), TEXT, 12),
            Column(_("Contract from"), DATE),
            Column(_("Contract until"), DATE),
            Column(_("Annual fee (yuan)"), NUMBER),
            Column(_("Consultations in the plan year"), INT),
        ],
    )
    consulted = (
        sa.select(Consultation.advisor_id, sa.func.count(Consultation.id))
        .join(Task, Task.id == Record.task_id)
        .where(Task.plan_id == plan.id, Record.is_void.is_(False))
        .group_by(Consultation.advisor_id)
    )
    counts = dict(db.session.execute(consulted).all())
    advisors = db.session.scalars(
        sa.select(LegalAdvisor)
        .where(
            LegalAdvisor.bureau_id == plan.bureau_id,
            LegalAdvisor.contract_start <= date(plan.year, 12, 31),
            LegalAdvisor.contract_end >= date(plan.year, 1, 1),
        )
        .order_by(LegalAdvisor.contract_start, LegalAdvisor.id)
    )
    for advisor in advisors:
        sheet.append(
            [
                advisor.id,
                advisor.firm,
                advisor.person,
                advisor.contract_start,
                advisor.contract_end,
                advisor.fee,
                counts.get(advisor.id, 0),
            ],
            ref=_("legal advisor %(id)d", id=advisor.id),
        )
    sheet.close()
    return sheet
