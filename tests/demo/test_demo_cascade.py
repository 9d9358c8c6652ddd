"""The demo's city plan cascaded to 忻州市民政局 (`tracker demo load` at 2026-11-20): items
decomposed into the bureau plan's own tasks, one waiting, and another bureau's 申请不承担."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.factories import standalone_app
from tracker.accounts.models import User
from tracker.cascade import queries
from tracker.core import clock
from tracker.extensions import db
from tracker.units.models import Unit

LOADED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_the_city_plan_cascades_to_the_demo_bureau(tmp_path):
    with standalone_app(tmp_path) as app:
        runner = app.test_cli_runner()
        with clock.frozen_at(LOADED_AT):
            result = runner.invoke(args=["demo", "load"])
            assert result.exit_code == 0, (result.output, result.exception)
            assert "3 plans" in result.output and "4 city plan items" in result.output
            bureau = db.session.scalar(sa.select(Unit).where(Unit.name == "忻州市民政局"))
            other = db.session.scalar(sa.select(Unit).where(Unit.name == "忻州市交通运输局"))
            entries = queries.inbox(bureau)
            assert [e.state for e in entries] == ["decomposed"] * 3 + ["pending"]
            assert [len(e.tasks) for e in entries] == [2, 2, 1, 0]
            assert [e.state for e in queries.inbox(other)] == ["declining"]
            rollup = queries.rollup(entries[0].item)
            assert rollup.status == "in_progress" and rollup.progress is not None
            # the items' own progress and status follow the bureau's tasks (cascade.follow)
            for entry in entries:
                roll = queries.rollup(entry.item)
                expected = "assigned" if entry.state == "pending" else "in_progress"
                if roll.status == "done":
                    expected = "submitted"
                assert (entry.item.status, entry.item.progress) == (
                    expected,
                    100 if roll.status == "done" else roll.progress or 0,
                ), entry.item.title

            client = app.test_client()
            page = client.get("/login")
            from tests.conftest import csrf_from

            client.post(
                "/login",
                data={
                    "username": "office",
                    "password": "duban-demo",
                    "csrf_token": csrf_from(page.text),
                },
            )
            inbox = client.get("/cascade/inbox")
            assert inbox.status_code == 200 and 'data-cascade-count="1"' in inbox.text
            client = app.test_client()
            page = client.get("/login")
            client.post(
                "/login",
                data={
                    "username": "city-office",
                    "password": "duban-demo",
                    "csrf_token": csrf_from(page.text),
                },
            )
            board = client.get("/dashboard").text
            assert f'data-cascade-unit="{bureau.id}"' in board
            assert f'data-cascade-unit="{other.id}"' in board
            again = runner.invoke(args=["demo", "load"])
            assert again.exit_code == 0 and "city plan items" not in again.output
        assert db.session.scalar(sa.select(User).where(User.username == "city-office"))
