"""Who and where a write comes from, set by the web layer so services need not read `request`."""

from __future__ import annotations

from contextvars import ContextVar

#: Client address of the request being served, or None in commands and jobs.
client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
