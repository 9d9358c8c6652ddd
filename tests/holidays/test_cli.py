"""`tracker workdays`: count working days and check a year's holiday data."""

from datetime import UTC, date, datetime

import tracker.holidays.models  # noqa: F401  (the calendar_days table exists for create_all)
from tests.conftest import FACTORY_ACTOR
from tracker.core import clock
from tracker.extensions import db
from tracker.holidays import service


def test_add_prints_the_iso_date(runner):
    result = runner.invoke(args=["workdays", "add", "2024-09-30", "3"])
    assert result.exit_code == 0, result.output
    assert result.output == "2024-10-10\n"
    assert runner.invoke(args=["workdays", "add", "2024-10-11", "1"]).output == "2024-10-12\n"


def test_add_with_a_negative_count_goes_backwards(runner):
    result = runner.invoke(args=["workdays", "add", "2024-10-10", "-3"])
    assert result.exit_code == 0, result.output
    assert result.output == "2024-09-30\n"


def test_add_uses_the_overrides(app, runner):
    service.set_day(FACTORY_ACTOR, date(2024, 10, 8), False, "")
    db.session.commit()
    assert runner.invoke(args=["workdays", "add", "2024-09-30", "1"]).output == "2024-10-09\n"


def test_a_bad_date_is_one_readable_error_line(runner):
    for bad in ("2024-13-01", "30.09.2024", "tomorrow"):
        result = runner.invoke(args=["workdays", "add", bad, "3"])
        assert result.exit_code == 1, bad
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        assert bad in lines[0] and "Traceback" not in result.output
    assert runner.invoke(args=["workdays", "add", "2024-09-30", "three"]).exit_code == 2


def test_a_count_beyond_the_calendar_is_an_error(runner):
    result = runner.invoke(args=["workdays", "add", "9999-12-30", "5"])
    assert result.exit_code == 1 and result.output.startswith("Error: ")


def test_check_a_covered_year(runner):
    result = runner.invoke(args=["workdays", "check", "2026"])
    assert result.exit_code == 0
    assert result.output.startswith("2026: covered by the built-in calendar")


def test_check_a_year_without_data_then_with_an_override(app, runner):
    missing = runner.invoke(args=["workdays", "check", "2027"])
    assert missing.exit_code == 1
    assert missing.output.startswith("2027: no holiday data")
    service.set_day(FACTORY_ACTOR, date(2027, 1, 1), False, "元旦")
    db.session.commit()
    present = runner.invoke(args=["workdays", "check", "2027"])
    assert present.exit_code == 0
    assert present.output.startswith("2027: 1 day(s) entered by admins")


def test_check_defaults_to_the_current_year(runner):
    with clock.frozen_at(datetime(2027, 3, 1, 2, 0, tzinfo=UTC)):
        result = runner.invoke(args=["workdays", "check"])
    assert result.exit_code == 1 and result.output.startswith("2027: ")
