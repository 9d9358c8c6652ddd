"""A module-scoped app and organisation for the large service-level matrices.

The workflow matrix has hundreds of cases; building the app, the schema and the organisation for
each would cost most of the suite's time budget. Services only flush, never commit, so each test
works inside one transaction that is rolled back afterwards, and the next test starts from the
same committed organisation.
"""

from __future__ import annotations

import pytest

from tests.factories import build_org, standalone_app, workflow_without_other_features_checks
from tracker.extensions import db


@pytest.fixture(autouse=True)
def _workflow_rules_of_its_own(monkeypatch):
    workflow_without_other_features_checks(monkeypatch)


@pytest.fixture(scope="module")
def shared_org(tmp_path_factory):
    with standalone_app(tmp_path_factory.mktemp("shared")):
        yield build_org()


@pytest.fixture
def shared(shared_org):
    """The module's organisation; whatever the test writes is rolled back after it."""
    try:
        yield shared_org
    finally:
        db.session.rollback()
