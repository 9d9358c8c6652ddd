"""Choose each request's language and time zone."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def join_names(values: Iterable) -> str:
    """Names in a row as the page's language writes them: 社会救助科、办公室 in Chinese, commas
    in English."""
    separator = "、" if str(get_locale() or "").startswith("zh") else ", "
    return separator.join(str(value) for value in values)


def available_locales() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """API requests: Accept-Language. Pages: the user's own choice, else the anonymous
    visitor's choice, else the deployment default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    locales = available_locales()
    if request.path.startswith("/api/"):
        # API clients say which language they read in each request (problem+json messages)
        return _accepted(locales) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in locales:
            return current_user.locale
    chosen = session.get("locale")
    if chosen in locales:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _accepted(locales) -> str | None:
    """The first of Accept-Language's languages we have: zh, zh-CN, zh-Hans… → zh_Hans_CN."""
    by_language = {code.split("_")[0].lower(): code for code in locales}
    for value, _quality in request.accept_languages:
        tag = value.replace("_", "-").lower()
        if tag == "*":
            return None
        if tag.startswith("zh-") and tag not in ("zh-cn", "zh-hans", "zh-hans-cn", "zh-sg"):
            continue  # traditional Chinese (zh-TW, zh-HK, zh-Hant): no catalog of its own
        code = by_language.get(tag.split("-")[0])
        if code is not None:
            return code
    return None


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
