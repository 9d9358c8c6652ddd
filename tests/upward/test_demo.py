"""The city-level demo on a small city of three bureaus, 忻州市民政局 among them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.upward.conftest import build_city
from tracker.core import clock
from tracker.demo import city_upward
from tracker.extensions import db
from tracker.upward import queries

NOW = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
NAMES = ("忻州市民政局", "忻州市司法局", "忻州市交通运输局")


def test_demo_reports_scheme_and_ranking(app):
    city = build_city(NAMES)
    with clock.frozen_at(NOW):
        made = city_upward.load(city.city, city.bureaus, NOW)
        db.session.commit()
        assert made == {"submissions": 3, "schemes": 1, "year": 2025, "published": 2}
        statuses = queries.report_statuses([b.id for b in city.bureaus], 2025)
    states = [(s.state, s.late, s.published, s.submission.round) for s in statuses.values()]
    assert states == [
        ("accepted", False, True, 1),
        ("accepted", True, False, 1),  # late, not yet published
        ("accepted", False, True, 2),  # returned once, then accepted
    ]
    returned = statuses[city.bureaus[2].id].submission
    assert returned.review_note == ""  # the acceptance replaced the notes
    scheme = queries.current_scheme(city.city, 2025)
    rows = queries.ranking(scheme)
    assert all(row.total > 0 for row in rows)
    assert len({row.total for row in rows}) == 3  # a real ranking, no ties
    late = next(r for r in rows if r.bureau.name == "忻州市司法局")
    assert late.scores["report"].score == 6  # 15 × 0.4: late
    assert all(r.scores["inspection"].is_manual and r.scores["inspection"].note for r in rows)
    # loading again makes nothing
    with clock.frozen_at(NOW):
        again = city_upward.load(city.city, city.bureaus, NOW)
    assert (again["submissions"], again["schemes"]) == (0, 0)


def test_demo_keeps_the_seed_date_of_the_2020_report(app):
    city = build_city(NAMES, year=2020)
    with clock.frozen_at(NOW):
        made = city_upward.load(city.city, city.bureaus, NOW)  # 2020: the year with plans
        db.session.commit()
    assert made["year"] == 2020
    submission = queries.submission_of(city.bureaus[0], 2020)
    assert submission.first_submitted_on == date(2021, 1, 15)
    assert submission.status == "accepted"
