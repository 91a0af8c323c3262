"""The fund ledger (append-only), donations and disbursement tranches."""

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
    from .fund import Fund
    from .organisation import Organisation
    from .user import User

# What each kind does to the balances (workflow.money.ledger derives them all):
#   donation, refund, repayment_principal, repayment_interest,
#   repayment_damages (a late payer's delay damages)          -> cash in
#   disbursement                                              -> cash out, uses commitment
#   commitment / commitment_release                           -> reserve / free money
#   refund_due                                                -> money the grantee owes back
#   write_off                                                 -> loan principal lost
LEDGER_KINDS = (
    "donation",
    "commitment",
    "commitment_release",
    "disbursement",
    "refund_due",
    "refund",
    "repayment_principal",
    "repayment_interest",
    "write_off",
    "repayment_damages",
)
# Each kind as the fund page and its filter say it.
LEDGER_KIND_LABELS = {
    "donation": N_("Donation"),
    "commitment": N_("Commitment"),
    "commitment_release": N_("Commitment released"),
    "disbursement": N_("Disbursement"),
    "refund_due": N_("Refund due"),
    "refund": N_("Refund"),
    "repayment_principal": N_("Repayment of principal"),
    "repayment_interest": N_("Repayment of interest"),
    "write_off": N_("Write-off"),
    "repayment_damages": N_("Delay damages"),
}


class LedgerEntry(db.Model):
    """One movement of a fund. Amounts are positive whole yen; the kind gives the sign."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(in_list("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("amount_yen > 0", name="amount_positive"),
        # Migration 0007: a fund's balances (sums by kind, this fiscal year's too) from the
        # index alone; the portfolio's disbursements likewise.
        Index("ix_ledger_entries_fund_kind_totals", "fund_id", "kind", "booked_on",
              "amount_yen"),
        Index("ix_ledger_entries_kind_application", "kind", "application_id", "amount_yen"),
        Index("ix_ledger_entries_fund_booked", "fund_id", "booked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    kind: Mapped[str] = mapped_column(String(24))
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    booked_on: Mapped[date] = mapped_column(Date)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"),
                                                       index=True)
    tranche_id: Mapped[int | None] = mapped_column(ForeignKey("tranches.id"))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    repayment_id: Mapped[int | None] = mapped_column(ForeignKey("repayments.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    memo: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    fund: Mapped[Fund] = relationship()
    application: Mapped[Application | None] = relationship()
    actor: Mapped[User | None] = relationship()


DONOR_KINDS = ("alumni_society", "person", "company")


class Donation(db.Model):
    __tablename__ = "donations"
    __table_args__ = (
        CheckConstraint(in_list("donor_kind", DONOR_KINDS), name="donor_kind_known"),
        CheckConstraint("amount_yen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    donor_kind: Mapped[str] = mapped_column(String(20))
    donor_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    donor_name: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    amount_yen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    fund: Mapped[Fund] = relationship()
    donor_organisation: Mapped[Organisation | None] = relationship()


TRANCHE_STATES = ("requested", "released", "cancelled")


class Tranche(db.Model):
    """A disbursement: requested by one finance officer, authorised by another (four eyes)."""

    __tablename__ = "tranches"
    __table_args__ = (
        UniqueConstraint("application_id", "number"),
        CheckConstraint(in_list("state", TRANCHE_STATES), name="state_known"),
        CheckConstraint("amount_yen > 0", name="amount_positive"),
        CheckConstraint("authorised_by_id IS NULL OR authorised_by_id <> requested_by_id",
                        name="four_eyes"),
        CheckConstraint("(state = 'released') = (released_at IS NOT NULL)",
                        name="released_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history on the columns each file's kept sums are keyed on: a change loads the
    # value it replaces, so the sum can take it away (workflow.money.release_totals).
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True,
                                                 active_history=True)
    number: Mapped[int]
    amount_yen: Mapped[int] = mapped_column(BigInteger, active_history=True)
    state: Mapped[str] = mapped_column(String(12), default="requested", active_history=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    authorised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    authorised_by: Mapped[User | None] = relationship(foreign_keys=[authorised_by_id])


class IdempotencyKey(db.Model):
    """A form's one-time key: the same submission twice has one effect.

    A form that creates something remembers what it created (migration 0009), so that the
    second submission can be shown the first one's result.
    """

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    endpoint: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]


class FundTotal(db.Model):
    """The sum of a fund's ledger entries of one kind booked in one fiscal year, kept by
    workflow.money.ledger.post in the transaction of each entry (migration 0021): the
    fund pages and the portfolio read these few rows instead of summing the ledger."""

    __tablename__ = "fund_totals"
    __table_args__ = (
        CheckConstraint(in_list("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("amount_yen >= 0 AND entries >= 0", name="not_negative"),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)
