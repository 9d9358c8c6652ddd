"""Garbage collection during batch jobs that build tens of thousands of objects.

CPython collects its youngest generation every 700 new container objects and, as the survivors
pile up, the whole heap — the application's modules, the ORM's mappers — again and again. A
reminder sweep over 100,000 tasks keeps its notices until it writes them: a third of a rerun
went to collections that found nothing to free (1.45 s → 0.6 s without them); the annual report
of such a plan reads 100,000 tasks (2.2 → 1.5 s). Reference counting
still frees every object the job drops; only cycles wait for the next, rarer collection.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask, Response

#: New container objects between collections of the youngest generation while a job runs
#: (CPython's default is 700).
BULK_THRESHOLD = 50_000


@contextmanager
def bulk_allocations() -> Iterator[None]:
    """Collect garbage less often inside the block or the decorated function (the setting is
    the process's: a request served meanwhile by another thread collects less often too)."""
    previous = gc.get_threshold()
    gc.set_threshold(max(BULK_THRESHOLD, previous[0]), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def freeze_startup_objects() -> None:
    """Move every object alive now — modules, mappers, compiled templates, the application —
    out of the collector's reach for the life of the process.

    A server's worker holds some 150,000 such objects, and a full collection walks them all:
    at 100,000 tasks a list request that triggered one took 47 ms more (8 in 1,500 requests),
    which at eight connections was the list's 99th percentile. Frozen, a full collection takes
    about 3 ms. Call it once, from the server's entry point after the application is built — not
    from the factory, which the tests call hundreds of times in one process: what is frozen is
    never freed.
    """
    gc.collect()
    gc.freeze()


def _malloc_trim() -> Callable[[], object] | None:
    """glibc's malloc_trim(0), which gives the heap's free pages back to the system; None
    where the C library has none (musl, macOS)."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    return partial(trim, 0)


def return_freed_memory(app: Flask, trim: Callable[[], object] | None = None) -> None:
    """After each response has been sent, give the pages its request freed back to the system.

    glibc keeps what a request freed inside its heap, between blocks still in use, for later
    allocations: a worker stays at the size of the largest request it has served (a page of a
    100,000-task plan, a report) until it is restarted, and even list pages leave about 3 MB
    resident in each worker (`scripts/bench/rss.py`: 203 → 198 MB for gunicorn's master and two
    workers at 100,000 tasks). The trim takes 0.1-0.3 ms, after the response's last byte. Called
    by the server's entry points (`wsgi.py`, `tracker serve`), like freeze_startup_objects.
    """
    trim = trim or _malloc_trim()
    if trim is None:
        return

    @app.after_request
    def _after_sending(response: Response) -> Response:
        response.call_on_close(trim)
        return response
