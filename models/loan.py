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
from .i18n import N_

if TYPE_CHECKING:
    from .application import Application
    from .user import User

RISK_GRADES = ("A", "B", "C", "D", "E")
REPAYMENT_METHODS = ("annuity", "equal_principal")
METHOD_LABELS = {"annuity": N_("Equal instalments (annuity)"),
                 "equal_principal": N_("Equal principal")}
# What a partial prepayment does to the rest of the schedule (workflow.loans.replan).
PREPAYMENT_MODES = ("lower_instalment", "shorter_term")
PREPAYMENT_LABELS = {"lower_instalment": N_("Lower instalments, same maturity"),
                     "shorter_term": N_("Shorter term, same principal per instalment")}
CANCELLATION_STATES = ("proposed", "confirmed", "withdrawn")
Rate = Numeric(7, 4)  # annual percent, e.g. 6.2500; Decimal in Python, never float
# The highest caps of the Interest Rate Restriction Act (workflow.loans.lending_law has them by
# principal; a CHECK cannot see the amount) and the longest term the fund lends for.
MAX_INTEREST = "20"
MAX_DAMAGES = "29.2"
MAX_TERM = 360


def _term_range(column: str) -> str:
    return f"{column} IS NULL OR ({column} > 0 AND {column} <= {MAX_TERM})"


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
        CheckConstraint(_term_range("requested_term_months"), name="requested_term_positive"),
        CheckConstraint(f"annual_rate IS NULL OR (annual_rate >= 0 AND annual_rate <= "
                        f"{MAX_INTEREST})", name="rate_range"),
        CheckConstraint(f"recommended_rate IS NULL OR (recommended_rate >= 0 AND "
                        f"recommended_rate <= {MAX_INTEREST})", name="recommended_rate_range"),
        CheckConstraint(f"damages_rate IS NULL OR (damages_rate >= 0 AND damages_rate <= "
                        f"{MAX_DAMAGES})", name="damages_rate_range"),
        CheckConstraint(_term_range("term_months"), name="term_positive"),
        CheckConstraint(_term_range("recommended_term_months"), name="recommended_term_range"),
        CheckConstraint(f"grace_months IS NULL OR (grace_months >= 0 AND grace_months < "
                        f"{MAX_TERM})", name="grace_not_negative"),
        CheckConstraint(in_list("prepayment_mode", PREPAYMENT_MODES),
                        name="prepayment_mode_known"),
        # Migration 0011: the portfolio counts loans by investment country from the index.
        Index("ix_loan_details_application_country", "application_id", "investment_country"),
    )

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    # active_history: see Application.kind
    investment_country: Mapped[str | None] = mapped_column(String(2), active_history=True)
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
    damages_rate: Mapped[Decimal | None] = mapped_column(Rate)  # delay damages, % a year
    prepayment_mode: Mapped[str] = mapped_column(String(16), default="lower_instalment")
    approved_on: Mapped[date | None] = mapped_column(Date)  # the day decide approved it
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
        CheckConstraint("interest_accrued_yen >= 0 AND interest_accrued_yen <= interest_yen",
                        name="interest_accrued_range"),
        CheckConstraint("damages_yen >= 0 AND paid_damages_yen >= 0",
                        name="damages_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    principal_yen: Mapped[int] = mapped_column(BigInteger)
    interest_yen: Mapped[int] = mapped_column(BigInteger)
    damages_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    balance_after_yen: Mapped[int] = mapped_column(BigInteger)
    paid_principal_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_interest_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date)  # when fully paid
    # The period's interest before a release or prepayment changed the balance within it
    # (workflow.loans.accrual): interest_accrued_yen for the days before interest_accrued_to.
    interest_accrued_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_accrued_to: Mapped[date | None] = mapped_column(Date)
    # Delay damages reckoned through damages_to (None: none yet), and how much was paid.
    damages_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    damages_to: Mapped[date | None] = mapped_column(Date)
    paid_damages_yen: Mapped[int] = mapped_column(BigInteger, default=0)

    @property
    def due_yen(self) -> int:
        return (self.principal_yen + self.interest_yen
                - self.paid_principal_yen - self.paid_interest_yen)


class Repayment(db.Model):
    __tablename__ = "repayments"
    __table_args__ = (CheckConstraint("amount_yen > 0", name="amount_positive"),
                      CheckConstraint("damages_yen >= 0", name="damages_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    principal_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    damages_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    bank_reference: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()


class RepaymentAllocation(db.Model):
    """How much of a repayment went to which instalment (damages, interest, principal)."""

    __tablename__ = "repayment_allocations"
    __table_args__ = (
        CheckConstraint("principal_yen >= 0 AND interest_yen >= 0", name="amounts_not_negative"),
        CheckConstraint("damages_yen >= 0", name="damages_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    repayment_id: Mapped[int] = mapped_column(ForeignKey("repayments.id", ondelete="CASCADE"),
                                              index=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), index=True)
    principal_yen: Mapped[int] = mapped_column(BigInteger)
    interest_yen: Mapped[int] = mapped_column(BigInteger)
    damages_yen: Mapped[int] = mapped_column(BigInteger, default=0)


class UndrawnCancellation(db.Model):
    """Part of an approved loan not yet drawn, given up: one finance officer proposes,
    another confirms (workflow.loans.undrawn); the confirmation gives the reservation back."""

    __tablename__ = "undrawn_cancellations"
    __table_args__ = (
        CheckConstraint(in_list("state", CANCELLATION_STATES), name="state_known"),
        CheckConstraint("amount_yen > 0", name="amount_positive"),
        CheckConstraint("state <> 'confirmed' OR decided_by_id <> proposed_by_id",
                        name="four_eyes"),
        CheckConstraint("(state = 'proposed') = (decided_at IS NULL)", name="decided_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: see Tranche.state (workflow.money.release_totals)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True,
                                                 active_history=True)
    amount_yen: Mapped[int] = mapped_column(BigInteger, active_history=True)
    reason: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(12), default="proposed", active_history=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_on: Mapped[date | None] = mapped_column(Date)  # the business day it took effect

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
