"""The details of an SME loan: request, assessment, approved terms, schedule, repayments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow

if TYPE_CHECKING:
    from .application import Application
    from .user import User

RISK_GRADES = ("A", "B", "C", "D", "E")
REPAYMENT_METHODS = ("annuity", "equal_principal")
METHOD_LABELS = {"annuity": "Equal instalments", "equal_principal": "Equal principal"}
Rate = Numeric(7, 4)  # annual percent, e.g. 6.2500; Decimal in Python, never float


class LoanDetails(db.Model):
    __tablename__ = "loan_details"
    __table_args__ = (
        CheckConstraint(f"risk_grade IS NULL OR {in_list('risk_grade', RISK_GRADES)}",
                        name="risk_grade_known"),
        CheckConstraint(f"method IS NULL OR {in_list('method', REPAYMENT_METHODS)}",
                        name="method_known"),
        CheckConstraint(
            f"recommended_method IS NULL OR {in_list('recommended_method', REPAYMENT_METHODS)}",
            name="recommended_method_known"),
        CheckConstraint("requested_term_months IS NULL OR requested_term_months > 0",
                        name="requested_term_positive"),
        CheckConstraint("annual_rate IS NULL OR (annual_rate >= 0 AND annual_rate <= 100)",
                        name="rate_range"),
        CheckConstraint("recommended_rate IS NULL OR "
                        "(recommended_rate >= 0 AND recommended_rate <= 100)",
                        name="recommended_rate_range"),
        CheckConstraint("term_months IS NULL OR term_months > 0", name="term_positive"),
        CheckConstraint("grace_months IS NULL OR grace_months >= 0", name="grace_not_negative"),
        # Migration 0011: the portfolio counts loans by investment country from the index.
        Index("ix_loan_details_application_country", "application_id", "investment_country"),
    )

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    investment_country: Mapped[str | None] = mapped_column(String(2))
    project: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    requested_term_months: Mapped[int | None]
    # credit assessment (secretariat)
    risk_grade: Mapped[str | None] = mapped_column(String(1))
    assessment_notes: Mapped[str] = mapped_column(Text, default="")
    recommended_amount_yen: Mapped[int | None] = mapped_column(BigInteger)
    recommended_rate: Mapped[Decimal | None] = mapped_column(Rate)
    recommended_term_months: Mapped[int | None]
    recommended_grace_months: Mapped[int | None]
    recommended_method: Mapped[str | None] = mapped_column(String(16))
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # approved terms (committee chair)
    annual_rate: Mapped[Decimal | None] = mapped_column(Rate)
    term_months: Mapped[int | None]
    grace_months: Mapped[int | None]
    method: Mapped[str | None] = mapped_column(String(16))
    conditions: Mapped[str] = mapped_column(Text, default="")
    # agreement (secretariat)
    agreement_date: Mapped[date | None] = mapped_column(Date)
    agreement_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    first_release_on: Mapped[date | None] = mapped_column(Date)
    # write-off: finance requests, the chair approves
    write_off_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    write_off_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    write_off_reason: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(
        backref=db.backref("loan", uselist=False, cascade="all, delete-orphan"))
    write_off_requested_by: Mapped[User | None] = relationship()


class Instalment(db.Model):
    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("application_id", "number"),
        CheckConstraint("principal_yen >= 0 AND interest_yen >= 0", name="amounts_not_negative"),
        CheckConstraint("paid_principal_yen >= 0 AND paid_principal_yen <= principal_yen",
                        name="paid_principal_range"),
        CheckConstraint("paid_interest_yen >= 0 AND paid_interest_yen <= interest_yen",
                        name="paid_interest_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    principal_yen: Mapped[int] = mapped_column(BigInteger)
    interest_yen: Mapped[int] = mapped_column(BigInteger)
    balance_after_yen: Mapped[int] = mapped_column(BigInteger)
    paid_principal_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_interest_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date)  # when fully paid

    @property
    def due_yen(self) -> int:
        return (self.principal_yen + self.interest_yen
                - self.paid_principal_yen - self.paid_interest_yen)


class Repayment(db.Model):
    __tablename__ = "repayments"
    __table_args__ = (CheckConstraint("amount_yen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    principal_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    bank_reference: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class RepaymentAllocation(db.Model):
    """How much of a repayment went to which instalment (interest before principal)."""

    __tablename__ = "repayment_allocations"
    __table_args__ = (
        CheckConstraint("principal_yen >= 0 AND interest_yen >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repayment_id: Mapped[int] = mapped_column(ForeignKey("repayments.id", ondelete="CASCADE"),
                                              index=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    principal_yen: Mapped[int] = mapped_column(BigInteger)
    interest_yen: Mapped[int] = mapped_column(BigInteger)


