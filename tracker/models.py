"""Import every model so SQLAlchemy's registry and Alembic see the whole schema."""

from tracker.accounts.models import User, UserSession
from tracker.audit.models import AuditEvent
from tracker.units.models import Unit

__all__ = ["AuditEvent", "Unit", "User", "UserSession"]
