"""The plans blueprint, shared by the plan pages (views) and the document import (import_views)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.extensions import db
from tracker.plans.models import Plan, UpperSource

bp = Blueprint("plans", __name__, url_prefix="/plans")

#: Our role in the upper plan's item, as the task page says it.
UPPER_ROLE_PHRASES = {
    "lead": _l("we lead"),
    "assist": _l("we assist"),
    "maybe": _l("may concern us (named collectively)"),
}


def get_plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


@bp.app_template_global()
def upper_source(task) -> str:
    """Where a task of a decomposed plan comes from, for its page: 来源：忻州市人民政府
    《2026年法治政府建设工作要点》（忻政办发〔2026〕3号）第（三）2项，我局牵头. "" otherwise."""
    source = db.session.scalar(sa.select(UpperSource).where(UpperSource.task_id == task.id))
    if source is None:
        return ""
    plan = task.plan
    document = f"《{plan.source_title}》" if plan.source_title else ""
    if plan.source_document_number:
        document += f"（{plan.source_document_number}）"
    item = _("item %(number)s", number=source.upper_number) if source.upper_number else ""
    role = UPPER_ROLE_PHRASES.get(source.upper_role)
    if role is None:
        return _(
            "Source: %(issuer)s%(document)s %(item)s",
            issuer=plan.source_issuer,
            document=document,
            item=item,
        ).strip()
    return _(
        "Source: %(issuer)s%(document)s %(item)s, %(role)s",
        issuer=plan.source_issuer,
        document=document,
        item=item,
        role=role,
    )
