"""The inspection ledgers beyond the task records: 行政执法 and 案卷评查, 普法, 述法, 合同审查 and
the annual report's 报送 and 公开. Each is a record kind under `records` (see models.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.records.base import Record, record_id
from tracker.units.models import Unit

#: 执法类别: 行政处罚 / 行政许可 / 行政强制 / 行政检查 / 其他.
ENFORCEMENT_ACTIONS = ("penalty", "licensing", "coercion", "inspection", "other")
#: 普法形式.
PUFA_FORMS = (
    "lecture",
    "street_consultation",
    "media",
    "online",
    "exhibition",
    "training",
    "outreach",
    "other",
)
#: 述法场合.
LAW_REPORT_FORUMS = (
    "party_group_meeting",
    "annual_review",
    "superior_review",
    "staff_meeting",
    "written",
)
#: 述法评议等次 ("" while not yet evaluated).
LAW_REPORT_EVALUATIONS = ("excellent", "good", "fair", "poor")
GOOD_EVALUATIONS = ("excellent", "good")
#: 合同审查结论 ("" while not reviewed).
CONTRACT_CONCLUSIONS = ("lawful", "lawful_after_revision", "unlawful")
#: 报送 (to the party committee, government, higher authority) or 公开 (to the public).
DELIVERY_KINDS = ("submitted", "published")


class EnforcementCase(Record):
    """行政执法案件 with the 三项制度: 公示 (事前/事中/事后), 全过程记录, 重大执法决定法制审核."""

    __tablename__ = "enforcement_cases"
    __mapper_args__ = {"polymorphic_identity": "enforcement_case"}

    id: Mapped[int] = record_id()
    case_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: 当事人.
    party: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: 案由 / 事项.
    matter: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    action_kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="penalty")
    #: The officers who handled the case, with their certificate numbers.
    officers: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: Every officer who handled the case held a valid 执法证 (持证执法).
    is_officers_certified: Mapped[bool] = mapped_column(nullable=False, default=False)
    opened_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    decided_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    decision: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: 事前公示: the body, powers, basis, procedure and remedies were published beforehand.
    is_pre_publicized: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: 事中公示: the officers showed their certificates (亮证执法) and told the party their rights.
    is_id_shown: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: 事后公示: when the decision was published.
    published_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: 全过程记录: the whole procedure is recorded in writing or audio-visually.
    is_fully_recorded: Mapped[bool] = mapped_column(nullable=False, default=False)
    #: 重大执法决定: the decision needs the legal office's review (法制审核) first.
    is_major: Mapped[bool] = mapped_column(nullable=False, default=False)
    legal_review_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    legal_reviewer: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    legal_review_opinion: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    @property
    def is_decided(self) -> bool:
        return self.decided_on is not None

    @property
    def is_reviewed_before_decision(self) -> bool:
        return (
            self.legal_review_on is not None
            and self.decided_on is not None
            and self.legal_review_on <= self.decided_on
        )


class CaseFileReview(Record):
    """执法案卷评查: one enforcement file scored by the reviewers."""

    __tablename__ = "case_file_reviews"
    __mapper_args__ = {"polymorphic_identity": "case_file_review"}

    id: Mapped[int] = record_id()
    #: The file reviewed: its case number and matter.
    reviewed_case: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    reviewed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    reviewers: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: Score out of 100.
    score: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1), nullable=False)
    #: The score a file needs to pass (合格).
    pass_mark: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1), nullable=False, default=60)
    problems: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    rectified_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    @property
    def is_passed(self) -> bool:
        return self.score >= self.pass_mark

    @property
    def grade(self) -> str:
        """excellent (≥ 90) / passed / failed, from the score."""
        if not self.is_passed:
            return "failed"
        return "excellent" if self.score >= 90 else "passed"


class PufaDuty(Record):
    """谁执法谁普法责任清单: one item of the list and the unit responsible for it."""

    __tablename__ = "pufa_duties"
    __mapper_args__ = {"polymorphic_identity": "pufa_duty"}

    id: Mapped[int] = record_id()
    item: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: The laws and regulations the item publicises.
    laws: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    audience: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    measures: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    responsible_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), nullable=False)
    listed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)

    responsible_unit: Mapped[Unit] = relationship(foreign_keys=[responsible_unit_id])
    activities: Mapped[list[PufaActivity]] = relationship(
        back_populates="duty",
        foreign_keys="PufaActivity.duty_id",
        order_by="PufaActivity.held_on",
    )

    def activities_by(self, day: date) -> list[PufaActivity]:
        """The live activities held under this item on or before `day`."""
        return [a for a in self.activities if not a.is_void and a.held_on <= day]


class PufaActivity(Record):
    """普法活动: date, form, audience count, and the list item it carries out."""

    __tablename__ = "pufa_activities"
    __mapper_args__ = {"polymorphic_identity": "pufa_activity"}

    id: Mapped[int] = record_id()
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    activity_form: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="other")
    location: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    audience_count: Mapped[int | None] = mapped_column(nullable=True)
    duty_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pufa_duties.id"), nullable=True, index=True
    )

    duty: Mapped[PufaDuty | None] = relationship(
        back_populates="activities", foreign_keys=[duty_id]
    )


class LawReport(Record):
    """述法: a leader reports how they performed their rule-of-law duties, and is evaluated."""

    __tablename__ = "law_reports"
    __mapper_args__ = {"polymorphic_identity": "law_report"}

    id: Mapped[int] = record_id()
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    forum: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    speaker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True)
    speaker_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    speaker_title: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    topic: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: Who evaluated (评议主体), e.g. 市委依法治市办.
    evaluated_by: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: One of LAW_REPORT_EVALUATIONS, or "" while not evaluated.
    evaluation: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="")
    comments: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    speaker: Mapped[User | None] = relationship(foreign_keys=[speaker_id])

    @property
    def speaker_label(self) -> str:
        name = self.speaker.display_name if self.speaker else self.speaker_name
        return f"{name}（{self.speaker_title}）" if self.speaker_title else name


class ContractReview(Record):
    """合同合法性审查: a contract the bureau signs, and its legality review."""

    __tablename__ = "contract_reviews"
    __mapper_args__ = {"polymorphic_identity": "contract_review"}

    id: Mapped[int] = record_id()
    contract_title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    counterparty: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: Contract amount in yuan.
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2), nullable=True)
    drafting_unit: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    received_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    reviewed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    reviewer: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    #: One of CONTRACT_CONCLUSIONS, or "" while not reviewed.
    conclusion: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="")
    opinion: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    signed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    @property
    def is_reviewed_before_signing(self) -> bool:
        return (
            self.reviewed_on is not None
            and self.signed_on is not None
            and self.reviewed_on <= self.signed_on
        )


class ReportDelivery(Record):
    """报送 or 公开 of the annual rule-of-law report: to whom or where, when, and the receipt."""

    __tablename__ = "report_deliveries"
    __mapper_args__ = {"polymorphic_identity": "report_delivery"}

    id: Mapped[int] = record_id()
    delivery_kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: The year the report is about.
    report_year: Mapped[int] = mapped_column(nullable=False)
    #: 报送对象 (e.g. 市委全面依法治市委员会办公室) or 公开渠道 (e.g. 忻州市民政局门户网站).
    recipient: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    delivered_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: 回执: the receipt's number or who signed for it.
    receipt: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    receipt_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    published_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")

    @property
    def publication_deadline(self) -> date:
        """公开 by 1 April of the next year (法治政府建设与责任落实督察工作规定)."""
        return date(self.report_year + 1, 4, 1)


COMPLIANCE_MODELS: dict[str, type[Record]] = {
    "enforcement_case": EnforcementCase,
    "case_file_review": CaseFileReview,
    "pufa_duty": PufaDuty,
    "pufa_activity": PufaActivity,
    "law_report": LawReport,
    "contract_review": ContractReview,
    "report_delivery": ReportDelivery,
}
