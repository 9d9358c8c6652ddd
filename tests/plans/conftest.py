"""Plans tests run the task workflow with only its own rules (see tests/factories.py)."""

import pytest

from tests.factories import workflow_without_other_features_checks


@pytest.fixture(autouse=True)
def _workflow_rules_of_its_own(monkeypatch):
    workflow_without_other_features_checks(monkeypatch)
