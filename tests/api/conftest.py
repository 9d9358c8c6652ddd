"""Helpers for the API tests: a token for a user, and requests that carry it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tracker.api import service
from tracker.extensions import db


def token_for(user, scope: str = "write", **kw) -> str:
    _token, secret = service.create_token(None, user, scope=scope, **kw)
    db.session.commit()
    return secret


@dataclass
class Api:
    client: object
    token: str | None = None
    language: str = "en"

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Accept-Language": self.language}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kw):
        return self.client.get(
            f"/api/v1{path}", headers=self.headers(kw.pop("headers", None)), **kw
        )

    def send(self, method: str, path: str, json=None, *, etag: str | None = None, **kw):
        extra = kw.pop("headers", None) or {}
        if etag is not None:
            extra["If-Match"] = etag
        return self.client.open(
            f"/api/v1{path}", method=method, json=json, headers=self.headers(extra), **kw
        )

    def post(self, path: str, json=None, **kw):
        return self.send("POST", path, json, **kw)

    def patch(self, path: str, json=None, **kw):
        return self.send("PATCH", path, json, **kw)


@pytest.fixture
def api(client):
    """`api.as_(user, scope)` gives requests with a fresh token of that user."""

    class Factory:
        def as_(self, user, scope: str = "write", language: str = "en") -> Api:
            return Api(client, token_for(user, scope), language)

    return Factory()
