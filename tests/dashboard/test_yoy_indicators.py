"""The year-over-year page shows each statutory indicator for both years, with its change."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.dashboard.test_yoy import open_task
from tests.factories import make_record
from tracker.core import clock
from tracker.dashboard.indicators import indicator_rows
from tracker.extensions import db


def test_indicators_this_year_against_last_year(org, auth):
    with clock.frozen_at(datetime(2026, 11, 20, 2, 0, tzinfo=UTC)):
        last, this = open_task(org, 2025), open_task(org, 2026)
        chief = org.users.chief
        # 2025: both major decisions reviewed (100 %); 2026: one of two (50 %)
        for task, reviewed in ((last, True), (last, True), (this, True), (this, False)):
            year = task.plan.year
            make_record(
                chief,
                task,
                "enforcement_case",
                opened_on=date(year, 3, 2),
                decided_on=date(year, 4, 1),
                is_major=True,
                legal_review_on=date(year, 3, 25) if reviewed else None,
            )
        db.session.commit()
        rows = {
            r.indicator.key: r for r in indicator_rows(org.users.viewer, 2026, 2025, clock.today())
        }
        review = rows["major_enforcement_review_rate"]
        assert (review.figure.numerator, review.figure.denominator) == (1, 2)
        assert (review.compared.numerator, review.compared.denominator) == (2, 2)
        assert review.change == -50 and review.is_better is False
        assert "reconsideration_correction_rate" not in rows  # no figure in either year
        auth.login("viewer")
        page = auth.client.get("/dashboard/yoy?year=2026&compare=2025")
        assert page.status_code == 200
        row = page.text.split('id="yoy-indicator-major_enforcement_review_rate"')[1]
        row = row.split("</tr>")[0]
        assert "50.0%" in row and "100.0%" in row and "-50.0" in row and "1/2" in row
