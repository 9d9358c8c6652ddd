"""Forms shared by every feature."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from tracker.core.db import MAX_ID, is_concurrency_failure
from tracker.core.exceptions import VERSION_MISSING, ConflictError, DomainError
from tracker.extensions import db


class EmptyForm(FlaskForm):
    """A form with no fields: POST-only buttons go through it so CSRF covers them."""


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 wants SelectChoice objects)."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_status(*forms: FlaskForm, ok: int = 200) -> int:
    """422 when any form carries errors (the page redisplays with them), else `ok`."""
    return 422 if any(f.errors or f.form_errors for f in forms) else ok


def as_id(value) -> int | None:
    """An id (or version) sent in a form or an address: ASCII digits within the database's
    range, else None (so a hostile value names nothing instead of overflowing a query)."""
    text = str(value).strip() if value is not None else ""
    if not text or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def form_version(form: FlaskForm) -> int:
    """The object version a form was loaded with (its hidden `version` field); VERSION_MISSING
    when the field is empty or not a number, which the service refuses as a conflict."""
    version = as_id(form.version.data)
    return VERSION_MISSING if version is None else version


@dataclass
class Refusal:
    """What `refusal_caught` saw: false when the service went through."""

    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""

    @property
    def is_conflict(self) -> bool:
        return isinstance(self.error, ConflictError)


@contextmanager
def refusal_caught(form=None) -> Iterator[Refusal]:
    """Run a service call; when it refuses (DomainError), undo its work and say why.

    The message is attached to `form` (its field, or the form as a whole) when one is given;
    the view reads the yielded `Refusal` to choose its answer:

        with refusal_caught(form) as refusal:
            service.update_task(current_user, task, data)
        if not refusal:
            return redirect(...)
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        # The session may hold half of the refused change; later reads must not see it.
        db.session.rollback()
        refusal.error = error
    except (StaleDataError, OperationalError) as error:
        # Two saves of the same row at the same moment that the row lock did not order (or
        # PostgreSQL broke a deadlock): the same conflict as a stale form, never a 500.
        if isinstance(error, OperationalError) and not is_concurrency_failure(error):
            raise
        db.session.rollback()
        refusal.error = ConflictError(
            _(
                "Someone else saved this at the same moment. Your input is shown below: "
                "check it against the current state, then save again."
            )
        )
    if refusal and form is not None:
        show_domain_error(form, refusal.error)


def show_domain_error(form, error: DomainError) -> None:
    """Attach a service's DomainError to its field, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
