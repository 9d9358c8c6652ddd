"""The Unit model: one node of the organisational tree."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

#: "city" is the level above the bureaus (a city, county or province: the 依法治市办's node); a
#: bureau's nearest-bureau pointer never reaches it, so a user seated at the city node has the
#: whole city as scope (accounts.User.bureau falls back to the unit itself).
UNIT_KINDS = ("city", "bureau", "section", "subordinate")


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        sa.UniqueConstraint("parent_id", "name", name="uq_units_parent_id_name"),
        sa.CheckConstraint(f"kind IN {UNIT_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: Abbreviation and aliases as people write them in documents (e.g. 救助科), comma-separated.
    aliases: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="section")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True)
    #: Materialised path of ids, e.g. "/1/4/": subtree tests are a prefix match.
    path: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="/", index=True)
    #: The nearest ancestor-or-self of kind "bureau" (itself for a bureau); null for a lone root.
    bureau_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Unit.sort_order, Unit.id"
    )
    #: Read only: `bureau_id` is written by the units service. A bureau points at itself, which
    #: the unit of work could not order when the bureau row is flushed with others (a new unit
    #: under it raised CircularDependencyError once tasks gained a second self-reference).
    bureau: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[bureau_id], viewonly=True
    )

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, inclusive."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def depth(self) -> int:
        return max(len(self.ancestor_ids) - 1, 0)

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]

    def contains(self, other: Unit | None) -> bool:
        """True when `other` is this unit or lies below it."""
        return other is not None and other.path.startswith(self.path)

    def to_audit(self) -> dict:
        return {
            "name": self.name,
            "aliases": self.aliases,
            "kind": self.kind,
            "parent_id": self.parent_id,
            "sort_order": self.sort_order,
            "is_active": self.is_active,
        }

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r} {self.kind}>"
