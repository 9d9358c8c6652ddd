"""Choose each request's language and time zone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from babel import support
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from wtforms.i18n import messages_path


def join_names(values: Iterable) -> str:
    """Names in a row as the page's language writes them: 社会救助科、办公室 in Chinese, commas
    in English."""
    separator = "、" if str(get_locale() or "").startswith("zh") else ", "
    return separator.join(str(value) for value in values)


#: (labels, language) -> (the labels, their texts): module-level tables of lazy strings only
_PLAIN: dict[tuple[int, str], tuple[Mapping, dict]] = {}


def plain_labels(labels: Mapping) -> dict:
    """A module-level table of lazily translated labels (STATUS_LABELS, LIGHT_LABELS, …) as
    plain strings in the request's language, translated once per process and language: a list
    of 100 rows translated each of its labels again in every row (300 look-ups a page)."""
    language = str(get_locale() or "")
    entry = _PLAIN.get((id(labels), language))
    if entry is None or entry[0] is not labels:
        entry = _PLAIN[(id(labels), language)] = (labels, {k: str(v) for k, v in labels.items()})
    return entry[1]


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


#: WTForms' own messages ("This field is required.") per locale, read once per process: the
#: catalog ships with WTForms and never changes while the process runs.
_WTFORMS_CATALOGS: dict[str, support.Translations] = {}


class WTFormsMessages:
    """What Flask-WTF finds in `request.wtforms_translations`: WTForms' catalog for the locale
    in force when a message is asked for. Without it Flask-WTF reads the catalog from disk
    again in every request that builds a form (about a millisecond of each task page)."""

    @staticmethod
    def _catalog() -> support.Translations:
        locale = get_locale()
        key = str(locale)
        catalog = _WTFORMS_CATALOGS.get(key)
        if catalog is None:
            catalog = support.Translations.load(messages_path(), [locale], domain="wtforms")
            _WTFORMS_CATALOGS[key] = catalog
        return catalog

    def ugettext(self, string: str) -> str:
        return self._catalog().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


def init_app(app: Flask) -> None:
    @app.before_request
    def _wtforms_messages() -> None:
        request.wtforms_translations = WTFORMS_MESSAGES


def current_translations():
    """The catalog of the current locale, found once per locale and context: Flask-Babel's own
    callables look it up again for each of a page's two hundred strings. Kept beside
    Flask-Babel's state (g._flask_babel), under the locale object, so force_locale (e-mails in
    the recipient's language) is followed."""
    state = g.get("_flask_babel") if g else None
    if state is not None:
        kept = getattr(state, "duban_translations", None)
        locale = getattr(state, "babel_locale", None)
        if kept is not None and locale is not None and kept[0] is locale:
            return kept[1]
    translations = get_translations()
    state = g.get("_flask_babel") if g else None
    if state is not None:
        state.duban_translations = (getattr(state, "babel_locale", None), translations)
    return translations


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext with the catalog found as `current_translations` does: for code
    that translates thousands of strings at once (a reminder sweep's notices)."""
    text = current_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext (`num` available to the string), as `gettext` above."""
    variables.setdefault("num", num)
    return current_translations().ungettext(singular, plural, num) % variables
