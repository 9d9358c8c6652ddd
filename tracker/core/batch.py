"""Batch actions: each selected item is done or refused on its own, in one request.

The request's boundary (tracker/core/transactions.py) commits once at the end; each item runs in
a savepoint of that transaction, so a refused item rolls back only its own writes and the ones
that went through are committed with the request. A batch answers with a redirect (below 400)
even when every item was refused: the page then lists what succeeded and what failed, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from flask import flash, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from tracker.core.db import is_concurrency_failure
from tracker.core.exceptions import ConflictError, DomainError
from tracker.core.forms import as_id
from tracker.extensions import db

Item = TypeVar("Item")

#: The most items one batch acts on (a page of a list is at most a few dozen rows).
MAX_BATCH_ITEMS = 200


@dataclass
class ItemResult:
    """What happened to one item of a batch."""

    label: str
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""


def changed_meanwhile() -> ConflictError:
    """The refusal of an item changed by someone else after the list was opened."""
    return ConflictError(
        _("it was changed after you opened the list; reload the page and try again")
    )


def each_on_its_own(
    items: Iterable[Item],
    work: Callable[[Item], object],
    *,
    label: Callable[[Item], str],
    refused: Callable[[Item, DomainError], None] | None = None,
) -> list[ItemResult]:
    """Run `work(item)` for every item in its own savepoint; a DomainError (or a concurrent
    save of the same row) rolls back that item only. `refused(item, error)` then runs outside
    the savepoint, to record the refusal as the single action would."""
    results = []
    for item in items:
        name = label(item)
        savepoint = db.session.begin_nested()
        try:
            work(item)
            savepoint.commit()
        except DomainError as error:
            savepoint.rollback()
            results.append(ItemResult(name, error))
        except (StaleDataError, OperationalError) as error:
            if isinstance(error, OperationalError) and not is_concurrency_failure(error):
                raise
            savepoint.rollback()
            results.append(ItemResult(name, changed_meanwhile()))
        else:
            results.append(ItemResult(name))
            continue
        if refused is not None:
            refused(item, results[-1].error)
    return results


def selected_ids(name: str) -> list[int]:
    """The ids ticked in the form's checkboxes called `name`, in order, without repeats."""
    ids: list[int] = []
    for value in request.form.getlist(name):
        ident = as_id(value)
        if ident is not None and ident not in ids:
            ids.append(ident)
    return ids[:MAX_BATCH_ITEMS]


def flash_results(
    results: list[ItemResult],
    done: Callable[[int, str], str],
    failed: Callable[[str, str], str],
) -> None:
    """One message listing what went through (`done(n, items)`), one line per item that did
    not, with why (`failed(item, reason)`)."""
    succeeded = [r.label for r in results if r.ok]
    if succeeded:
        flash(done(len(succeeded), "；".join(succeeded)), "success")
    for result in results:
        if not result.ok:
            flash(failed(result.label, result.message), "danger")
