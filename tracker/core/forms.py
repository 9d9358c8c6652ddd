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
