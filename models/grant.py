"""The details of a WNF grant proposal: programme, partners, budget, final report."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list, utcnow
from .i18n import N_

if TYPE_CHECKING:
    from .application import Application
    from .organisation import Organisation
    from .user import User

PROGRAMME_TYPES = ("training_course", "seminar", "trainee_exchange", "study_tour")
PROGRAMME_LABELS = {
    "training_course": N_("Training course"),
    "seminar": N_("Seminar"),
    "trainee_exchange": N_("Trainee exchange"),
    "study_tour": N_("Study tour"),
}
FUNDING_SOURCES = ("wnf", "own", "partner")
FUNDING_LABELS = {"wnf": N_("WNF"), "own": N_("Own funds"), "partner": N_("Partner")}


class GrantDetails(db.Model):
    __tablename__ = "grant_details"
    __table_args__ = (
        CheckConstraint(f"programme_type IS NULL OR {in_list('programme_type', PROGRAMME_TYPES)}",
                        name="programme_type_known"),
        Index("ix_grant_details_programme_type", "programme_type"),  # the portfolio's counts
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                        name="ends_after_start"),
        CheckConstraint("expected_participants IS NULL OR expected_participants >= 0",
                        name="participants_not_negative"),
    )

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    # active_history: see Application.kind (workflow.grants.programme_totals)
    programme_type: Mapped[str | None] = mapped_column(String(20), active_history=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    venue_country: Mapped[str | None] = mapped_column(String(2))
    venue_city: Mapped[str] = mapped_column(String(100), default="")
    expected_participants: Mapped[int | None]
    conditions: Mapped[str] = mapped_column(Text, default="")  # set by the chair at approval

    application: Mapped[Application] = relationship(
        backref=db.backref("grant", uselist=False, cascade="all, delete-orphan"))


class GrantPartner(db.Model):
    __tablename__ = "grant_partners"
    __table_args__ = (UniqueConstraint("application_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    organisation: Mapped[Organisation] = relationship()


class ParticipantCountry(db.Model):
    """Expected participants of a proposal by country."""

    __tablename__ = "participant_countries"
    __table_args__ = (
        UniqueConstraint("application_id", "country_code"),
        CheckConstraint("participants >= 0", name="participants_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    participants: Mapped[int]


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint(in_list("funded_by", FUNDING_SOURCES), name="funded_by_known"),
        CheckConstraint("amount_yen >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    funded_by: Mapped[str] = mapped_column(String(8))


class FinalReport(db.Model):
    __tablename__ = "final_reports"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    outcomes: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    unspent_yen: Mapped[int | None] = mapped_column(BigInteger)  # fixed at acceptance

    application: Mapped[Application] = relationship(
        backref=db.backref("report", uselist=False, cascade="all, delete-orphan"))
    participants: Mapped[list[ReportParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="ReportParticipant.country_code")
    expenses: Mapped[list[ReportExpense]] = relationship(
        cascade="all, delete-orphan", order_by="ReportExpense.position")


class ReportParticipant(db.Model):
    """Actual participants by country, as reported after the activity."""

    __tablename__ = "report_participants"
    __table_args__ = (
        UniqueConstraint("report_id", "country_code"),
        CheckConstraint("participants >= 0", name="participants_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("final_reports.application_id", ondelete="CASCADE"), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    participants: Mapped[int]


class ReportExpense(db.Model):
    """Actual expenditure by budget line."""

    __tablename__ = "report_expenses"
    __table_args__ = (
        CheckConstraint(in_list("funded_by", FUNDING_SOURCES), name="funded_by_known"),
        CheckConstraint("amount_yen >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("final_reports.application_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"))
    category: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    funded_by: Mapped[str] = mapped_column(String(8))


class ScreeningCheck(db.Model):
    """One ticked item of the secretariat's screening checklist."""

    __tablename__ = "screening_checks"
    __table_args__ = (UniqueConstraint("application_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(40))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    checked_by: Mapped[User | None] = relationship()


# A loan application carries the company's business plan and latest financial statements
# (migration 0011).
ATTACHMENT_KINDS = ("proposal", "report", "agreement", "business_plan", "financial_statements",
                    "other")


class Attachment(db.Model):
    """An uploaded file, stored under a random name outside the static folder."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(in_list("kind", ATTACHMENT_KINDS), name="kind_known"),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="proposal")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()
