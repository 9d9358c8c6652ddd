"""Record kinds of the ledger, as one joined-table hierarchy under `records`.

Every record belongs to a task (and so to its plan, year and unit), carries the one date the
ledger sorts by (`occurred_on`) and can be voided (作废) with a reason but never deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.records.base import RECORD_KINDS, Record, record_id
from tracker.records.compliance_models import COMPLIANCE_MODELS
from tracker.units.models import Unit

__all__ = ["RECORD_KINDS", "Record"]  # defined in base.py, imported from here by the features

REVIEW_CONCLUSIONS = ("lawful", "lawful_after_revision", "unlawful")
CONSULTATION_CATEGORIES = (
    "litigation",
    "reconsideration",
    "petition",
    "document_drafting",
    "major_decision",
    "contract",
    "other",
)
INSPECTION_KINDS = ("random", "special", "joint")
DECISION_STEPS = (
    "public_participation",
    "expert_review",
    "risk_assessment",
    "legality_review",
    "collective_discussion",
)
#: 行政复议决定: 维持 / 撤销 / 变更 / 确认违法 / 驳回 / 终止 ("" while undecided).
RECONSIDERATION_OUTCOMES = (
    "upheld",
    "revoked",
    "altered",
    "confirmed_unlawful",
    "rejected",
    "terminated",
)
#: The outcomes that correct the bureau's act (纠错).
CORRECTING_OUTCOMES = ("revoked", "altered", "confirmed_unlawful")
#: 行政诉讼裁判结果 ("" while pending).
JUDGMENTS = (
    "claim_rejected",
    "suit_dismissed",
    "withdrawn",
    "mediated",
    "revoked",
    "altered",
    "confirmed_unlawful",
    "ordered_to_act",
    "compensation",
)
#: The judgments in which the bureau loses (败诉).
LOSING_JUDGMENTS = ("revoked", "altered", "confirmed_unlawful", "ordered_to_act", "compensation")
COURT_INSTANCES = ("first", "second", "retrial")
STUDY_KINDS = (
    "center_group",
    "party_group_meeting",
    "collective_study",
    "seminar",
    "theme_day",
    "lecture",
    "training",
)


class DocumentReview(Record):
    """规范性文件合法性审查: one normative document checked for legality."""

    __tablename__ = "document_reviews"
    __mapper_args__ = {"polymorphic_identity": "document_review"}

    id: Mapped[int] = record_id()
    document_title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    drafting_unit: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: On whose behalf it was drafted, e.g. 代市委、市政府起草.
    on_behalf_of: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    received_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    reviewed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    reviewer: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    conclusion: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    opinion: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    published_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    published_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: 备案: filed for the record with the higher authority.
    is_filed: Mapped[bool] = mapped_column(nullable=False, default=False)
    filed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    @property
    def is_published(self) -> bool:
        return self.published_on is not None or bool(self.published_url)


class Certification(Record):
    """执法证: an enforcement officer's certificate."""

    __tablename__ = "certifications"
    __mapper_args__ = {"polymorphic_identity": "certification"}

    id: Mapped[int] = record_id()
    holder_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    holder_name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    certificate_number: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    enforcement_field: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    exam_passed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    issued_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    expires_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    revoked_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    revoke_reason: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")

    holder_user: Mapped[User | None] = relationship(foreign_keys=[holder_user_id])

    def status_on(self, day: date) -> str:
        """valid / expired / revoked, derived from the dates (never stored)."""
        if self.revoked_on is not None and self.revoked_on <= day:
            return "revoked"
        if self.expires_on is not None and self.expires_on < day:
            return "expired"
        return "valid"


class LegalAdvisor(db.Model):
    """法律顾问: the bureau's contract with a law firm or lawyer."""

    __tablename__ = "legal_advisors"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False, index=True)
    firm: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    person: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    contract_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    contract_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: Annual fee in yuan.
    fee: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    bureau: Mapped[Unit] = relationship()

    @property
    def unit(self) -> Unit:
        return self.bureau

    @property
    def label(self) -> str:
        return f"{self.firm} {self.person}".strip()

    def to_audit(self) -> dict:
        return {
            "firm": self.firm,
            "person": self.person,
            "contract_start": self.contract_start.isoformat(),
            "contract_end": self.contract_end.isoformat(),
            "fee": str(self.fee) if self.fee is not None else None,
        }

    def __repr__(self) -> str:
        return f"<LegalAdvisor {self.id} {self.label!r}>"


class Consultation(Record):
    """咨询: one matter put to the legal advisor."""

    __tablename__ = "consultations"
    __mapper_args__ = {"polymorphic_identity": "consultation"}

    id: Mapped[int] = record_id()
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("legal_advisors.id"), nullable=False)
    consulted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    matter: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="other")
    advice: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    is_adopted: Mapped[bool] = mapped_column(nullable=False, default=True)

    advisor: Mapped[LegalAdvisor] = relationship()


class Inspection(Record):
    """检查 (双随机一公开 / 专项 / 联合) and its rectification."""

    __tablename__ = "inspections"
    __mapper_args__ = {"polymorphic_identity": "inspection"}

    id: Mapped[int] = record_id()
    target_organisation: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    inspection_kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="random")
    planned_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    inspectors: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    findings: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    problem_count: Mapped[int] = mapped_column(nullable=False, default=0)
    rectification_due: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    rectified_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)


class Decision(Record):
    """重大行政决策 and its five statutory steps."""

    __tablename__ = "decisions"
    __mapper_args__ = {"polymorphic_identity": "decision"}

    id: Mapped[int] = record_id()
    decision_title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    decided_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    steps: Mapped[list[DecisionStep]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionStep.id"
    )

    def step(self, name: str) -> DecisionStep | None:
        return next((s for s in self.steps if s.step == name), None)

    @property
    def open_steps(self) -> list[str]:
        """Steps neither done nor excused."""
        return [
            name for name in DECISION_STEPS if not (self.step(name) and self.step(name).is_settled)
        ]


#: Which of the decision's evidence proves which statutory step.
decision_step_evidence = sa.Table(
    "decision_step_evidence",
    db.metadata,
    sa.Column("step_id", sa.ForeignKey("decision_steps.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("evidence_id", sa.ForeignKey("evidence.id"), primary_key=True),
)


class DecisionStep(db.Model):
    __tablename__ = "decision_steps"
    __table_args__ = (
        sa.UniqueConstraint("decision_id", "step", name="uq_decision_steps_decision_id_step"),
        sa.CheckConstraint(f"step IN {DECISION_STEPS!r}", name="step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False
    )
    step: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    done_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: Why the step does not apply to this decision (recorded instead of a date).
    not_applicable_reason: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")

    decision: Mapped[Decision] = relationship(back_populates="steps")
    evidence: Mapped[list[Evidence]] = relationship(  # noqa: F821 - tracker.evidence.models
        "Evidence", secondary=decision_step_evidence, order_by="Evidence.id"
    )

    @property
    def is_settled(self) -> bool:
        return self.done_on is not None or bool(self.not_applicable_reason.strip())


class StudySession(Record):
    """学法 / 会议: a study session or meeting, e.g. 党组中心组学法."""

    __tablename__ = "study_sessions"
    __mapper_args__ = {"polymorphic_identity": "study_session"}

    id: Mapped[int] = record_id()
    session_kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    topic: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    chaired_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    chaired_by_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    attendees: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    attendee_count: Mapped[int | None] = mapped_column(nullable=True)

    chaired_by: Mapped[User | None] = relationship(foreign_keys=[chaired_by_id])


class Metric(Record):
    """指标: a figure the report cites, with its baseline (e.g. 低保标准 2286→4778 元)."""

    __tablename__ = "metrics"
    __mapper_args__ = {"polymorphic_identity": "metric"}

    id: Mapped[int] = record_id()
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    measure: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4), nullable=False)
    as_of: Mapped[date] = mapped_column(sa.Date, nullable=False)
    baseline_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4), nullable=True)
    baseline_year: Mapped[int | None] = mapped_column(nullable=True)


class Reconsideration(Record):
    """行政复议: a case in which an act of the bureau is challenged before the 复议机关."""

    __tablename__ = "reconsiderations"
    __mapper_args__ = {"polymorphic_identity": "reconsideration"}

    id: Mapped[int] = record_id()
    case_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    applicant: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: 复议机关, e.g. 忻州市人民政府.
    reconsideration_body: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: The bureau's act under challenge (被申请复议的行政行为).
    contested_act: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: When the bureau filed its answer (答复) and the evidence for its act.
    answered_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    decided_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: One of RECONSIDERATION_OUTCOMES, or "" while the case is open.
    outcome: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    #: What the bureau did to correct its act after a 纠错 decision.
    correction: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    corrected_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)

    @property
    def is_corrective(self) -> bool:
        """纠错: the act was revoked, altered or confirmed unlawful."""
        return self.outcome in CORRECTING_OUTCOMES


class Litigation(Record):
    """行政应诉: a lawsuit in which the bureau is the defendant."""

    __tablename__ = "litigations"
    __mapper_args__ = {"polymorphic_identity": "litigation"}

    id: Mapped[int] = record_id()
    case_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    plaintiff: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    court: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: 案由, e.g. 婚姻登记行政确认.
    cause: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    instance: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="first")
    #: When the bureau received the statement of claim (收到起诉状副本).
    served_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    hearing_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Later hearing dates, as written (e.g. 2026-06-03；2026-07-15).
    further_hearings: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: 负责人出庭应诉: the bureau's head (or a deputy head) appeared at the hearing.
    head_appeared: Mapped[bool] = mapped_column(nullable=False, default=False)
    head_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    judged_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: One of JUDGMENTS, or "" while the case is pending.
    judgment: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    #: 司法建议 the court sent the bureau, and how it was answered.
    judicial_suggestion: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    suggestion_follow_up: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    suggestion_replied_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    @property
    def is_judged(self) -> bool:
        return bool(self.judgment)

    @property
    def is_lost(self) -> bool:
        """败诉: the court ruled against the bureau's act."""
        return self.judgment in LOSING_JUDGMENTS

    @property
    def has_suggestion(self) -> bool:
        return bool(self.judicial_suggestion.strip())


MODELS: dict[str, type[Record]] = {
    "document_review": DocumentReview,
    "certification": Certification,
    "consultation": Consultation,
    "inspection": Inspection,
    "decision": Decision,
    "study_session": StudySession,
    "metric": Metric,
    "reconsideration": Reconsideration,
    "litigation": Litigation,
}

MODELS.update(COMPLIANCE_MODELS)
