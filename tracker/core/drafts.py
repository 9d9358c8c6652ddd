"""Typed text kept on the server instead of the cookie: refused forms and expired sessions.

A `FormDraft` holds a form's fields (at most a few dozen kilobytes) under a random id for a
short while. Two uses:

- a refused form whose page is drawn by a redirect (an evidence link or note) keeps its input
  here, and the session cookie only the draft's id — never the text itself;
- a POST that arrives after the login session ended keeps its fields here, tied to the
  account the expired session belonged to; the login URL carries the draft id, and once that
  same account has logged in again the form's page is shown with the fields filled in.

A draft is given back only to the account it was typed by, once, within `DRAFT_LIFETIME`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict

from tracker.core import clock
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

DRAFT_LIFETIME = timedelta(hours=1)
#: Longest value kept per field, and most fields kept per draft.
MAX_FIELD_CHARS = 20_000
MAX_FIELDS = 50
#: Fields never kept: the CSRF token is per session, passwords are never stored.
NOT_KEPT = frozenset({"csrf_token", "password", "current_password", "confirm"})


class FormDraft(db.Model):
    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random id the browser holds (in its session cookie or the login URL).
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    #: Who typed it: only this account gets it back.
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: A short tag of the form (e.g. "expired", "evidence.link") and the page it belongs to.
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    page: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    #: The fields as a list of [name, value] pairs.
    fields: Mapped[list] = mapped_column(sa.JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)


def keep(user_id: int, kind: str, page: str, pairs) -> str:
    """Store `pairs` (name, value) for `user_id`; return the draft's random key."""
    now = clock.now()
    db.session.execute(sa.delete(FormDraft).where(FormDraft.expires_at <= now))
    fields = [
        [str(name)[:100], str(value or "")[:MAX_FIELD_CHARS]]
        for name, value in list(pairs)[:MAX_FIELDS]
        if name not in NOT_KEPT
    ]
    key = secrets.token_urlsafe(24)
    db.session.add(
        FormDraft(
            key=key,
            user_id=user_id,
            kind=kind,
            page=page[:500],
            fields=fields,
            created_at=now,
            expires_at=now + DRAFT_LIFETIME,
        )
    )
    db.session.flush()
    return key


def find(key: str | None, user_id: int | None) -> FormDraft | None:
    """The live draft `key` of `user_id`, or None (unknown, expired or someone else's)."""
    if not key or user_id is None or len(key) > 64:
        return None
    draft = db.session.scalar(sa.select(FormDraft).where(FormDraft.key == key))
    if draft is None or draft.user_id != user_id or draft.expires_at <= clock.now():
        return None
    return draft


def take(key: str | None, user_id: int | None) -> FormDraft | None:
    """Like `find`, and the draft is deleted: it is given back once."""
    draft = find(key, user_id)
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()
    return draft


def values(draft: FormDraft | None) -> dict[str, str]:
    return {name: value for name, value in draft.fields} if draft else {}


# -- filling the forms of the page a draft is restored on ---------------------------------------


def restore_on_this_page(draft: FormDraft) -> None:
    """Forms built during this request whose fields cover the draft's are filled from it."""
    g.restored_draft = MultiDict([(name, value) for name, value in draft.fields])


def _restored_formdata(form: FlaskForm):
    if not has_request_context() or request.method != "GET":
        return None
    data = g.get("restored_draft")
    if not data:
        return None
    names = {name for name in data if name not in NOT_KEPT}
    own = {field.name for field in form}
    if not names or not names <= own:
        return None
    return data


_original_wrap_formdata = FlaskForm.Meta.wrap_formdata


def _wrap_formdata(self, form, formdata):
    wrapped = _original_wrap_formdata(self, form, formdata)
    if wrapped is None and formdata is not None:  # _Auto: the form reads the request
        return _restored_formdata(form)
    return wrapped


def install() -> None:
    """Let forms read a restored draft as if it had been posted (on GET only)."""
    FlaskForm.Meta.wrap_formdata = _wrap_formdata
