"""A web worker gives back to the system what a request freed (tracker.core.memory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.core.memory import _malloc_trim, return_freed_memory


def _resident_anonymous_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"RssAnon:\s+(\d+) kB", status).group(1)) / 1024


def test_the_heap_is_trimmed_once_after_each_response_has_been_sent(app):
    trims: list[str] = []
    return_freed_memory(app, trim=lambda: trims.append("trim"))
    client = app.test_client()

    response = client.get("/login")
    assert trims == []  # not while the response may still be being written
    assert "csrf_token" in response.get_data(as_text=True)
    response.close()
    assert trims == ["trim"]
    client.get("/healthz").close()
    assert trims == ["trim", "trim"]


@pytest.mark.skipif(_malloc_trim() is None, reason="the C library has no malloc_trim")
def test_pages_freed_between_blocks_still_in_use_leave_the_process():
    # 60 MB of 4 KB blocks (above Python's small-object allocator, below glibc's mmap threshold),
    # of which one in ten stays alive: the heap cannot shrink from its top, only give back the
    # pages between the survivors
    blocks = [bytes(4000) + bytes([n % 256]) for n in range(15_000)]
    kept = blocks[::10]
    before = _resident_anonymous_mb()
    del blocks
    freed = _resident_anonymous_mb()
    _malloc_trim()()
    after = _resident_anonymous_mb()
    assert len(kept) == 1500
    assert before - freed < 20  # freeing alone leaves the pages with the process
    assert freed - after > 30
