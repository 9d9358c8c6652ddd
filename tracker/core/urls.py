"""Links to the app's pages, built from the URL map: `url_for` inside a request, the same rules
bound to TRACKER_BASE_URL outside one (jobs, commands, e-mails, calendar feeds).

Flask builds URLs outside a request only when SERVER_NAME is set, and SERVER_NAME would also
become the host of every absolute URL built inside a request. So it stays unset (the app answers
on any host name), and these helpers bind the URL map to TRACKER_BASE_URL themselves. They push
no request context, so no request hook runs and the caller's transaction is left alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, url_for
from werkzeug.routing import MapAdapter


def _base_adapter() -> MapAdapter:
    """The URL map bound to TRACKER_BASE_URL, once per application context (a sweep builds
    42,000 links in one) and base URL."""
    base_url = current_app.config["BASE_URL"]
    kept = g.get("_base_adapter")
    if kept is not None and kept[0] == base_url:
        return kept[1]
    base = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    g._base_adapter = (base_url, adapter)
    return adapter


def link_to(endpoint: str, **values) -> str:
    """The page's path, e.g. "/tasks/5" (with the deployment's path prefix, if any): for links
    inside the app and links stored with a row (a notice's)."""
    if has_request_context():
        return url_for(endpoint, **values)
    current_app.inject_url_defaults(endpoint, values)
    return _base_adapter().build(endpoint, values)


def external_url(endpoint: str, **values) -> str:
    """The page's absolute address at TRACKER_BASE_URL, for e-mails and calendar feeds: the same
    whichever host name the current request (if any) came in by."""
    current_app.inject_url_defaults(endpoint, values)
    return _base_adapter().build(endpoint, values, force_external=True)


def site_origin() -> str:
    """Scheme and host of TRACKER_BASE_URL ("https://duban.example.org"): put before a path from
    `link_to`, which already holds any path prefix."""
    base = urlsplit(current_app.config["BASE_URL"])
    return f"{base.scheme or 'http'}://{base.netloc}"
