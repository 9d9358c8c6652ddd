"""报送: a bureau submits its report to the city office, which returns it with notes or accepts
it; publication is recorded; the office sees who is late from the 31 March deadline."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from tests.factories import audit_actions, form_data, last_audit_id
from tests.security.test_route_matrix import logged_in_client
from tracker.core import clock, storage
from tracker.extensions import db
from tracker.reminders.models import Notification
from tracker.upward import queries, service
from tracker.upward.models import ReportSubmission

ON_TIME = datetime(2026, 3, 20, 10, 0)
LATE = datetime(2026, 4, 2, 10, 0)


def _submission(bureau) -> ReportSubmission:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(ReportSubmission).where(ReportSubmission.bureau_id == bureau.id)
    )


def test_submit_return_resubmit_accept_publish(app, city):
    bureau, coordinator = city.bureaus[0], city.coordinators[0]
    with clock.frozen_at(ON_TIME):
        client, token = logged_in_client(app, coordinator)
        page = client.get("/city/my-report?year=2025")
        assert page.status_code == 200 and "2026-03-31" in page.text
        start = last_audit_id()
        response = client.post("/city/my-report/2025/submit", data={"csrf_token": token})
        assert response.status_code == 302
        submission = _submission(bureau)
        assert submission.status == "submitted" and submission.round == 1
        assert submission.receipt_number == "依法治办收〔2026〕1号"
        assert [f["format"] for f in submission.files] == ["docx", "md"]
        assert all(storage.has_blob(f["sha256"]) for f in submission.files)
        assert "report.submit_upward" in audit_actions(start)
        # submitting twice is refused, not repeated
        client.post("/city/my-report/2025/submit", data={"csrf_token": token})
        assert _submission(bureau).round == 1

        office, office_token = logged_in_client(app, city.office)
        listing = office.get("/city/reports?year=2025")
        assert listing.status_code == 200 and "依法治办收〔2026〕1号" in listing.text
        url = f"/city/submissions/{submission.id}/review"
        # returning without notes: the form comes back with the choice kept
        bad = office.post(url, data={"csrf_token": office_token, "decision": "return", "note": ""})
        assert bad.status_code == 422
        assert form_data(bad.text, url)["decision"] == "return"
        assert _submission(bureau).status == "submitted"
        office.post(
            url, data={"csrf_token": office_token, "decision": "return", "note": "补充数据来源"}
        )
        assert _submission(bureau).status == "returned"
        # each side hears of the other's step in its inbox
        told = db.session.execute(
            sa.select(Notification.recipient_id, Notification.title)
            .where(Notification.kind == "report_upward")
            .order_by(Notification.id)
        ).all()
        assert [tuple(row) for row in told] == [
            (city.office.id, f"{bureau.name} submitted its annual report 2025"),
            (coordinator.id, "The city office returned your annual report 2025 for revision"),
        ]
        mine = client.get("/city/my-report?year=2025")
        assert "补充数据来源" in mine.text

        client.post("/city/my-report/2025/submit", data={"csrf_token": token})
        again = _submission(bureau)
        assert (again.status, again.round, again.receipt_serial) == ("submitted", 2, 1)
        office.post(url, data={"csrf_token": office_token, "decision": "accept", "note": ""})
        assert _submission(bureau).status == "accepted"

        pub = f"/city/submissions/{submission.id}/publication"
        fields = {"csrf_token": token, "where": "门户网站", "url": "not a link", "on": "2026-03-20"}
        bad = client.post(pub, data=fields)
        assert bad.status_code == 422
        kept = form_data(bad.text, pub)
        assert (kept["where"], kept["url"]) == ("门户网站", "not a link")
        fields["url"] = "https://www.example.gov.cn/fzzf/2025.html"
        assert client.post(pub, data=fields).status_code == 302
        published = office.get("/city/reports/published?year=2025")
        assert "https://www.example.gov.cn/fzzf/2025.html" in published.text
        assert bureau.name in published.text
    actions = audit_actions(start)
    for action in (
        "report.return_upward",
        "report.accept_upward",
        "report.publish_upward",
    ):
        assert action in actions


def test_late_and_not_submitted(app, city):
    with clock.frozen_at(ON_TIME):
        client, token = logged_in_client(app, city.coordinators[0])
        client.post("/city/my-report/2025/submit", data={"csrf_token": token})
    with clock.frozen_at(LATE):
        client, token = logged_in_client(app, city.coordinators[1])
        client.post("/city/my-report/2025/submit", data={"csrf_token": token})
        ids = [b.id for b in city.bureaus]
        statuses = queries.report_statuses(ids, 2025, clock.today())
        assert [(s.state, s.late) for s in statuses.values()] == [
            ("submitted", False),
            ("submitted", True),
            ("not_submitted", True),
        ]
        office, _token = logged_in_client(app, city.office)
        page = office.get("/city/reports?year=2025")
        assert page.text.count("data-late") == 2


def test_deadline_moves_to_the_last_working_day(app):
    # 31 March 2024 is a Sunday: the report is due on Friday 29 March
    assert queries.report_deadline(2023) == date(2024, 3, 29)
    assert queries.report_deadline(2025) == date(2026, 3, 31)


def test_bureaus_see_only_their_own_and_not_the_office_pages(app, city):
    with clock.frozen_at(ON_TIME):
        client, token = logged_in_client(app, city.coordinators[0])
        client.post("/city/my-report/2025/submit", data={"csrf_token": token})
        submission = _submission(city.bureaus[0])
        other, other_token = logged_in_client(app, city.coordinators[1])
        assert other.get(f"/city/submissions/{submission.id}").status_code == 403
        assert other.get("/city/reports").status_code == 403
        assert other.get("/city/assessment").status_code == 403
        review = other.post(
            f"/city/submissions/{submission.id}/review",
            data={"csrf_token": other_token, "decision": "accept"},
        )
        assert review.status_code == 403
        # the city office may read but not submit on a bureau's behalf
        office, office_token = logged_in_client(app, city.office)
        assert office.get(f"/city/submissions/{submission.id}").status_code == 200
        assert (
            office.post(
                "/city/my-report/2025/submit", data={"csrf_token": office_token}
            ).status_code
            == 403
        )
        leader, leader_token = logged_in_client(app, city.leader)
        assert leader.get("/city/reports").status_code == 200
        assert (
            leader.post(
                f"/city/submissions/{submission.id}/review",
                data={"csrf_token": leader_token, "decision": "accept"},
            ).status_code
            == 403
        )


def test_public_list_shows_only_published_reports_without_login(app, city, client):
    with clock.frozen_at(ON_TIME):
        for coordinator, bureau in zip(city.coordinators[:2], city.bureaus[:2], strict=True):
            service.submit(coordinator, bureau, 2025)
        first = queries.submission_of(city.bureaus[0], 2025)
        service.record_publication(
            city.coordinators[0],
            first,
            where="门户网站",
            url="https://www.example.gov.cn/fzzf/2025.html",
            on=date(2026, 3, 20),
        )
        db.session.commit()
        page = client.get(f"/city/{city.city.id}/published/2025")
    assert page.status_code == 200
    assert city.bureaus[0].name in page.text and city.bureaus[1].name not in page.text
    assert "https://www.example.gov.cn/fzzf/2025.html" in page.text
    # a bureau is not a city: nothing to list
    assert client.get(f"/city/{city.bureaus[0].id}/published/2025").status_code == 404
