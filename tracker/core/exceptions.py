"""Errors that services raise for users to read; views turn them into form or flash messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the change; `message` is translated and shown as is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: The form field the message belongs to, if any.
        self.field = field


class ConflictError(DomainError):
    """The object changed since the user loaded it (HTTP 409)."""


def stale_edit(obj, expected_version: int | None, message: str) -> None:
    """Raise ConflictError when `obj` (with version, updated_by, updated_at) changed after the
    user loaded version `expected_version`; `message` names who and when as %(who)s/%(when)s."""
    if expected_version is None or expected_version == obj.version:
        return
    from flask_babel import gettext as _

    from tracker.core import clock

    who = obj.updated_by.display_name if obj.updated_by else _("someone else")
    when = clock.to_local(obj.updated_at).strftime("%Y-%m-%d %H:%M")
    raise ConflictError(message % {"who": who, "when": when})
