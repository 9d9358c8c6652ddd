"""The one commit boundary: a request, a command and a job each commit once, or not at all."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from flask import abort, redirect
from flask.cli import AppGroup
from flask_wtf import FlaskForm
from wtforms import StringField

from tests.conftest import FACTORY_ACTOR
from tracker.accounts import sessions
from tracker.core.exceptions import ConflictError, DomainError
from tracker.core.forms import refusal_caught
from tracker.core.transactions import keep_refusal_record, run_job, wrap_commands
from tracker.extensions import db
from tracker.units.models import Unit
from tracker.units.service import create_unit

TRACKER = Path(__file__).resolve().parents[2] / "tracker"


def unit_names() -> set[str]:
    """What another connection sees: only committed units."""
    with db.engine.connect() as connection:
        return set(connection.scalars(sa.select(Unit.name)))


def _add(name: str) -> None:
    create_unit(FACTORY_ACTOR, name=name, kind="bureau")


@pytest.fixture
def routes(app, monkeypatch):
    """Test-only views, each adding a unit and answering in its own way."""

    def redirected():
        _add("跳转局")
        return redirect("/")

    def shown_again():
        _add("重显局")
        return "the form again, with its errors", 422

    def failed():
        _add("异常局")
        raise RuntimeError("the view broke after writing")

    def forbidden():
        _add("拒绝局")
        abort(403)

    def refused_login():
        _add("登录失败记录")
        keep_refusal_record()
        return "wrong password", 422

    app.config["WTF_CSRF_ENABLED"] = False
    for view in (redirected, shown_again, failed, forbidden, refused_login):
        app.add_url_rule(f"/_test/{view.__name__}", view.__name__, view, methods=["GET"])
    # these views need no login
    monkeypatch.setattr(
        sessions,
        "PUBLIC_ENDPOINTS",
        sessions.PUBLIC_ENDPOINTS
        | {"redirected", "shown_again", "failed", "forbidden", "refused_login", "broken_commit"},
    )
    return app


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [
        ("redirected", 302, {"跳转局"}),
        ("shown_again", 422, set()),
        ("failed", 500, set()),
        ("forbidden", 403, set()),
        ("refused_login", 422, {"登录失败记录"}),
    ],
)
def test_a_request_commits_on_success_and_rolls_back_otherwise(routes, path, status, kept):
    client = routes.test_client()
    assert client.get(f"/_test/{path}").status_code == status
    assert unit_names() == kept


def test_a_commit_that_fails_is_an_error_page_not_a_lost_write(app, routes):
    """A constraint broken only at commit time still answers with an error page, and the
    response never claims success."""

    def broken_commit():
        _add("先写局")
        db.session.add(Unit(name="坏类型", kind="nonsense", path="/x/"))  # refused at commit
        return redirect("/")

    app.add_url_rule("/_test/broken_commit", "broken_commit", broken_commit)
    response = app.test_client().get("/_test/broken_commit")
    assert response.status_code == 500
    assert unit_names() == set()


class NameForm(FlaskForm):
    name = StringField()


def test_refusal_caught_undoes_the_service_and_puts_the_message_on_the_form(app):
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})

        def service():
            _add("半途局")
            raise DomainError("名称已被使用。", "name")

        with refusal_caught(form) as refusal:
            service()
        assert refusal
        assert not refusal.is_conflict
        assert form.name.errors == ["名称已被使用。"]
        assert db.session.scalar(sa.select(Unit).where(Unit.name == "半途局")) is None


def test_refusal_caught_tells_a_conflict_and_keeps_quiet_on_success(app):
    with refusal_caught() as refusal:
        raise ConflictError("changed by someone else")
    assert refusal.is_conflict and refusal.message == "changed by someone else"
    with refusal_caught() as refusal:
        _add("顺利局")
    assert not refusal and refusal.message == ""


def test_refusal_caught_lets_other_errors_through(app):
    with pytest.raises(ZeroDivisionError), refusal_caught():
        _ = 1 / 0


@pytest.fixture
def commands(app):
    group = AppGroup("boundary-test")

    @group.command("ok")
    def ok():
        _add("命令局")

    @group.command("exit-1")
    def exit_1():
        _add("失败命令局")
        raise SystemExit(1)

    @group.command("click-fail")
    def click_fail():
        _add("点击失败局")
        raise click.ClickException("no such plan")

    @group.command("ctx-exit-0")
    @click.pass_context
    def ctx_exit_0(ctx):
        _add("正常退出局")
        ctx.exit(0)

    wrap_commands(group)
    app.cli.add_command(group)
    return app.test_cli_runner()


@pytest.mark.parametrize(
    ("command", "exit_code", "kept"),
    [
        ("ok", 0, {"命令局"}),
        ("exit-1", 1, set()),
        ("click-fail", 1, set()),
        ("ctx-exit-0", 0, set()),
    ],
)
def test_a_command_commits_when_it_returns_only(commands, command, exit_code, kept):
    result = commands.invoke(args=["boundary-test", command])
    assert result.exit_code == exit_code, result.output
    assert unit_names() == kept


def test_a_job_commits_when_it_returns_and_rolls_back_when_it_raises(app):
    db.session.commit()
    assert run_job(app, lambda: _add("任务局") or "done") == "done"

    def broken():
        _add("坏任务局")
        raise RuntimeError("job failed")

    with pytest.raises(RuntimeError):
        run_job(app, broken)
    assert unit_names() == {"任务局"}


def _calls_in(path: Path, names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in names:
                found.append(f"{path.relative_to(TRACKER.parent)}:{node.lineno} {node.func.attr}")
    return found


def test_views_never_commit_or_roll_back():
    views = [p for p in TRACKER.rglob("*.py") if p.name == "views.py" or p.stem.endswith("_views")]
    assert len(views) >= 10
    offenders = [hit for path in views for hit in _calls_in(path, {"commit", "rollback"})]
    assert offenders == []


def test_an_unexpected_error_shows_an_incident_number_that_is_in_the_log(routes, caplog):
    response = routes.test_client().get("/_test/failed")
    assert response.status_code == 500
    incident = re.search(r"<code data-incident>([0-9a-f]{8})</code>", response.text)
    assert incident, response.text
    assert "Traceback" not in response.text and "RuntimeError" not in response.text
    logged = [r for r in caplog.records if r.levelname == "ERROR" and r.exc_info]
    assert any(incident.group(1) in r.getMessage() for r in logged)
