"""Helpers over both databases: `absent` and `one_of` answer the same on SQLite and PostgreSQL
(the reminder sweep writes only the notices whose key `absent` gives back: a wrong answer sends
a notice twice or never; the workbook reads each chunk's co-units and evidence by `one_of`)."""

from __future__ import annotations

import sqlalchemy as sa

from tracker.core.db import absent, one_of
from tracker.extensions import db
from tracker.reminders.models import Notification
from tracker.units.models import Unit


def test_absent_gives_the_values_not_in_the_column_across_batches(org):
    for key in ("overdue:t1", "overdue:t3", "due_soon:t5"):
        db.session.add(
            Notification(
                recipient_id=org.users.staff.id, kind="overdue", dedupe_key=key, title="逾期"
            )
        )
    db.session.commit()
    asked = ["overdue:t1", "overdue:t2", "overdue:t3", "due_soon:t4", "due_soon:t5", "x:t6"]
    expected = {"overdue:t2", "due_soon:t4", "x:t6"}
    assert absent(db.session, Notification.dedupe_key, asked) == expected
    # in batches of two (each batch answered on its own), a value asked twice, none at all
    assert absent(db.session, Notification.dedupe_key, [*asked, "x:t6"], batch=2) == expected
    assert absent(db.session, Notification.dedupe_key, []) == set()
    assert absent(db.session, Notification.dedupe_key, ["overdue:t1", "overdue:t3"]) == set()


def test_one_of_selects_the_rows_whose_value_is_listed(org):
    ids = [org.relief.id, org.office.id]
    found = db.session.scalars(
        sa.select(Unit.name).where(one_of(db.session, Unit.id, [*ids, 999_999])).order_by(Unit.id)
    ).all()
    assert sorted(found) == sorted([org.relief.name, org.office.name])
    assert db.session.scalars(sa.select(Unit.id).where(one_of(db.session, Unit.id, []))).all() == []
