"""User accounts and their server-side login sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import UTCDateTime, utcnow
from tracker.core.permissions import ROLES
from tracker.extensions import db
from tracker.units.models import Unit

#: Where an account's password is checked: Duban's own hash, or the directory (LDAP / AD).
AUTH_SOURCES = ("local", "ldap")
#: The password hash of a directory account: no password ever verifies against it.
NO_LOCAL_PASSWORD = "!directory"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),
        sa.CheckConstraint(f"auth_source IN {AUTH_SOURCES!r}", name="auth_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: Position as written in documents, e.g. 党组书记、局长.
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: The bureau's principal leader (第一责任人); only meaningful for leaders.
    is_principal: Mapped[bool] = mapped_column(nullable=False, default=False)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    #: local: the password is checked against password_hash; ldap: against the directory (the
    #: account was provisioned at its first directory login; no password of it is stored).
    auth_source: Mapped[str] = mapped_column(
        sa.String(10), nullable=False, default="local", server_default="local"
    )
    password_changed_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow
    )
    is_disabled: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: UI language chosen by the user; null means the deployment default.
    locale: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    #: Whether reminder digests are e-mailed to this user (in-app notices always appear).
    is_email_enabled: Mapped[bool] = mapped_column(nullable=False, default=True)
    #: When the daily digest goes out: morning (08:30 sweep) or afternoon (14:00 sweep).
    digest_time: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="morning")
    failed_login_count: Mapped[int] = mapped_column(nullable=False, default=0)
    #: Start of the window in which failed_login_count is counted.
    failed_login_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Set on accounts with a published password (the demo in production): the first login
    #: leads to the password change page and nothing else opens until it is changed.
    must_change_password: Mapped[bool] = mapped_column(
        nullable=False, default=False, server_default=sa.false()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled users cannot log in
        return not self.is_disabled

    @property
    def uses_directory(self) -> bool:
        return self.auth_source == "ldap"

    @property
    def bureau(self) -> Unit:
        """The bureau the user belongs to: the nearest unit of kind "bureau" at or above the
        user's unit. A unit under no bureau (a lone root that is not one) stands for itself."""
        return self.unit.bureau or self.unit

    def to_audit(self) -> dict:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "title": self.title,
            "email": self.email,
            "role": self.role,
            "is_principal": self.is_principal,
            "unit_id": self.unit_id,
            "is_disabled": self.is_disabled,
            "locale": self.locale,
            "is_email_enabled": self.is_email_enabled,
            "digest_time": self.digest_time,
            "auth_source": self.auth_source,
        }

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"


class UserSession(db.Model):
    """One login: the browser holds a random token, the database its hash and timestamps."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    #: SHA-256 of the token in the session cookie (the token itself is never stored).
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: logout, idle, expired, password_changed, disabled, replaced
    end_reason: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)
    ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} ended={self.end_reason}>"


class LoginAttempt(db.Model):
    """One failed or refused login, by typed name and client address (never the password).

    Throttling counts these rows, so it holds across every web worker: a (name, address) pair
    is locked after too many failures, and an address is limited over all names."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_name_ip_at", "username", "ip", "attempted_at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    #: The name as typed (normalised, at most 64 characters), whether or not it exists.
    username: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    ip: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: failure (wrong password or unknown name), locked, throttled
    outcome: Mapped[str] = mapped_column(sa.String(20), nullable=False)


#: What a directory mapping rule matches: the person's unit attribute (TRACKER_LDAP_UNIT_ATTRIBUTE)
#: or one of their groups (TRACKER_LDAP_GROUP_ATTRIBUTE).
RULE_MATCHES = ("department", "group")


class DirectoryRule(db.Model):
    """Where a person found in the directory lands at their first login: the first rule (by
    position, then id) whose value their directory entry carries gives the unit and the role."""

    __tablename__ = "directory_rules"
    __table_args__ = (
        sa.CheckConstraint(f"match IN {RULE_MATCHES!r}", name="match"),
        sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Smaller first; rules of the same position in the order they were added.
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    match: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: The department as the directory writes it, or a group's name (cn) or full DN; compared
    #: without regard to case or surrounding spaces.
    value: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)

    def to_audit(self) -> dict:
        return {
            "position": self.position,
            "match": self.match,
            "value": self.value,
            "unit_id": self.unit_id,
            "role": self.role,
        }

    def __repr__(self) -> str:
        return f"<DirectoryRule {self.id} {self.match}={self.value!r} → {self.role}>"
