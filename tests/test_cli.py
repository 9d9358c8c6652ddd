"""The command line: users, units, demo, health of the chain — readable errors, exit codes."""

import json

import sqlalchemy as sa

from tests.conftest import count
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.units.models import Unit


def test_users_create_reads_password_from_stdin(org, runner, app):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "chief-new",
            "--role",
            "chief",
            "--unit",
            "救助科",
            "--name",
            "新科长",
            "--email",
            "new@example.org",
        ],
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created user chief-new" in result.output
    user = db.session.scalar(sa.select(User).where(User.username == "chief-new"))
    assert user.unit_id == org.relief.id and user.display_name == "新科长"


def test_users_create_principal(org, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "new-director",
            "--role",
            "leader",
            "--unit",
            "局领导",
            "--principal",
        ],
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    principals = db.session.scalars(sa.select(User.username).where(User.is_principal)).all()
    assert principals == ["new-director"]


def test_users_create_errors_are_one_readable_line(org, runner):
    users_before = count(User)
    cases = [
        (["users", "create", "x1", "--role", "chief", "--unit", "不存在的科"], "strong-password-1"),
        (["users", "create", "chief-relief", "--role", "chief", "--unit", "办公室"], "strong-pw-2"),
        (["users", "create", "weak", "--role", "chief", "--unit", "办公室"], "password"),
        (["users", "create", "short", "--role", "chief", "--unit", "办公室"], "abc"),
    ]
    for args, password in cases:
        result = runner.invoke(args=args, input=password + "\n")
        assert result.exit_code == 1, args
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        assert "Traceback" not in result.output
    bad_role = runner.invoke(args=["users", "create", "x", "--role", "boss", "--unit", "办公室"])
    assert bad_role.exit_code == 2
    assert count(User) == users_before


def test_units_list_text_and_json(org, runner):
    text = runner.invoke(args=["units", "list"])
    assert text.exit_code == 0
    assert "测试市民政局 [bureau" in text.output and "  社会救助科" in text.output
    data = json.loads(runner.invoke(args=["units", "list", "--format", "json"]).output)
    assert {u["name"] for u in data} >= {"办公室", "社会救助科", "低保核对中心"}


def test_users_list_json(org, runner):
    data = json.loads(runner.invoke(args=["users", "list", "--format", "json"]).output)
    director = next(u for u in data if u["username"] == "director")
    assert director["is_principal"] and director["unit"] == "局领导"


def test_demo_load_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "load", "--if-new"])
    assert first.exit_code == 0 and "demo data loaded" in first.output
    units, users = count(Unit), count(User)
    # 忻州市, 民政局 and its 11 units, four more bureaus of 6 units each; 民政局's 15 accounts, the
    # city office's 2 and 4 for each other bureau
    assert units == 1 + 12 + 4 * 6 and users == 15 + 2 + 4 * 4
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "nothing created" in again.output
    assert (count(Unit), count(User)) == (units, users)
    skipped = runner.invoke(args=["demo", "load", "--if-new"])
    assert "not loaded" in skipped.output
    director = db.session.scalar(sa.select(User).where(User.username == "director"))
    assert director.is_principal and director.title == "党组书记、局长"
    assert runner.invoke(args=["audit", "verify"]).output.startswith("OK ")
