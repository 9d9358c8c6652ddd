"""Refuse hostile bytes at the door: control characters and out-of-range numbers never reach a
view, a query or a document writer.

- A NUL or another control character (tab, line feed and carriage return excepted) in the path,
  a query parameter or a form field is answered 400 with a readable message. PostgreSQL refuses
  NUL in text, and DOCX/XLSX writers refuse most control characters, so such input could only
  ever end as an error page later, or as a report nobody can download.
- Numbers in paths are bounded to the database's integer range: `/tasks/9223372036854775808`
  is a 404 like any other missing task, never an overflow.
- A query parameter made only of digits (of any script) beyond that range, or of digits
  Python cannot read as a number (`²`), (`?page=99999999999999999999`,
  `?bureau=…`) is a 400: every such parameter of ours is an id, a year or a page.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from tracker.core.db import MAX_ID
from tracker.core.errors import render_error

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` limited to 0 … MAX_ID, so a larger number simply matches no page (404)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(
            url_map,
            fixed_digits=fixed_digits,
            min=0 if min is None else min,
            max=MAX_ID if max is None else max,
            signed=signed,
        )


def refusal_of(path: str, args, form) -> str | None:
    """Why the request's input is refused, or None when it may go on."""
    if CONTROL_CHARACTERS.search(path):
        return str(_l("The address contains characters that are not allowed."))
    for key, value in args.items(multi=True):
        if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
            return str(_l("The address contains control characters (such as NUL); remove them."))
        if value.isdigit() and (not value.isdecimal() or int(value) > MAX_ID):
            return str(_l("A number in the address is too large or not a number."))
    for key, value in form.items(multi=True):
        if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
            return str(
                _l(
                    "The form contains control characters (such as NUL), which cannot be "
                    "saved. Remove them — they often come with text pasted from another "
                    "program — and send the form again."
                )
            )
    return None


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter

    @app.before_request
    def _refuse_hostile_input():
        # request.form only parses form bodies (uploads stream to temporary files, not memory)
        reason = refusal_of(request.path, request.args, request.form)
        if reason is not None:
            return render_error(400, reason)
        return None
