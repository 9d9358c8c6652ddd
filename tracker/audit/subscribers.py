"""What the audit trail records of other features' announcements: refused accesses."""

from __future__ import annotations

from tracker.audit.service import record_denial
from tracker.core.signals import access_denied


@access_denied.connect
def _record_access_denied(user, *, action: str, obj=None) -> None:
    # committed in a transaction of its own: the denial survives the 403's rollback
    record_denial(user, action, obj)
