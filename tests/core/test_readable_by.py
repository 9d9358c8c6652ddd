"""readable_by(user), the read scope as SQL, agrees with can(user, "task.read", task) row by row,
over generated unit trees, every role and every shape of task."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FACTORY_ACTOR
from tests.factories import add_user
from tracker.accounts.service import set_disabled
from tracker.core.permissions import ROLES, can
from tracker.extensions import db
from tracker.plans.service import create_plan
from tracker.tasks.models import Task
from tracker.tasks.queries import readable_by
from tracker.units.service import create_unit

MAX_UNITS = 7
#: Every role, the principal leader, and a disabled account (reads nothing).
PEOPLE = (*ROLES, "principal", "disabled")


@st.composite
def organisations(draw):
    """A forest of units (the first root a bureau; a later root may be a lone section), a unit
    for each kind of user, plans of the bureaus and tasks with any lead unit, co-units and owner.

    Tasks are made by hand, not through the service that keeps their units inside the plan's
    bureau: the query must agree with can() on every row, not only on the rows the forms allow."""
    size = draw(st.integers(2, MAX_UNITS))
    units = [(None, "bureau")]
    for index in range(1, size):
        parent = draw(st.one_of(st.none(), st.integers(0, index - 1)))
        kinds = ("bureau", "section") if parent is None else ("bureau", "section", "subordinate")
        units.append((parent, draw(st.sampled_from(kinds))))
    unit_index = st.integers(0, size - 1)
    people = {name: draw(unit_index) for name in PEOPLE}
    plans = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=3))
    tasks = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(plans) - 1),
                st.one_of(st.none(), unit_index),
                st.sets(unit_index, max_size=2),
                st.one_of(st.none(), st.sampled_from(PEOPLE)),
            ),
            min_size=1,
            max_size=8,
        )
    )
    return units, people, plans, tasks


def _build(units_spec, people_spec, plans_spec, tasks_spec):
    units = []
    for index, (parent, kind) in enumerate(units_spec):
        parent_unit = units[parent] if parent is not None else None
        units.append(create_unit(FACTORY_ACTOR, name=f"u{index}", kind=kind, parent=parent_unit))
    people = {}
    for name, index in people_spec.items():
        role = {"principal": "leader", "disabled": "staff"}.get(name, name)
        people[name] = add_user(f"p-{name}", role, units[index], is_principal=name == "principal")
    set_disabled(FACTORY_ACTOR, people["disabled"], True)
    plans = []
    for number, index in enumerate(plans_spec):
        # a plan belongs to a bureau: the generated unit's, or the first root's
        bureau = units[index].bureau or units[0]
        plans.append(create_plan(FACTORY_ACTOR, bureau=bureau, year=2026, title=f"plan {number}"))
    for number, (plan, lead, co, owner) in enumerate(tasks_spec):
        task = Task(
            plan=plans[plan],
            title=f"task {number}",
            lead_unit=units[lead] if lead is not None else None,
            co_units=[units[i] for i in sorted(co) if i != lead],
            owner=people[owner] if owner is not None else None,
            status="assigned",
        )
        db.session.add(task)
    db.session.flush()
    return people


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisation=organisations())
def test_readable_by_returns_exactly_what_can_allows(app, organisation):
    try:
        people = _build(*organisation)
        tasks = db.session.scalars(sa.select(Task)).all()
        for name, user in people.items():
            expected = {t.id for t in tasks if can(user, "task.read", t)}
            found = set(db.session.scalars(sa.select(Task.id).where(readable_by(user))))
            assert found == expected, name
            per_row = sa.select(Task.id).where(readable_by(user, per_row=True))
            assert set(db.session.scalars(per_row)) == expected, name
        for nobody in (None, AnonymousUserMixin()):
            assert db.session.scalars(sa.select(Task.id).where(readable_by(nobody))).all() == []
            nothing = sa.select(Task.id).where(readable_by(nobody, per_row=True))
            assert db.session.scalars(nothing).all() == []
    finally:
        db.session.rollback()
