"""The demo plans (`tracker demo load`): the 2020 plan as the seed report tells it, and this
year's plan showing every light. Loaded once for the module, at 2026-11-20 10:00 in Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import count, reporting_task, standalone_app
from tracker.accounts.models import User
from tracker.audit.models import AuditEvent
from tracker.core import clock
from tracker.core.clock import to_local
from tracker.extensions import db
from tracker.plans.models import Plan, Section
from tracker.reminders.models import Notification, OutboxEmail, RobotWebhook
from tracker.tasks.lights import LightPolicy, light_of
from tracker.tasks.models import Task, TaskUpdate

LOADED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # a Friday, 10:00 in Shanghai
TODAY = date(2026, 11, 20)
SEED_SECTIONS = [
    ("（一）", "加强组织领导，推进法治建设", 3),
    ("（二）", "健全体制机制，依法履行职能", 3),
    ("（三）", "立足民政职能，开展法治宣传", 3),
    ("（四）", "结合民政实际，加强基层民主自治", 4),
    ("（五）", "结合民政职能，推进扫黑除恶专项斗争", 4),
    ("（六）", "强化社会治理，促进和谐稳定", 5),
]
NUMBERS = ["一是", "二是", "三是", "四是", "五是"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with standalone_app(tmp_path_factory.mktemp("demo")) as app:
        runner = app.test_cli_runner()
        with clock.frozen_at(LOADED_AT):
            result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, (result.output, result.exception)
        assert "3 plans" in result.output
        yield runner


def plan_titled(title: str) -> Plan:
    return db.session.scalar(sa.select(Plan).where(Plan.title == title))


def tasks_of(plan: Plan, **where) -> list[Task]:
    query = sa.select(Task).where(Task.plan_id == plan.id).order_by(Task.position, Task.id)
    for name, value in where.items():
        query = query.where(getattr(Task, name) == value)
    return list(db.session.scalars(query))


# -- 2020 -----------------------------------------------------------------------------------------


def test_the_2020_plan_follows_the_seed_reports_sections(demo):
    plan = plan_titled("2020年法治建设工作要点")
    assert (plan.year, plan.status, plan.document_number) == (2020, "closed", "忻民发〔2020〕6号")
    numbered = [s for s in plan.top_sections if s.number]
    assert [(s.number, s.title) for s in numbered] == [(n, t) for n, t, _ in SEED_SECTIONS]
    for section, (_number, _title, size) in zip(numbered, SEED_SECTIONS, strict=True):
        tasks = tasks_of(plan, section_id=section.id)
        assert [t.number for t in tasks] == NUMBERS[:size], section.title
    all_tasks = tasks_of(plan)
    assert {t.status for t in all_tasks} == {"done"}
    assert all(t.progress == 100 and t.completed_at is not None for t in all_tasks)


def test_the_2020_plan_has_exactly_six_top_level_sections(demo):
    plan = plan_titled("2020年法治建设工作要点")
    assert len(plan.top_sections) == 6


def test_the_2020_sections_are_labelled_as_in_the_seed(demo):
    plan = plan_titled("2020年法治建设工作要点")
    labels = [s.label for s in plan.top_sections if s.number]
    assert labels == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]


def test_the_2020_results_are_the_seeds_sentences(demo):
    plan = plan_titled("2020年法治建设工作要点")
    assert all(t.result_statement for t in tasks_of(plan))
    # the result is the report's sentence, which the demo also keeps as the task's text (all
    # but the task of reporting on the year, whose result is the report's own submission)
    report_task = reporting_task(plan)
    work = [t for t in tasks_of(plan) if t.id != report_task.id]
    assert len(work) == len(tasks_of(plan)) - 1
    assert all(t.result_statement == t.text for t in work)
    relief = next(t for t in tasks_of(plan) if "2286元" in t.result_statement)
    assert "从2015年的2286元提高到2020年的4778元" in relief.result_statement
    assert relief.lead_unit.name == "社会救助科" and relief.number == "一是"
    review = next(t for t in tasks_of(plan) if "5份文件" in t.result_statement)
    assert review.title == "落实规范性文件合法性审查制度"
    assert (review.target_count, review.achieved_count, review.target_measure) == (5, 5, "份")
    for fragment in (
        "形成各负其责、各尽其职、齐抓共管、共同推进法治建设格局",
        "目前，我局行政执法人员领证人数为5人",
        "撤并率44.7%",
        "编密织牢了特殊群体安全保障网",
    ):
        assert any(fragment in t.result_statement for t in tasks_of(plan)), fragment


def test_the_2020_report_was_submitted_on_the_seeds_date_and_closed_the_plan(demo):
    plan = plan_titled("2020年法治建设工作要点")
    task = reporting_task(plan)
    assert task.plan_id == plan.id and task.title == "报送并公开2020年度法治政府建设情况报告"
    assert task.lead_unit.name == "办公室" and task.status == "done"
    assert task.due_date == date(2021, 3, 31)  # the last working day of March 2021
    assert task.submitted_on == date(2021, 1, 15)
    assert to_local(task.completed_at).date() == date(2021, 1, 18)
    assert "2021年1月15日形成《忻州市民政局2020年度法治政府建设情况报告》" in (
        task.result_statement
    )
    # the plan was closed once its report was done
    assert plan.status == "closed" and to_local(plan.closed_at).date() == date(2021, 1, 20)


def test_the_2020_principal_duties_were_all_met(demo):
    plan = plan_titled("2020年法治建设工作要点")
    director = db.session.scalar(sa.select(User).where(User.username == "director"))
    duties = tasks_of(plan, is_principal_duty=True)
    assert duties and all(t.owner_id == director.id and t.status == "done" for t in duties)
    targets = [(t.target_count, t.achieved_count) for t in duties if t.target_count is not None]
    assert sorted(c for c, _ in targets) == sorted([18, 23, 12, 5, 14])
    assert all(achieved == target for target, achieved in targets)
    assert any("年内主持18次党组中心组学习会" in t.result_statement for t in duties)


# -- this year ------------------------------------------------------------------------------------


def test_this_years_plan_shows_every_light(demo):
    plan = plan_titled("2026年法治建设工作要点")
    assert plan.status == "active" and plan.year == 2026
    policy = LightPolicy(today=TODAY)
    tasks = tasks_of(plan)
    lights = [light_of(t, policy) for t in tasks]
    # every light an active plan can show ("none" is for drafts, and nothing here is a draft)
    assert {"red", "orange", "yellow", "green", "grey"} <= set(lights)
    assert "draft" not in {t.status for t in tasks}
    assert lights.count("red") >= 2
    soon = [
        t for t in tasks if t.is_open and t.due_date and TODAY <= t.due_date <= policy.yellow_date
    ]
    assert len(soon) >= 2
    statuses = {t.status for t in tasks}
    assert {"done", "in_progress", "submitted", "assigned"} <= statuses
    assert policy.yellow_date == date(2026, 11, 27)  # five working days on


def test_this_years_recurring_tasks_have_their_past_periods_done(demo):
    plan = plan_titled("2026年法治建设工作要点")
    quarterly = next(t for t in tasks_of(plan) if t.recurrence == "quarterly")
    occurrences = sorted(quarterly.occurrences, key=lambda o: o.due_date)
    assert [o.period_label for o in occurrences][-1] == "2026年第四季度"
    assert [o.status for o in occurrences if o.due_date < TODAY] == ["done"] * (
        len(occurrences) - 1
    )
    assert occurrences[-1].status == "assigned"


def test_loading_again_duplicates_nothing_and_the_audit_chain_holds(demo):
    models = (Plan, Section, Task, TaskUpdate, Notification, User, AuditEvent, RobotWebhook)
    before = [count(m) for m in models]
    with clock.frozen_at(LOADED_AT):
        again = demo.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "nothing created" in again.output
    assert [count(m) for m in models] == before
    verified = demo.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("OK ")


def test_the_example_work_chat_robot_is_disabled_and_was_sent_nothing(demo):
    robots = db.session.scalars(sa.select(RobotWebhook)).all()
    assert robots and all(not robot.is_enabled for robot in robots)
    assert all(robot.unit.kind == "bureau" for robot in robots)
    assert count(OutboxEmail, OutboxEmail.channel == "robot") == 0


def test_this_years_inspection_ledgers_show_data_and_indicators(demo):
    from tracker.records import indicators
    from tracker.records.models import MODELS, Record

    plan = plan_titled("2026年法治建设工作要点")
    year_tasks = sa.select(Task.id).where(Task.plan_id == plan.id)

    def live(kind):
        return list(
            db.session.scalars(
                sa.select(MODELS[kind])
                .where(Record.task_id.in_(year_tasks), Record.is_void.is_(False))
                .order_by(Record.occurred_on, Record.id)
            )
        )

    cases = live("enforcement_case")
    # by 20 November: four cases opened, the fourth's major decision not yet taken
    assert [c.case_number for c in cases] == [
        "忻民罚〔2026〕1号",
        "忻民罚〔2026〕2号",
        "忻民罚〔2026〕3号",
        "忻民检〔2026〕7号",
        "忻民罚〔2026〕4号",
    ]
    assert cases[-1].decided_on is None and cases[-1].legal_review_on is None
    assert len(live("case_file_review")) == 3 and len(live("pufa_duty")) == 5
    assert len(live("pufa_activity")) == 5  # 国家宪法日 (4 December) still ahead
    assert len(live("law_report")) == 2 and len(live("contract_review")) == 4
    by_key = {i.key: i for i in indicators.INDICATORS}
    figures = {
        key: indicators.compute(by_key[key], live(by_key[key].kind), TODAY)
        for key in (
            "major_enforcement_review_rate",
            "full_process_record_rate",
            "case_file_pass_rate",
            "pufa_duty_fulfilment_rate",
            "law_report_good_rate",
            "contract_review_rate",
        )
    }
    values = {key: (f.numerator, f.denominator) for key, f in figures.items()}
    assert values == {
        "major_enforcement_review_rate": (1, 1),
        "full_process_record_rate": (4, 5),
        "case_file_pass_rate": (2, 3),
        "pufa_duty_fulfilment_rate": (4, 5),
        "law_report_good_rate": (2, 2),
        "contract_review_rate": (3, 3),
    }
