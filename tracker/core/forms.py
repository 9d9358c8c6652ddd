"""Forms shared by every feature."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice


class EmptyForm(FlaskForm):
    """A form with no fields: POST-only buttons go through it so CSRF covers them."""


def show_domain_error(form: FlaskForm, error) -> None:
    """Attach a service's DomainError to its field, or to the form as a whole."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 wants SelectChoice objects)."""
    return [SelectChoice(value, label) for value, label in pairs]


def run_service(form: FlaskForm, work):
    """Call a service for a submitted form: commit and return its result, or — when the
    service refuses (DomainError) — roll back, attach the message to the form and return None."""
    from tracker.core.exceptions import DomainError
    from tracker.extensions import db

    try:
        result = work()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None
    db.session.commit()
    return True if result is None else result


def form_status(*forms: FlaskForm, ok: int = 200) -> int:
    """422 when any form carries errors (the page redisplays with them), else `ok`."""
    return 422 if any(f.errors or f.form_errors for f in forms) else ok


def form_version(form: FlaskForm) -> int | None:
    """The object version a form was loaded with (its hidden `version` field), if any."""
    value = form.version.data
    return int(value) if value and str(value).isdigit() else None
