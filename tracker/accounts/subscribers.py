"""The accounts feature's part in other features' steps: a unit keeps its active users."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.accounts.models import User
from tracker.core.signals import unit_deactivating
from tracker.extensions import db


@unit_deactivating.connect
def _unit_without_active_users(unit) -> str | None:
    people = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.unit_id == unit.id, User.is_disabled.is_(False)
        )
    )
    if people:
        return _(
            "%(n)d active users still belong to %(name)s; move or disable them first.",
            n=people,
            name=unit.name,
        )
    return None
