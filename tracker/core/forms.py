"""Forms shared by every feature."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from tracker.core.exceptions import ConflictError, DomainError
from tracker.extensions import db


class EmptyForm(FlaskForm):
    """A form with no fields: POST-only buttons go through it so CSRF covers them."""


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 wants SelectChoice objects)."""
    return [SelectChoice(value, label) for value, label in pairs]


def form_status(*forms: FlaskForm, ok: int = 200) -> int:
    """422 when any form carries errors (the page redisplays with them), else `ok`."""
    return 422 if any(f.errors or f.form_errors for f in forms) else ok


def form_version(form: FlaskForm) -> int | None:
    """The object version a form was loaded with (its hidden `version` field), if any."""
    value = form.version.data
    return int(value) if value and str(value).isdigit() else None


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
        if form is not None:
            show_domain_error(form, error)


def show_domain_error(form, error: DomainError) -> None:
    """Attach a service's DomainError to its field, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
