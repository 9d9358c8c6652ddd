"""Every test starts on an empty database with the full schema, and ids start from 1, whatever
the test before it wrote, committed or rolled back (tests/conftest.py `database_app`)."""

import pytest
import sqlalchemy as sa

from tests.conftest import FACTORY_ACTOR
from tracker.extensions import db
from tracker.units.service import create_unit


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_starts_empty_with_ids_from_one(app, turn):
    for table in db.metadata.sorted_tables:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0, table.name
    kept = create_unit(FACTORY_ACTOR, name=f"第{turn}个局", kind="bureau")
    db.session.commit()
    assert kept.id == 1
    create_unit(FACTORY_ACTOR, name="撤回的局", kind="bureau")
    db.session.flush()
    db.session.rollback()  # its id is used up all the same: the next test must not notice
