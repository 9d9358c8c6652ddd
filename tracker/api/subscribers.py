"""The API's part in other features' steps: a password change or a disabled account revokes
the user's tokens."""

from __future__ import annotations

from tracker.api import service
from tracker.core.signals import credentials_revoked


@credentials_revoked.connect
def _revoke_tokens(user, *, actor=None, reason: str = "") -> None:
    service.revoke_all(actor, user, reason)
