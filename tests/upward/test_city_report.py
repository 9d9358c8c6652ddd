"""The city office's own annual report: built from the city's plan like a bureau's, speaking of
我市, with figures from its bureaus' data."""

from __future__ import annotations

from datetime import date, datetime

from tests.security.test_route_matrix import logged_in_client
from tests.upward.conftest import MADE_AT
from tracker.core import clock
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.reports.queries import report_for_plan
from tracker.reports.render import render
from tracker.tasks import service as tasks
from tracker.upward import service


def _city_plan(city, year: int):
    with clock.frozen_at(MADE_AT.replace(year=year)):
        plan = plans.create_plan(
            city.office, bureau=city.city, year=year, title=f"{year}年法治甲市建设工作要点"
        )
        tasks.create_task(
            city.office,
            plan,
            tasks.TaskData(
                title="统筹推进法治政府建设", lead_unit=city.bureaus[0], due_date=date(year, 6, 30)
            ),
        )
        plans.publish_plan(city.office, plan)
    db.session.commit()
    return plan


def test_city_report_has_the_bureaus_figures(app, city):
    plan_2025 = _city_plan(city, 2025)
    with clock.frozen_at(datetime(2026, 3, 20, 9)):
        service.submit(city.coordinators[0], city.bureaus[0], 2025)
    with clock.frozen_at(datetime(2026, 4, 7, 9)):
        service.submit(city.coordinators[1], city.bureaus[1], 2025)
    db.session.commit()
    plan_2026 = _city_plan(city, 2026)
    with clock.frozen_at(datetime(2026, 4, 20, 9)):
        text_2025 = render(report_for_plan(plan_2025), "md").decode()
        text_2026 = render(report_for_plan(plan_2026), "md").decode()
        client, _token = logged_in_client(app, city.office)
        page = client.get(f"/plans/{plan_2026.id}/report")
        assert page.status_code == 200
        assert client.get(f"/plans/{plan_2026.id}/report.docx").status_code == 200
    assert "现将我市2025年度法治政府建设情况报告如下" in text_2025
    assert "全市3个部门年度法治建设工作要点共确定重点任务12项，年内办结0项。" in text_2025
    expected = "2个部门向依法治市办报送了2025年度法治政府建设情况报告，其中按时报送1个"
    assert expected in text_2026
    assert expected in page.text
