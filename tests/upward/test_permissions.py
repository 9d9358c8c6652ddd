"""The city level's RULES entries by role, for the city office and for bureaus: a bureau's
submission is read by its own bureau and the office of its city, never by another bureau or
another city; only the city office reviews and assesses; only the bureau submits."""

from __future__ import annotations

from tests.factories import add_user
from tests.upward.conftest import build_city
from tracker.core.permissions import can
from tracker.extensions import db
from tracker.upward.models import ReportSubmission


def test_city_level_rules_by_role(app):
    city = build_city(with_plans=False)
    other = build_city(("乙市民政局",), with_plans=False, prefix="other-")
    viewer = add_user("city-viewer", "viewer", city.city)
    chief = add_user("b0-chief", "chief", city.bureaus[0].children[0])
    db.session.commit()
    bureau = city.bureaus[0]
    submission = ReportSubmission(bureau=bureau, city=city.city, year=2025)
    office, leader = city.office, city.leader
    own, neighbour, stranger = city.coordinators[0], city.coordinators[1], other.office

    def who(action, obj):
        people = {
            "office": office,
            "leader": leader,
            "viewer": viewer,
            "own": own,
            "chief": chief,
            "neighbour": neighbour,
            "stranger": stranger,
        }
        return {name for name, user in people.items() if can(user, action, obj)}

    assert who("upward.submit", bureau) == {"own"}
    assert who("upward.view", submission) == {"office", "leader", "viewer", "own"}
    assert who("upward.publish", submission) == {"office", "own"}
    assert who("upward.review", submission) == {"office"}
    assert who("upward.office", city.city) == {"office", "leader", "viewer"}
    assert who("assessment.manage", city.city) == {"office"}
    assert who("assessment.view", city.city) == {"office", "leader", "viewer"}
