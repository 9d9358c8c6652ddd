"""One commit boundary per request, per command and per job (as Indico's `RH.process`).

A view, a service or a command body never commits: services add and flush, and the boundary
commits once the work is done — or rolls everything back when it is not:

- a web request commits when its view returned a response below 400 and rolls back otherwise
  (a form shown again with its errors is 422, a conflict 409: nothing of the attempt is kept);
  an exception goes through the error handlers, which roll back;
- a command commits when its callback returns and rolls back when it raises or exits;
- a scheduled job commits when it returns and rolls back when it raises.

Three writes have their own transaction on purpose, each commented where it happens: the
record of a refused access (it must survive the rollback of the request it refuses), the
delivery of each e-mail of the outbox (one sent e-mail must stay sent when the next one fails),
and the login session's bookkeeping (idle time, ending a session) before the view runs. A
refused login answers 422 but keeps its record through `keep_refusal_record()`.

A batch action (tracker/core/batch.py) stays inside this one transaction: each item runs in a
savepoint, so a refused item rolls back only itself and the batch answers with a redirect that
commits the items that went through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, g, has_app_context

from tracker.extensions import db


class App(Flask):
    """Flask with the request's commit boundary right after the view.

    The boundary sits here rather than in a teardown callback because a failed commit (a
    constraint, a concurrent change) must still become an error page: by teardown the response
    has been sent."""

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        if response.status_code < 400 or g.pop("keep_refusal_record", False):
            db.session.commit()
        else:
            db.session.rollback()
        return response


def keep_refusal_record() -> None:
    """Commit this request's writes although it answers with an error: they are the record of
    the refusal itself (a failed login's count and audit row), not a half-done change."""
    g.keep_refusal_record = True


def command_boundary(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command's callback: commit when it returns, roll back when it raises or exits
    (`sys.exit`, `ctx.exit`, a ClickException): a command that succeeds returns."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            result = callback(*args, **kwargs)
        except BaseException:
            if has_app_context():  # ctx.exit() has already closed it, and the session with it
                db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


def wrap_commands(group: click.Group) -> None:
    """Give every command of `group` (and of its subgroups) the command boundary."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            wrap_commands(command)
        elif command.callback is not None and not getattr(command, "_has_boundary", False):
            command.callback = command_boundary(command.callback)
            command._has_boundary = True


def run_job(app: Flask, work: Callable[[], Any]) -> Any:
    """A scheduled job's boundary: an app context, one commit when `work` returns, a rollback
    when it raises, and a clean session afterwards."""
    with app.app_context():
        try:
            result = work()
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
