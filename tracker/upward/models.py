"""A bureau's annual report as submitted to the city office, and the assessment schemes and
scores of the city.

A scheme is never changed once saved: editing it saves a new version, and the scores keep
pointing at the version they were made under, so old results stay what they were.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.units.models import Unit

#: 已报送 (waiting for review), 退回修改, 已接收.
SUBMISSION_STATUSES = ("submitted", "returned", "accepted")


class ReportSubmission(db.Model):
    """One bureau's report of one year as sent upward: the files frozen at (re)submission."""

    __tablename__ = "report_submissions"
    __table_args__ = (
        sa.UniqueConstraint("bureau_id", "year", name="uq_report_submissions_bureau_id_year"),
        sa.CheckConstraint(f"status IN {SUBMISSION_STATUSES!r}", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    #: The year the report is about (submitted by 31 March of the next year).
    year: Mapped[int] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="submitted")
    #: 报送回执号, e.g. 忻依法治办收〔2021〕3号: numbered in order within the city and year.
    receipt_serial: Mapped[int] = mapped_column(nullable=False)
    #: How many times it was sent (1 the first time; a resubmission after 退回 adds one).
    round: Mapped[int] = mapped_column(nullable=False, default=1)
    first_submitted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    submitted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: The report as sent: [{"name", "sha256", "size"}], blobs in the evidence store.
    files: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    review_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    reviewed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    #: 公开: where the bureau published it (its website's column), the link, the day.
    published_where: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    published_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    published_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    bureau: Mapped[Unit] = relationship(foreign_keys=[bureau_id])
    city: Mapped[Unit] = relationship(foreign_keys=[city_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def unit(self) -> Unit:  # permission scope: the bureau's
        return self.bureau

    @property
    def receipt_number(self) -> str:
        return f"依法治办收〔{self.year + 1}〕{self.receipt_serial}号"

    def to_audit(self) -> dict:
        return {
            "bureau_id": self.bureau_id,
            "year": self.year,
            "status": self.status,
            "round": self.round,
            "receipt": self.receipt_number,
            "submitted_on": self.submitted_on.isoformat(),
            "files": self.files,
            "review_note": self.review_note,
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "published_where": self.published_where,
            "published_url": self.published_url,
            "published_on": self.published_on.isoformat() if self.published_on else None,
        }

    def __repr__(self) -> str:
        return f"<ReportSubmission {self.id} bureau={self.bureau_id} {self.year} {self.status}>"


class AssessmentScheme(db.Model):
    """One version of a city's 考核 scheme for a year: its indicators as data (see
    upward.scoring.INDICATOR_KINDS), never edited once saved."""

    __tablename__ = "assessment_schemes"
    __table_args__ = (
        sa.UniqueConstraint("city_id", "year", "version", name="uq_assessment_schemes_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False)
    year: Mapped[int] = mapped_column(nullable=False)
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: [{"key", "name", "kind", "weight", ...the kind's parameters}]
    indicators: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    city: Mapped[Unit] = relationship()

    @property
    def unit(self) -> Unit:
        return self.city

    def to_audit(self) -> dict:
        return {
            "city_id": self.city_id,
            "year": self.year,
            "version": self.version,
            "title": self.title,
            "indicators": self.indicators,
        }

    def __repr__(self) -> str:
        return f"<AssessmentScheme {self.id} {self.year} v{self.version}>"


class AssessmentScore(db.Model):
    """A bureau's score on one indicator of one scheme version: computed, or given by hand."""

    __tablename__ = "assessment_scores"
    __table_args__ = (
        sa.UniqueConstraint(
            "scheme_id", "bureau_id", "indicator", name="uq_assessment_scores_indicator"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment_schemes.id", ondelete="CASCADE"), nullable=False
    )
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    indicator: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: The measured value (a rate in %, a count), None for a manual item.
    measured: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    score: Mapped[float] = mapped_column(sa.Float, nullable=False, default=0)
    is_manual: Mapped[bool] = mapped_column(nullable=False, default=False)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    evidence: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    scored_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)

    scheme: Mapped[AssessmentScheme] = relationship()
    bureau: Mapped[Unit] = relationship()

    @property
    def unit(self) -> Unit:
        return self.bureau

    def to_audit(self) -> dict:
        return {
            "scheme_id": self.scheme_id,
            "bureau_id": self.bureau_id,
            "indicator": self.indicator,
            "measured": self.measured,
            "score": self.score,
            "is_manual": self.is_manual,
            "note": self.note,
            "evidence": self.evidence,
        }
