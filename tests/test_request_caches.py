"""What the task page keeps for the rest of a request is read again once something changed."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import task_in_status
from tracker.evidence import queries as evidence_queries
from tracker.evidence import service as evidence
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.reminders import policy


def test_a_targets_evidence_is_read_once_per_request_until_the_session_writes(app, org):
    task = task_in_status(org, "in_progress")
    first = evidence.add_note(org.users.chief, task, text="第一份")
    db.session.commit()
    with app.test_request_context():
        statements: list[str] = []

        def count(*args) -> None:
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            every = evidence_queries.evidence_for(task, include_hidden=True)
            read = len(statements)
            assert evidence_queries.evidence_for(task) == every == [first]
            assert len(statements) == read  # kept: no second reading
            second = evidence.add_note(org.users.chief, task, text="第二份")  # flushes
            assert evidence_queries.evidence_for(task) == [second, first]
            evidence.withdraw(org.users.chief, first, "重复")
            assert evidence_queries.evidence_for(task) == [second]
            assert evidence_queries.evidence_for(task, include_hidden=True) == [second, first]
            # a bulk statement through the session is a write too
            db.session.execute(sa.update(Evidence).values(withdrawn_at=None))
            assert len(evidence_queries.evidence_for(task)) == 2
            db.session.rollback()
            assert evidence_queries.evidence_for(task) == [first]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)


def test_a_bureaus_reminder_rules_are_read_once_per_request_until_saved(app, org):
    with app.test_request_context():
        before = policy.rules_of(org.bureau)
        assert policy.rules_of(org.bureau) is before
        data = policy.PolicyData(
            due_soon_days="7,3,1",
            overdue_repeat_days=3,
            escalate_supervisor_days=before.escalate_supervisor_days + 2,
            escalate_principal_days=before.escalate_principal_days + 4,
            certificate_expiry_days="30",
            rectification_due_days=5,
            is_email_enabled=True,
        )
        policy.save_policy(org.users.admin, org.bureau, data)
        after = policy.rules_of(org.bureau)
        assert after.escalate_supervisor_days == before.escalate_supervisor_days + 2
        assert after.due_soon_steps == (7, 3, 1)


def test_wtforms_messages_follow_the_locale_and_are_read_once_per_process(app, monkeypatch):
    from babel import support
    from flask import request
    from flask_babel import force_locale

    from tracker.core import i18n

    loads = []
    original = support.Translations.load

    def load(*args, **kwargs):
        loads.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", load)
    monkeypatch.setattr(i18n, "_WTFORMS_CATALOGS", {})
    for _ in range(3):
        with app.test_request_context():
            app.preprocess_request()
            assert request.wtforms_translations is i18n.WTFORMS_MESSAGES
            with force_locale("zh_Hans_CN"):
                assert (
                    i18n.WTFORMS_MESSAGES.ugettext("This field is required.")
                    == "该字段是必填字段。"
                )
            with force_locale("en"):
                assert i18n.WTFORMS_MESSAGES.ugettext("This field is required.") == (
                    "This field is required."
                )
    assert len(loads) == 2  # once per locale, not per request


def test_label_tables_are_translated_once_per_language(app):
    """plain_labels keeps a table's texts per language: a page in English after one in Chinese
    gets English texts, and a table built anew (same id reused) is not mistaken for the old."""
    from flask_babel import force_locale, lazy_gettext

    from tracker.core.i18n import plain_labels
    from tracker.tasks.labels import STATUS_LABELS

    with app.test_request_context():
        with force_locale("zh_Hans_CN"):
            chinese = plain_labels(STATUS_LABELS)
            assert chinese["done"] == "已办结"
            assert plain_labels(STATUS_LABELS) is chinese  # kept
        with force_locale("en"):
            assert plain_labels(STATUS_LABELS)["done"] == "Done"
        for text in ("Task", "Owner"):
            table = {"x": lazy_gettext(text)}
            with force_locale("en"):
                assert plain_labels(table) == {"x": text}
            del table


def test_kept_ids_of_a_task_deleted_meanwhile_are_left_out(app, org):
    """Lists keep the ids of a page between changes and load the tasks afterwards: a task
    deleted in between (another transaction) is left out of the page, not an error."""
    from tracker.tasks.models import Task
    from tracker.tasks.queries import tasks_in_order

    first = task_in_status(org, "in_progress")
    second = task_in_status(org, "in_progress")
    db.session.commit()
    ids = (second.id, 999_999, first.id)
    assert [t.id for t in tasks_in_order(ids)] == [second.id, first.id]
    assert isinstance(db.session.get(Task, first.id), Task)
