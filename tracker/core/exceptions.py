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
