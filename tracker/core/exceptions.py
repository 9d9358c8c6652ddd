"""Errors that services raise for users to read; views turn them into form or flash messages."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.core import clock
from tracker.extensions import db


class DomainError(Exception):
    """A rule of the domain refused the change; `message` is translated and shown as is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: The form field the message belongs to, if any.
        self.field = field


class ConflictError(DomainError):
    """The object changed since the user loaded it (HTTP 409)."""


#: What a form sends when its hidden version field is empty or missing: it cannot prove that
#: it shows the current state, so saving it is a conflict, never a silent overwrite.
VERSION_MISSING = -1


def stale_edit(obj, expected_version: int | None, message: str) -> None:
    """Raise ConflictError when `obj` (with version, updated_by, updated_at) changed after the
    user loaded version `expected_version`; `message` names who and when as %(who)s/%(when)s.

    The row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite's writer already holds
    the database), so of several people saving the same version at the same moment exactly one
    goes through and the others are told who was first. `expected_version=None` (commands,
    the service's own callers) skips the comparison but still takes the lock."""
    if obj in db.session and not db.session.is_modified(obj):
        db.session.refresh(obj, with_for_update=True)
    if expected_version is None or expected_version == obj.version:
        return
    if expected_version == VERSION_MISSING:
        raise ConflictError(
            _(
                "The form did not say which version it was opened from, so saving it could "
                "overwrite someone else's change. Your input is shown below: check it against "
                "the current state, then save again."
            )
        )

    who = obj.updated_by.display_name if obj.updated_by else _("someone else")
    when = clock.to_local(obj.updated_at).strftime("%Y-%m-%d %H:%M")
    raise ConflictError(message % {"who": who, "when": when})
