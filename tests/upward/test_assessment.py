"""考核: a versioned scheme, automatic scores from the bureaus' data in a constant number of
queries, manual scores with a note, the ranking as a page and an .xlsx."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import sqlalchemy as sa

from tests.factories import audit_actions, form_data, last_audit_id, make_record
from tests.security.test_route_matrix import logged_in_client
from tests.upward.conftest import build_city
from tracker.core import clock
from tracker.core.exceptions import DomainError
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import Task
from tracker.upward import queries, service
from tracker.upward.models import AssessmentScore

NOW = datetime(2026, 4, 10, 10, 0)
SCHEME = [
    {"key": "completion", "name": "任务完成率", "kind": "completion_rate", "weight": 40},
    {"key": "on_time", "name": "按时完成率", "kind": "on_time_rate", "weight": 20},
    {"key": "overdue", "name": "逾期扣分", "kind": "overdue_deduction", "weight": 10,
     "per_item": 2},
    {"key": "report", "name": "年度报告按时报送", "kind": "report_on_time", "weight": 10,
     "late_share": 0.5},
    {"key": "inspection", "name": "督察检查", "kind": "manual", "weight": 20},
]  # fmt: skip


def _set_states(bureau, states) -> None:
    """Put the bureau's 2025 tasks (in order) into `states`: (status, submitted_on)."""
    rows = db.session.scalars(
        sa.select(Task)
        .join(Plan)
        .where(Plan.bureau_id == bureau.id, Plan.year == 2025, Task.title.like("任务%"))
        .order_by(Task.id)
    ).all()
    for task, (status, submitted_on) in zip(rows, states, strict=True):
        task.status, task.submitted_on = status, submitted_on
    db.session.commit()


def _city_with_data(app):
    city = build_city()
    done_on_time = ("done", date(2025, 6, 1))
    done_late = ("done", date(2025, 8, 1))
    open_ = ("in_progress", None)
    _set_states(city.bureaus[0], [done_on_time] * 4)
    _set_states(city.bureaus[1], [done_on_time, done_late, open_, open_])
    _set_states(city.bureaus[2], [done_on_time, done_on_time, done_late, open_])
    with clock.frozen_at(datetime(2026, 3, 20, 9)):
        service.submit(city.coordinators[0], city.bureaus[0], 2025)
    with clock.frozen_at(datetime(2026, 4, 3, 9)):
        service.submit(city.coordinators[2], city.bureaus[2], 2025)
    db.session.commit()
    return city


def test_automatic_scores_and_ranking(app):
    city = _city_with_data(app)
    with clock.frozen_at(NOW):
        scheme = service.save_scheme(city.office, city.city, 2025, "2025年度考核方案", SCHEME)
        service.score_automatically(city.office, scheme)
        db.session.commit()
        rows = queries.ranking(scheme)
    by_name = {r.bureau.name: r for r in rows}
    first = by_name["甲市民政局"]
    assert {k: s.score for k, s in first.scores.items()} == {
        "completion": 40,
        "on_time": 20,
        "overdue": 10,
        "report": 10,
    }
    second = by_name["甲市司法局"]  # 2 of 4 done, 1 of them late, 2 overdue, no report
    assert (second.scores["completion"].score, second.scores["on_time"].score) == (20, 10)
    assert (second.scores["overdue"].score, second.scores["report"].score) == (6, 0)
    third = by_name["甲市交通运输局"]  # 3 of 4, 2 on time, 1 overdue, report late
    assert third.scores["report"].score == 5 and third.scores["overdue"].score == 8
    assert [r.bureau.name for r in rows] == ["甲市民政局", "甲市交通运输局", "甲市司法局"]
    assert [r.rank for r in rows] == [1, 2, 3]
    # the office's list of bureaus shows each one's total beside its report
    with clock.frozen_at(NOW):
        client, _token = logged_in_client(app, city.office)
        page = client.get("/city/reports?year=2025")
    assert f"<td data-score>{first.total:g}</td>" in page.text


def test_manual_score_and_scheme_versions_keep_old_results(app):
    city = _city_with_data(app)
    bureau = city.bureaus[1]
    with clock.frozen_at(NOW):
        v1 = service.save_scheme(city.office, city.city, 2025, "2025年度考核方案", SCHEME)
        service.score_automatically(city.office, v1)
        client, token = logged_in_client(app, city.office)
        url = "/city/assessment/2025/manual"
        bad = client.post(
            url,
            data={
                "csrf_token": token,
                "bureau": bureau.id,
                "indicator": "inspection",
                "points": "25",
                "note": "督察发现问题两项",
            },
        )
        assert bad.status_code == 422
        kept = form_data(bad.text, url)
        assert (kept["points"], kept["note"]) == ("25", "督察发现问题两项")
        start = last_audit_id()
        ok = client.post(
            url,
            data={
                "csrf_token": token,
                "bureau": bureau.id,
                "indicator": "inspection",
                "points": "15",
                "note": "督察发现问题两项",
                "evidence": "督察反馈意见〔2026〕2号",
            },
        )
        assert ok.status_code == 302
        assert audit_actions(start) == ["assessment.score_manual"]
        v1_total = queries.totals_by_bureau([bureau.id], 2025)[bureau.id]

        # a new version with other weights: v1's scores stay as they were
        changed = [dict(i) for i in SCHEME]
        changed[0]["weight"] = 60
        changed[4]["weight"] = 0
        response = client.post(
            "/city/assessment/2025/scheme",
            data={"csrf_token": token, "title": "2025年度考核方案（修订）", "indicators": "[{"},
        )
        assert response.status_code == 422
        assert "[{" in form_data(response.text, "/city/assessment/2025/scheme")["indicators"]
        response = client.post(
            "/city/assessment/2025/scheme",
            data={
                "csrf_token": token,
                "title": "2025年度考核方案（修订）",
                "indicators": json.dumps(changed, ensure_ascii=False),
            },
        )
        assert response.status_code == 302
        assert (
            client.post("/city/assessment/2025/score", data={"csrf_token": token}).status_code
            == 302
        )
    db.session.expire_all()
    v1_scores = db.session.scalars(
        sa.select(AssessmentScore).where(
            AssessmentScore.scheme_id == v1.id, AssessmentScore.bureau_id == bureau.id
        )
    ).all()
    assert round(sum(s.score for s in v1_scores), 2) == v1_total == 51
    v2 = queries.current_scheme(city.city, 2025)
    assert v2.version == 2
    assert queries.ranking(v2)[-1].scores["completion"].score == 30  # 60 × 50 %
    # the ranking page and the sheet
    with clock.frozen_at(NOW):
        page = client.get("/city/assessment/2025/ranking?version=1")
        assert page.status_code == 200 and "督察检查" in page.text
        sheet = client.get("/city/assessment/2025/ranking.xlsx?version=1")
    book = openpyxl.load_workbook(io.BytesIO(sheet.data))
    values = list(book.active.values)
    assert values[0][:2] == ("Rank", "Bureau") and values[0][-1] == "Total"
    assert [row[1] for row in values[1:]] == ["甲市民政局", "甲市交通运输局", "甲市司法局"]
    assert values[3][-1] == 51


def test_formula_like_bureau_names_stay_text(app):
    city = build_city(('=HYPERLINK("x")', "甲市司法局"), with_plans=False)
    with clock.frozen_at(NOW):
        scheme = service.save_scheme(city.office, city.city, 2025, "方案", SCHEME)
        service.score_automatically(city.office, scheme)
        client, _token = logged_in_client(app, city.office)
        sheet = client.get("/city/assessment/2025/ranking.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(sheet.data))
    names = [row[1] for row in list(book.active.values)[1:]]
    assert '=HYPERLINK("x")' in names  # written as a string, not a formula


def test_constant_queries_whatever_the_number_of_bureaus(app):
    def count(n: int) -> int:
        city = build_city(tuple(f"乙市局{i}" for i in range(n)), with_plans=False, prefix=f"c{n}")
        ids = [b.id for b in city.bureaus]
        statements = []

        def listen(*args):
            statements.append(args)

        queries.report_deadline(2025)  # the working-day calendar is loaded once per process
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            with clock.frozen_at(NOW):
                columns = queries.city_columns(ids, 2025)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
        assert len(columns) == n
        return len(statements)

    assert count(3) == count(12) == 2


def test_statutory_indicator_from_the_ledgers(app):
    city = build_city()
    task = db.session.scalar(
        sa.select(Task)
        .join(Plan)
        .where(Plan.bureau_id == city.bureaus[0].id, Task.title == "任务1")
    )
    with clock.frozen_at(datetime(2025, 6, 10, 9)):
        make_record(
            city.coordinators[0],
            task,
            "document_review",
            reviewed_on=date(2025, 3, 10),
            published_on=date(2025, 3, 20),
            is_filed=True,
            filed_on=date(2025, 3, 25),
        )
        make_record(
            city.coordinators[0],
            task,
            "document_review",
            document_title="关于规范临时救助的通知",
            reviewed_on=date(2025, 5, 10),
            published_on=date(2025, 5, 20),
        )
        db.session.commit()
    scheme_items = [
        {
            "key": "review",
            "name": "规范性文件备案率",
            "kind": "statutory",
            "indicator": "document_filing_rate",
            "weight": 10,
        }
    ]
    with clock.frozen_at(NOW):
        scheme = service.save_scheme(city.office, city.city, 2025, "方案", scheme_items)
        service.score_automatically(city.office, scheme)
        rows = {r.bureau.id: r for r in queries.ranking(scheme)}
    first = rows[city.bureaus[0].id].scores["review"]
    assert (first.measured, first.score) == (50.0, 5.0)
    other = rows[city.bureaus[1].id].scores["review"]
    assert (other.measured, other.score) == (None, 10.0)  # nothing to count against it
    with clock.frozen_at(NOW):
        try:
            service.save_scheme(
                city.office, city.city, 2025, "方案", [{**scheme_items[0], "indicator": "x"}]
            )
        except DomainError as error:
            assert "unknown statutory indicator" in error.message
        else:
            raise AssertionError("an unknown statutory indicator was accepted")


def test_automatic_scoring_reads_a_constant_number_of_times(app):
    """Reading the figures costs the same for 3 bureaus as for 12 (the writes are the scores)."""

    def selects(n: int) -> int:
        city = build_city(tuple(f"丙市局{i}" for i in range(n)), with_plans=False, prefix=f"s{n}")
        items = [*SCHEME, {"key": "filing", "name": "规范性文件备案率", "kind": "statutory",
                           "indicator": "document_filing_rate", "weight": 5}]  # fmt: skip
        with clock.frozen_at(NOW):
            scheme = service.save_scheme(city.office, city.city, 2025, "方案", items)
            db.session.commit()
            queries.report_deadline(2025)
            statements = []

            def listen(_conn, _cursor, statement, *_args):
                if statement.lstrip().upper().startswith("SELECT"):
                    statements.append(statement)

            sa.event.listen(db.engine, "before_cursor_execute", listen)
            try:
                service.score_automatically(city.office, scheme)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    assert selects(3) == selects(12)
