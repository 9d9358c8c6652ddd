"""The evidence feature's answers to other features: what proves a record."""

from __future__ import annotations

from tracker.core.signals import record_evidence
from tracker.evidence.queries import evidence_for


@record_evidence.connect
def _evidence_of_record(record) -> list:
    return evidence_for(record)
