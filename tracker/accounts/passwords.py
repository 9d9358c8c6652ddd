"""Password policy and hashing (werkzeug's scrypt)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import current_app, has_app_context
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 128
#: Checked against when the username is unknown, so both paths cost one hash verification
#: (werkzeug's default scrypt of a throwaway password, written out: hashing it at import would
#: cost each web worker a scrypt run and its memory at start).
_DUMMY_HASH = (
    "scrypt:32768:8:1$d2AyboY3OyiLnjVq$eac6c607801b4ccc57f80638856c3f5b0279991213b509561ed4a0"
    "c471f69ed9ec29ab66458bd599d6b2f60ded88f55ebb448c9ec656cf8442d1d80fe9085c4a"
)


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("tracker.accounts").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, username: str | None = None) -> str | None:
    """Return why `password` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return _("The password must be at least %(n)d characters long.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password must be at most %(n)d characters long.", n=MAX_LENGTH)
    if password.lower() in common_passwords():
        return _("This password is among the most common passwords; choose another one.")
    if username and password.lower() == username.lower():
        return _("The password must not be the same as the username.")
    return None


def hash_password(password: str) -> str:
    """Hash with scrypt (werkzeug's default); tests may choose a cheaper method in settings."""
    method = "scrypt"
    if has_app_context():
        method = current_app.config.get("PASSWORD_HASH_METHOD", method)
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check `password`; with no hash (unknown user) spend the same time and return False."""
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
